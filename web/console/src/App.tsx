import { Component, lazy, Suspense, useEffect, type ReactNode } from "react";
import { useQuery } from "@connectrpc/connect-query";
import { useQueryClient } from "@tanstack/react-query";
import { AccessLevel, AuthService } from "@certsvc/client";
import { useI18n, type Locale } from "./lib/i18n";
import { Link, match, navigate, useLocation } from "./lib/router";
import { loginPath, session, transport } from "./lib/session";
import { Loading, Problem } from "./lib/ui";
import { isUnauthenticated } from "./lib/errors";
import { Login } from "./pages/Login";
import { Certificates } from "./pages/Certificates";
import { createClient } from "@connectrpc/connect";

// Pages other than sign-in and the certificate list load on demand, so the
// first page ships only what it draws.
const Order = lazy(() => import("./pages/Order"));
const CertificatePage = lazy(() => import("./pages/Certificate"));
const Balance = lazy(() => import("./pages/Balance"));
const ApiKeys = lazy(() => import("./pages/ApiKeys"));
const Accounts = lazy(() => import("./pages/admin/Accounts"));
const AccountPage = lazy(() => import("./pages/admin/Account"));
const Plans = lazy(() => import("./pages/admin/Plans"));
const Modules = lazy(() => import("./pages/admin/Modules"));
const Audit = lazy(() => import("./pages/admin/Audit"));
const Notifications = lazy(() => import("./pages/Notifications"));
const Webhooks = lazy(() => import("./pages/Webhooks"));

/** Fallback keeps a page that failed to draw from going blank: a message and a way back, never a stack. */
export class Fallback extends Component<{ message: string; action: string; children: ReactNode }, { failed: boolean }> {
  state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  render() {
    if (!this.state.failed) return this.props.children;
    return (
      <div role="alert" className="problem">
        <p>{this.props.message}</p>
        <button type="button" onClick={() => location.reload()}>
          {this.props.action}
        </button>
      </div>
    );
  }
}

export function App() {
  const { path } = useLocation();
  if (path === "/login") return <Login />;
  if (!session.token()) {
    return <Redirect to={loginPath(false)} />;
  }
  return <Shell path={path} />;
}

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, true), [to]);
  return null;
}

function Shell({ path }: { path: string }) {
  const { t, locale, setLocale } = useI18n();
  const qc = useQueryClient();
  const who = useQuery(AuthService.method.whoAmI, {});
  // The page draws at once with what the last sign-in said about the user;
  // WhoAmI confirms it in parallel with the page's own requests.
  const known = session.user();
  if (who.error && !isUnauthenticated(who.error)) {
    return (
      <main id="main">
        <Problem error={who.error} retry={() => who.refetch()} />
      </main>
    );
  }
  const user = who.data?.user ?? known;
  if (who.data?.user) session.remember(who.data.user);
  const admin = user?.level === AccessLevel.ADMIN;
  if (!user) return <Loading />;
  const nav: [string, string][] = [
    ["/certificates", t("nav.certificates")],
    ...(admin ? [] : ([["/order", t("nav.order")], ["/balance", t("nav.balance")]] as [string, string][])),
    ["/api-keys", t("nav.apiKeys")],
    ...(admin ? [] : ([["/notifications", t("nav.notifications")], ["/webhooks", t("nav.webhooks")]] as [string, string][])),
    ...(admin
      ? ([
          ["/admin/accounts", t("nav.accounts")],
          ["/admin/plans", t("nav.plans")],
          ["/admin/modules", t("nav.modules")],
          ["/admin/audit", t("nav.audit")],
        ] as [string, string][])
      : []),
  ];
  const logout = async () => {
    try {
      await createClient(AuthService, transport).logout({});
    } catch {
      // the session is dropped here either way
    }
    session.clear();
    qc.clear();
    navigate("/login");
  };
  return (
    <>
      <a href="#main" className="skip">
        {t("app.skip")}
      </a>
      <header className="top">
        <Link href="/certificates" className="brand">
          {t("app.title")}
        </Link>
        <nav aria-label={t("nav.main")}>
          <ul>
            {nav.map(([href, label]) => (
              <li key={href}>
                <Link href={href} aria-current={path.startsWith(href) ? "page" : undefined}>
                  {label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span>{user.login}</span>
          <label className="sr-only" htmlFor="locale">
            {t("app.language")}
          </label>
          <select id="locale" value={locale} onChange={(e) => setLocale(e.currentTarget.value as Locale)}>
            <option value="en">English</option>
            <option value="ru">Русский</option>
          </select>
          <button type="button" onClick={logout}>
            {t("nav.logout")}
          </button>
        </div>
      </header>
      {session.impersonating() && (
        <div className="banner" role="status">
          {t("app.actingAs", { login: user.login })}{" "}
          <button
            type="button"
            onClick={() => {
              session.endImpersonation();
              qc.clear();
              navigate("/admin/accounts");
            }}
          >
            {t("app.backToAdmin")}
          </button>
        </div>
      )}
      <main id="main" tabIndex={-1}>
        <Fallback key={path} message={t("common.broken")} action={t("common.reload")}>
          <Suspense fallback={<Loading />}>
            <Route path={path} admin={admin} />
          </Suspense>
        </Fallback>
      </main>
    </>
  );
}

function Route({ path, admin }: { path: string; admin: boolean }): ReactNode {
  let m: Record<string, string> | null;
  if (path === "/" || path === "/certificates") return <Certificates admin={admin} />;
  if ((m = match("/certificates/:id", path))) return <CertificatePage id={m.id} admin={admin} />;
  if (path === "/order") return <Order />;
  if (path === "/balance") return <Balance />;
  if (path === "/api-keys") return <ApiKeys />;
  if (!admin && path === "/notifications") return <Notifications />;
  if (!admin && path === "/webhooks") return <Webhooks />;
  if (admin) {
    if (path === "/admin/accounts") return <Accounts />;
    if ((m = match("/admin/accounts/:id/notifications", path))) return <Notifications key={m.id} accountId={m.id} />;
    if ((m = match("/admin/accounts/:id/webhooks", path))) return <Webhooks key={m.id} accountId={m.id} />;
    if ((m = match("/admin/accounts/:id", path))) return <AccountPage id={m.id} />;
    if (path === "/admin/plans") return <Plans />;
    if (path === "/admin/modules") return <Modules />;
    if (path === "/admin/audit") return <Audit />;
  }
  return <Redirect to="/certificates" />;
}
