import { describe, expect, it } from "vitest";
import { create } from "@bufbuild/protobuf";
import { RevocationReason, WebhookEndpointSchema } from "@certsvc/client";
import { draftOf, endpointMask, foldIndexed, noticeTypes, parseRecipients, pendingDeliveries, shownTypes, subscriberReasons, toggle, typesToSave } from "./signals";

describe("notice-type filters", () => {
  it("shows a saved empty filter as every type ticked, and a list as itself in catalogue order", () => {
    expect(shownTypes([])).toEqual([...noticeTypes]);
    expect(shownTypes(["account.balance_low", "certificate.issued", "module.breaker_open"])).toEqual(["certificate.issued", "account.balance_low"]);
  });
  it("saves every type ticked as the empty filter, some as the list, none as null", () => {
    expect(typesToSave([...noticeTypes])).toEqual([]);
    expect(typesToSave(["certificate.revoked", "certificate.issued"])).toEqual(["certificate.issued", "certificate.revoked"]);
    expect(typesToSave([])).toBeNull();
    expect(typesToSave(["test"])).toBeNull();
  });
  it("toggles a type on and off, keeping the catalogue's order and no duplicates", () => {
    let l = toggle([], "certificate.revoked", true);
    l = toggle(l, "certificate.issued", true);
    l = toggle(l, "certificate.issued", true);
    expect(l).toEqual(["certificate.issued", "certificate.revoked"]);
    expect(toggle(l, "certificate.issued", false)).toEqual(["certificate.revoked"]);
  });
});

describe("parseRecipients", () => {
  it("splits on lines, commas and semicolons and drops blanks", () => {
    expect(parseRecipients(" a@example.com\n\nb@example.com, c@example.com;d@example.com \n")).toEqual([
      "a@example.com",
      "b@example.com",
      "c@example.com",
      "d@example.com",
    ]);
    expect(parseRecipients("  \n ")).toEqual([]);
  });
});

describe("foldIndexed", () => {
  const line = (n: number, m: string) => `line ${n}: ${m}`;
  it("moves the errors of a list's items onto the list's field, counting lines from 1", () => {
    const got = foldIndexed(
      { fields: { "settings.recipients[1]": "missing @", "settings.recipients[3]": "twice", "settings.language": "bad" }, message: "m" },
      "settings.recipients",
      line,
    );
    expect(got.fields).toEqual({ "settings.recipients": "line 2: missing @; line 4: twice", "settings.language": "bad" });
    expect(got.message).toBe("m");
  });
  it("also takes the field without its parent's prefix (recipients[0]) and leaves other fields alone", () => {
    const e = { fields: { "recipients[0]": "x", "other_recipients[0]": "y" }, message: "" };
    expect(foldIndexed(e, "settings.recipients", line).fields).toEqual({ "settings.recipients": "line 1: x", "other_recipients[0]": "y" });
    const none = { fields: { url: "no" }, message: "" };
    expect(foldIndexed(none, "settings.recipients", line)).toBe(none);
  });
});

describe("endpointMask", () => {
  const before = create(WebhookEndpointSchema, { id: 7n, url: "https://a.example/h", description: "d", eventTypes: [], enabled: true });
  it("names nothing for an unchanged draft", () => {
    const d = draftOf(before);
    expect(endpointMask(before, d, typesToSave(d.types)!)).toEqual([]);
  });
  it("names each field that changed, the filter compared as a set", () => {
    const d = { ...draftOf(before), url: "https://b.example/h", enabled: false };
    expect(endpointMask(before, d, [])).toEqual(["url", "enabled"]);
    const b2 = create(WebhookEndpointSchema, { ...before, eventTypes: ["certificate.issued", "certificate.revoked"] });
    expect(endpointMask(b2, draftOf(b2), ["certificate.revoked", "certificate.issued"])).toEqual([]);
    expect(endpointMask(b2, { ...draftOf(b2), description: "" }, ["certificate.issued"])).toEqual(["description", "event_types"]);
  });
  it("starts a new endpoint enabled, for every type", () => {
    expect(draftOf()).toEqual({ url: "", description: "", types: [...noticeTypes], enabled: true });
  });
});

describe("revocation reasons and polling", () => {
  it("offers only the reasons a subscriber may give", () => {
    expect(subscriberReasons).not.toContain(RevocationReason.CA_COMPROMISE);
    expect(subscriberReasons).not.toContain(RevocationReason.CERTIFICATE_HOLD);
    expect(subscriberReasons).not.toContain(RevocationReason.REMOVE_FROM_CRL);
    expect(subscriberReasons).not.toContain(RevocationReason.AA_COMPROMISE);
    expect(subscriberReasons.map(Number)).toEqual([0, 1, 3, 4, 5, 9]);
  });
  it("polls a delivery log only while something is pending", () => {
    expect(pendingDeliveries(["sent", "pending"], "pending")).toBe(true);
    expect(pendingDeliveries(["sent", "dead"], "pending")).toBe(false);
    expect(pendingDeliveries([], 1)).toBe(false);
  });
});
