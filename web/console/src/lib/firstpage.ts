import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { createConnectTransport } from "@connectrpc/connect-web";
import { CatalogService, CertificateFilterSchema, CertificateService, CertificateState } from "@certsvc/client";

// The requests of the certificate list's first page (the page a sign-in
// lands on). Certificates.tsx builds every page's requests here; main.tsx
// starts the first page's before the first render, and the build computes
// their addresses for the shell (shell.ts), which starts them before the
// console's JavaScript has even arrived. No JSX and no browser globals: the
// build (vite.config.ts) imports this file in Node.

export const pageSize = 20;

export interface Filter {
  state: string;
  domain: string;
  planId: string;
  expiresBefore: string;
}

export const emptyFilter: Filter = { state: "", domain: "", planId: "", expiresBefore: "" };

export function toProto(f: Filter) {
  return create(CertificateFilterSchema, {
    states: f.state ? [Number(f.state) as CertificateState] : [],
    domain: f.domain.trim(),
    planId: f.planId ? BigInt(f.planId) : 0n,
    expiresBefore: f.expiresBefore ? timestampFromDate(new Date(`${f.expiresBefore}T00:00:00Z`)) : undefined,
  });
}

/** listRequest is the ListCertificates request of one page of the list. */
export function listRequest(filter: Filter, savedId: bigint, page: number, token: string | undefined) {
  // A token is bound to the request's other fields, skip included: only pages
  // fetched without skip hand theirs on.
  const skip = page > 1 && token === undefined ? (page - 1) * pageSize : 0;
  return {
    pageSize,
    skip,
    pageToken: page > 1 ? (token ?? "") : "",
    includeTotalSize: true,
    filter: savedId ? undefined : toProto(filter),
    savedFilterId: savedId,
  };
}

export const plansRequest = { pageSize: 1000 };

/** firstPage is the list's first-page calls: its certificates, the plans' names and the saved filters. */
export const firstPage = {
  list: { method: CertificateService.method.listCertificates, input: listRequest(emptyFilter, 0n, 1, undefined) },
  plans: { method: CatalogService.method.listPlans, input: plansRequest },
  filters: { method: CertificateService.method.listCertificateFilters, input: {} },
};

/**
 * firstPageAddresses returns the address (path and query) of each firstPage
 * call as the console's transport (session.ts: Connect, JSON, GET for calls
 * without side effects) sends it. The build hands them to the shell.
 */
export async function firstPageAddresses(): Promise<string[]> {
  const out: string[] = [];
  const transport = createConnectTransport({
    baseUrl: "",
    useHttpGet: true,
    fetch: async (input) => {
      out.push(String(input));
      throw new Error("recorded");
    },
  });
  const calls = Object.values(firstPage);
  for (const c of calls) {
    await transport.unary(c.method as never, undefined, undefined, undefined, c.input as never).catch(() => undefined);
  }
  if (out.length !== calls.length || out.some((u) => !u.startsWith("/certsvc.v1.") || !u.includes("?connect=v1"))) {
    throw new Error(`firstPageAddresses: not GETs as expected: ${out.join(", ")}`);
  }
  return out;
}
