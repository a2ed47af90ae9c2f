import { expect, test, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { adminPassword } from "./global-setup";
import { login, rpc } from "./api";

// What certsvc tells a customer, end to end against the real server:
// webhook endpoints (delivered to a listener of the test's own, signed),
// e-mail notification settings for the customer and the operator, and the
// revocation of a certificate issued by the built-in CA. Every page visited
// is checked with axe.

test.describe.configure({ mode: "serial" });

const customer = { login: "signals@e2e.test", password: "signals-password-1" };
let adminToken = "";
let accountId = "";

async function axe(page: Page, what: string) {
  const r = await new AxeBuilder({ page }).analyze();
  const bad = r.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${what}: ${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

async function signIn(page: Page, user: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("Login").fill(user);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Certificates", level: 1 })).toBeVisible();
}

interface Hit {
  headers: IncomingHttpHeaders;
  body: string;
}

/** listen starts a plain HTTP receiver on 127.0.0.1 that answers 200 and keeps what it got. */
async function listen(): Promise<{ url: string; hits: Hit[]; server: Server }> {
  const hits: Hit[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      hits.push({ headers: req.headers, body });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/hook`, hits, server };
}

/** signed checks a request's Standard Webhooks signature against a "whsec_" secret. */
function signed(h: Hit, secret: string): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const want = createHmac("sha256", key).update(`${h.headers["webhook-id"]}.${h.headers["webhook-timestamp"]}.${h.body}`).digest("base64");
  return String(h.headers["webhook-signature"] ?? "")
    .split(" ")
    .includes(`v1,${want}`);
}

test.beforeAll(async () => {
  adminToken = await login("admin", adminPassword);
  const acc = await rpc<any>("AccountService/CreateAccount", { name: "Signals Hosting", currency: "RUB" }, adminToken);
  accountId = acc.account.id;
  await rpc("AccountService/CreateUser", { accountId, login: customer.login, password: customer.password, level: "ACCESS_LEVEL_USER" }, adminToken);
  await rpc("AccountService/Deposit", { accountId, amountMinor: "5000000", currency: "RUB", description: "e2e", idempotencyKey: "signals-e2e-deposit" }, adminToken);
});

test("customer: a webhook endpoint to a local listener, test send, delivery log, edit, rotate, delete", async ({ page }) => {
  const hook = await listen();
  try {
    await signIn(page, customer.login, customer.password);
    await page.getByRole("link", { name: "Webhooks" }).click();
    await expect(page.getByRole("heading", { name: "Webhooks", level: 1 })).toBeVisible();
    await axe(page, "webhooks");

    const form = page.getByRole("form", { name: "New endpoint" });
    await form.getByLabel("URL").fill(hook.url);
    await form.getByLabel("Description").fill("e2e listener");
    await form.getByRole("checkbox", { name: "Low balance" }).uncheck();
    await form.getByRole("button", { name: "Create" }).click();
    const secretBox = page.locator("[data-secret]");
    await expect(secretBox).toHaveText(/^whsec_/);
    const secret = (await secretBox.textContent())!;
    await axe(page, "webhooks with a new secret");
    const row = page.locator("tbody tr", { has: page.getByText(hook.url, { exact: true }) });
    await expect(row).toContainText("Certificate issued");
    await expect(row).not.toContainText("Low balance");
    // The secret is shown once: a reload does not show it again.
    await page.reload();
    await expect(page.locator("[data-secret]")).toHaveCount(0);

    await row.getByRole("button", { name: "Send test" }).click();
    await expect.poll(() => hook.hits.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(1);
    const first = hook.hits[0];
    expect(JSON.parse(first.body).type).toBe("test");
    expect(signed(first, secret)).toBe(true);
    const log = page.getByRole("table", { name: `Delivery log of ${hook.url}` });
    await expect(log.locator("tbody tr").first().locator("td.state")).toHaveText("Sent", { timeout: 30_000 });
    // One attempt. (The server records no status for a successful answer, so "Last answer" stays empty.)
    await expect(log.locator("tbody tr").first().locator("td").nth(3)).toHaveText("1");
    await axe(page, "webhook delivery log");

    // Redeliver: the same message again, with the same webhook-id.
    await log.getByRole("button", { name: /^Redeliver / }).first().click();
    await expect.poll(() => hook.hits.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    expect(hook.hits[1].headers["webhook-id"]).toBe(first.headers["webhook-id"]);

    // Edit: the form closes once saved.
    await row.getByRole("button", { name: "Edit" }).click();
    const edit = page.getByRole("form", { name: `Edit endpoint ${hook.url}` });
    await edit.getByLabel("Description").fill("e2e listener, edited");
    await axe(page, "webhook edit");
    await edit.getByRole("button", { name: "Save" }).click();
    await expect(edit).toBeHidden();
    await expect(row).toContainText("e2e listener, edited");

    // Disable: the box shows the endpoint as the server keeps it, so it turns off once saved.
    const token = await page.evaluate(() => localStorage.getItem("certsvc.token")!);
    await row.getByRole("checkbox", { name: `Enabled: ${hook.url}` }).click();
    await expect(row.getByRole("checkbox", { name: `Enabled: ${hook.url}` })).not.toBeChecked();
    await expect.poll(async () => (await rpc<any>("WebhookService/ListWebhookEndpoints", {}, token)).endpoints[0].enabled ?? false).toBe(false);

    // Rotate: a new secret, shown once, that signs the next request.
    await row.getByRole("button", { name: "Rotate secret" }).click();
    await expect(secretBox).toHaveText(/^whsec_/);
    await expect(secretBox).not.toHaveText(secret);
    const rotated = (await secretBox.textContent())!;
    await row.getByRole("button", { name: "Send test" }).click();
    await expect.poll(() => hook.hits.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
    expect(signed(hook.hits[2], rotated)).toBe(true);

    // Delete, after a confirmation.
    await row.getByRole("button", { name: "Delete" }).click();
    await page.getByRole("group", { name: /Delete endpoint/ }).getByRole("button", { name: "Delete" }).click();
    await expect(page.getByText("No endpoints yet.")).toBeVisible();
    expect((await rpc<any>("WebhookService/ListWebhookEndpoints", {}, token)).endpoints ?? []).toEqual([]);
  } finally {
    hook.server.close();
  }
});

test("customer sets notification recipients and events; the operator sees them on the account", async ({ page, browser }) => {
  await signIn(page, customer.login, customer.password);
  await page.getByRole("link", { name: "Notifications" }).click();
  await expect(page.getByRole("heading", { name: "E-mail notifications", level: 1 })).toBeVisible();
  // The e2e server has no SMTP relay.
  await expect(page.getByRole("note")).toContainText("E-mail is not set up");
  await axe(page, "notifications");

  const recipients = page.getByLabel("Recipients (one address per line)");
  await recipients.fill("ops@signals.test\nnot an address");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(recipients).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator(`[id="${await recipients.getAttribute("aria-describedby")}"]`)).toContainText("line 2");
  await axe(page, "notifications with an error");

  await recipients.fill("ops@signals.test\nBilling <billing@signals.test>");
  await page.getByRole("checkbox", { name: "Certificate expiring" }).uncheck();
  await page.getByLabel("Language of the messages").selectOption("ru");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Settings saved." })).toBeVisible();
  await expect(recipients).toHaveValue("ops@signals.test\nbilling@signals.test");
  const s = (await rpc<any>("NotificationService/GetNotificationSettings", { accountId }, adminToken)).settings;
  expect(s.recipients).toEqual(["ops@signals.test", "billing@signals.test"]);
  expect(s.eventTypes).toContain("certificate.issued");
  expect(s.eventTypes).not.toContain("certificate.expiring");
  expect(s.language).toBe("ru");

  // The operator reaches the same settings from the account's page.
  const opCtx = await browser.newContext();
  const op = await opCtx.newPage();
  await signIn(op, "admin", adminPassword);
  await op.goto(`/admin/accounts/${accountId}`);
  await op.getByRole("link", { name: "Notifications" }).click();
  await expect(op.getByRole("heading", { name: "E-mail notifications of Signals Hosting", level: 1 })).toBeVisible();
  await expect(op.getByLabel("Recipients (one address per line)")).toHaveValue("ops@signals.test\nbilling@signals.test");
  await expect(op.getByRole("checkbox", { name: "Certificate expiring" })).not.toBeChecked();
  await axe(op, "notifications (operator)");
  await op.goto(`/admin/accounts/${accountId}`);
  await op.getByRole("link", { name: "Webhooks" }).click();
  await expect(op.getByRole("heading", { name: "Webhooks of Signals Hosting", level: 1 })).toBeVisible();
  await axe(op, "webhooks (operator)");
  await opCtx.close();
});

test("customer revokes a certificate issued by the built-in CA, with the keyboard", async ({ page }) => {
  await signIn(page, customer.login, customer.password);
  await page.getByRole("link", { name: "Order" }).click();
  await page.getByLabel("Domain (common name)").fill("www.signals-revoke.test");
  await page.getByRole("button", { name: "Place order" }).click();
  await expect(page.getByRole("heading", { name: /Certificate #\d+/ })).toBeVisible();
  const id = page.url().split("/").pop()!;
  await expect(page.locator("#cert-state")).toHaveText(/^Issued/, { timeout: 30_000 });
  await axe(page, "certificate with revoke");

  const revoke = page.getByRole("region", { name: "Revoke" });
  await revoke.getByLabel("Reason (RFC 5280)").selectOption({ label: "Superseded (4)" });
  await revoke.getByLabel(/^Comment/).fill("replaced by a new order");
  await revoke.getByRole("button", { name: "Revoke certificate…" }).focus();
  await page.keyboard.press("Enter");
  // The confirmation takes the focus on Cancel; the destructive button is one Shift+Tab away.
  await expect(revoke.getByRole("button", { name: "Cancel" })).toBeFocused();
  await axe(page, "revoke confirmation");
  await page.keyboard.press("Shift+Tab");
  await expect(revoke.getByRole("button", { name: "Yes, revoke" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.locator("#cert-state")).toHaveText(/^Revoked/, { timeout: 30_000 });
  await expect(revoke).toContainText("reason: Superseded");
  await axe(page, "revoked certificate");
  const c = (await rpc<any>("CertificateService/GetCertificate", { id }, adminToken)).certificate;
  expect([c.state, c.revocationReason]).toEqual(["CERTIFICATE_STATE_REVOKED", "REVOCATION_REASON_SUPERSEDED"]);
});

test.describe("in Russian", () => {
  test.use({ locale: "ru-RU" });
  test("the notification and webhook pages render in Russian", async ({ page }) => {
    await page.goto("/login");
    await page.getByLabel("Логин").fill(customer.login);
    await page.getByLabel("Пароль").fill(customer.password);
    await page.getByRole("button", { name: "Войти" }).click();
    await page.getByRole("link", { name: "Уведомления" }).click();
    await expect(page.getByRole("heading", { name: "Уведомления по e-mail", level: 1 })).toBeVisible();
    await expect(page.getByRole("checkbox", { name: "Сертификат выпущен" })).toBeChecked();
    await axe(page, "notifications (ru)");
    await page.getByRole("link", { name: "Вебхуки" }).click();
    await expect(page.getByRole("heading", { name: "Вебхуки", level: 1 })).toBeVisible();
    await axe(page, "webhooks (ru)");
  });
});
