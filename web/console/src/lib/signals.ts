import { RevocationReason, type WebhookEndpoint } from "@certsvc/client";
import type { FormState } from "./ui";

// Logic of the pages that tell the customer what happens: revocation,
// e-mail notifications and webhooks.

/**
 * noticeTypes are the notice types an account can subscribe to, by e-mail or
 * webhook (internal/outbox: the customer's types; operator notices and
 * "test" are not chosen).
 */
export const noticeTypes = [
  "certificate.validation_needed",
  "certificate.issued",
  "certificate.failed",
  "certificate.expiring",
  "certificate.renewed",
  "certificate.revoked",
  "certificate.renewal_no_money",
  "account.balance_low",
] as const;

export type NoticeType = (typeof noticeTypes)[number];

/**
 * subscriberReasons are the RFC 5280 CRLReason codes a subscriber may give;
 * the server refuses the CA's own (cACompromise, aACompromise) and those that
 * are not revocations (certificateHold, removeFromCRL).
 */
export const subscriberReasons: RevocationReason[] = [
  RevocationReason.UNSPECIFIED,
  RevocationReason.KEY_COMPROMISE,
  RevocationReason.AFFILIATION_CHANGED,
  RevocationReason.SUPERSEDED,
  RevocationReason.CESSATION_OF_OPERATION,
  RevocationReason.PRIVILEGE_WITHDRAWN,
];

/**
 * shownTypes is what a filter's check boxes show: a saved empty filter means
 * every type, so every box is ticked.
 */
export function shownTypes(saved: readonly string[]): string[] {
  return saved.length === 0 ? [...noticeTypes] : noticeTypes.filter((t) => saved.includes(t));
}

/**
 * typesToSave is the filter to send for the ticked boxes: every box ticked is
 * the empty filter (every type, also ones added later); null when none is
 * ticked, which the server would read as "every type" too.
 */
export function typesToSave(ticked: readonly string[]): string[] | null {
  const known = noticeTypes.filter((t) => ticked.includes(t));
  if (known.length === 0) return null;
  return known.length === noticeTypes.length ? [] : known;
}

/** toggle adds or removes one value of a set kept as a list, in the order of noticeTypes. */
export function toggle(list: readonly string[], value: string, on: boolean): string[] {
  const s = new Set(list);
  if (on) s.add(value);
  else s.delete(value);
  return noticeTypes.filter((t) => s.has(t));
}

/** parseRecipients reads addresses one per line (or separated by commas or semicolons), dropping blanks. */
export function parseRecipients(text: string): string[] {
  return text
    .split(/[\n,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * foldIndexed gathers the server's messages for the items of a list field
 * ("settings.recipients[1]") under the field itself, so the input that holds
 * the whole list shows them; line(i, message) words one (i counts from 1).
 */
export function foldIndexed(errors: FormState, field: string, line: (n: number, message: string) => string): FormState {
  const fields: Record<string, string> = {};
  const items: string[] = [];
  const re = new RegExp(`^(?:.*\\.)?${field.split(".").pop()!.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\[(\\d+)\\]$`);
  for (const [k, v] of Object.entries(errors.fields)) {
    const m = re.exec(k);
    if (m) items.push(line(Number(m[1]) + 1, v));
    else fields[k] = v;
  }
  if (items.length === 0) return errors;
  fields[field] = [fields[field], ...items].filter(Boolean).join("; ");
  return { fields, message: errors.message };
}

/** EndpointDraft is the webhook endpoint form. */
export interface EndpointDraft {
  url: string;
  description: string;
  types: string[];
  enabled: boolean;
}

export function draftOf(e?: WebhookEndpoint): EndpointDraft {
  return { url: e?.url ?? "", description: e?.description ?? "", types: shownTypes(e?.eventTypes ?? []), enabled: e?.enabled ?? true };
}

/** sameList compares two lists as sets. */
function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/**
 * endpointMask lists the fields of an edit that differ from the endpoint as
 * saved, as UpdateWebhookEndpoint's update_mask names them; types is the
 * filter to save (typesToSave).
 */
export function endpointMask(before: WebhookEndpoint, d: EndpointDraft, types: string[]): string[] {
  const out: string[] = [];
  if (d.url !== before.url) out.push("url");
  if (d.description !== before.description) out.push("description");
  if (!sameList(types, before.eventTypes)) out.push("event_types");
  if (d.enabled !== before.enabled) out.push("enabled");
  return out;
}

/** pendingDeliveries says whether a delivery log still has something on its way, so it is worth polling. */
export function pendingDeliveries(states: readonly (string | number)[], pending: string | number): boolean {
  return states.some((s) => s === pending);
}
