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

/**
 * billableNames counts the names of an order as the server does: duplicates
 * (by case and a final dot) once, and on a plan that covers www and the bare
 * domain together, www.X not at all when X is among the names.
 */
export function billableNames(plan: Plan, names: string[]): number {
  const norm = [...new Set(names.map((n) => n.trim().toLowerCase().replace(/\.$/, "")).filter(Boolean))];
  return norm.filter((n) => !(plan.wwwAndBare && n.startsWith("www.") && norm.includes(n.slice(4)))).length;
}

/** extraSlots is how many extra-name slots an order of names on plan needs (the server's rule: billable names beyond max(included, 1)). */
export function extraSlots(plan: Plan, names: string[]): number {
  return Math.max(0, billableNames(plan, names) - Math.max(plan.includedNames, 1));
}

export function orderPrice(price: PlanPrice, slots: number): bigint {
  return price.amountMinor + BigInt(slots) * price.extraNameAmountMinor;
}
