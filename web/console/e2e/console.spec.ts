import { expect, test } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { createPrivateKey, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { adminPassword } from "./global-setup";
import { login, rpc } from "./api";
import { axe, signIn } from "./helpers";

// One story, in order: the operator sets up a customer, the customer orders
// and manages a certificate, and the edges (errors, sessions, other accounts,
// lost connections, Russian) are checked along the way. Every page visited is
// checked with axe.

test.describe.configure({ mode: "serial" });

const customer = { login: "shop@e2e.test", password: "shop-password-1" };
const other = { login: "other@e2e.test", password: "other-password-1" };
let adminToken = "";
let customerAccountId = "";
let certId = "";

test.beforeAll(async () => {
  adminToken = await login("admin", adminPassword);
  // A second customer, whose certificates the first must not reach.
  const acc = await rpc<any>("AccountService/CreateAccount", { name: "Other Hosting", currency: "RUB" }, adminToken);
  await rpc("AccountService/CreateUser", { accountId: acc.account.id, login: other.login, password: other.password, level: "ACCESS_LEVEL_USER" }, adminToken);
  // 25 unpaid orders, to page through.
  const tok = await login(other.login, other.password);
  const plans = await rpc<any>("CatalogService/ListPlans", { pageSize: 1000 }, tok);
  const plan = plans.plans.find((p: any) => (p.prices ?? []).some((x: any) => x.currency === "RUB" && x.periodMonths === 12));
  for (let i = 0; i < 25; i++) {
    await rpc(
      "CertificateService/CreateCertificate",
      { planId: plan.id, periodMonths: 12, keyType: "KEY_TYPE_ECDSA_P256", subject: { commonName: `www.other-${i}.test` }, pay: false },
      tok,
    );
  }
});

test("operator: account, user, deposit, failing module, impersonation", async ({ page }) => {
  await page.goto("/login");
  await axe(page, "login");
  await signIn(page, "admin", adminPassword);
  await axe(page, "certificates (admin)");

  await page.getByRole("link", { name: "Accounts" }).click();
  await expect(page.getByRole("heading", { name: "Accounts", level: 1 })).toBeVisible();
  await axe(page, "accounts");
  await page.getByLabel("Account name").fill("Shop Hosting");
  await page.getByLabel("Currency").fill("RUB");
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page.getByRole("heading", { name: "Account Shop Hosting" })).toBeVisible();
  customerAccountId = page.url().split("/").pop()!;
  await axe(page, "account");

  const newUser = page.getByRole("group", { name: "New user" });
  await newUser.getByLabel("Login").fill(customer.login);
  await newUser.getByLabel("Password").fill(customer.password);
  await newUser.getByRole("button", { name: "Create" }).click();
  await expect(page.getByRole("cell", { name: customer.login, exact: true })).toBeVisible();

  const deposit = page.getByRole("group", { name: "Deposit" });
  await deposit.getByLabel("Amount (RUB)").fill("10 000,00");
  await deposit.getByRole("button", { name: "Deposit" }).click();
  await expect(page.locator(".balance")).toHaveText(/10,000\.00/);
  await expect(page.getByRole("cell", { name: "Deposit", exact: true })).toBeVisible();

  await page.getByRole("link", { name: "CA modules" }).click();
  await page.getByLabel("Name", { exact: true }).fill("Upstream that is down");
  await page.getByLabel("Kind").selectOption({ label: "BILLMANAGER" });
  await page.getByLabel("Settings (key=value per line)").fill("url=http://127.0.0.1:9/billmgr\nlogin=reseller");
  await page.getByLabel("Credentials (key=value per line)").fill("password=secret");
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page.getByRole("alert").first()).toContainText(/127\.0\.0\.1:9|connect|refused|unavailable/i);
  await axe(page, "modules");

  await page.getByRole("link", { name: "Plans" }).click();
  await expect(page.getByRole("heading", { name: "Plans and prices", level: 1 })).toBeVisible();
  await axe(page, "plans");
  const lastPlan = page.locator("tbody tr").last();
  await lastPlan.getByLabel(/^Amount/).fill("777");
  await lastPlan.getByRole("button", { name: "Save" }).click();
  await expect(lastPlan).toContainText("777.00");

  for (const [link, heading] of [
    ["Audit log", "Audit log"],
    ["API keys", "API keys"],
  ]) {
    await page.getByRole("link", { name: link }).click();
    await expect(page.getByRole("heading", { name: heading, level: 1 })).toBeVisible();
    await axe(page, heading);
  }

  // Log in as the customer, then come back.
  await page.goto(`/admin/accounts/${customerAccountId}`);
  await page.getByRole("button", { name: `Log in as ${customer.login}` }).click();
  await expect(page.getByRole("status").filter({ hasText: "on behalf of an operator" })).toBeVisible();
  await expect(page.getByText(customer.login, { exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Back to my account" }).click();
  await expect(page.getByRole("heading", { name: "Accounts", level: 1 })).toBeVisible();
  const audit = await rpc<any>("AuthService/ListAuditEntries", { pageSize: 100 }, adminToken);
  expect(JSON.stringify(audit.entries)).toMatch(/imperson/i);
});

test("customer: server error on its field, order, live issue, downloads, reissue, renew", async ({ page }) => {
  await signIn(page, customer.login, customer.password);
  await page.getByRole("link", { name: "Order" }).click();
  await expect(page.getByRole("heading", { name: "Order a certificate" })).toBeVisible();
  await axe(page, "order");

  // No domain: the server names subject.common_name, shown under that field.
  await page.getByRole("button", { name: "Place order" }).click();
  const cn = page.getByLabel("Domain (common name)");
  await expect(cn).toHaveAttribute("aria-invalid", "true");
  const errId = await cn.getAttribute("aria-describedby");
  await expect(page.locator(`[id="${errId}"]`)).toContainText("must not be empty");

  await cn.fill("www.e2e-shop.test");
  await page.getByRole("button", { name: "Place order" }).click();
  await expect(page.getByRole("heading", { name: /Certificate #\d+/ })).toBeVisible();
  certId = page.url().split("/").pop()!;
  // The built-in CA issues within a second; the page follows without a reload.
  await expect(page.locator("#cert-state")).toHaveText(/^Issued/);
  await axe(page, "certificate");

  const download = async (name: string) => {
    const [d] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name, exact: true }).click()]);
    return readFileSync((await d.path())!);
  };
  const fullchain = (await download("Download fullchain")).toString();
  const pems = fullchain.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  expect(pems.length).toBeGreaterThanOrEqual(2);
  const leaf = new X509Certificate(pems[0]);
  expect(leaf.subjectAltName).toContain("www.e2e-shop.test");
  expect(leaf.verify(new X509Certificate(pems[1]).publicKey)).toBe(true);

  await page.getByLabel("PKCS#12 password").fill("p12-secret");
  const [d] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download PKCS#12" }).click()]);
  const p12 = join(mkdtempSync(join(tmpdir(), "p12-")), "bundle.p12");
  writeFileSync(p12, readFileSync((await d.path())!));
  const dump = execFileSync("openssl", ["pkcs12", "-in", p12, "-passin", "pass:p12-secret", "-nodes"]).toString();
  expect(dump).toContain("BEGIN CERTIFICATE");
  expect(dump).toMatch(/BEGIN (RSA |EC )?PRIVATE KEY/);
  expect(dump).toContain(pems[0].split("\n")[1]);

  // Reissue with a new key: a new certificate for a new key.
  const keyBefore = (await download("Download key")).toString();
  await page.getByLabel("How").selectOption({ label: "New key" });
  await page.getByRole("button", { name: "Reissue" }).click();
  await expect(page.getByRole("region", { name: "Reissue" }).getByRole("alert")).toHaveCount(0);
  const leafOf = (chain: string) => chain.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/)?.[0];
  await expect.poll(async () => (await download("Download key")).toString(), { timeout: 30_000 }).not.toBe(keyBefore);
  await expect.poll(async () => leafOf((await download("Download fullchain")).toString()), { timeout: 30_000 }).not.toBe(pems[0]);
  await expect(page.locator("#cert-state")).toHaveText(/^Issued/);
  const newLeaf = new X509Certificate(leafOf((await download("Download fullchain")).toString())!);
  const newKey = (await download("Download key")).toString();
  expect(newLeaf.checkPrivateKey(createPrivateKey(newKey))).toBe(true);

  // Renew: charged once.
  const token = await page.evaluate(() => localStorage.getItem("certsvc.token")!);
  const charges = async () =>
    ((await rpc<any>("AccountService/ListLedgerEntries", { pageSize: 1000 }, token)).entries ?? []).filter((e: any) => e.kind === "LEDGER_ENTRY_KIND_CHARGE").length;
  const before = await charges();
  const renew = page.getByRole("button", { name: "Renew", exact: true });
  await renew.click();
  await expect.poll(charges).toBe(before + 1);
  await expect(page.getByRole("region", { name: "Renew" }).getByRole("alert")).toHaveCount(0);

  await page.getByRole("link", { name: "Balance" }).click();
  await expect(page.getByRole("heading", { name: "Balance and ledger" })).toBeVisible();
  await axe(page, "balance");
});

test("an operator's batch action reaches the customer's open list live", async ({ page, browser }) => {
  await signIn(page, customer.login, customer.password);
  const row = page.locator(`tr[data-id="${certId}"] td.state`);
  await expect(row).toHaveText("Issued");
  await expect(page.getByText("Live updates on")).toBeVisible();

  const opCtx = await browser.newContext();
  const op = await opCtx.newPage();
  await signIn(op, "admin", adminPassword);
  const select = op.getByRole("checkbox", { name: `Select certificate ${certId}` });
  await select.check();
  await op.getByRole("group", { name: "With selected" }).getByRole("button", { name: "Suspend" }).click();
  await expect(op.getByRole("list", { name: "results" })).toContainText(`#${certId}: Done.`);
  await axe(op, "certificates with batch results");
  // The customer's page changes without a reload.
  await expect(row).toHaveText("Suspended");

  await op.getByRole("checkbox", { name: `Select certificate ${certId}` }).check();
  await op.getByRole("group", { name: "With selected" }).getByRole("button", { name: "Resume" }).click();
  await expect(op.getByRole("list", { name: "results" })).toContainText(`#${certId}: Done.`);
  await expect(row).toHaveText("Issued");
  await opCtx.close();
});

test("a change made between loading the list and subscribing is shown", async ({ page }) => {
  // Hold the list's WatchCertificates request until a change has been made:
  // the stream must start from what the loaded list shows, not from "now".
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let subscribing!: () => void;
  const watchAsked = new Promise<void>((r) => (subscribing = r));
  const watch = "**/certsvc.v1.CertificateService/WatchCertificates";
  await page.route(watch, async (route) => {
    subscribing();
    await held;
    await route.continue();
  });
  await signIn(page, customer.login, customer.password);
  const row = page.locator(`tr[data-id="${certId}"] td.state`);
  await expect(row).toHaveText("Issued");
  await watchAsked;
  await rpc("CertificateService/SuspendCertificates", { ids: [certId] }, adminToken);
  release();
  await expect(row).toHaveText("Suspended");
  // And the stream goes on with later changes.
  await rpc("CertificateService/ResumeCertificates", { ids: [certId] }, adminToken);
  await expect(row).toHaveText("Issued");
  await page.unroute(watch);
});

test("customer: an order from a pasted CSR, previewed by DecodeCsr", async ({ page }) => {
  const dir = mkdtempSync(join(tmpdir(), "csr-"));
  const csr = execFileSync("openssl", [
    "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
    "-keyout", join(dir, "key.pem"), "-subj", "/CN=csr.e2e-shop.test", "-addext", "subjectAltName=DNS:csr.e2e-shop.test",
  ]).toString();
  await signIn(page, customer.login, customer.password);
  await page.getByRole("link", { name: "Order" }).click();
  await page.getByRole("radio", { name: "Use my own CSR" }).check();
  await page.getByLabel("CSR (PEM)").fill(csr);
  await page.getByRole("button", { name: "Check CSR" }).click();
  const preview = page.locator(".preview");
  await expect(preview).toContainText("Names in the CSR: csr.e2e-shop.test");
  await expect(preview).toContainText("256");
  await axe(page, "order from a CSR");
  await page.getByRole("button", { name: "Place order" }).click();
  await expect(page.getByRole("heading", { name: /Certificate #\d+/ })).toBeVisible();
  await expect(page.locator("#cert-state")).toHaveText(/^Issued/);
  const id = page.url().split("/").pop()!;
  const c = (await rpc<any>("CertificateService/GetCertificate", { id }, adminToken)).certificate;
  expect([c.commonName, c.hasPrivateKey ?? false]).toEqual(["csr.e2e-shop.test", false]);
});

test("operator: a module is edited after creation and its debug log toggled", async ({ page }) => {
  // Disabled and selling no plan, so it routes no order of the other tests.
  const created = await rpc<any>(
    "ProcessingModuleService/CreateProcessingModule",
    { module: { name: "Manual desk", kind: "MODULE_KIND_MANUAL", priority: 5, enabled: false, allPlans: false } },
    adminToken,
  );
  const id = created.module.id;
  await signIn(page, "admin", adminPassword);
  await page.getByRole("link", { name: "CA modules" }).click();
  const row = page.locator("tbody tr", { has: page.getByRole("cell", { name: "Manual desk", exact: true }) });
  // The box shows the module's state as the server has it, so it turns on once the update is saved.
  await row.getByLabel("Debug log").click();
  await expect(row.getByLabel("Debug log")).toBeChecked();
  await expect.poll(async () => (await rpc<any>("ProcessingModuleService/GetProcessingModule", { id }, adminToken)).module.debugLog ?? false).toBe(true);
  await row.getByRole("button", { name: "Edit" }).click();
  const form = page.getByRole("form", { name: "Edit module Manual desk" });
  await form.getByLabel("Priority").fill("42");
  await form.getByLabel("Minimum balance (minor units)").fill("1500");
  // The manual kind declares no settings: the server refuses unknown ones (module.settings.X).
  await axe(page, "module edit");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form).toBeHidden();
  await expect(row.getByRole("cell", { name: "42", exact: true })).toBeVisible();
  const m = (await rpc<any>("ProcessingModuleService/GetProcessingModule", { id }, adminToken)).module;
  expect([m.priority, m.minBalanceMinor, m.enabled ?? false]).toEqual([42, "1500", false]);
});

test("a one-time sign-in link (CreateLoginKey) lands in the console", async ({ page }) => {
  const k = await rpc<any>("AuthService/CreateLoginKey", { login: customer.login }, adminToken);
  await page.goto(`/login?login=${encodeURIComponent(customer.login)}&key=${encodeURIComponent(k.key)}`);
  await expect(page.getByRole("heading", { name: "Certificates", level: 1 })).toBeVisible();
  await expect(page.getByText(customer.login, { exact: true })).toBeVisible();
});

test("another account's certificate is not reachable by URL; paging", async ({ page }) => {
  await signIn(page, other.login, other.password);
  await expect(page.getByText("25 certificates")).toBeVisible();
  await expect(page.locator("tbody tr")).toHaveCount(20);
  await expect(page.getByText("Page 1 of 2")).toBeVisible();
  await page.getByRole("button", { name: "Next page" }).click();
  await expect(page.getByText("Page 2 of 2")).toBeVisible();
  await expect(page.locator("tbody tr")).toHaveCount(5);
  await expect(page.locator("tbody tr").last()).toContainText("www.other-0.test");
  await expect(page.getByRole("button", { name: "Next page" })).toBeDisabled();
  await page.getByRole("button", { name: "Previous page" }).click();
  await expect(page.locator("tbody tr").first()).toContainText("www.other-24.test");
  await page.getByLabel("Domain").fill("other-7.");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page.locator("tbody tr")).toHaveCount(1);

  await page.goto(`/certificates/${certId}`);
  await expect(page.getByRole("alert")).toHaveText("This certificate does not exist or is not yours.");
  await expect(page.getByText("www.e2e-shop.test")).toHaveCount(0);
});

test("an expired session returns to the login page and back", async ({ page }) => {
  await signIn(page, customer.login, customer.password);
  // The token is spoiled on the sign-in page, which sends no requests: on the
  // list, a request it starts after the change (its watch opens when the list
  // has loaded) would meet the spoiled token first and end the session there,
  // so /balance would load signed out instead of expired.
  await page.goto("/login");
  await page.evaluate(() => localStorage.setItem("certsvc.token", "expired-or-revoked"));
  await page.goto("/balance");
  await expect(page).toHaveURL(/\/login\?next=%2Fbalance&expired=1/);
  await expect(page.getByText("Your session has ended")).toBeVisible();
  await page.getByLabel("Login").fill(customer.login);
  await page.getByLabel("Password").fill(customer.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/balance$/);
  await expect(page.getByRole("heading", { name: "Balance and ledger" })).toBeVisible();
});

test("a signed-out visit goes to sign-in and back; an unknown page to the list", async ({ page }) => {
  await page.goto("/api-keys");
  await expect(page).toHaveURL(/\/login\?next=%2Fapi-keys$/);
  await page.getByLabel("Login").fill(customer.login);
  await page.getByLabel("Password").fill(customer.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/api-keys$/);
  await page.goto("/no-such-page");
  await expect(page).toHaveURL(/\/certificates$/);
  await expect(page.getByRole("heading", { name: "Certificates", level: 1 })).toBeVisible();
});

test("a lost connection shows a retry", async ({ page }) => {
  await signIn(page, customer.login, customer.password);
  await page.route("**/certsvc.v1.CertificateService/ListCertificates**", (r) => r.abort("internetdisconnected"));
  await page.goto("/certificates");
  const problem = page.locator(".problem");
  await expect(problem).toContainText("The connection to the server was lost.");
  await page.unroute("**/certsvc.v1.CertificateService/ListCertificates**");
  await problem.getByRole("button", { name: "Retry" }).click();
  await expect(page.locator(`tr[data-id="${certId}"]`)).toBeVisible();
});

test.describe("in Russian", () => {
  test.use({ locale: "ru-RU" });
  test("the certificate list renders in Russian", async ({ page }) => {
    await page.goto("/login");
    await page.getByLabel("Логин").fill(customer.login);
    await page.getByLabel("Пароль").fill(customer.password);
    await page.getByRole("button", { name: "Войти" }).click();
    await expect(page.getByRole("heading", { name: "Сертификаты", level: 1 })).toBeVisible();
    await expect(page.locator(`tr[data-id="${certId}"] td.state`)).toHaveText("Выпущен");
    await expect(page.getByRole("columnheader", { name: "Истекает" })).toBeVisible();
    await axe(page, "certificates (ru)");
  });
});

test.describe("on a phone-sized screen", () => {
  test.use({ viewport: { width: 375, height: 740 } });
  test("the list and the order form fit and work with the keyboard", async ({ page }) => {
    await page.goto("/login");
    await expect(page.getByLabel("Login")).toBeVisible();
    await page.keyboard.press("Tab");
    await expect(page.getByLabel("Login")).toBeFocused();
    await page.keyboard.type(customer.login);
    await page.keyboard.press("Tab");
    await expect(page.getByLabel("Password")).toBeFocused();
    await page.keyboard.type(customer.password);
    await page.keyboard.press("Enter");
    await expect(page.getByRole("heading", { name: "Certificates", level: 1 })).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.getByRole("link", { name: "Order" }).focus();
    await page.keyboard.press("Enter");
    await expect(page.getByRole("heading", { name: "Order a certificate" })).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await axe(page, "order (phone)");
  });
});
