import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import type { ConnectRouter } from "@connectrpc/connect";
import { create } from "@bufbuild/protobuf";
import { CatalogService, CertificateSchema, CertificateService, CertificateState, PlanSchema, type ReissueCertificateRequest } from "@certsvc/client";
import { renderWith } from "../lib/testutil";
import { ReissueForm, slotsToBuy } from "./Certificate";

afterEach(cleanup);

// The seeded multi-domain plan: 3 names included, 1 080.00 RUB per extra name for 12 months.
const plan = create(PlanSchema, {
  id: 27648n,
  includedNames: 3,
  multiDomain: true,
  prices: [
    { periodMonths: 12, currency: "RUB", amountMinor: 350000n, extraNameAmountMinor: 108000n },
    { periodMonths: 24, currency: "RUB", amountMinor: 630000n, extraNameAmountMinor: 194000n },
  ],
});
// An order of 12 months that bought 2 extra names: 5 names in all.
const cert = create(CertificateSchema, {
  id: 7n,
  planId: 27648n,
  periodMonths: 12,
  currency: "RUB",
  commonName: "shop.example.com",
  extraNameSlots: 2,
  state: CertificateState.ISSUED,
  allowedActions: ["reissue"],
});

function routes(seen: ReissueCertificateRequest[]) {
  return (r: ConnectRouter) => {
    r.service(CatalogService, { getPlan: () => ({ plan }) });
    r.service(CertificateService, {
      reissueCertificate: (req) => {
        seen.push(req);
        return { certificate: cert };
      },
    });
  };
}

/** spaced reads money as written here: Intl's no-break spaces as spaces. */
const spaced = (s: string | null | undefined) => (s ?? "").replace(/[\u00a0\u202f]/g, " ");

const names = (n: number) => Array.from({ length: n }, (_, i) => `n${i}.example.com`).join("\n");

describe("slotsToBuy", () => {
  it("counts the names beyond the included and bought ones, the common name among them, each name once", () => {
    expect(slotsToBuy(plan, cert, ["a.example.com", "b.example.com", "c.example.com", "d.example.com"])).toBe(0);
    expect(slotsToBuy(plan, cert, ["a.example.com", "b.example.com", "c.example.com", "d.example.com", "e.example.com"])).toBe(1);
    expect(slotsToBuy(plan, cert, ["shop.example.com", "A.example.com", "a.example.com.", "b.example.com", "c.example.com", "d.example.com"])).toBe(0);
    expect(slotsToBuy(plan, { ...cert, extraNameSlots: 0 }, ["a.example.com", "b.example.com", "c.example.com", "d.example.com", "e.example.com"])).toBe(3);
  });
});

describe("ReissueForm", () => {
  it("within the bought names, offers nothing to buy and buys nothing", async () => {
    const seen: ReissueCertificateRequest[] = [];
    renderWith(routes(seen), <ReissueForm c={cert} />);
    fireEvent.change(screen.getByLabelText("How"), { target: { value: "names" } });
    await waitFor(() => expect(document.getElementById("names-covered")?.textContent).toContain("up to 5 names"));
    fireEvent.input(screen.getByLabelText("New names (one per line)"), { target: { value: names(4) } });
    expect(document.getElementById("slots-missing")).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Reissue" }));
    await waitFor(() => expect(seen).toHaveLength(1));
    expect([seen[0].extraNames.length, seen[0].buyExtraNameSlots, seen[0].idempotencyKey]).toEqual([4, 0, ""]);
  });

  it("beyond them, shows the missing names and their price, and buys them when asked", async () => {
    const seen: ReissueCertificateRequest[] = [];
    renderWith(routes(seen), <ReissueForm c={cert} />);
    fireEvent.change(screen.getByLabelText("How"), { target: { value: "names" } });
    await waitFor(() => expect(document.getElementById("names-covered")).not.toBeNull());
    fireEvent.input(screen.getByLabelText("New names (one per line)"), { target: { value: names(6) } });
    expect(spaced(document.getElementById("slots-missing")?.textContent)).toContain(
      "Missing extra names: 2, at RUB 1,080.00 each for the current term of 12 months: RUB 2,160.00.",
    );
    // Not ticked: the request buys nothing (the server refuses the names).
    fireEvent.click(screen.getByRole("button", { name: "Reissue" }));
    await waitFor(() => expect(seen).toHaveLength(1));
    expect([seen[0].buyExtraNameSlots, seen[0].idempotencyKey]).toEqual([0, ""]);
    fireEvent.click(screen.getByLabelText(/^Buy the missing extra names for RUB.2,160\.00 from the balance$/));
    fireEvent.click(screen.getByRole("button", { name: "Reissue" }));
    await waitFor(() => expect(seen).toHaveLength(2));
    expect(seen[1].buyExtraNameSlots).toBe(2);
    expect(seen[1].idempotencyKey).not.toBe("");
  });

  it("in Russian, in roubles as Russians write them", async () => {
    renderWith(routes([]), <ReissueForm c={cert} />, "ru");
    fireEvent.change(screen.getByLabelText("Как"), { target: { value: "names" } });
    await waitFor(() => expect(document.getElementById("names-covered")).not.toBeNull());
    fireEvent.input(screen.getByLabelText("Новые имена (по одному в строке)"), { target: { value: names(5) } });
    const text = spaced(document.getElementById("slots-missing")?.textContent);
    expect(text).toContain("Не хватает дополнительных имён: 1, по 1 080,00 ₽ за имя на текущий срок (12 мес.): 1 080,00 ₽.");
    expect(text).toContain("Докупить недостающие имена за 1 080,00 ₽ с баланса");
  });
});
