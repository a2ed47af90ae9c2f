import { afterEach, describe, expect, it } from "vitest";
import { shellScript } from "./shell";
import { translate } from "./i18n";

function run(path: string) {
  history.replaceState(null, "", path);
  document.body.innerHTML = '<div id="root"></div>';
  new Function(shellScript())();
  return document.getElementById("root")!;
}

describe("shellScript", () => {
  afterEach(() => localStorage.clear());

  it("draws the list's frame for a signed-in user on the list", () => {
    localStorage.setItem("certsvc.token", "t");
    localStorage.setItem("certsvc.locale", "en");
    for (const path of ["/", "/certificates"]) {
      const root = run(path);
      expect(root.querySelector("h1")?.textContent).toBe(translate("en", "certs.title"));
      expect(root.querySelector("header .brand")?.textContent).toBe("certsvc");
      expect(root.querySelector('[role="status"]')?.textContent).toBe(translate("en", "common.loading"));
    }
  });

  it("speaks the saved language", () => {
    localStorage.setItem("certsvc.token", "t");
    localStorage.setItem("certsvc.locale", "ru");
    const root = run("/certificates");
    expect(root.querySelector("h1")?.textContent).toBe("Сертификаты");
    expect(document.documentElement.lang).toBe("ru");
  });

  it("draws nothing without a session or on another page", () => {
    expect(run("/certificates").innerHTML).toBe("");
    localStorage.setItem("certsvc.token", "t");
    expect(run("/login").innerHTML).toBe("");
    expect(run("/certificates/12").innerHTML).toBe("");
    expect(run("/order").innerHTML).toBe("");
  });
});
