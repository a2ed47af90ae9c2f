import { describe, expect, it } from "vitest";
import { pairsText, parsePairs } from "./Modules";

describe("module settings as text", () => {
  it("writes a module's settings as the lines the form reads back", () => {
    const m = { url: "https://ca.example/billmgr", login: "reseller", note: "a=b" };
    const text = pairsText(m);
    expect(text).toBe("login=reseller\nnote=a=b\nurl=https://ca.example/billmgr");
    expect(parsePairs(text)).toEqual(m);
  });
});
