import { test, type Browser } from "@playwright/test";
import { readFileSync, readdirSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { adminPassword } from "./global-setup";
import { login, rpc } from "./api";

// Figures for the closing note of the console (printed, never asserted):
// JavaScript gzip sizes, LCP of the certificate list with 1,000 certificates
// (median of 5), and how long a state change takes to reach an open list.
// Run with scripts/web.sh measure.

const dist = fileURLToPath(new URL("../dist", import.meta.url));

function gz(file: string): number {
  return gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
}

test("bundle sizes", () => {
  const html = readFileSync(join(dist, "index.html"), "utf8");
  const first = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
  // The .br and .gz copies beside the files are the same bytes compressed: not counted again.
  const all = readdirSync(join(dist, "assets"))
    .filter((f) => /\.(js|css)$/.test(f))
    .map((f) => `assets/${f}`);
  const js = (fs: string[]) => fs.filter((f) => f.endsWith(".js"));
  const sum = (fs: string[]) => fs.reduce((n, f) => n + gz(f), 0);
  console.log(`JS for the first page: ${(sum(js(first)) / 1024).toFixed(1)} KiB gzip (${js(first).join(", ")})`);
  console.log(`CSS for the first page: ${(sum(first.filter((f) => f.endsWith(".css"))) / 1024).toFixed(1)} KiB gzip`);
  console.log(`whole console: ${(sum(js(all)) / 1024).toFixed(1)} KiB gzip of JS in ${js(all).length} files, ${(sum(all) / 1024).toFixed(1)} KiB with CSS`);
});

async function customerWith1000(): Promise<string> {
  const admin = await login("admin", adminPassword);
  const acc = await rpc<any>("AccountService/CreateAccount", { name: "Measure", currency: "RUB" }, admin);
  await rpc("AccountService/CreateUser", { accountId: acc.account.id, login: "measure@e2e.test", password: "measure-pass-1", level: "ACCESS_LEVEL_USER" }, admin);
  const token = await login("measure@e2e.test", "measure-pass-1");
  const plans = await rpc<any>("CatalogService/ListPlans", { pageSize: 1000 }, token);
  const plan = plans.plans.find((p: any) => (p.prices ?? []).some((x: any) => x.currency === "RUB" && x.periodMonths === 12));
  let next = 0;
  const t0 = Date.now();
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < 1000) {
        const i = next++;
        await rpc(
          "CertificateService/CreateCertificate",
          { planId: plan.id, periodMonths: 12, keyType: "KEY_TYPE_ECDSA_P256", subject: { commonName: `www.site-${i}.test` }, pay: false, idempotencyKey: `m-${i}` },
          token,
        );
      }
    }),
  );
  // The newest one is paid and issued: the live-update figure suspends and resumes it.
  await rpc("AccountService/Deposit", { accountId: acc.account.id, amountMinor: "100000000", idempotencyKey: "measure-deposit" }, admin);
  const paid = await rpc<any>(
    "CertificateService/CreateCertificate",
    { planId: plan.id, periodMonths: 12, keyType: "KEY_TYPE_ECDSA_P256", subject: { commonName: "www.live.test" }, pay: true, idempotencyKey: "m-paid" },
    token,
  );
  for (let i = 0; i < 600; i++) {
    const c = await rpc<any>("CertificateService/GetCertificate", { id: paid.certificate.id }, token);
    if (c.certificate.state === "CERTIFICATE_STATE_ISSUED") break;
    await new Promise((r) => setTimeout(r, 100));
  }
  console.log(`seeded 1,001 certificates in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return token;
}

// A returning user: the session token and what the console remembers of the user (as Login leaves them).
async function signedIn(browser: Browser, token: string) {
  const ctx = await browser.newContext();
  await ctx.addInitScript((t) => {
    localStorage.setItem("certsvc.token", t);
    localStorage.setItem("certsvc.user", JSON.stringify({ login: "measure@e2e.test", level: 2 }));
  }, token);
  return ctx;
}

async function lcp(browser: Browser, token: string): Promise<[number, number]> {
  const ctx = await signedIn(browser, token);
  // When the first rows of the list are drawn: the frame after they enter the
  // page (its requestAnimationFrame runs just before that frame's paint).
  await ctx.addInitScript(() => {
    const mo = new MutationObserver(() => {
      if (!document.querySelector("tbody tr")) return;
      mo.disconnect();
      requestAnimationFrame(() => ((window as any).__rows = performance.now()));
    });
    mo.observe(document, { subtree: true, childList: true });
  });
  const page = await ctx.newPage();
  await page.goto("/certificates");
  await page.locator("tbody tr").first().waitFor();
  await page.waitForFunction(() => (window as any).__rows > 0);
  const rows = await page.evaluate(() => (window as any).__rows as number);
  const [v, el, nav] = await page.evaluate(
    () =>
      new Promise<[number, string, string]>((resolve) => {
        new PerformanceObserver((l) => {
          const e = l.getEntries() as (PerformanceEntry & { element?: Element })[];
          const last = e[e.length - 1];
          const n = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
          resolve([
            last.startTime,
            `${last.element?.tagName.toLowerCase()}${last.element?.className ? "." + last.element.className : ""}`,
            `HTML ${n.responseEnd.toFixed(0)} ms, DOMContentLoaded ${n.domContentLoadedEventEnd.toFixed(0)} ms`,
          ]);
        }).observe({ type: "largest-contentful-paint", buffered: true });
      }),
  );
  console.log(`  LCP ${v.toFixed(0)} ms on <${el}>, rows drawn at ${rows.toFixed(0)} ms (${nav})`);
  await ctx.close();
  return [v, rows];
}

test("LCP of the certificate list with 1,000 certificates, and live-update latency", async ({ browser }) => {
  const token = await customerWith1000();
  await lcp(browser, token); // warm the server's caches once
  const runs: number[] = [];
  const rows: number[] = [];
  for (let i = 0; i < 5; i++) {
    const [v, r] = await lcp(browser, token);
    runs.push(v);
    rows.push(r);
  }
  runs.sort((a, b) => a - b);
  rows.sort((a, b) => a - b);
  console.log(`LCP of /certificates (1,000 in the store, 20 a page), 5 runs: ${runs.map((r) => r.toFixed(0)).join(", ")} ms; median ${runs[2].toFixed(0)} ms`);
  console.log(`first rows of the list drawn, 5 runs: ${rows.map((r) => r.toFixed(0)).join(", ")} ms; median ${rows[2].toFixed(0)} ms`);

  const admin = await login("admin", adminPassword);
  const ctx = await signedIn(browser, token);
  const page = await ctx.newPage();
  await page.goto("/certificates");
  await page.getByText("Live updates on").waitFor();
  const id = await page.locator("tbody tr").first().getAttribute("data-id");
  const lat: [number, number][] = [];
  for (let i = 0; i < 5; i++) {
    const want = i % 2 === 0 ? "SUSPENDED" : "ISSUED";
    await page.evaluate(
      ({ id, want }) => {
        const cell = document.querySelector(`tr[data-id="${id}"] td.state`)!;
        (window as any).__seen = 0;
        const mo = new MutationObserver(() => {
          if (document.querySelector(`tr[data-id="${id}"] td.state`)?.getAttribute("data-state") === want) {
            (window as any).__seen = Date.now();
            mo.disconnect();
          }
        });
        mo.observe(cell.closest("tbody")!, { subtree: true, attributes: true, childList: true, characterData: true });
      },
      { id, want },
    );
    const sent = Date.now();
    await rpc(`CertificateService/${i % 2 === 0 ? "Suspend" : "Resume"}Certificates`, { ids: [id] }, admin);
    const answered = Date.now();
    await page.waitForFunction(() => (window as any).__seen > 0, null, { timeout: 30_000 });
    const seen = await page.evaluate(() => (window as any).__seen as number);
    lat.push([seen - answered, seen - sent]);
  }
  console.log(
    `state change to the open list (5 runs, ms after the RPC answered / after it was sent): ${lat.map(([a, b]) => `${a}/${b}`).join(", ")}`,
  );
  await ctx.close();
});
