import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { Code, ConnectError } from "@connectrpc/connect";
import { create } from "@bufbuild/protobuf";
import {
  CertificateSchema,
  CertificateService,
  CertificateState,
  NotificationService,
  NotificationSettingsSchema,
  RevocationReason,
  WebhookService,
  type NotificationSettings,
  type RevokeCertificateRequest,
  type UpdateNotificationSettingsRequest,
  type UpdateWebhookEndpointRequest,
  type WebhookEndpoint,
} from "@certsvc/client";
import { badRequest, renderWith } from "../lib/testutil";
import { noticeTypes } from "../lib/signals";
import { Revoke } from "./Revoke";
import Notifications from "./Notifications";
import Webhooks from "./Webhooks";

afterEach(cleanup);

const issued = create(CertificateSchema, { id: 42n, commonName: "www.example.com", state: CertificateState.ISSUED, allowedActions: ["reissue", "revoke"] });

describe("Revoke", () => {
  it("asks for confirmation, then sends the reason and comment", async () => {
    const seen: RevokeCertificateRequest[] = [];
    renderWith(
      (r) =>
        r.service(CertificateService, {
          revokeCertificate: (req) => {
            seen.push(req);
            return { certificate: issued };
          },
        }),
      <Revoke c={issued} />,
    );
    fireEvent.change(screen.getByLabelText("Reason (RFC 5280)"), { target: { value: String(RevocationReason.KEY_COMPROMISE) } });
    fireEvent.input(screen.getByLabelText(/^Comment/), { target: { value: "laptop stolen" } });
    fireEvent.click(screen.getByRole("button", { name: "Revoke certificate…" }));
    // Nothing is sent before the confirmation; the focus goes to Cancel.
    const confirm = screen.getByRole("group", { name: /Revoke certificate #42 for www\.example\.com\?/ });
    await waitFor(() => expect(document.activeElement).toBe(within(confirm).getByRole("button", { name: "Cancel" })));
    expect(seen).toHaveLength(0);
    fireEvent.click(within(confirm).getByRole("button", { name: "Yes, revoke" }));
    await waitFor(() => expect(screen.getByRole("status").textContent).toContain("Revocation requested"));
    expect(seen.map((r) => [r.id, r.reason, r.comment])).toEqual([[42n, RevocationReason.KEY_COMPROMISE, "laptop stolen"]]);
  });

  it("cancels with Escape and shows the server's refusal", async () => {
    let calls = 0;
    renderWith(
      (r) =>
        r.service(CertificateService, {
          revokeCertificate: () => {
            calls++;
            throw new ConnectError("module Upstream cannot revoke", Code.FailedPrecondition);
          },
        }),
      <Revoke c={issued} />,
    );
    fireEvent.click(screen.getByRole("button", { name: "Revoke certificate…" }));
    fireEvent.keyDown(screen.getByRole("button", { name: "Cancel" }), { key: "Escape" });
    expect(screen.queryByRole("group")).toBeNull();
    expect(calls).toBe(0);
    fireEvent.click(screen.getByRole("button", { name: "Revoke certificate…" }));
    fireEvent.click(screen.getByRole("button", { name: "Yes, revoke" }));
    await waitFor(() => expect(screen.getByRole("alert").textContent).toContain("module Upstream cannot revoke"));
    expect(calls).toBe(1);
  });

  it("shows a revoked certificate's reason instead of the action, and nothing where revoking is not allowed", () => {
    const revoked = create(CertificateSchema, {
      id: 1n,
      state: CertificateState.REVOKED,
      revocationReason: RevocationReason.SUPERSEDED,
      revokeTime: { seconds: 1_700_000_000n, nanos: 0 },
    });
    renderWith(() => {}, <Revoke c={revoked} />, "ru");
    expect(screen.getByText(/Отозван .*причина: Заменён другим/)).toBeTruthy();
    expect(screen.queryByRole("button")).toBeNull();
    cleanup();
    renderWith(() => {}, <Revoke c={create(CertificateSchema, { id: 2n, state: CertificateState.UNPAID, allowedActions: ["pay"] })} />);
    expect(screen.queryByText("Revoke")).toBeNull();
  });
});

describe("Notifications", () => {
  function setup(update: (req: UpdateNotificationSettingsRequest) => { settings: NotificationSettings } | never, settings: { eventTypes?: string[]; emailEnabled?: boolean } = {}) {
    const reqs: { get: bigint[]; list: bigint[] } = { get: [], list: [] };
    renderWith(
      (r) =>
        r.service(NotificationService, {
          getNotificationSettings: (req) => {
            reqs.get.push(req.accountId);
            return { settings: create(NotificationSettingsSchema, { accountId: 5n, recipients: ["ops@example.com"], eventTypes: [], language: "en", emailEnabled: true, ...settings }) };
          },
          updateNotificationSettings: update as never,
          listEmailDeliveries: (req) => {
            reqs.list.push(req.accountId);
            return { deliveries: [{ id: 1n, noticeType: "certificate.issued", certificateId: 42n, recipient: "ops@example.com", state: 2, attempts: 1 }] };
          },
        }),
      <Notifications accountId="5" />,
    );
    return reqs;
  }

  it("saves recipients, the events ticked and the language for the account on the operator's route", async () => {
    const seen: UpdateNotificationSettingsRequest[] = [];
    const reqs = setup((req) => {
      seen.push(req);
      return { settings: { ...req.settings!, recipients: ["a@example.com", "b@example.com"] } as NotificationSettings };
    });
    const recipients = await screen.findByLabelText("Recipients (one address per line)");
    expect((recipients as HTMLTextAreaElement).value).toBe("ops@example.com");
    // A saved empty filter is every event ticked.
    const boxes = within(screen.getByRole("group", { name: "Events" })).getAllByRole("checkbox") as HTMLInputElement[];
    expect(boxes.map((b) => [b.value, b.checked])).toEqual(noticeTypes.map((t) => [t, true]));
    fireEvent.input(recipients, { target: { value: "A <a@example.com>\nb@example.com" } });
    fireEvent.click(screen.getByRole("checkbox", { name: "Low balance" }));
    fireEvent.change(screen.getByLabelText("Language of the messages"), { target: { value: "ru" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(screen.getByRole("status").textContent).toBe("Settings saved."));
    expect(seen).toHaveLength(1);
    expect(seen[0].accountId).toBe(5n);
    expect(seen[0].settings!.recipients).toEqual(["A <a@example.com>", "b@example.com"]);
    expect(seen[0].settings!.eventTypes).toEqual(noticeTypes.filter((t) => t !== "account.balance_low"));
    expect(seen[0].settings!.language).toBe("ru");
    expect(seen[0].updateMask!.paths).toEqual(["recipients", "event_types", "language"]);
    // The form shows the addresses as the server keeps them.
    await waitFor(() => expect((recipients as HTMLTextAreaElement).value).toBe("a@example.com\nb@example.com"));
    expect(reqs.get.every((a) => a === 5n) && reqs.list.every((a) => a === 5n)).toBe(true);
    expect(await screen.findByRole("cell", { name: "Certificate issued" })).toBeTruthy();
    expect(screen.getByRole("cell", { name: "Sent" })).toBeTruthy();
  });

  it("shows the server's error for one recipient under the recipients, by line", async () => {
    setup(() => {
      const err = new ConnectError("settings.recipients[1]: mail: missing '@'", Code.InvalidArgument);
      err.details.push({ type: "google.rpc.BadRequest", value: badRequest([["settings.recipients[1]", "mail: missing '@'"]]) });
      throw err;
    });
    const recipients = await screen.findByLabelText("Recipients (one address per line)");
    fireEvent.input(recipients, { target: { value: "a@example.com\nnot-an-address" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(recipients.getAttribute("aria-invalid")).toBe("true"));
    expect(document.getElementById(recipients.getAttribute("aria-describedby")!)!.textContent).toBe("line 2: mail: missing '@'");
  });

  it("refuses a filter with no event ticked without asking the server, and says when e-mail is off", async () => {
    let calls = 0;
    setup(
      () => {
        calls++;
        throw new Error("not reached");
      },
      { eventTypes: ["certificate.issued"], emailEnabled: false },
    );
    const issuedBox = await screen.findByRole("checkbox", { name: "Certificate issued" });
    expect(screen.getByRole("note").textContent).toContain("E-mail is not set up");
    expect((screen.getByRole("checkbox", { name: "Certificate revoked" }) as HTMLInputElement).checked).toBe(false);
    fireEvent.click(issuedBox);
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(screen.getByText("Tick at least one event.")).toBeTruthy());
    expect(calls).toBe(0);
  });
});

describe("Webhooks", () => {
  function endpoint(p: Partial<WebhookEndpoint>): WebhookEndpoint {
    return { id: 9n, accountId: 5n, url: "https://hooks.example/in", description: "", eventTypes: [], enabled: true, ...p } as WebhookEndpoint;
  }

  it("shows the secret once on create, saves only what an edit changed and closes the form", async () => {
    let eps: WebhookEndpoint[] = [];
    const updates: UpdateWebhookEndpointRequest[] = [];
    let createdFor = -1n;
    renderWith(
      (r) =>
        r.service(WebhookService, {
          listWebhookEndpoints: () => ({ endpoints: eps }),
          createWebhookEndpoint: (req) => {
            createdFor = req.endpoint!.accountId;
            const e = endpoint({ url: req.endpoint!.url, eventTypes: req.endpoint!.eventTypes });
            eps = [e];
            return { endpoint: e, secret: "whsec_c2VjcmV0" };
          },
          updateWebhookEndpoint: (req) => {
            updates.push(req);
            eps = [endpoint({ ...eps[0], ...(req.updateMask!.paths.includes("description") ? { description: req.endpoint!.description } : {}) })];
            return { endpoint: eps[0] };
          },
        }),
      <Webhooks />,
    );
    await screen.findByText("No endpoints yet.");
    const form = screen.getByRole("form", { name: "New endpoint" });
    fireEvent.input(within(form).getByLabelText("URL"), { target: { value: " https://hooks.example/in " } });
    fireEvent.click(within(form).getByRole("checkbox", { name: "Order failed" }));
    fireEvent.click(within(form).getByRole("button", { name: "Create" }));
    const secret = await screen.findByText("whsec_c2VjcmV0");
    expect(secret.closest("[role=status]")!.textContent).toContain("shown only now");
    expect(createdFor).toBe(0n);
    const row = await screen.findByRole("row", { name: /hooks\.example\/in/ });
    expect(row.textContent).not.toContain("All events");
    expect(row.textContent).toContain("Certificate issued");

    fireEvent.click(within(row).getByRole("button", { name: "Edit" }));
    const edit = screen.getByRole("form", { name: "Edit endpoint https://hooks.example/in" });
    fireEvent.input(within(edit).getByLabelText("Description"), { target: { value: "billing" } });
    fireEvent.click(within(edit).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(screen.queryByRole("form", { name: "Edit endpoint https://hooks.example/in" })).toBeNull());
    expect(updates.map((u) => u.updateMask!.paths)).toEqual([["description"]]);
    expect(await screen.findByText("billing")).toBeTruthy();
  });

  it("toggles an endpoint, sends a test and shows the delivery log with redelivery", async () => {
    const eps = [endpoint({ eventTypes: ["certificate.issued"] })];
    const calls: string[] = [];
    renderWith(
      (r) =>
        r.service(WebhookService, {
          listWebhookEndpoints: (req) => {
            calls.push(`list ${req.accountId}`);
            return { endpoints: eps };
          },
          updateWebhookEndpoint: (req) => {
            calls.push(`update ${req.updateMask!.paths.join(",")} ${req.endpoint!.enabled} ${req.endpoint!.url}`);
            eps[0] = { ...eps[0], enabled: req.endpoint!.enabled };
            return { endpoint: eps[0] };
          },
          sendTestWebhook: (req) => {
            calls.push(`test ${req.id}`);
            return { deliveryId: 3n };
          },
          listWebhookDeliveries: () => ({
            deliveries: [{ id: 3n, messageId: "msg_3", type: "test", state: "sent", attempts: 1, lastStatus: 204, lastError: "" }],
          }),
          redeliverWebhook: (req) => {
            calls.push(`redeliver ${req.deliveryId}`);
            return {};
          },
        }),
      <Webhooks accountId="5" />,
    );
    const toggle = await screen.findByRole("checkbox", { name: "Enabled: https://hooks.example/in" });
    fireEvent.click(toggle);
    await waitFor(() => expect(calls).toContain("update enabled false https://hooks.example/in"));
    fireEvent.click(screen.getByRole("button", { name: "Send test" }));
    const log = await screen.findByRole("table", { name: "Delivery log of https://hooks.example/in" });
    expect(within(log).getByRole("cell", { name: "Sent" })).toBeTruthy();
    expect(within(log).getByRole("cell", { name: "204" })).toBeTruthy();
    fireEvent.click(within(log).getByRole("button", { name: "Redeliver msg_3" }));
    await waitFor(() => expect(calls).toContain("redeliver 3"));
    expect(calls).toContain("test 9");
    expect(calls[0]).toBe("list 5");
  });
});
