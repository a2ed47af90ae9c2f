import { expect, test, type Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { adminPassword } from "./global-setup";
import { login, rpc } from "./api";
import { axe, signIn } from "./helpers";

// Flows of the console that console.spec.ts does not walk: the order
// wizard's price per extra name, a reissue with new names, and an
// operator's manual activation of an order of a manual-module plan. Each
// test has an account of its own, so they run in any order beside the
// other specs on the same server.

let adminToken = "";

// The seeded multi-domain plans: 3 names included and 1 080.00 RUB per extra
// name (12 months), and 1 name included, www and bare counted once, and
// 5 300.00 RUB per extra name.
const multi = { id: "27648", base: 350000n, extra: 108000n };
const wwwBare = { id: "55326", base: 1790000n, extra: 530000n };

const rub = (minor: bigint) => {
  const s = (minor / 100n).toLocaleString("en-US");
  return `${s}.${String(minor % 100n).padStart(2, "0")}`;
};

async function customerAccount(login_: string, password: string, depositMinor: bigint): Promise<string> {
  const acc = await rpc<any>("AccountService/CreateAccount", { name: `Account of ${login_}`, currency: "RUB" }, adminToken);
  await rpc("AccountService/CreateUser", { accountId: acc.account.id, login: login_, password, level: "ACCESS_LEVEL_USER" }, adminToken);
  await rpc("AccountService/Deposit", { accountId: acc.account.id, amountMinor: String(depositMinor), currency: "RUB", idempotencyKey: `flows-${login_}` }, adminToken);
  return acc.account.id;
}

/** charges lists the amounts (minor units, positive) of the account's charges, oldest first. */
async function charges(token: string): Promise<bigint[]> {
  const r = await rpc<any>("AccountService/ListLedgerEntries", { pageSize: 1000 }, token);
  return (r.entries ?? [])
    .filter((e: any) => e.kind === "LEDGER_ENTRY_KIND_CHARGE")
    .map((e: any) => {
      const a = BigInt(e.amountMinor);
      return a < 0n ? -a : a;
    })
    .reverse();
}

async function download(page: Page, name: string): Promise<string> {
  const [d] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name, exact: true }).click()]);
  return readFileSync((await d.path())!).toString();
}

const pemsOf = (s: string) => s.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
const sans = (pem: string) =>
  (new X509Certificate(pem).subjectAltName ?? "")
    .split(",")
    .map((x) => x.trim().replace(/^DNS:/, ""))
    .sort();

test.beforeAll(async () => {
  adminToken = await login("admin", adminPassword);
});

test("order wizard: the total follows the names, at the plan's price per extra name, and is what is charged", async ({ page }) => {
  const user = { login: "wizard@e2e.test", password: "wizard-password-1" };
  await customerAccount(user.login, user.password, 10_000_000n);
  await signIn(page, user.login, user.password);
  await page.getByRole("link", { name: "Order" }).click();
  await expect(page.getByRole("heading", { name: "Order a certificate" })).toBeVisible();

  const total = page.locator(".total");
  await page.getByLabel("Plan").selectOption(multi.id);
  await page.getByLabel("Period").selectOption("12");
  await expect(page.getByText(`3 names included; each extra name costs RUB ${rub(multi.extra)}.`)).toBeVisible();
  await page.getByLabel("Domain (common name)").fill("wizard.e2e.test");
  await expect(total).toHaveText(`Total: RUB ${rub(multi.base)}`);

  // The second and third names are included; each further one adds the add-on price.
  const names = ["a.wizard.e2e.test", "b.wizard.e2e.test", "c.wizard.e2e.test", "d.wizard.e2e.test"];
  const want = [multi.base, multi.base, multi.base + multi.extra, multi.base + 2n * multi.extra];
  for (let i = 0; i < names.length; i++) {
    await page.getByRole("button", { name: "Add a name" }).click();
    await page.getByLabel(`Extra name ${i + 1}`).fill(names[i]);
    await expect(total).toHaveText(`Total: RUB ${rub(want[i])}`);
  }
  // Removing a name takes its price off again.
  await page.getByRole("button", { name: `Remove ${names[3]}` }).click();
  await expect(total).toHaveText(`Total: RUB ${rub(want[2])}`);
  await page.getByRole("button", { name: "Add a name" }).click();
  await page.getByLabel("Extra name 4").fill(names[3]);
  await expect(total).toHaveText(`Total: RUB ${rub(want[3])}`);
  await axe(page, "order with extra names");

  await page.getByRole("button", { name: "Place order" }).click();
  await expect(page.getByRole("heading", { name: /Certificate #\d+/ })).toBeVisible();
  const id = page.url().split("/").pop()!;
  const token = await page.evaluate(() => localStorage.getItem("certsvc.token")!);
  expect(await charges(token)).toEqual([want[3]]);
  const c = (await rpc<any>("CertificateService/GetCertificate", { id }, token)).certificate;
  expect([c.extraNameSlots, BigInt(c.costMinor)]).toEqual([2, want[3]]);
  await expect(page.locator("#cert-state")).toHaveText(/^Issued/);
  expect(sans(pemsOf(await download(page, "Download crt"))[0])).toEqual(["wizard.e2e.test", ...names].sort());
});

test("order wizard: www and the bare domain count as one name where the plan says so", async ({ page }) => {
  const user = { login: "wwwbare@e2e.test", password: "wwwbare-password-1" };
  await customerAccount(user.login, user.password, 10_000_000n);
  await signIn(page, user.login, user.password);
  await page.getByRole("link", { name: "Order" }).click();
  await page.getByLabel("Plan").selectOption(wwwBare.id);
  await page.getByLabel("Period").selectOption("12");
  const total = page.locator(".total");
  await page.getByLabel("Domain (common name)").fill("www.wwwbare.e2e.test");
  await expect(total).toHaveText(`Total: RUB ${rub(wwwBare.base)}`);
  await page.getByRole("button", { name: "Add a name" }).click();
  await page.getByLabel("Extra name 1").fill("wwwbare.e2e.test");
  await expect(total).toHaveText(`Total: RUB ${rub(wwwBare.base)}`);
  await page.getByRole("button", { name: "Add a name" }).click();
  await page.getByLabel("Extra name 2").fill("shop.wwwbare.e2e.test");
  await expect(total).toHaveText(`Total: RUB ${rub(wwwBare.base + wwwBare.extra)}`);

  await page.getByRole("button", { name: "Place order" }).click();
  await expect(page.getByRole("heading", { name: /Certificate #\d+/ })).toBeVisible();
  const token = await page.evaluate(() => localStorage.getItem("certsvc.token")!);
  expect(await charges(token)).toEqual([wwwBare.base + wwwBare.extra]);
});

test("reissue with new names: the names covered and their price shown; within them, not charged again; beyond them, refused on the names field unless the missing extra names are bought, charged once", async ({ page }) => {
  const user = { login: "reissue@e2e.test", password: "reissue-password-1" };
  await customerAccount(user.login, user.password, 10_000_000n);
  const token = await login(user.login, user.password);
  // An order of one name that bought two extra names ahead: 3 included + 2.
  const created = await rpc<any>(
    "CertificateService/CreateCertificate",
    { planId: multi.id, periodMonths: 12, keyType: "KEY_TYPE_ECDSA_P256", subject: { commonName: "reissue.e2e.test" }, extraNameSlots: 2, pay: true },
    token,
  );
  const id = created.certificate.id;
  const paid = multi.base + 2n * multi.extra;
  expect(await charges(token)).toEqual([paid]);

  await signIn(page, user.login, user.password);
  await page.goto(`/certificates/${id}`);
  await expect(page.locator("#cert-state")).toHaveText(/^Issued/);
  const first = pemsOf(await download(page, "Download crt"))[0];
  expect(sans(first)).toEqual(["reissue.e2e.test"]);

  const region = page.getByRole("region", { name: "Reissue" });
  await region.getByLabel("How").selectOption({ label: "New names (one per line)" });
  // The form says how many names the order covers and what each bought extra name cost.
  await expect(region.locator("#names-covered")).toHaveText(
    `The order covers up to 5 names: 3 included and 2 extra bought at RUB ${rub(multi.extra)} each. More extra names can be bought with the reissue.`,
  );
  const added = ["a.reissue.e2e.test", "b.reissue.e2e.test", "c.reissue.e2e.test", "d.reissue.e2e.test"];
  await region.getByLabel("New names (one per line)").fill(added.join("\n"));
  await axe(page, "reissue with new names");
  await region.getByRole("button", { name: "Reissue" }).click();
  await expect(region.getByRole("alert")).toHaveCount(0);
  await expect(page.locator("dd").filter({ hasText: "reissue.e2e.test, a.reissue" })).toHaveText(["reissue.e2e.test", ...added].join(", "));
  await expect
    .poll(async () => sans(pemsOf(await download(page, "Download crt"))[0]), { timeout: 30_000 })
    .toEqual(["reissue.e2e.test", ...added].sort());
  await expect(page.locator("#cert-state")).toHaveText(/^Issued/);
  expect(await charges(token)).toEqual([paid]);

  // A sixth name needs a third extra name, which the order did not buy.
  await region.getByLabel("How").selectOption({ label: "New names (one per line)" });
  await region.getByLabel("New names (one per line)").fill([...added, "e.reissue.e2e.test"].join("\n"));
  await region.getByRole("button", { name: "Reissue" }).click();
  const field = region.getByLabel("New names (one per line)");
  await expect(field).toHaveAttribute("aria-invalid", "true");
  const errId = await field.getAttribute("aria-describedby");
  await expect(page.locator(`[id="${errId}"]`)).toContainText("6 names need 3 extra name slots; the order has 2: buy the 1 missing");
  expect(await charges(token)).toEqual([paid]);

  // The form says what is missing and its price, and buys it with the reissue.
  const six = [...added, "e.reissue.e2e.test"];
  await expect(region.locator("#slots-missing")).toHaveText(
    new RegExp(`^Missing extra names: 1, at RUB.${rub(multi.extra)} each for the current term of 12 months: RUB.${rub(multi.extra)}\\.`),
  );
  await axe(page, "reissue buying an extra name");
  await region.getByLabel(/^Buy the missing extra names for RUB.1,080\.00 from the balance$/).check();
  await region.getByRole("button", { name: "Reissue" }).click();
  await expect(region.getByRole("alert")).toHaveCount(0);
  await expect(page.locator("dd").filter({ hasText: "reissue.e2e.test, a.reissue" })).toHaveText(["reissue.e2e.test", ...six].join(", "));
  expect(await charges(token)).toEqual([paid, multi.extra]);
  const c = (await rpc<any>("CertificateService/GetCertificate", { id }, token)).certificate;
  expect([c.extraNameSlots, BigInt(c.costMinor)]).toEqual([3, paid + multi.extra]);
  await expect
    .poll(async () => sans(pemsOf(await download(page, "Download crt"))[0]), { timeout: 30_000 })
    .toEqual(["reissue.e2e.test", ...six].sort());

  // The balance page shows the charge and what is left.
  await page.getByRole("link", { name: "Balance" }).click();
  await expect(page.locator(".balance")).toHaveText(new RegExp(`RUB.${rub(10_000_000n - paid - multi.extra)}$`));
  const row = page.getByRole("row").filter({ hasText: "1 extra name slot for 12 months" });
  await expect(row).toHaveCount(1);
  await expect(row.locator("td.num").first()).toHaveText(new RegExp(`^-RUB.${rub(multi.extra)}$`));
});

test("operator: manual activation of a manual-module order; the customer downloads the uploaded certificate", async ({ page, browser }) => {
  // A plan of its own, sold only by an enabled manual module.
  const plan = (
    await rpc<any>(
      "CatalogService/CreatePlan",
      { plan: { name: "E2E Manual Desk SSL", brand: "Manual", validation: "VALIDATION_LEVEL_DV", includedNames: 1, maxNames: 1, enabled: true, prices: [{ periodMonths: 12, currency: "RUB", amountMinor: "50000" }] } },
      adminToken,
    )
  ).plan;
  await rpc(
    "ProcessingModuleService/CreateProcessingModule",
    { module: { name: "E2E manual desk", kind: "MODULE_KIND_MANUAL", priority: 1, enabled: true, allPlans: false, plans: [{ planId: plan.id }] } },
    adminToken,
  );
  const user = { login: "manual@e2e.test", password: "manual-password-1" };
  await customerAccount(user.login, user.password, 1_000_000n);

  // The customer orders through the wizard; the order waits for the operator.
  await signIn(page, user.login, user.password);
  await page.getByRole("link", { name: "Order" }).click();
  await page.getByLabel("Plan").selectOption(plan.id);
  await page.getByLabel("Domain (common name)").fill("manual.e2e.test");
  await page.getByRole("button", { name: "Place order" }).click();
  await expect(page.getByRole("heading", { name: /Certificate #\d+/ })).toBeVisible();
  const id = page.url().split("/").pop()!;
  await expect(page.locator("#cert-state")).toHaveText(/^Processing/);
  expect((await rpc<any>("CertificateService/GetCertificate", { id }, adminToken)).certificate.processingModuleId).toBeTruthy();

  // The operator signs the order's CSR with a CA of its own and uploads the result,
  // valid past the paid term (a shorter one would start a subscription reissue).
  const csrFile = await rpc<any>("CertificateService/GetCertificateFile", { id, type: "FILE_TYPE_CSR" }, adminToken);
  const dir = mkdtempSync(join(tmpdir(), "manual-"));
  writeFileSync(join(dir, "req.csr"), Buffer.from(csrFile.content, "base64"));
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", join(dir, "ca.key"), "-out", join(dir, "ca.pem"), "-days", "800", "-subj", "/CN=E2E Manual CA"]);
  execFileSync("openssl", ["x509", "-req", "-in", join(dir, "req.csr"), "-CA", join(dir, "ca.pem"), "-CAkey", join(dir, "ca.key"), "-CAcreateserial", "-days", "400", "-copy_extensions", "copy", "-out", join(dir, "leaf.pem")]);
  const leaf = readFileSync(join(dir, "leaf.pem")).toString();
  const ca = readFileSync(join(dir, "ca.pem")).toString();

  const opCtx = await browser.newContext();
  const op = await opCtx.newPage();
  await signIn(op, "admin", adminPassword);
  await op.goto(`/certificates/${id}`);
  await expect(op.locator("#cert-state")).toHaveText(/^Processing/);
  const upload = op.getByRole("region", { name: "Upload issued certificate (PEM)" });
  await upload.getByRole("textbox", { name: "Upload issued certificate (PEM)" }).fill(leaf + ca);
  await axe(op, "manual activation");
  await upload.getByRole("button", { name: "Activate" }).click();
  await expect(upload.getByRole("alert")).toHaveCount(0);
  await expect(op.locator("#cert-state")).toHaveText(/^Issued/);
  await opCtx.close();

  // The customer's open page follows, and the files are the uploaded ones.
  await expect(page.locator("#cert-state")).toHaveText(/^Issued/);
  const crt = pemsOf(await download(page, "Download crt"));
  expect(new X509Certificate(crt[0]).fingerprint256).toBe(new X509Certificate(leaf).fingerprint256);
  const full = pemsOf(await download(page, "Download fullchain"));
  expect(full.map((p) => new X509Certificate(p).fingerprint256)).toEqual([new X509Certificate(leaf).fingerprint256, new X509Certificate(ca).fingerprint256]);
  expect(new X509Certificate(full[0]).verify(new X509Certificate(full[1]).publicKey)).toBe(true);
});
