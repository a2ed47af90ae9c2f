import { useState } from "react";
import { useMutation, useQuery } from "@connectrpc/connect-query";
import { useQueryClient } from "@tanstack/react-query";
import { AccountService } from "@certsvc/client";
import { useI18n } from "../../lib/i18n";
import { Link, navigate } from "../../lib/router";
import { Form, formState, Input, Loading, Problem } from "../../lib/ui";

export default function Accounts() {
  const { t, money } = useI18n();
  const qc = useQueryClient();
  const [search, setSearch] = useState("");
  const q = useQuery(AccountService.method.listAccounts, { pageSize: 200, nameContains: search });
  const [name, setName] = useState("");
  const [currency, setCurrency] = useState("RUB");
  const create = useMutation(AccountService.method.createAccount, {
    onSuccess: (res) => {
      qc.invalidateQueries();
      navigate(`/admin/accounts/${res.account?.id}`);
    },
  });
  return (
    <>
      <h1>{t("accounts.title")}</h1>
      <section aria-labelledby="new-acc">
        <h2 id="new-acc">{t("accounts.create")}</h2>
        <Form errors={formState(create.error)} label={t("accounts.create")} onSubmit={() => create.mutate({ name, currency })}>
          <div className="row">
            <Input label={t("accounts.name")} name="name" value={name} onChange={(e) => setName(e.currentTarget.value)} />
            <Input label={t("accounts.currency")} name="currency" value={currency} maxLength={3} onChange={(e) => setCurrency(e.currentTarget.value.toUpperCase())} />
            <button type="submit" disabled={create.isPending}>
              {t("common.create")}
            </button>
          </div>
        </Form>
      </section>
      <Input label={t("accounts.search")} name="name_contains" type="search" value={search} onChange={(e) => setSearch(e.currentTarget.value)} />
      {q.isPending && <Loading />}
      {q.error && <Problem error={q.error} retry={() => q.refetch()} />}
      {q.data && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("common.id")}</th>
                <th scope="col">{t("common.name")}</th>
                <th scope="col">{t("accounts.balance")}</th>
              </tr>
            </thead>
            <tbody>
              {q.data.accounts.map((a) => (
                <tr key={String(a.id)}>
                  <td>{String(a.id)}</td>
                  <td>
                    <Link href={`/admin/accounts/${a.id}`}>{a.name}</Link>
                  </td>
                  <td className="num">{money(a.balanceMinor, a.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
