import { expect, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";

/** axe fails the test on any serious or critical accessibility violation of the page as it is. */
export async function axe(page: Page, what: string) {
  const r = await new AxeBuilder({ page }).analyze();
  const bad = r.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${what}: ${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

/** signIn logs in through the login page and waits for the certificate list. */
export async function signIn(page: Page, user: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("Login").fill(user);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Certificates", level: 1 })).toBeVisible();
}
