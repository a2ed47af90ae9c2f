import { describe, expect, it } from "vitest";
import { firstPage, nextPage, prevPage, tokenOf } from "./tokenpages";

describe("paging by page token", () => {
  it("goes forward with each page's next token and back with the tokens seen", () => {
    let s = firstPage;
    expect(tokenOf(s)).toBe("");
    s = nextPage(s, "t2");
    expect([s.page, tokenOf(s)]).toEqual([2, "t2"]);
    s = nextPage(s, "t3");
    expect([s.page, tokenOf(s)]).toEqual([3, "t3"]);
    s = prevPage(prevPage(s));
    expect([s.page, tokenOf(s)]).toEqual([1, ""]);
    expect(prevPage(s)).toBe(s);
  });
  it("stays on the last page when there is no next token", () => {
    const s = nextPage(firstPage, "t2");
    expect(nextPage(s, "")).toBe(s);
  });
  it("forgets pages beyond the one left when the list moved on", () => {
    let s = nextPage(nextPage(firstPage, "a"), "b");
    s = prevPage(s);
    s = nextPage(s, "b2"); // page 2 now hands on another token
    expect(s.tokens).toEqual(["", "a", "b2"]);
  });
});
