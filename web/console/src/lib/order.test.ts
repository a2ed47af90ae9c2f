import { describe, expect, it } from "vitest";
import { create } from "@bufbuild/protobuf";
import { PlanSchema } from "@certsvc/client";
import { approverEmails, extraSlots, orderPrice, planPrice } from "./order";

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
    expect(extraSlots(plan, 1)).toBe(0);
    expect(extraSlots(plan, 3)).toBe(0);
    expect(extraSlots(plan, 5)).toBe(2);
    expect(extraSlots(create(PlanSchema, { includedNames: 0 }), 2)).toBe(1);
    const p = planPrice(plan, 24, "RUB")!;
    expect(orderPrice(p, 2)).toBe(270000n);
    expect(planPrice(plan, 36, "RUB")).toBeUndefined();
    expect(planPrice(plan, 12, "USD")).toBeUndefined();
  });
});
