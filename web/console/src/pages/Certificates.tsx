import { useMemo, useRef, useState } from "react";
import { createQueryOptions, useMutation, useQuery } from "@connectrpc/connect-query";
import { useQueryClient, type QueryClient } from "@tanstack/react-query";
import type { Transport } from "@connectrpc/connect";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { create } from "@bufbuild/protobuf";
import {
  CatalogService,
  CertificateFilterSchema,
  CertificateService,
  CertificateState,
  type BatchResult,
  type Certificate,
} from "@certsvc/client";
import { useI18n, type MessageKey } from "../lib/i18n";
import { Link } from "../lib/router";
import { Form, formState, Input, Loading, Pager, Problem, Select, tsDate } from "../lib/ui";
import { newestShown, resumeAfter, useLiveCertificates } from "../lib/watch";

const pageSize = 20;

export function stateKey(s: CertificateState): MessageKey {
  return `state.CERTIFICATE_STATE_${CertificateState[s]}` as MessageKey;
}

interface Filter {
  state: string;
  domain: string;
  planId: string;
  expiresBefore: string;
}

const emptyFilter: Filter = { state: "", domain: "", planId: "", expiresBefore: "" };

function toProto(f: Filter) {
  return create(CertificateFilterSchema, {
    states: f.state ? [Number(f.state) as CertificateState] : [],
    domain: f.domain.trim(),
    planId: f.planId ? BigInt(f.planId) : 0n,
    expiresBefore: f.expiresBefore ? timestampFromDate(new Date(`${f.expiresBefore}T00:00:00Z`)) : undefined,
  });
}

/** listRequest is the ListCertificates request of one page of the list. */
function listRequest(filter: Filter, savedId: bigint, page: number, token: string | undefined) {
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

const plansRequest = { pageSize: 1000 };

/**
 * prefetchCertificates starts the requests of the list's first page before
 * React has drawn anything (main.tsx calls it while the page is /certificates),
 * so they run while the app renders instead of after it; the page's own
 * queries then find them in flight or answered.
 */
export function prefetchCertificates(qc: QueryClient, transport: Transport) {
  void qc.prefetchQuery(createQueryOptions(CertificateService.method.listCertificates, listRequest(emptyFilter, 0n, 1, undefined), { transport }));
  void qc.prefetchQuery(createQueryOptions(CatalogService.method.listPlans, plansRequest, { transport }));
  void qc.prefetchQuery(createQueryOptions(CertificateService.method.listCertificateFilters, {}, { transport }));
}

export function Certificates({ admin }: { admin: boolean }) {
  const { t, date, money } = useI18n();
  const qc = useQueryClient();
  const [draft, setDraft] = useState<Filter>(emptyFilter);
  const [filter, setFilter] = useState<Filter>(emptyFilter);
  const [savedId, setSavedId] = useState<bigint>(0n);
  const [page, setPage] = useState(1);
  const [saveName, setSaveName] = useState("");
  const [selected, setSelected] = useState<Set<bigint>>(new Set());
  const [results, setResults] = useState<BatchResult[]>([]);

  // Pages reached one after another go by page token (keyset: as fast on page
  // 50,000 as on page 2); a page jumped to goes by skip.
  const tokens = useRef(new Map<string, string>());
  const scope = `${savedId}|${JSON.stringify(filter)}`;
  const token = tokens.current.get(`${scope}|${page}`);
  const req = listRequest(filter, savedId, page, token);
  const skip = req.skip;
  const list = useQuery(CertificateService.method.listCertificates, req);
  if (list.data?.nextPageToken && skip === 0) tokens.current.set(`${scope}|${page + 1}`, list.data.nextPageToken);
  const plans = useQuery(CatalogService.method.listPlans, plansRequest);
  const saved = useQuery(CertificateService.method.listCertificateFilters, {});
  const save = useMutation(CertificateService.method.createCertificateFilter, {
    onSuccess: () => {
      setSaveName("");
      qc.invalidateQueries();
    },
  });
  const shown = useRef(new Set<bigint>());
  const refetchSoon = useRef<ReturnType<typeof setTimeout> | null>(null);
  // The watch starts from what the first loaded page shows: after the newest
  // event of the certificate changed last on it, so a change made between
  // loading the list and subscribing still arrives (an event or two more is
  // harmless). The anchor is taken once; reconnects resume from the stream.
  const [anchor, setAnchor] = useState<{ cert?: Certificate } | null>(null);
  if (anchor === null && list.data) setAnchor({ cert: newestShown(list.data.certificates) });
  const anchorEvents = useQuery(
    CertificateService.method.listCertificateEvents,
    { id: anchor?.cert?.id ?? 0n, pageSize: 1000 },
    { enabled: !!anchor?.cert, staleTime: Infinity },
  );
  const resumeReady = anchor !== null && (!anchor.cert || anchorEvents.isSuccess || anchorEvents.isError);
  const { live, status } = useLiveCertificates([], {
    after: anchor?.cert && anchorEvents.data ? resumeAfter(anchorEvents.data.events, anchor.cert.updateTime) : 0n,
    enabled: resumeReady,
    // A certificate not on this page (a new order) may belong on it: reload the page, at most once a second.
    onEvent: (c) => {
      if (shown.current.has(c.id) || refetchSoon.current) return;
      refetchSoon.current = setTimeout(() => {
        refetchSoon.current = null;
        list.refetch();
      }, 1000);
    },
  });

  const batch = {
    retry: useMutation(CertificateService.method.retryCertificates),
    resume: useMutation(CertificateService.method.resumeCertificates),
    sync: useMutation(CertificateService.method.syncCertificates),
    suspend: useMutation(CertificateService.method.suspendCertificates),
    delete: useMutation(CertificateService.method.deleteCertificates),
  };
  const runBatch = async (name: keyof typeof batch) => {
    const res = await batch[name].mutateAsync({ ids: [...selected] });
    setResults(res.results);
    setSelected(new Set());
    qc.invalidateQueries();
  };

  const planName = useMemo(() => {
    const m = new Map<bigint, string>();
    plans.data?.plans.forEach((p) => m.set(p.id, p.name));
    return m;
  }, [plans.data]);

  const rows: Certificate[] = (list.data?.certificates ?? []).map((c) => {
    const l = live.get(c.id);
    return l && (!l.updateTime || !c.updateTime || l.updateTime.seconds >= c.updateTime.seconds) ? l : c;
  });
  shown.current = new Set(rows.map((c) => c.id));
  const total = list.data?.totalSize ?? 0;
  const pages = Math.ceil(total / pageSize);

  return (
    <>
      <h1>{t("certs.title")}</h1>
      <section aria-labelledby="filters-h" className="filters">
        <h2 id="filters-h">{t("certs.filters")}</h2>
        <Form
          errors={formState(list.error)}
          label={t("certs.filters")}
          onSubmit={() => {
            setSavedId(0n);
            setFilter(draft);
            setPage(1);
          }}
        >
          <div className="row">
            <Select label={t("certs.state")} name="filter.states" value={draft.state} onChange={(e) => setDraft({ ...draft, state: e.currentTarget.value })}>
              <option value="">{t("certs.anyState")}</option>
              {Object.values(CertificateState)
                .filter((v): v is CertificateState => typeof v === "number" && v !== 0)
                .map((s) => (
                  <option key={s} value={s}>
                    {t(stateKey(s))}
                  </option>
                ))}
            </Select>
            <Input label={t("certs.domain")} name="filter.domain" value={draft.domain} onChange={(e) => setDraft({ ...draft, domain: e.currentTarget.value })} />
            <Select label={t("certs.plan")} name="filter.plan_id" value={draft.planId} onChange={(e) => setDraft({ ...draft, planId: e.currentTarget.value })}>
              <option value="">{t("certs.anyPlan")}</option>
              {plans.data?.plans.map((p) => (
                <option key={String(p.id)} value={String(p.id)}>
                  {p.name}
                </option>
              ))}
            </Select>
            <Input
              label={t("certs.expiresBefore")}
              name="filter.expires_before"
              type="date"
              value={draft.expiresBefore}
              onChange={(e) => setDraft({ ...draft, expiresBefore: e.currentTarget.value })}
            />
            <button type="submit">{t("certs.apply")}</button>
          </div>
        </Form>
        <div className="row">
          <Select
            label={t("certs.savedFilters")}
            name="saved_filter_id"
            value={String(savedId)}
            onChange={(e) => {
              setSavedId(BigInt(e.currentTarget.value));
              setPage(1);
            }}
          >
            <option value="0">{t("certs.noSaved")}</option>
            {saved.data?.presets.map((p) => (
              <option key={String(p.id)} value={String(p.id)}>
                {p.name}
              </option>
            ))}
          </Select>
          <Form errors={formState(save.error)} label={t("certs.saveFilter")} onSubmit={() => save.mutate({ name: saveName, filter: toProto(draft) })}>
            <div className="row">
              <Input label={t("certs.saveFilter")} name="name" value={saveName} onChange={(e) => setSaveName(e.currentTarget.value)} />
              <button type="submit">{t("common.save")}</button>
            </div>
          </Form>
        </div>
      </section>
      <p className="muted" role="status" aria-live="polite">
        {status === "reconnecting" ? t("certs.reconnecting") : status === "live" ? t("certs.live") : ""}
      </p>
      {admin && selected.size > 0 && (
        <div className="batch" role="group" aria-label={t("certs.batch")}>
          <span>{t("certs.batch")}:</span>
          {(Object.keys(batch) as (keyof typeof batch)[]).map((b) => (
            <button key={b} type="button" onClick={() => runBatch(b)}>
              {t(`batch.${b}` as MessageKey)}
            </button>
          ))}
        </div>
      )}
      {results.length > 0 && (
        <ul className="results" aria-label="results">
          {results.map((r) => (
            <li key={String(r.id)} className={r.ok ? "ok" : "error"}>
              {t("certs.batchResult", { id: r.id, result: r.ok ? t("common.done") : r.message || r.code })}
            </li>
          ))}
        </ul>
      )}
      {list.isPending && <Loading />}
      {list.error && <Problem error={list.error} retry={() => list.refetch()} />}
      {list.data && (
        <>
          <p>{t("certs.total", { count: total })}</p>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  {admin && <th scope="col"><span className="sr-only">{t("common.actions")}</span></th>}
                  <th scope="col">{t("common.id")}</th>
                  <th scope="col">{t("certs.commonName")}</th>
                  <th scope="col">{t("certs.state")}</th>
                  <th scope="col">{t("certs.plan")}</th>
                  {admin && <th scope="col">{t("certs.account")}</th>}
                  <th scope="col">{t("certs.expires")}</th>
                  <th scope="col">{t("cert.amount")}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((c) => (
                  <tr key={String(c.id)} data-id={String(c.id)}>
                    {admin && (
                      <td>
                        <input
                          type="checkbox"
                          aria-label={t("certs.select", { id: c.id })}
                          checked={selected.has(c.id)}
                          onChange={(e) => {
                            const s = new Set(selected);
                            if (e.currentTarget.checked) s.add(c.id);
                            else s.delete(c.id);
                            setSelected(s);
                          }}
                        />
                      </td>
                    )}
                    <td>{String(c.id)}</td>
                    <td>
                      <Link href={`/certificates/${c.id}`}>{c.commonName || "—"}</Link>
                    </td>
                    <td className="state" data-state={CertificateState[c.state]}>
                      {t(stateKey(c.state))}
                    </td>
                    <td>{planName.get(c.planId) ?? String(c.planId)}</td>
                    {admin && <td>{String(c.accountId)}</td>}
                    <td>{date(tsDate(c.notAfter))}</td>
                    <td>{c.currency ? money(c.costMinor, c.currency) : "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {rows.length === 0 && <p>{t("common.none")}</p>}
          <Pager page={page} pages={pages} onPage={setPage} />
        </>
      )}
    </>
  );
}
