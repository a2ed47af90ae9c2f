import { useState } from "react";
import { useMutation, useQuery } from "@connectrpc/connect-query";
import { useQueryClient } from "@tanstack/react-query";
import { ModuleKind, ProcessingModuleService, type ProcessingModule } from "@certsvc/client";
import { useI18n } from "../../lib/i18n";
import { Form, formState, Input, Loading, Problem, Select, TextArea, tsDate } from "../../lib/ui";
import { tokenOf, TokenPager, useTokenPages } from "../../lib/tokenpages";

/** parsePairs reads "key=value" lines into a map; blank lines are skipped. */
export function parsePairs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const l = line.trim();
    if (!l) continue;
    const i = l.indexOf("=");
    if (i < 0) out[l] = "";
    else out[l.slice(0, i).trim()] = l.slice(i + 1).trim();
  }
  return out;
}

function Calls({ m }: { m: ProcessingModule }) {
  const { t, dateTime } = useI18n();
  const [pages, setPages] = useTokenPages(String(m.id));
  const q = useQuery(ProcessingModuleService.method.listModuleCalls, { id: m.id, pageSize: 50, pageToken: tokenOf(pages) });
  if (q.isPending) return <Loading />;
  if (q.error) return <Problem error={q.error} retry={() => q.refetch()} />;
  return (
    <div className="table-wrap">
      <table>
        <caption>{t("modules.calls")}: {m.name}</caption>
        <thead>
          <tr>
            <th scope="col">{t("common.date")}</th>
            <th scope="col">URL</th>
            <th scope="col">{t("modules.status")}</th>
            <th scope="col">{t("modules.duration")}</th>
            <th scope="col">{t("audit.detail")}</th>
          </tr>
        </thead>
        <tbody>
          {q.data.calls.map((c) => (
            <tr key={String(c.id)}>
              <td>{dateTime(tsDate(c.createTime))}</td>
              <td>
                {c.method} {c.url}
              </td>
              <td>{c.status || ""}</td>
              <td>{c.duration ? `${Number(c.duration.seconds) * 1000 + Math.round(c.duration.nanos / 1e6)} ms` : ""}</td>
              <td>
                {c.error}
                {c.request && <pre>{c.request}</pre>}
                {c.response && <pre>{c.response}</pre>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <TokenPager pages={pages} next={q.data.nextPageToken} onChange={setPages} label={t("modules.calls")} />
    </div>
  );
}

/** pairsText writes a map as the "key=value" lines parsePairs reads. */
export function pairsText(m: Record<string, string>): string {
  return Object.keys(m)
    .sort()
    .map((k) => `${k}=${m[k]}`)
    .join("\n");
}

/** ModuleEdit changes a module after creation: priority, minimum balance, enabled and settings. */
function ModuleEdit({ m, done }: { m: ProcessingModule; done(): void }) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const [f, setF] = useState({ priority: String(m.priority), minBalance: String(m.minBalanceMinor), enabled: m.enabled, settings: pairsText(m.settings) });
  const upd = useMutation(ProcessingModuleService.method.updateProcessingModule, {
    onSuccess: () => {
      qc.invalidateQueries();
      done();
    },
  });
  return (
    <Form
      errors={formState(upd.error)}
      label={t("modules.editing", { name: m.name })}
      onSubmit={() =>
        upd.mutate({
          module: {
            id: m.id,
            priority: Number(f.priority) || 0,
            minBalanceMinor: BigInt(/^\d+$/.test(f.minBalance) ? f.minBalance : "0"),
            enabled: f.enabled,
            settings: parsePairs(f.settings),
          },
          updateMask: { paths: ["priority", "min_balance_minor", "enabled", "settings"] },
        })
      }
    >
      <div className="grid">
        <Input label={t("modules.priority")} name="module.priority" inputMode="numeric" value={f.priority} onChange={(e) => setF({ ...f, priority: e.currentTarget.value })} />
        <Input label={t("modules.minBalance")} name="module.min_balance_minor" inputMode="numeric" value={f.minBalance} onChange={(e) => setF({ ...f, minBalance: e.currentTarget.value })} />
        <Input label={t("modules.enabled")} name="module.enabled" type="checkbox" checked={f.enabled} onChange={(e) => setF({ ...f, enabled: e.currentTarget.checked })} />
      </div>
      <TextArea label={t("modules.settings")} name="module.settings" rows={3} value={f.settings} onChange={(e) => setF({ ...f, settings: e.currentTarget.value })} />
      <button type="submit" disabled={upd.isPending}>
        {t("common.save")}
      </button>
    </Form>
  );
}

function ModuleRow({ m }: { m: ProcessingModule }) {
  const { t, money, dateTime } = useI18n();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [editing, setEditing] = useState(false);
  const refresh = useMutation(ProcessingModuleService.method.refreshModuleBalance, { onSuccess: () => qc.invalidateQueries() });
  const upd = useMutation(ProcessingModuleService.method.updateProcessingModule, { onSuccess: () => qc.invalidateQueries() });
  return (
    <>
      <tr>
        <td>{String(m.id)}</td>
        <td>{m.name}</td>
        <td>{ModuleKind[m.kind]}</td>
        <td>{m.priority}</td>
        <td>{m.enabled ? t("common.yes") : t("common.no")}</td>
        <td>
          {m.balance ? money(m.balance.amountMinor, m.balance.currency) : "—"} <small>{dateTime(tsDate(m.balanceTime))}</small>
        </td>
        <td className="actions">
          <button type="button" className="small" onClick={() => refresh.mutate({ id: m.id })}>
            {t("modules.refresh")}
          </button>
          <Input
            label={t("modules.debug")}
            name="debug_log"
            type="checkbox"
            checked={m.debugLog}
            onChange={(e) => upd.mutate({ module: { id: m.id, debugLog: e.currentTarget.checked }, updateMask: { paths: ["debug_log"] } })}
          />
          <button type="button" className="small" aria-expanded={editing} onClick={() => setEditing(!editing)}>
            {t("modules.edit")}
          </button>
          <button type="button" className="small" aria-expanded={open} onClick={() => setOpen(!open)}>
            {t("modules.calls")}
          </button>
          {(refresh.error || upd.error) && <Problem error={refresh.error ?? upd.error} />}
        </td>
      </tr>
      {editing && (
        <tr>
          <td colSpan={7}>
            <ModuleEdit m={m} done={() => setEditing(false)} />
          </td>
        </tr>
      )}
      {open && (
        <tr>
          <td colSpan={7}>
            <Calls m={m} />
          </td>
        </tr>
      )}
    </>
  );
}

export default function Modules() {
  const { t } = useI18n();
  const qc = useQueryClient();
  const q = useQuery(ProcessingModuleService.method.listProcessingModules, {});
  const [f, setF] = useState({ name: "", kind: ModuleKind.BILLMANAGER, priority: "10", minBalance: "0", enabled: true, allPlans: true, settings: "", credentials: "" });
  const create = useMutation(ProcessingModuleService.method.createProcessingModule, {
    onSuccess: () => {
      setF({ ...f, name: "", settings: "", credentials: "" });
      qc.invalidateQueries();
    },
  });
  return (
    <>
      <h1>{t("modules.title")}</h1>
      {q.isPending && <Loading />}
      {q.error && <Problem error={q.error} retry={() => q.refetch()} />}
      {q.data && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("common.id")}</th>
                <th scope="col">{t("common.name")}</th>
                <th scope="col">{t("modules.kind")}</th>
                <th scope="col">{t("modules.priority")}</th>
                <th scope="col">{t("modules.enabled")}</th>
                <th scope="col">{t("modules.balance")}</th>
                <th scope="col">{t("common.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {q.data.modules.map((m) => (
                <ModuleRow key={String(m.id)} m={m} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <section aria-labelledby="new-mod">
        <h2 id="new-mod">{t("modules.create")}</h2>
        <Form
          errors={formState(create.error)}
          label={t("modules.create")}
          onSubmit={() =>
            create.mutate({
              module: {
                name: f.name,
                kind: f.kind,
                priority: Number(f.priority) || 0,
                minBalanceMinor: BigInt(/^\d+$/.test(f.minBalance) ? f.minBalance : "0"),
                enabled: f.enabled,
                allPlans: f.allPlans,
                settings: parsePairs(f.settings),
                credentials: parsePairs(f.credentials),
              },
            })
          }
        >
          <div className="grid">
            <Input label={t("common.name")} name="module.name" value={f.name} onChange={(e) => setF({ ...f, name: e.currentTarget.value })} />
            <Select label={t("modules.kind")} name="module.kind" value={f.kind} onChange={(e) => setF({ ...f, kind: Number(e.currentTarget.value) })}>
              {[ModuleKind.MANUAL, ModuleKind.LOCAL_CA, ModuleKind.BILLMANAGER, ModuleKind.THESSLSTORE, ModuleKind.ACME].map((k) => (
                <option key={k} value={k}>
                  {ModuleKind[k]}
                </option>
              ))}
            </Select>
            <Input label={t("modules.priority")} name="module.priority" inputMode="numeric" value={f.priority} onChange={(e) => setF({ ...f, priority: e.currentTarget.value })} />
            <Input label={t("modules.minBalance")} name="module.min_balance_minor" inputMode="numeric" value={f.minBalance} onChange={(e) => setF({ ...f, minBalance: e.currentTarget.value })} />
            <Input label={t("modules.enabled")} name="module.enabled" type="checkbox" checked={f.enabled} onChange={(e) => setF({ ...f, enabled: e.currentTarget.checked })} />
            <Input label={t("modules.allPlans")} name="module.all_plans" type="checkbox" checked={f.allPlans} onChange={(e) => setF({ ...f, allPlans: e.currentTarget.checked })} />
          </div>
          <TextArea label={t("modules.settings")} name="module.settings" rows={3} value={f.settings} onChange={(e) => setF({ ...f, settings: e.currentTarget.value })} />
          <TextArea label={t("modules.credentials")} name="module.credentials" rows={2} value={f.credentials} onChange={(e) => setF({ ...f, credentials: e.currentTarget.value })} />
          <button type="submit" disabled={create.isPending}>
            {t("common.create")}
          </button>
        </Form>
      </section>
    </>
  );
}
