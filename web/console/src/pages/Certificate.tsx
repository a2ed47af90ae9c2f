import { useState } from "react";
import { useMutation, useQuery } from "@connectrpc/connect-query";
import { useQueryClient } from "@tanstack/react-query";
import { Code, ConnectError } from "@connectrpc/connect";
import { CatalogService, CertificateService, FileType, KeyType, ValidationMethod, type Certificate, type Plan } from "@certsvc/client";
import { useI18n } from "../lib/i18n";
import { extraSlots, planPrice } from "../lib/order";
import { idempotencyKey } from "../lib/session";
import { CopyButton, Form, formState, Input, Loading, Problem, Select, TextArea, tsDate } from "../lib/ui";
import { resumeAfter, useLiveCertificates } from "../lib/watch";
import { stateKey } from "./Certificates";
import { Revoke } from "./Revoke";

const downloads: [FileType, string][] = [
  [FileType.CRT, "crt"],
  [FileType.CHAIN, "chain"],
  [FileType.FULLCHAIN, "fullchain"],
  [FileType.CSR, "csr"],
  [FileType.KEY, "key"],
  [FileType.CRT_DER, "DER"],
];

function ContactForm({ c, field }: { c: Certificate; field: "admin_contact" | "tech_contact" }) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const a = field === "admin_contact" ? c.adminContact : c.techContact;
  const [f, setF] = useState({ firstName: a?.firstName ?? "", lastName: a?.lastName ?? "", email: a?.email ?? "", phone: a?.phone ?? "" });
  const update = useMutation(CertificateService.method.updateCertificate, { onSuccess: () => qc.invalidateQueries() });
  const n = `certificate.${field}`;
  return (
    <Form
      errors={formState(update.error)}
      label={t(field === "admin_contact" ? "cert.contacts" : "cert.techContact")}
      onSubmit={() =>
        update.mutate({
          certificate: { id: c.id, ...(field === "admin_contact" ? { adminContact: f } : { techContact: f }) },
          updateMask: { paths: [field] },
        })
      }
    >
      <div className="grid">
        <Input label={t("order.firstName")} name={`${n}.first_name`} value={f.firstName} onChange={(e) => setF({ ...f, firstName: e.currentTarget.value })} />
        <Input label={t("order.lastName")} name={`${n}.last_name`} value={f.lastName} onChange={(e) => setF({ ...f, lastName: e.currentTarget.value })} />
        <Input label={t("order.email")} name={`${n}.email`} type="email" value={f.email} onChange={(e) => setF({ ...f, email: e.currentTarget.value })} />
        <Input label={t("order.phone")} name={`${n}.phone`} value={f.phone} onChange={(e) => setF({ ...f, phone: e.currentTarget.value })} />
      </div>
      <button type="submit" disabled={update.isPending}>
        {t("common.save")}
      </button>
      {update.isSuccess && <span role="status">{t("common.done")}</span>}
    </Form>
  );
}

/** slotsToBuy is how many extra-name slots a reissue of c with extraNames needs beyond those the order bought (the server's count: billable names beyond max(included, 1)). */
export function slotsToBuy(plan: Plan, c: Pick<Certificate, "commonName" | "extraNameSlots">, extraNames: string[]): number {
  return Math.max(0, extraSlots(plan, [c.commonName, ...extraNames]) - c.extraNameSlots);
}

/**
 * NamesCovered tells how many names a reissue may have: the plan's included
 * names and the extra names the order bought, and their price. When names
 * need more, it says how many are missing and their price, with the choice
 * to buy them with the reissue.
 */
function NamesCovered({ c, plan, missing, buy, setBuy }: { c: Certificate; plan: Plan; missing: number; buy: boolean; setBuy(b: boolean): void }) {
  const { t, money } = useI18n();
  const included = Math.max(plan.includedNames, 1);
  const price = planPrice(plan, c.periodMonths, c.currency);
  const total = price ? BigInt(missing) * price.extraNameAmountMinor : 0n;
  return (
    <>
      <p className="hint" id="names-covered">
        {t("cert.namesCovered", {
          n: included + c.extraNameSlots,
          included,
          slots: c.extraNameSlots,
          price: price ? money(price.extraNameAmountMinor, c.currency) : "—",
        })}
      </p>
      {missing > 0 && price && (
        <div id="slots-missing">
          <p className="hint">
            {t("cert.slotsMissing", {
              n: missing,
              price: money(price.extraNameAmountMinor, c.currency),
              months: c.periodMonths,
              total: money(total, c.currency),
            })}
          </p>
          <Input
            label={t("cert.buySlots", { total: money(total, c.currency) })}
            name="buy_extra_name_slots"
            type="checkbox"
            checked={buy}
            onChange={(e) => setBuy(e.currentTarget.checked)}
          />
        </div>
      )}
    </>
  );
}

/** ReissueForm reissues c with the same request, a new key, a new CSR or new names, buying the extra names the order lacks. */
export function ReissueForm({ c }: { c: Certificate }) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const [mode, setMode] = useState<"same" | "key" | "csr" | "names">("same");
  const [newKeyType, setNewKeyType] = useState(KeyType.RSA_2048);
  const [newCsr, setNewCsr] = useState("");
  const [newNames, setNewNames] = useState("");
  const [buy, setBuy] = useState(false);
  const [buyKey, setBuyKey] = useState(idempotencyKey);
  const plan = useQuery(CatalogService.method.getPlan, { id: c.planId }, { enabled: mode === "names" && c.planId > 0n });
  const reissue = useMutation(CertificateService.method.reissueCertificate, {
    onSuccess: () => {
      setBuy(false);
      setBuyKey(idempotencyKey());
      return qc.invalidateQueries();
    },
  });
  const names = newNames.split(/\s+/).filter(Boolean);
  const p = plan.data?.plan;
  const missing = mode === "names" && p ? slotsToBuy(p, c, names) : 0;
  const buying = buy && missing > 0;
  return (
    <Form
      errors={formState(reissue.error)}
      label={t("cert.reissue")}
      onSubmit={() =>
        reissue.mutate({
          id: c.id,
          keyType: mode === "key" ? newKeyType : KeyType.UNSPECIFIED,
          csrPem: mode === "csr" ? newCsr : "",
          replaceExtraNames: mode === "names",
          extraNames: mode === "names" ? names : [],
          buyExtraNameSlots: buying ? missing : 0,
          idempotencyKey: buying ? buyKey : "",
        })
      }
    >
      <Select label={t("cert.reissueMode")} name="mode" value={mode} onChange={(e) => setMode(e.currentTarget.value as typeof mode)}>
        <option value="same">{t("cert.sameKey")}</option>
        <option value="key">{t("cert.newKey")}</option>
        <option value="csr">{t("cert.newCsr")}</option>
        <option value="names">{t("cert.newNames")}</option>
      </Select>
      {mode === "key" && (
        <Select label={t("order.keyType")} name="key_type" value={newKeyType} onChange={(e) => setNewKeyType(Number(e.currentTarget.value))}>
          <option value={KeyType.RSA_2048}>RSA 2048</option>
          <option value={KeyType.RSA_4096}>RSA 4096</option>
          <option value={KeyType.ECDSA_P256}>ECDSA P-256</option>
        </Select>
      )}
      {mode === "csr" && <TextArea label={t("order.csr")} name="csr_pem" rows={5} value={newCsr} onChange={(e) => setNewCsr(e.currentTarget.value)} />}
      {mode === "names" && (
        <>
          {p && <NamesCovered c={c} plan={p} missing={missing} buy={buy} setBuy={setBuy} />}
          <TextArea label={t("cert.newNames")} name="extra_names" rows={3} value={newNames} onChange={(e) => setNewNames(e.currentTarget.value)} />
        </>
      )}
      <button type="submit" disabled={reissue.isPending}>
        {t("cert.reissue")}
      </button>
    </Form>
  );
}

/** OrgForm edits the organisation of an OV/EV order (its country stays as ordered). */
function OrgForm({ c }: { c: Certificate }) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const o = c.organization;
  const [f, setF] = useState({ name: o?.name ?? "", address: o?.address ?? "", city: o?.city ?? "", phone: o?.phone ?? "" });
  const update = useMutation(CertificateService.method.updateCertificate, { onSuccess: () => qc.invalidateQueries() });
  return (
    <Form
      errors={formState(update.error)}
      label={t("order.org")}
      onSubmit={() =>
        update.mutate({ certificate: { id: c.id, organization: { department: o?.department ?? "", state: o?.state ?? "", postalCode: o?.postalCode ?? "", countryId: o?.countryId ?? 0, ...f } }, updateMask: { paths: ["organization"] } })
      }
    >
      <div className="grid">
        <Input label={t("order.orgName")} name="certificate.organization.name" value={f.name} onChange={(e) => setF({ ...f, name: e.currentTarget.value })} />
        <Input label={t("order.address")} name="certificate.organization.address" value={f.address} onChange={(e) => setF({ ...f, address: e.currentTarget.value })} />
        <Input label={t("order.city")} name="certificate.organization.city" value={f.city} onChange={(e) => setF({ ...f, city: e.currentTarget.value })} />
        <Input label={t("order.phone")} name="certificate.organization.phone" value={f.phone} onChange={(e) => setF({ ...f, phone: e.currentTarget.value })} />
      </div>
      <button type="submit" disabled={update.isPending}>
        {t("common.save")}
      </button>
      {update.isSuccess && <span role="status">{t("common.done")}</span>}
    </Form>
  );
}

function save(name: string, type: string, content: Uint8Array) {
  const url = URL.createObjectURL(new Blob([content as BlobPart], { type: type || "application/octet-stream" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export default function CertificatePage({ id, admin }: { id: string; admin: boolean }) {
  const { t, date, dateTime, money } = useI18n();
  const qc = useQueryClient();
  const certId = /^\d+$/.test(id) ? BigInt(id) : 0n;
  const q = useQuery(CertificateService.method.getCertificate, { id: certId }, { retry: false });
  const events = useQuery(CertificateService.method.listCertificateEvents, { id: certId, pageSize: 100 }, { enabled: !!q.data });
  // Resume after the newest event the loaded certificate reflects: an event
  // that came between GetCertificate and ListCertificateEvents is replayed.
  const { live } = useLiveCertificates(certId ? [certId] : [], {
    after: events.data ? resumeAfter(events.data.events, q.data?.certificate?.updateTime) : 0n,
    enabled: !!events.data,
    onEvent: () => events.refetch(),
  });
  const file = useMutation(CertificateService.method.getCertificateFile, {
    onSuccess: (res) => save(res.fileName, res.contentType, res.content),
  });
  const refresh = () => qc.invalidateQueries();
  const update = useMutation(CertificateService.method.updateCertificate, { onSuccess: refresh });
  const renew = useMutation(CertificateService.method.renewCertificate, { onSuccess: refresh });
  const activate = useMutation(CertificateService.method.activateCertificate, { onSuccess: refresh });
  const pay = useMutation(CertificateService.method.payCertificate, { onSuccess: refresh });
  const [p12, setP12] = useState("");
  const [renewPeriod, setRenewPeriod] = useState(0);
  const [renewKey, setRenewKey] = useState(idempotencyKey);
  const [pem, setPem] = useState("");

  if (!certId || (q.error && ConnectError.from(q.error).code === Code.NotFound) || (q.error && ConnectError.from(q.error).code === Code.PermissionDenied)) {
    return (
      <>
        <h1>{t("cert.title", { id })}</h1>
        <p role="alert">{t("cert.notFound")}</p>
      </>
    );
  }
  if (q.isPending) return <Loading />;
  if (q.error) return <Problem error={q.error} retry={() => q.refetch()} />;
  const fresh = live.get(certId);
  const c: Certificate =
    fresh && (!q.data.certificate?.updateTime || !fresh.updateTime || fresh.updateTime.seconds >= q.data.certificate.updateTime.seconds)
      ? fresh
      : q.data.certificate!;
  const can = (a: string) => c.allowedActions.includes(a);

  return (
    <>
      <h1>{t("cert.title", { id: String(c.id) })}</h1>
      <dl className="facts">
        <dt>{t("cert.state")}</dt>
        <dd className="state" data-state={c.state} id="cert-state">
          {t(stateKey(c.state))}
          {c.statusMessage ? ` — ${c.statusMessage}` : ""}
        </dd>
        <dt>{t("cert.legacy")}</dt>
        <dd>
          {c.legacyStatus ? `${c.legacyStatus.itemStatusName} (${c.legacyStatus.itemStatus}) / ${c.legacyStatus.serviceStatusName} (${c.legacyStatus.serviceStatus})` : "—"}
        </dd>
        <dt>{t("cert.names")}</dt>
        <dd>{[c.commonName, ...c.extraNames].join(", ")}</dd>
        <dt>{t("cert.validity")}</dt>
        <dd>
          {date(tsDate(c.notBefore))} — {date(tsDate(c.notAfter))}
        </dd>
        <dt>{t("cert.amount")}</dt>
        <dd>{c.currency ? money(c.costMinor, c.currency) : "—"}</dd>
      </dl>
      {can("pay") && (
        <Form errors={formState(pay.error)} onSubmit={() => pay.mutate({ id: c.id })}>
          <button type="submit" className="primary">
            {t("order.pay")}
          </button>
        </Form>
      )}

      <section aria-labelledby="val-h">
        <h2 id="val-h">{t("cert.validations")}</h2>
        <ul className="validations">
          {c.validations.map((v) => {
            const publish =
              v.method === ValidationMethod.HTTP_FILE
                ? `${v.httpUrl}\n${v.value}`
                : v.method === ValidationMethod.DNS_TXT || v.method === ValidationMethod.DNS_CNAME
                  ? `${v.dnsName} ${v.dnsType} ${v.value}`
                  : "";
            return (
              <li key={v.domain}>
                <strong>{v.domain}</strong>: {ValidationMethod[v.method]} {v.approverEmail} {v.status && `(${v.status})`}
                {publish && (
                  <div className="publish">
                    <span>{t("cert.publish")}:</span> <code>{publish}</code> <CopyButton text={publish} label={v.domain} />
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      </section>

      <section aria-labelledby="dl-h">
        <h2 id="dl-h">{t("cert.downloads")}</h2>
        {file.error && <Problem error={file.error} />}
        <div className="row wrap">
          {downloads.map(([ft, label]) => (
            <button key={label} type="button" disabled={file.isPending} onClick={() => file.mutate({ id: c.id, type: ft })}>
              {t("cert.download", { type: label })}
            </button>
          ))}
        </div>
        <Form errors={formState(null)} label="PKCS#12" onSubmit={() => file.mutate({ id: c.id, type: FileType.PKCS12, password: p12 })}>
          <div className="row">
            <Input label={t("cert.p12password")} name="password" type="password" autoComplete="new-password" value={p12} onChange={(e) => setP12(e.currentTarget.value)} />
            <button type="submit">{t("cert.download", { type: "PKCS#12" })}</button>
          </div>
        </Form>
      </section>

      <section aria-labelledby="ar-h">
        <h2 id="ar-h">{t("cert.autoRenew")}</h2>
        <Input
          label={t("cert.autoRenew")}
          name="auto_renew"
          type="checkbox"
          checked={c.autoRenew}
          disabled={update.isPending}
          onChange={(e) => update.mutate({ certificate: { id: c.id, autoRenew: e.currentTarget.checked }, updateMask: { paths: ["auto_renew"] } })}
        />
        {update.error && <Problem error={update.error} />}
      </section>

      <section aria-labelledby="ct-h">
        <h2 id="ct-h">{t("cert.contacts")}</h2>
        <ContactForm key={String(c.id)} c={c} field="admin_contact" />
      </section>

      <section aria-labelledby="tc-h">
        <h2 id="tc-h">{t("cert.techContact")}</h2>
        <ContactForm key={String(c.id)} c={c} field="tech_contact" />
      </section>

      {c.organization?.name && (
        <section aria-labelledby="org-h">
          <h2 id="org-h">{t("order.org")}</h2>
          <OrgForm key={String(c.id)} c={c} />
        </section>
      )}

      {can("reissue") && (
        <section aria-labelledby="ri-h">
          <h2 id="ri-h">{t("cert.reissue")}</h2>
          <ReissueForm key={String(c.id)} c={c} />
        </section>
      )}

      {can("renew") && (
        <section aria-labelledby="rn-h">
          <h2 id="rn-h">{t("cert.renew")}</h2>
          <Form
            errors={formState(renew.error)}
            label={t("cert.renew")}
            onSubmit={() =>
              renew.mutate(
                { id: c.id, periodMonths: renewPeriod, idempotencyKey: renewKey },
                { onSuccess: () => setRenewKey(idempotencyKey()) },
              )
            }
          >
            <Select label={t("cert.renewFor")} name="period_months" value={renewPeriod} onChange={(e) => setRenewPeriod(Number(e.currentTarget.value))}>
              <option value={0}>{t("order.months", { n: c.periodMonths })}</option>
              {[12, 24, 36].filter((m) => m !== c.periodMonths).map((m) => (
                <option key={m} value={m}>
                  {t("order.months", { n: m })}
                </option>
              ))}
            </Select>
            <button type="submit" disabled={renew.isPending}>
              {t("cert.renew")}
            </button>
          </Form>
        </section>
      )}

      <Revoke key={`rv-${c.id}`} c={c} />

      {admin && (
        <section aria-labelledby="ac-h">
          <h2 id="ac-h">{t("cert.activate")}</h2>
          <Form errors={formState(activate.error)} label={t("cert.activate")} onSubmit={() => activate.mutate({ id: c.id, certificate: new TextEncoder().encode(pem) })}>
            <TextArea label={t("cert.activate")} name="certificate" rows={5} value={pem} onChange={(e) => setPem(e.currentTarget.value)} />
            <button type="submit">{t("cert.activateSubmit")}</button>
          </Form>
        </section>
      )}

      <section aria-labelledby="h-h">
        <h2 id="h-h">{t("cert.history")}</h2>
        {events.error && <Problem error={events.error} retry={() => events.refetch()} />}
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("common.date")}</th>
                <th scope="col">{t("cert.event")}</th>
                <th scope="col">{t("cert.state")}</th>
                <th scope="col">{t("cert.amount")}</th>
              </tr>
            </thead>
            <tbody>
              {events.data?.events.map((e) => (
                <tr key={String(e.id)}>
                  <td>{dateTime(tsDate(e.createTime))}</td>
                  <td>
                    {e.event}
                    {e.message ? ` — ${e.message}` : ""}
                  </td>
                  <td>{e.toState ? t(stateKey(e.toState)) : ""}</td>
                  <td>{e.amountMinor ? money(e.amountMinor, e.currency) : ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
