import { useState } from "react";
import { useMutation, useQuery } from "@connectrpc/connect-query";
import { useQueryClient } from "@tanstack/react-query";
import { AccessLevel, AccountService, AuthService, type User } from "@certsvc/client";
import { useI18n, type MessageKey } from "../../lib/i18n";
import { parseMoney } from "../../lib/money";
import { Link, navigate } from "../../lib/router";
import { idempotencyKey, session } from "../../lib/session";
import { CopyButton, Form, formState, Input, Loading, Problem, Select, type FormState } from "../../lib/ui";
import { Ledger } from "../Balance";

function MoneyForm({ accountId, currency, kind }: { accountId: bigint; currency: string; kind: "deposit" | "adjust" }) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const [amount, setAmount] = useState("");
  const [reason, setReason] = useState("");
  const [key, setKey] = useState(idempotencyKey);
  const [local, setLocal] = useState<FormState | null>(null);
  const done = () => {
    setAmount("");
    setReason("");
    setKey(idempotencyKey());
    qc.invalidateQueries();
  };
  const dep = useMutation(AccountService.method.deposit, { onSuccess: done });
  const adj = useMutation(AccountService.method.adjustBalance, { onSuccess: done });
  const m = kind === "deposit" ? dep : adj;
  const label = t(kind === "deposit" ? "account.deposit" : "account.adjust");
  return (
    <Form
      errors={local ?? formState(m.error)}
      label={label}
      onSubmit={() => {
        const minor = parseMoney(amount, currency);
        if (minor === null) {
          setLocal({ fields: { amount_minor: `${amount || "—"}: ${currency}?` }, message: "" });
          return;
        }
        setLocal(null);
        if (kind === "deposit") dep.mutate({ accountId, amountMinor: minor, currency, description: reason, idempotencyKey: key });
        else adj.mutate({ accountId, amountMinor: minor, currency, reason, idempotencyKey: key });
      }}
    >
      <fieldset>
        <legend>{label}</legend>
        <div className="row">
          <Input label={`${t("account.amount")} (${currency})`} name="amount_minor" inputMode="decimal" value={amount} onChange={(e) => setAmount(e.currentTarget.value)} />
          <Input label={kind === "deposit" ? t("balance.description") : t("account.reason")} name={kind === "deposit" ? "description" : "reason"} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
          <button type="submit" disabled={m.isPending}>
            {label}
          </button>
        </div>
        {m.isSuccess && (
          <p role="status" className="ok">
            {t("common.done")}
          </p>
        )}
      </fieldset>
    </Form>
  );
}

function UserRow({ u }: { u: User }) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const [pw, setPw] = useState("");
  const upd = useMutation(AccountService.method.updateUser, { onSuccess: () => qc.invalidateQueries() });
  const setPassword = useMutation(AccountService.method.setUserPassword, { onSuccess: () => setPw("") });
  const linkKey = useMutation(AuthService.method.createLoginKey);
  const link = linkKey.data ? `${location.origin}/login?login=${encodeURIComponent(u.login)}&key=${encodeURIComponent(linkKey.data.key)}` : "";
  const imp = useMutation(AuthService.method.impersonate, {
    onSuccess: (res) => {
      session.impersonate(res.token, res.user);
      qc.clear();
      navigate("/certificates");
    },
  });
  return (
    <tr>
      <td>{u.login}</td>
      <td>{t(`account.level.ACCESS_LEVEL_${AccessLevel[u.level]}` as MessageKey)}</td>
      <td>{u.disabled ? t("common.yes") : t("common.no")}</td>
      <td className="actions">
        <button type="button" className="small" onClick={() => upd.mutate({ user: { id: u.id, disabled: !u.disabled }, updateMask: { paths: ["disabled"] } })}>
          {u.disabled ? t("account.enable") : t("account.disable")}
        </button>
        <Form errors={formState(setPassword.error)} label={t("account.resetPassword", { login: u.login })} onSubmit={() => setPassword.mutate({ userId: u.id, password: pw })}>
          <div className="row">
            <Input label={t("account.resetPassword", { login: u.login })} name="password" type="password" autoComplete="new-password" value={pw} onChange={(e) => setPw(e.currentTarget.value)} />
            <button type="submit" className="small">
              {t("account.setPassword")}
            </button>
            {setPassword.isSuccess && <span role="status">{t("common.done")}</span>}
          </div>
        </Form>
        {u.level === AccessLevel.USER && !u.disabled && (
          <button type="button" className="small" onClick={() => imp.mutate({ userId: u.id })}>
            {t("account.impersonate", { login: u.login })}
          </button>
        )}
        {u.level === AccessLevel.USER && !u.disabled && (
          <button type="button" className="small" onClick={() => linkKey.mutate({ userId: u.id })}>
            {t("account.loginLink", { login: u.login })}
          </button>
        )}
        {link && (
          <span className="link">
            <code>{link}</code> <CopyButton text={link} label={t("account.loginLink", { login: u.login })} />
          </span>
        )}
        {(upd.error || imp.error || linkKey.error) && <Problem error={upd.error ?? imp.error ?? linkKey.error} />}
      </td>
    </tr>
  );
}

export default function AccountPage({ id }: { id: string }) {
  const { t, money } = useI18n();
  const qc = useQueryClient();
  const accountId = /^\d+$/.test(id) ? BigInt(id) : 0n;
  const acc = useQuery(AccountService.method.getAccount, { id: accountId });
  const users = useQuery(AccountService.method.listUsers, { accountId, pageSize: 200 });
  const [nu, setNu] = useState({ login: "", password: "", name: "", email: "", level: AccessLevel.USER });
  const create = useMutation(AccountService.method.createUser, {
    onSuccess: () => {
      setNu({ login: "", password: "", name: "", email: "", level: AccessLevel.USER });
      qc.invalidateQueries();
    },
  });
  if (acc.isPending) return <Loading />;
  if (acc.error) return <Problem error={acc.error} retry={() => acc.refetch()} />;
  const a = acc.data.account!;
  return (
    <>
      <h1>{t("account.title", { name: a.name })}</h1>
      <p className="balance">{t("balance.current", { amount: money(a.balanceMinor, a.currency) })}</p>
      <ul className="row links">
        <li>
          <Link href={`/admin/accounts/${a.id}/notifications`}>{t("nav.notifications")}</Link>
        </li>
        <li>
          <Link href={`/admin/accounts/${a.id}/webhooks`}>{t("nav.webhooks")}</Link>
        </li>
      </ul>
      <section aria-labelledby="users-h">
        <h2 id="users-h">{t("account.users")}</h2>
        {users.error && <Problem error={users.error} retry={() => users.refetch()} />}
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("account.login")}</th>
                <th scope="col">{t("account.level")}</th>
                <th scope="col">{t("account.disabled")}</th>
                <th scope="col">{t("common.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {users.data?.users.map((u) => (
                <UserRow key={String(u.id)} u={u} />
              ))}
            </tbody>
          </table>
        </div>
        <Form errors={formState(create.error)} label={t("account.newUser")} onSubmit={() => create.mutate({ accountId, ...nu })}>
          <fieldset>
            <legend>{t("account.newUser")}</legend>
            <div className="grid">
              <Input label={t("account.login")} name="login" value={nu.login} onChange={(e) => setNu({ ...nu, login: e.currentTarget.value })} />
              <Input label={t("account.password")} name="password" type="password" autoComplete="new-password" value={nu.password} onChange={(e) => setNu({ ...nu, password: e.currentTarget.value })} />
              <Input label={t("common.name")} name="name" value={nu.name} onChange={(e) => setNu({ ...nu, name: e.currentTarget.value })} />
              <Input label={t("order.email")} name="email" type="email" value={nu.email} onChange={(e) => setNu({ ...nu, email: e.currentTarget.value })} />
              <Select label={t("account.level")} name="level" value={nu.level} onChange={(e) => setNu({ ...nu, level: Number(e.currentTarget.value) })}>
                <option value={AccessLevel.USER}>{t("account.level.ACCESS_LEVEL_USER")}</option>
                <option value={AccessLevel.ADMIN}>{t("account.level.ACCESS_LEVEL_ADMIN")}</option>
              </Select>
            </div>
            <button type="submit" disabled={create.isPending}>
              {t("common.create")}
            </button>
          </fieldset>
        </Form>
      </section>
      <section aria-labelledby="money-h">
        <h2 id="money-h">{t("accounts.balance")}</h2>
        <MoneyForm accountId={accountId} currency={a.currency} kind="deposit" />
        <MoneyForm accountId={accountId} currency={a.currency} kind="adjust" />
      </section>
      <section aria-labelledby="ledger-h">
        <h2 id="ledger-h">{t("account.ledger")}</h2>
        <Ledger accountId={accountId} />
      </section>
    </>
  );
}
