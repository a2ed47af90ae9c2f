// A small Connect JSON caller for setting up and checking state in the e2e tests.
export const base = () => process.env.CERTSVC_URL!;

export async function rpc<T = any>(method: string, body: unknown, auth?: string): Promise<T> {
  const res = await fetch(`${base()}/certsvc.v1.${method}`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      ...(auth ? { Authorization: auth.includes(" ") ? auth : `Bearer ${auth}` } : {}),
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method}: HTTP ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

export async function login(user: string, password: string): Promise<string> {
  const r = await rpc<{ token: string }>("AuthService/Login", { login: user, password });
  return r.token;
}
