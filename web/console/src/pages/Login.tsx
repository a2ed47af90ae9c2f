import { useEffect, useRef, useState } from "react";
import { useMutation } from "@connectrpc/connect-query";
import { useQueryClient } from "@tanstack/react-query";
import { AuthService } from "@certsvc/client";
import { useI18n, type Locale } from "../lib/i18n";
import { navigate, useLocation } from "../lib/router";
import { session } from "../lib/session";
import { Form, formState, Input } from "../lib/ui";

/**
 * Login signs in with a password, or with a one-time key in the address
 * (/login?login=U&key=K, what an operator's "log in as" link and a reseller's
 * single sign-on give), then returns to ?next=.
 */
export function Login() {
  const { t, locale, setLocale } = useI18n();
  const { query } = useLocation();
  const qc = useQueryClient();
  const [login, setLogin] = useState(query.get("login") ?? "");
  const [password, setPassword] = useState("");
  const m = useMutation(AuthService.method.login, {
    onSuccess(res) {
      session.set(res.token, res.user);
      qc.clear();
      const next = query.get("next");
      navigate(next && next.startsWith("/") && !next.startsWith("//") ? next : "/certificates", true);
    },
  });
  const key = query.get("key");
  const tried = useRef(false);
  useEffect(() => {
    if (key && query.get("login") && !tried.current) {
      tried.current = true;
      m.mutate({ login: query.get("login")!, credential: { case: "key", value: key } });
    }
  }, [key]); // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <main id="main" className="login">
      <h1>{t("login.title")}</h1>
      {query.get("expired") && (
        <p role="status" className="notice">
          {t("login.expired")}
        </p>
      )}
      {key && m.isPending && <p role="status">{t("login.withKey")}</p>}
      <Form
        errors={formState(m.error)}
        label={t("login.title")}
        onSubmit={() => m.mutate({ login, credential: { case: "password", value: password } })}
      >
        <Input label={t("login.login")} name="login" autoComplete="username" value={login} onChange={(e) => setLogin(e.currentTarget.value)} required />
        <Input
          label={t("login.password")}
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          required
        />
        <button type="submit" className="primary" disabled={m.isPending}>
          {t("login.submit")}
        </button>
      </Form>
      <div className="lang">
        <label htmlFor="locale">{t("app.language")}</label>{" "}
        <select id="locale" value={locale} onChange={(e) => setLocale(e.currentTarget.value as Locale)}>
          <option value="en">English</option>
          <option value="ru">Русский</option>
        </select>
      </div>
    </main>
  );
}
