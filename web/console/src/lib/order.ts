import type { Plan, PlanPrice } from "@certsvc/client";

/** approverEmails lists the addresses a CA accepts for a name: admin@, administrator@, hostmaster@, postmaster@, webmaster@ of the name and of its parent domains. */
export function approverEmails(name: string): string[] {
  const n = name.trim().toLowerCase().replace(/^\*\./, "").replace(/\.$/, "");
  if (!n.includes(".")) return [];
  const labels = n.split(".");
  const out: string[] = [];
  for (let i = 0; i <= labels.length - 2; i++) {
    const d = labels.slice(i).join(".");
    for (const box of ["admin", "administrator", "hostmaster", "postmaster", "webmaster"]) out.push(`${box}@${d}`);
  }
  return out;
}

export function planPrice(plan: Plan, months: number, currency: string): PlanPrice | undefined {
  return plan.prices.find((p) => p.periodMonths === months && p.currency === currency);
}

/** extraSlots is how many extra-name slots an order of names on plan needs (the server's rule: names beyond max(included, 1)). */
export function extraSlots(plan: Plan, names: number): number {
  return Math.max(0, names - Math.max(plan.includedNames, 1));
}

export function orderPrice(price: PlanPrice, slots: number): bigint {
  return price.amountMinor + BigInt(slots) * price.extraNameAmountMinor;
}
