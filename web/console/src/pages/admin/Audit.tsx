import { useQuery } from "@connectrpc/connect-query";
import { AuthService } from "@certsvc/client";
import { useI18n } from "../../lib/i18n";
import { Loading, Problem, tsDate } from "../../lib/ui";
import { tokenOf, TokenPager, useTokenPages } from "../../lib/tokenpages";

export default function Audit() {
  const { t, dateTime } = useI18n();
  const [pages, setPages] = useTokenPages();
  const q = useQuery(AuthService.method.listAuditEntries, { pageSize: 100, pageToken: tokenOf(pages) });
  return (
    <>
      <h1>{t("audit.title")}</h1>
      {q.isPending && <Loading />}
      {q.error && <Problem error={q.error} retry={() => q.refetch()} />}
      {q.data && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("common.date")}</th>
                <th scope="col">{t("audit.actor")}</th>
                <th scope="col">{t("audit.action")}</th>
                <th scope="col">{t("audit.target")}</th>
                <th scope="col">{t("audit.detail")}</th>
              </tr>
            </thead>
            <tbody>
              {q.data.entries.map((e) => (
                <tr key={String(e.id)}>
                  <td>{dateTime(tsDate(e.createTime))}</td>
                  <td>{e.actorLogin}</td>
                  <td>{e.action}</td>
                  <td>{e.target}</td>
                  <td>{e.detail}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <TokenPager pages={pages} next={q.data.nextPageToken} onChange={setPages} label={t("audit.title")} />
        </div>
      )}
    </>
  );
}
