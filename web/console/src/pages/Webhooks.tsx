import { useEffect, useId, useRef, useState } from "react";
import { useMutation, useQuery } from "@connectrpc/connect-query";
import { useQueryClient } from "@tanstack/react-query";
import { WebhookService, type WebhookEndpoint } from "@certsvc/client";
import { useI18n, type MessageKey } from "../lib/i18n";
import { draftOf, endpointMask, pendingDeliveries, typesToSave, type EndpointDraft } from "../lib/signals";
import { tokenOf, TokenPager, useTokenPages } from "../lib/tokenpages";
import { CopyButton, Form, formState, Input, Loading, Problem, tsDate, type FormState } from "../lib/ui";
import { AccountTitle, EventPicker, useNoticeName } from "./EventPicker";

/** Secret is a signing secret just made, shown this once. */
interface Secret {
  url: string;
  secret: string;
  previousUntil?: Date;
}

/** EndpointForm creates an endpoint (no before) or edits one; done is called once saved. */
function EndpointForm({ accountId, before, done }: { accountId: bigint; before?: WebhookEndpoint; done(secret?: Secret): void }) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const [d, setD] = useState<EndpointDraft>(() => draftOf(before));
  const [local, setLocal] = useState<FormState | null>(null);
  const create = useMutation(WebhookService.method.createWebhookEndpoint, {
    onSuccess: (res) => {
      setD(draftOf());
      qc.invalidateQueries();
      done({ url: res.endpoint?.url ?? "", secret: res.secret });
    },
  });
  const update = useMutation(WebhookService.method.updateWebhookEndpoint, {
    onSuccess: () => {
      qc.invalidateQueries();
      done();
    },
  });
  const m = before ? update : create;
  const label = before ? t("hooks.editing", { url: before.url }) : t("hooks.create");
  return (
    <Form
      errors={local ?? formState(m.error)}
      label={label}
      onSubmit={() => {
        const types = typesToSave(d.types);
        if (types === null) {
          setLocal({ fields: { "endpoint.event_types": t("signals.pickEvent") }, message: "" });
          return;
        }
        setLocal(null);
        const endpoint = { url: d.url.trim(), description: d.description, eventTypes: types, enabled: d.enabled };
        if (!before) {
          create.mutate({ endpoint: { ...endpoint, accountId } });
          return;
        }
        const paths = endpointMask(before, { ...d, url: endpoint.url }, types);
        if (paths.length === 0) done();
        else update.mutate({ endpoint: { ...endpoint, id: before.id }, updateMask: { paths } });
      }}
    >
      <div className="grid">
        <Input label={t("hooks.url")} name="endpoint.url" type="url" inputMode="url" placeholder="https://" value={d.url} onChange={(e) => setD({ ...d, url: e.currentTarget.value })} />
        <Input label={t("hooks.description")} name="endpoint.description" value={d.description} onChange={(e) => setD({ ...d, description: e.currentTarget.value })} />
        <Input label={t("hooks.enabled")} name="endpoint.enabled" type="checkbox" checked={d.enabled} onChange={(e) => setD({ ...d, enabled: e.currentTarget.checked })} />
      </div>
      <EventPicker name="endpoint.event_types" value={d.types} onChange={(types) => setD({ ...d, types })} />
      <div className="row">
        <button type="submit" className="primary" disabled={m.isPending}>
          {before ? t("common.save") : t("common.create")}
        </button>
        {before && (
          <button type="button" onClick={() => done()}>
            {t("common.cancel")}
          </button>
        )}
      </div>
    </Form>
  );
}

function Deliveries({ e }: { e: WebhookEndpoint }) {
  const { t, dateTime } = useI18n();
  const qc = useQueryClient();
  const noticeName = useNoticeName();
  const [pages, setPages] = useTokenPages(String(e.id));
  const q = useQuery(
    WebhookService.method.listWebhookDeliveries,
    { id: e.id, pageSize: 20, pageToken: tokenOf(pages) },
    { refetchInterval: (query) => (pendingDeliveries((query.state.data?.deliveries ?? []).map((d) => d.state), "pending") ? 1000 : false) },
  );
  const redeliver = useMutation(WebhookService.method.redeliverWebhook, { onSuccess: () => qc.invalidateQueries() });
  const caption = t("hooks.deliveriesOf", { url: e.url });
  if (q.isPending) return <Loading />;
  if (q.error) return <Problem error={q.error} retry={() => q.refetch()} />;
  return (
    <div className="table-wrap">
      {redeliver.error && <Problem error={redeliver.error} />}
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t("common.date")}</th>
            <th scope="col">{t("signals.type")}</th>
            <th scope="col">{t("signals.state")}</th>
            <th scope="col">{t("signals.attempts")}</th>
            <th scope="col">{t("signals.lastStatus")}</th>
            <th scope="col">{t("signals.lastError")}</th>
            <th scope="col">{t("common.actions")}</th>
          </tr>
        </thead>
        <tbody>
          {q.data.deliveries.length === 0 && (
            <tr>
              <td colSpan={7} className="muted">
                {t("common.none")}
              </td>
            </tr>
          )}
          {q.data.deliveries.map((d) => {
            const k = `hooks.state.${d.state}` as MessageKey;
            const state = t(k) === k ? d.state : t(k);
            return (
              <tr key={String(d.id)} data-state={d.state}>
                <td>{dateTime(tsDate(d.lastAttemptTime) ?? tsDate(d.createTime))}</td>
                <td>{noticeName(d.type)}</td>
                <td className="state">{state}</td>
                <td>{d.attempts}</td>
                <td>{d.lastStatus || ""}</td>
                <td>{d.lastError}</td>
                <td>
                  <button
                    type="button"
                    className="small"
                    disabled={redeliver.isPending}
                    aria-label={`${t("hooks.redeliver")} ${d.messageId}`}
                    onClick={() => redeliver.mutate({ deliveryId: d.id })}
                  >
                    {t("hooks.redeliver")}
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <TokenPager pages={pages} next={q.data.nextPageToken} onChange={setPages} label={caption} />
    </div>
  );
}

function EndpointRow({ e, accountId, onSecret }: { e: WebhookEndpoint; accountId: bigint; onSecret(s: Secret): void }) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const noticeName = useNoticeName();
  const [editing, setEditing] = useState(false);
  const [log, setLog] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const editRef = useRef<HTMLButtonElement>(null);
  const cancelDelRef = useRef<HTMLButtonElement>(null);
  const qid = useId();
  const refresh = () => qc.invalidateQueries();
  const toggle = useMutation(WebhookService.method.updateWebhookEndpoint, { onSuccess: refresh });
  const del = useMutation(WebhookService.method.deleteWebhookEndpoint, { onSuccess: refresh });
  const rotate = useMutation(WebhookService.method.rotateWebhookSecret, {
    onSuccess: (res) => {
      refresh();
      onSecret({ url: e.url, secret: res.secret, previousUntil: tsDate(res.endpoint?.previousSecretUntil) });
    },
  });
  const test = useMutation(WebhookService.method.sendTestWebhook, {
    onSuccess: () => {
      setLog(true);
      refresh();
    },
  });
  useEffect(() => {
    if (deleting) cancelDelRef.current?.focus();
  }, [deleting]);
  const err = toggle.error ?? del.error ?? rotate.error ?? test.error;
  return (
    <>
      <tr data-id={String(e.id)}>
        <td>
          <code>{e.url}</code>
          {e.description && <div className="muted">{e.description}</div>}
        </td>
        <td>{e.eventTypes.length === 0 ? t("hooks.allEvents") : e.eventTypes.map(noticeName).join(", ")}</td>
        <td>
          <Input
            label={t("hooks.enabledOf", { url: e.url })}
            name="enabled"
            type="checkbox"
            className="toggle"
            checked={e.enabled}
            disabled={toggle.isPending}
            // The whole endpoint goes along: the request is validated as a whole (url must not be empty).
            onChange={(ev) => toggle.mutate({ endpoint: { ...e, enabled: ev.currentTarget.checked }, updateMask: { paths: ["enabled"] } })}
          />
        </td>
        <td className="actions">
          <button type="button" className="small" ref={editRef} aria-expanded={editing} onClick={() => setEditing(!editing)}>
            {t("hooks.edit")}
          </button>
          <button type="button" className="small" disabled={test.isPending} onClick={() => test.mutate({ id: e.id })}>
            {t("hooks.test")}
          </button>
          <button type="button" className="small" aria-expanded={log} onClick={() => setLog(!log)}>
            {t("hooks.deliveries")}
          </button>
          <button type="button" className="small" disabled={rotate.isPending} onClick={() => rotate.mutate({ id: e.id })}>
            {t("hooks.rotate")}
          </button>
          <button type="button" className="small" aria-expanded={deleting} onClick={() => setDeleting(true)}>
            {t("common.delete")}
          </button>
          {test.isSuccess && <span role="status">{t("hooks.testQueued")}</span>}
          {err && <Problem error={err} />}
        </td>
      </tr>
      {deleting && (
        <tr>
          <td colSpan={4}>
            <div role="group" aria-labelledby={qid} className="notice confirm" onKeyDown={(ev) => ev.key === "Escape" && setDeleting(false)}>
              <p id={qid}>{t("hooks.deleteConfirm", { url: e.url })}</p>
              <div className="row">
                <button type="button" className="danger" disabled={del.isPending} onClick={() => del.mutate({ id: e.id })}>
                  {t("common.delete")}
                </button>
                <button type="button" ref={cancelDelRef} onClick={() => setDeleting(false)}>
                  {t("common.cancel")}
                </button>
              </div>
            </div>
          </td>
        </tr>
      )}
      {editing && (
        <tr>
          <td colSpan={4}>
            <EndpointForm
              accountId={accountId}
              before={e}
              done={() => {
                setEditing(false);
                setTimeout(() => editRef.current?.focus());
              }}
            />
          </td>
        </tr>
      )}
      {log && (
        <tr>
          <td colSpan={4}>
            <Deliveries e={e} />
          </td>
        </tr>
      )}
    </>
  );
}

/** Webhooks: an account's webhook endpoints; accountId is given on the operator's route. */
export default function Webhooks({ accountId }: { accountId?: string }) {
  const { t, dateTime } = useI18n();
  const acct = accountId && /^\d+$/.test(accountId) ? BigInt(accountId) : 0n;
  const q = useQuery(WebhookService.method.listWebhookEndpoints, { accountId: acct, pageSize: 100 });
  const [secret, setSecret] = useState<Secret | null>(null);
  const secretRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (secret) secretRef.current?.focus();
  }, [secret]);
  return (
    <>
      <AccountTitle accountId={acct} own="hooks.title" of="hooks.titleFor" />
      {secret && (
        <div role="status" className="notice secret" tabIndex={-1} ref={secretRef}>
          <p>
            {t("hooks.secret", { url: secret.url })} <code data-secret>{secret.secret}</code> <CopyButton text={secret.secret} label={secret.url} />
          </p>
          {secret.previousUntil && <p>{t("hooks.rotateNote", { date: dateTime(secret.previousUntil) })}</p>}
        </div>
      )}
      {q.isPending && <Loading />}
      {q.error && <Problem error={q.error} retry={() => q.refetch()} />}
      {q.data && q.data.endpoints.length === 0 && <p className="muted">{t("hooks.none")}</p>}
      {q.data && q.data.endpoints.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("hooks.url")}</th>
                <th scope="col">{t("signals.events")}</th>
                <th scope="col">{t("hooks.enabled")}</th>
                <th scope="col">{t("common.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {q.data.endpoints.map((e) => (
                <EndpointRow key={String(e.id)} e={e} accountId={acct} onSecret={setSecret} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <section aria-labelledby="wh-new">
        <h2 id="wh-new">{t("hooks.create")}</h2>
        <EndpointForm accountId={acct} done={(s) => s && setSecret(s)} />
      </section>
    </>
  );
}
