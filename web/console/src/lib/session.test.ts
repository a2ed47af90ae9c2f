import { describe, expect, it } from "vitest";
import { adoptHandoff, session } from "./session";

describe("key login handoff", () => {
  it("takes the session from #session= and removes it from the address", () => {
    session.set("old-token");
    history.replaceState(null, "", "/certificates#session=cs_s_abc%2Bdef");
    expect(adoptHandoff()).toBe(true);
    expect(session.token()).toBe("cs_s_abc+def");
    expect(location.hash).toBe("");
    expect(location.pathname).toBe("/certificates");
  });
  it("leaves the session alone without a handoff", () => {
    session.set("mine");
    history.replaceState(null, "", "/#other=1");
    expect(adoptHandoff()).toBe(false);
    expect(session.token()).toBe("mine");
  });
});
