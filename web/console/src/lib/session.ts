import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { navigate } from "./router";

// The session token from Login lives in localStorage; an operator who logs in
// as a customer keeps their own token aside to come back to.
const TOKEN = "certsvc.token";
const ADMIN_TOKEN = "certsvc.adminToken";

export const session = {
  token: (): string | null => localStorage.getItem(TOKEN),
  set(token: string) {
    localStorage.setItem(TOKEN, token);
  },
  clear() {
    localStorage.removeItem(TOKEN);
  },
  impersonate(token: string) {
    const own = localStorage.getItem(TOKEN);
    if (own) localStorage.setItem(ADMIN_TOKEN, own);
    localStorage.setItem(TOKEN, token);
  },
  impersonating: (): boolean => localStorage.getItem(ADMIN_TOKEN) !== null,
  endImpersonation() {
    const own = localStorage.getItem(ADMIN_TOKEN);
    localStorage.removeItem(ADMIN_TOKEN);
    if (own) localStorage.setItem(TOKEN, own);
    else localStorage.removeItem(TOKEN);
  },
};

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
