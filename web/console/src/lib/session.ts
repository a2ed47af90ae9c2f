import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { navigate } from "./router";

// The session token from Login lives in localStorage; an operator who logs in
// as a customer keeps their own token aside to come back to.
const TOKEN = "certsvc.token";
const ADMIN_TOKEN = "certsvc.adminToken";
const USER = "certsvc.user";
const ADMIN_USER = "certsvc.adminUser";

/** KnownUser is what the console remembers of the signed-in user to draw its first page before WhoAmI answers. */
export interface KnownUser {
  login: string;
  level: number;
}

export const session = {
  token: (): string | null => localStorage.getItem(TOKEN),
  set(token: string, user?: KnownUser) {
    localStorage.setItem(TOKEN, token);
    if (user) localStorage.setItem(USER, JSON.stringify({ login: user.login, level: user.level }));
    else localStorage.removeItem(USER);
  },
  /** remember updates what is known of the user when WhoAmI says otherwise. */
  remember(user: KnownUser) {
    const k = session.user();
    if (!k || k.login !== user.login || k.level !== user.level) localStorage.setItem(USER, JSON.stringify({ login: user.login, level: user.level }));
  },
  user(): KnownUser | null {
    try {
      const u = JSON.parse(localStorage.getItem(USER) ?? "null");
      return u && typeof u.login === "string" && typeof u.level === "number" ? u : null;
    } catch {
      return null;
    }
  },
  clear() {
    localStorage.removeItem(TOKEN);
    localStorage.removeItem(USER);
  },
  impersonate(token: string, user?: KnownUser) {
    const own = localStorage.getItem(TOKEN);
    if (own) localStorage.setItem(ADMIN_TOKEN, own);
    const ownUser = localStorage.getItem(USER);
    if (ownUser) localStorage.setItem(ADMIN_USER, ownUser);
    session.set(token, user);
  },
  impersonating: (): boolean => localStorage.getItem(ADMIN_TOKEN) !== null,
  endImpersonation() {
    const own = localStorage.getItem(ADMIN_TOKEN);
    const ownUser = localStorage.getItem(ADMIN_USER);
    localStorage.removeItem(ADMIN_TOKEN);
    localStorage.removeItem(ADMIN_USER);
    session.clear();
    if (own) localStorage.setItem(TOKEN, own);
    if (ownUser) localStorage.setItem(USER, ownUser);
  },
};

/**
 * adoptHandoff takes the session that a key login link of the legacy
 * gateway (func=auth&username=…&key=… opened by a browser) hands over in the
 * address's fragment, #session=TOKEN: it replaces any session of this
 * browser and is removed from the address and the history. It reports
 * whether there was one.
 */
export function adoptHandoff(): boolean {
  const m = /^#session=([^&]+)$/.exec(location.hash);
  if (!m) return false;
  session.clear();
  localStorage.removeItem(ADMIN_TOKEN);
  localStorage.removeItem(ADMIN_USER);
  session.set(decodeURIComponent(m[1]));
  history.replaceState(null, "", location.pathname + location.search);
  return true;
}

/** loginPath is where an expired session goes: the login page, then back here. */
export function loginPath(expired: boolean): string {
  const back = location.pathname + location.search;
  const q = new URLSearchParams();
  if (back !== "/" && !back.startsWith("/login")) q.set("next", back);
  if (expired) q.set("expired", "1");
  const s = q.toString();
  return s ? `/login?${s}` : "/login";
}

const auth: Interceptor = (next) => async (req) => {
  const token = session.token();
  if (token) req.header.set("Authorization", `Bearer ${token}`);
  try {
    return await next(req);
  } catch (err) {
    if (err instanceof ConnectError && err.code === Code.Unauthenticated && token && !req.url.endsWith("/Login")) {
      session.clear();
      localStorage.removeItem(ADMIN_TOKEN);
      localStorage.removeItem(ADMIN_USER);
      navigate(loginPath(true), true);
    }
    throw err;
  }
};

export const transport = createConnectTransport({
  baseUrl: location.origin,
  interceptors: [auth],
  useHttpGet: true,
});

/** idempotencyKey makes a key for one submission of a form that moves money. */
export function idempotencyKey(): string {
  return crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}
