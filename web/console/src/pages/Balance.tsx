import { useQuery } from "@connectrpc/connect-query";
import { AccountService, AuthService, LedgerEntryKind } from "@certsvc/client";
import { useI18n, type MessageKey } from "../lib/i18n";
import { Loading, Problem, tsDate } from "../lib/ui";
import { tokenOf, TokenPager, useTokenPages } from "../lib/tokenpages";

export function Ledger({ accountId }: { accountId: bigint }) {
  const { t, money, dateTime } = useI18n();
  const [pages, setPages] = useTokenPages(String(accountId));
  const q = useQuery(AccountService.method.listLedgerEntries, { accountId, pageSize: 100, pageToken: tokenOf(pages) });
  if (q.isPending) return <Loading />;
  if (q.error) return <Problem error={q.error} retry={() => q.refetch()} />;
  if (q.data.entries.length === 0) return <p>{t("common.none")}</p>;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{t("common.date")}</th>
            <th scope="col">{t("balance.kind")}</th>
            <th scope="col">{t("balance.amount")}</th>
            <th scope="col">{t("balance.after")}</th>
            <th scope="col">{t("balance.description")}</th>
          </tr>
        </thead>
        <tbody>
          {q.data.entries.map((e) => (
            <tr key={String(e.id)}>
              <td>{dateTime(tsDate(e.createTime))}</td>
              <td>{t(`kind.LEDGER_ENTRY_KIND_${LedgerEntryKind[e.kind]}` as MessageKey)}</td>
              <td className="num">{money(e.amountMinor, e.currency)}</td>
              <td className="num">{money(e.balanceAfterMinor, e.currency)}</td>
              <td>{e.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <TokenPager pages={pages} next={q.data.nextPageToken} onChange={setPages} label={t("balance.title")} />
    </div>
  );
}

export default function Balance() {
  const { t, money } = useI18n();
  const who = useQuery(AuthService.method.whoAmI, {});
  const acc = useQuery(AccountService.method.getAccount, { id: who.data?.account?.id ?? 0n }, { enabled: !!who.data?.account });
  if (who.isPending) return <Loading />;
  if (who.error) return <Problem error={who.error} retry={() => who.refetch()} />;
  const a = acc.data?.account ?? who.data.account;
  return (
    <>
      <h1>{t("balance.title")}</h1>
      {a && <p className="balance">{t("balance.current", { amount: money(a.balanceMinor, a.currency) })}</p>}
      {a && <Ledger accountId={a.id} />}
    </>
  );
}
