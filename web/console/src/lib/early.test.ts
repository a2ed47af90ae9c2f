import { afterEach, describe, expect, it, vi } from "vitest";
import { createClient } from "@connectrpc/connect";
import { CatalogService, CertificateService } from "@certsvc/client";
import { requestsScript } from "./shell";
import { earlyFetch } from "./early";
import { firstPage, firstPageAddresses } from "./firstpage";
import { transport } from "./session";

type Call = { url: string; method: string; auth: string | null };

/** serve stubs fetch: every call is recorded and answered with a JSON body. */
function serve(body: (url: string) => unknown = () => ({})): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal("fetch", async (input: string, init?: RequestInit) => {
    calls.push({ url: input, method: init?.method ?? "GET", auth: new Headers(init?.headers).get("Authorization") });
    return new Response(JSON.stringify(body(input)), { headers: { "Content-Type": "application/json" } });
  });
  return calls;
}

function runShell(path: string, addresses: string[]) {
  history.replaceState(null, "", path);
  new Function(requestsScript(addresses))();
}

describe("the list's first requests sent by the shell", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    localStorage.clear();
    delete window.__certsvcEarly;
  });

  it("are the addresses the console's transport asks for", async () => {
    const calls = serve();
    const { list, plans, filters } = firstPage;
    const client = createClient(CertificateService, transport);
    await client.listCertificates(list.input);
    await createClient(CatalogService, transport).listPlans(plans.input);
    await client.listCertificateFilters(filters.input);
    expect(calls.map((c) => [c.method, c.url.slice(location.origin.length)])).toEqual((await firstPageAddresses()).map((a) => ["GET", a]));
  });

  it("are sent with the session's token on the list only, and not when the address hands over a session", () => {
    const calls = serve();
    runShell("/certificates", ["/a"]);
    expect(calls).toEqual([]); // no session
    localStorage.setItem("certsvc.token", "tok");
    for (const path of ["/login", "/certificates/12", "/order", "/certificates#session=new"]) runShell(path, ["/a"]);
    expect(calls).toEqual([]);
    runShell("/", ["/a", "/b"]);
    expect(calls).toEqual([
      { url: "/a", method: "GET", auth: "Bearer tok" },
      { url: "/b", method: "GET", auth: "Bearer tok" },
    ]);
    expect(window.__certsvcEarly?.token).toBe("tok");
    expect(Object.keys(window.__certsvcEarly?.responses ?? {})).toEqual(["/a", "/b"]);
  });

  it("are answered to the transport once, and only for the same address and token", async () => {
    localStorage.setItem("certsvc.token", "tok");
    const addresses = await firstPageAddresses();
    const calls = serve((url) => (url.includes("ListCertificates") ? { totalSize: "7", certificates: [{ id: "3", commonName: "early.test" }] } : {}));
    runShell("/certificates", addresses);
    expect(calls.length).toBe(addresses.length);

    const client = createClient(CertificateService, transport);
    const res = await client.listCertificates(firstPage.list.input);
    expect(res.totalSize).toBe(7);
    expect(res.certificates.map((c) => c.commonName)).toEqual(["early.test"]);
    expect(calls.length).toBe(addresses.length); // the shell's answer, no new request

    await client.listCertificates(firstPage.list.input); // a second ask goes to the server
    expect(calls.length).toBe(addresses.length + 1);

    localStorage.setItem("certsvc.token", "other"); // another session's ask does not take the shell's answer
    await client.listCertificateFilters(firstPage.filters.input);
    expect(calls.length).toBe(addresses.length + 2);
    expect(calls.at(-1)?.auth).toBe("Bearer other");
  });

  it("are not taken for another method or origin", async () => {
    const calls = serve();
    window.__certsvcEarly = { token: "tok", responses: { "/x": Promise.resolve(new Response("early")) } };
    const auth = { Authorization: "Bearer tok" };
    await earlyFetch(`${location.origin}/x`, { method: "POST", headers: auth });
    await earlyFetch("http://elsewhere.test/x", { method: "GET", headers: auth });
    expect(calls.length).toBe(2);
    expect(await (await earlyFetch(`${location.origin}/x`, { method: "GET", headers: auth })).text()).toBe("early");
    expect(calls.length).toBe(2);
  });
});
