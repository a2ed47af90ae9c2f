import { useMemo, useState } from "react";
import { useMutation, useQuery } from "@connectrpc/connect-query";
import {
  AuthService,
  CatalogService,
  CertificateService,
  KeyType,
  ValidationLevel,
  ValidationMethod,
  type Plan,
} from "@certsvc/client";
import { useI18n } from "../lib/i18n";
import { navigate } from "../lib/router";
import { idempotencyKey } from "../lib/session";
import { FieldError, FieldScope, Form, formState, Input, Loading, Problem, Select, TextArea } from "../lib/ui";
import { approverEmails, extraSlots, orderPrice, planPrice } from "../lib/order";

type Method = "email" | "dns" | "http";

const methodEnum: Record<Method, ValidationMethod> = {
  email: ValidationMethod.EMAIL,
  dns: ValidationMethod.DNS_TXT,
  http: ValidationMethod.HTTP_FILE,
};

/** Order is the order wizard: one page of five steps, each a fieldset. */
export default function Order() {
  const { t, money } = useI18n();
  const who = useQuery(AuthService.method.whoAmI, {});
  const plans = useQuery(CatalogService.method.listPlans, { pageSize: 1000 });
  const currency = who.data?.account?.currency || "RUB";
  const [planId, setPlanId] = useState("");
  const [period, setPeriod] = useState(12);
  const [source, setSource] = useState<"generate" | "csr">("generate");
  const [keyType, setKeyType] = useState<KeyType>(KeyType.RSA_2048);
  const [cn, setCn] = useState("");
  const [csr, setCsr] = useState("");
  const [extra, setExtra] = useState<string[]>([]);
  const [methods, setMethods] = useState<Record<string, { method: Method; email: string }>>({});
  const [org, setOrg] = useState({ name: "", city: "", address: "", phone: "" });
  const [contact, setContact] = useState({ firstName: "", lastName: "", email: "", phone: "" });
  const [autoRenew, setAutoRenew] = useState(false);
  const [pay, setPay] = useState(true);
  const [key] = useState(idempotencyKey);

  const plan: Plan | undefined = useMemo(
    () => plans.data?.plans.find((p) => String(p.id) === planId) ?? plans.data?.plans[0],
    [plans.data, planId],
  );
  const decode = useMutation(CertificateService.method.decodeCsr);
  const order = useMutation(CertificateService.method.createCertificate, {
    onSuccess: (res) => navigate(`/certificates/${res.certificate?.id}`),
  });

  if (who.isPending || plans.isPending) return <Loading />;
  if (who.error || plans.error) return <Problem error={who.error ?? plans.error} retry={() => (who.refetch(), plans.refetch())} />;

  const periods = plan ? [...new Set(plan.prices.filter((p) => p.currency === currency).map((p) => p.periodMonths))].sort((a, b) => a - b) : [];
  const price = plan ? planPrice(plan, period, currency) : undefined;
  const commonName = source === "csr" ? decode.data?.subject?.commonName ?? "" : cn.trim();
  const names = [commonName, ...extra.map((e) => e.trim())].filter(Boolean);
  const slots = plan ? extraSlots(plan, names) : 0;
  const total = plan && price ? orderPrice(price, slots) : undefined;
  const ovEv = plan && (plan.validation === ValidationLevel.OV || plan.validation === ValidationLevel.EV);
  const multi = plan && (plan.multiDomain || plan.maxNames > 1);

  const submit = () =>
    order.mutate({
      planId: plan?.id ?? 0n,
      periodMonths: period,
      keyType: source === "generate" ? keyType : KeyType.UNSPECIFIED,
      csrPem: source === "csr" ? csr : "",
      subject: source === "generate" ? { commonName: cn.trim() } : undefined,
      extraNames: extra.map((e) => e.trim()).filter(Boolean),
      extraNameSlots: slots,
      validations: names.map((n) => {
        const m = methods[n] ?? { method: "email", email: approverEmails(n)[0] ?? "" };
        return { domain: n, method: methodEnum[m.method], approverEmail: m.method === "email" ? m.email || approverEmails(n)[0] : "" };
      }),
      organization: ovEv ? { name: org.name, city: org.city, address: org.address, phone: org.phone, countryId: 182 } : undefined,
      adminContact: ovEv ? contact : undefined,
      autoRenew,
      pay,
      idempotencyKey: key,
    });

  return (
    <>
      <h1>{t("order.title")}</h1>
      <Form errors={formState(order.error)} label={t("order.title")} onSubmit={submit}>
        <fieldset>
          <legend>{t("order.step.plan")}</legend>
          <Select label={t("order.plan")} name="plan_id" value={plan ? String(plan.id) : ""} onChange={(e) => setPlanId(e.currentTarget.value)}>
            {plans.data.plans.map((p) => {
              const pp = planPrice(p, 12, currency);
              return (
                <option key={String(p.id)} value={String(p.id)}>
                  {p.name}
                  {pp ? ` — ${money(pp.amountMinor, currency)}` : ""}
                </option>
              );
            })}
          </Select>
          <Select label={t("order.period")} name="period_months" value={String(period)} onChange={(e) => setPeriod(Number(e.currentTarget.value))}>
            {(periods.length ? periods : [12]).map((m) => {
              const pp = plan && planPrice(plan, m, currency);
              return (
                <option key={m} value={m}>
                  {t("order.months", { n: m })}
                  {pp ? ` — ${money(pp.amountMinor, currency)}` : ""}
                </option>
              );
            })}
          </Select>
        </fieldset>
        <fieldset>
          <legend>{t("order.step.key")}</legend>
          <div role="radiogroup" aria-label={t("order.keySource")} className="row">
            <label>
              <input type="radio" name="source" checked={source === "generate"} onChange={() => setSource("generate")} /> {t("order.generate")}
            </label>
            <label>
              <input type="radio" name="source" checked={source === "csr"} onChange={() => setSource("csr")} /> {t("order.pasteCsr")}
            </label>
          </div>
          {source === "generate" ? (
            <>
              <Select label={t("order.keyType")} name="key_type" value={keyType} onChange={(e) => setKeyType(Number(e.currentTarget.value))}>
                <option value={KeyType.RSA_2048}>RSA 2048</option>
                <option value={KeyType.RSA_3072}>RSA 3072</option>
                <option value={KeyType.RSA_4096}>RSA 4096</option>
                <option value={KeyType.ECDSA_P256}>ECDSA P-256</option>
                <option value={KeyType.ECDSA_P384}>ECDSA P-384</option>
              </Select>
              <Input label={t("order.commonName")} name="subject.common_name" value={cn} onChange={(e) => setCn(e.currentTarget.value)} placeholder="www.example.com" />
            </>
          ) : (
            <FieldScope errors={formState(decode.error)}>
              <TextArea label={t("order.csr")} name="csr_pem" rows={6} value={csr} onChange={(e) => setCsr(e.currentTarget.value)} />
              <button type="button" onClick={() => decode.mutate({ csrPem: csr, planId: plan?.id ?? 0n })}>
                {t("order.decode")}
              </button>
              {decode.data && (
                <div className="preview" role="status">
                  <p>{t("order.csrNames", { names: decode.data.names.join(", ") })}</p>
                  <p>{t("order.csrKey", { alg: decode.data.keyAlgorithm, bits: decode.data.keyBits })}</p>
                </div>
              )}
            </FieldScope>
          )}
        </fieldset>
        <fieldset>
          <legend>{t("order.step.names")}</legend>
          {multi && plan && (
            <>
              <p className="hint">
                {t("order.included", { n: Math.max(plan.includedNames, 1), price: price ? money(price.extraNameAmountMinor, currency) : "—" })}
              </p>
              {extra.map((e, i) => (
                <div className="row" key={i}>
                  <Input
                    label={t("order.extraName", { n: i + 1 })}
                    name={`extra_names[${i}]`}
                    value={e}
                    onChange={(ev) => setExtra(extra.map((x, j) => (j === i ? ev.currentTarget.value : x)))}
                  />
                  <button type="button" className="small" onClick={() => setExtra(extra.filter((_, j) => j !== i))}>
                    {t("order.removeName", { name: e || String(i + 1) })}
                  </button>
                </div>
              ))}
              <button type="button" onClick={() => setExtra([...extra, ""])}>
                {t("order.addName")}
              </button>
            </>
          )}
          <FieldError name="extra_name_slots" />
          <FieldError name="extra_names" />
          <FieldError name="validations" />
          {names.map((n) => {
            const m = methods[n] ?? { method: "email" as Method, email: approverEmails(n)[0] ?? "" };
            const set = (v: Partial<typeof m>) => setMethods({ ...methods, [n]: { ...m, ...v } });
            return (
              <fieldset key={n} className="validation">
                <legend>{t("order.validation", { name: n })}</legend>
                <div className="row">
                  <Select label={t("order.method")} name="validations.method" value={m.method} onChange={(e) => set({ method: e.currentTarget.value as Method })}>
                    <option value="email">{t("order.method.email")}</option>
                    <option value="dns">{t("order.method.dns")}</option>
                    <option value="http">{t("order.method.http")}</option>
                  </Select>
                  {m.method === "email" && (
                    <Select label={t("order.approver")} name="validations.approver_email" value={m.email} onChange={(e) => set({ email: e.currentTarget.value })}>
                      {approverEmails(n).map((a) => (
                        <option key={a}>{a}</option>
                      ))}
                    </Select>
                  )}
                </div>
              </fieldset>
            );
          })}
        </fieldset>
        {ovEv && (
          <fieldset>
            <legend>{t("order.step.contacts")}</legend>
            <div className="grid">
              <Input label={t("order.orgName")} name="organization.name" value={org.name} onChange={(e) => setOrg({ ...org, name: e.currentTarget.value })} />
              <Input label={t("order.city")} name="organization.city" value={org.city} onChange={(e) => setOrg({ ...org, city: e.currentTarget.value })} />
              <Input label={t("order.address")} name="organization.address" value={org.address} onChange={(e) => setOrg({ ...org, address: e.currentTarget.value })} />
              <Input label={t("order.phone")} name="organization.phone" value={org.phone} onChange={(e) => setOrg({ ...org, phone: e.currentTarget.value })} />
              <Input label={t("order.firstName")} name="admin_contact.first_name" value={contact.firstName} onChange={(e) => setContact({ ...contact, firstName: e.currentTarget.value })} />
              <Input label={t("order.lastName")} name="admin_contact.last_name" value={contact.lastName} onChange={(e) => setContact({ ...contact, lastName: e.currentTarget.value })} />
              <Input label={t("order.email")} name="admin_contact.email" type="email" value={contact.email} onChange={(e) => setContact({ ...contact, email: e.currentTarget.value })} />
              <Input label={t("order.phone") + " (" + t("order.adminContact") + ")"} name="admin_contact.phone" value={contact.phone} onChange={(e) => setContact({ ...contact, phone: e.currentTarget.value })} />
            </div>
          </fieldset>
        )}
        <fieldset>
          <legend>{t("order.step.pay")}</legend>
          <Input label={t("order.autoRenew")} name="auto_renew" type="checkbox" checked={autoRenew} onChange={(e) => setAutoRenew(e.currentTarget.checked)} />
          <Input label={t("order.pay")} name="pay" type="checkbox" checked={pay} onChange={(e) => setPay(e.currentTarget.checked)} />
          <p className="total">{total !== undefined ? t("order.total", { price: money(total, currency) }) : ""}</p>
          <button type="submit" className="primary" disabled={order.isPending}>
            {t("order.submit")}
          </button>
        </fieldset>
      </Form>
    </>
  );
}
