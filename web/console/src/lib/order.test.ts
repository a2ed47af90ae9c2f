import { describe, expect, it } from "vitest";
import { create } from "@bufbuild/protobuf";
import { PlanSchema } from "@certsvc/client";
import { approverEmails, billableNames, extraSlots, orderPrice, planPrice } from "./order";

const plan = create(PlanSchema, {
  id: 3033n,
  includedNames: 3,
  multiDomain: true,
  prices: [
    { periodMonths: 12, currency: "RUB", amountMinor: 100000n, extraNameAmountMinor: 25000n },
    { periodMonths: 24, currency: "RUB", amountMinor: 180000n, extraNameAmountMinor: 45000n },
  ],
});

describe("order rules", () => {
  it("offers the approver mailboxes of the name and its parents", () => {
    expect(approverEmails("www.example.com")).toEqual([
      "admin@www.example.com",
      "administrator@www.example.com",
      "hostmaster@www.example.com",
      "postmaster@www.example.com",
      "webmaster@www.example.com",
      "admin@example.com",
      "administrator@example.com",
      "hostmaster@example.com",
      "postmaster@example.com",
      "webmaster@example.com",
    ]);
    expect(approverEmails("*.Example.com.")[0]).toBe("admin@example.com");
    expect(approverEmails("localhost")).toEqual([]);
  });
  it("counts extra-name slots beyond the included names and prices them", () => {
    const n = (k: number) => Array.from({ length: k }, (_, i) => `n${i}.example.com`);
    expect(extraSlots(plan, n(1))).toBe(0);
    expect(extraSlots(plan, n(3))).toBe(0);
    expect(extraSlots(plan, n(5))).toBe(2);
    expect(extraSlots(create(PlanSchema, { includedNames: 0 }), n(2))).toBe(1);
    const p = planPrice(plan, 24, "RUB")!;
    expect(orderPrice(p, 2)).toBe(270000n);
    expect(planPrice(plan, 36, "RUB")).toBeUndefined();
    expect(planPrice(plan, 12, "USD")).toBeUndefined();
  });
  it("counts www and the bare domain once where the plan covers both, and a repeated name once", () => {
    const wb = create(PlanSchema, { includedNames: 1, multiDomain: true, wwwAndBare: true });
    expect(billableNames(wb, ["www.example.com", "example.com"])).toBe(1);
    expect(extraSlots(wb, ["www.example.com", "example.com"])).toBe(0);
    expect(extraSlots(wb, ["www.example.com", "example.com", "shop.example.com"])).toBe(1);
    expect(extraSlots(wb, ["www.example.com", "www.other.com"])).toBe(1);
    // Without the rule, www is a name of its own.
    expect(extraSlots(create(PlanSchema, { includedNames: 1, multiDomain: true }), ["www.example.com", "example.com"])).toBe(1);
    expect(billableNames(plan, ["a.example.com", "A.example.com.", " a.example.com"])).toBe(1);
  });
});
