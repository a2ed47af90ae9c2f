import { useQuery } from "@connectrpc/connect-query";
import { CatalogService, ValidationLevel } from "@certsvc/client";
import { useI18n } from "../../lib/i18n";
import { Loading, Problem } from "../../lib/ui";

export default function Plans() {
  const { t, money } = useI18n();
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
                <tr key={String(p.id)}>
                  <td>{String(p.id)}</td>
                  <td>{p.name}</td>
                  <td>{p.brand}</td>
                  <td>{ValidationLevel[p.validation]}</td>
                  <td>{p.enabled ? t("common.yes") : t("common.no")}</td>
                  <td>
                    {p.prices.map((pr) => (
                      <div key={`${pr.periodMonths}-${pr.currency}`}>
                        {t("order.months", { n: pr.periodMonths })}: {money(pr.amountMinor, pr.currency)}
                      </div>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
