import { useState } from "react";
import { useMutation, useQuery } from "@connectrpc/connect-query";
import { useQueryClient } from "@tanstack/react-query";
import { CatalogService, ValidationLevel, type Plan } from "@certsvc/client";
import { useI18n } from "../../lib/i18n";
import { parseMoney } from "../../lib/money";
import { Form, formState, Input, Loading, Problem, Select, type FormState } from "../../lib/ui";

/** PriceForm sets one price of a plan (period and currency); UpdatePlan replaces the whole price list. */
function PriceForm({ p }: { p: Plan }) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const first = p.prices[0];
  const [sel, setSel] = useState(first ? `${first.periodMonths}:${first.currency}` : "12:RUB");
  const [amount, setAmount] = useState("");
  const [local, setLocal] = useState<FormState | null>(null);
  const upd = useMutation(CatalogService.method.updatePlan, {
    onSuccess: () => {
      setAmount("");
      qc.invalidateQueries();
    },
  });
  const [months, currency] = sel.split(":");
  return (
    <Form
      errors={local ?? formState(upd.error)}
      label={t("plans.setPrice", { name: p.name })}
      onSubmit={() => {
        const minor = parseMoney(amount, currency);
        if (minor === null || minor < 0n) {
          setLocal({ fields: { amount_minor: `${amount || "—"}: ${currency}?` }, message: "" });
          return;
        }
        setLocal(null);
        const prices = p.prices.map((x) => ({ ...x }));
        const i = prices.findIndex((x) => x.periodMonths === Number(months) && x.currency === currency);
        if (i >= 0) prices[i].amountMinor = minor;
        else prices.push({ ...prices[0], periodMonths: Number(months), currency, amountMinor: minor, extraNameAmountMinor: 0n });
        upd.mutate({ plan: { id: p.id, prices }, updateMask: { paths: ["prices"] } });
      }}
    >
      <div className="row">
        <Select label={t("order.period")} name="prices.period_months" value={sel} onChange={(e) => setSel(e.currentTarget.value)}>
          {p.prices.map((x) => (
            <option key={`${x.periodMonths}:${x.currency}`} value={`${x.periodMonths}:${x.currency}`}>
              {t("order.months", { n: x.periodMonths })}, {x.currency}
            </option>
          ))}
        </Select>
        <Input label={`${t("account.amount")} (${currency})`} name="amount_minor" inputMode="decimal" value={amount} onChange={(e) => setAmount(e.currentTarget.value)} />
        <button type="submit" className="small" disabled={upd.isPending}>
          {t("common.save")}
        </button>
      </div>
    </Form>
  );
}

function PlanRow({ p }: { p: Plan }) {
  const { t, money } = useI18n();
  const qc = useQueryClient();
  const upd = useMutation(CatalogService.method.updatePlan, { onSuccess: () => qc.invalidateQueries() });
  return (
    <tr>
      <td>{String(p.id)}</td>
      <td>{p.name}</td>
      <td>{p.brand}</td>
      <td>{ValidationLevel[p.validation]}</td>
      <td>
        <Input
          label={t("plans.enabled")}
          name="enabled"
          type="checkbox"
          checked={p.enabled}
          onChange={(e) => upd.mutate({ plan: { id: p.id, enabled: e.currentTarget.checked }, updateMask: { paths: ["enabled"] } })}
        />
        {upd.error && <Problem error={upd.error} />}
      </td>
      <td>
        {p.prices.map((pr) => (
          <div key={`${pr.periodMonths}-${pr.currency}`}>
            {t("order.months", { n: pr.periodMonths })}: {money(pr.amountMinor, pr.currency)}
          </div>
        ))}
        <PriceForm p={p} />
      </td>
    </tr>
  );
}

export default function Plans() {
  const { t } = useI18n();
  const q = useQuery(CatalogService.method.listPlans, { pageSize: 1000, includeDisabled: true });
  return (
    <>
      <h1>{t("plans.title")}</h1>
      {q.isPending && <Loading />}
      {q.error && <Problem error={q.error} retry={() => q.refetch()} />}
      {q.data && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("common.id")}</th>
                <th scope="col">{t("common.name")}</th>
                <th scope="col">{t("plans.brand")}</th>
                <th scope="col">{t("plans.validation")}</th>
                <th scope="col">{t("plans.enabled")}</th>
                <th scope="col">{t("plans.prices")}</th>
              </tr>
            </thead>
            <tbody>
              {q.data.plans.map((p) => (
                <PlanRow key={String(p.id)} p={p} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
