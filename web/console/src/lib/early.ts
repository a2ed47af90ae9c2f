// The shell (shell.ts) starts the list's first-page requests while the
// console's JavaScript is still loading and leaves them here, by address;
// the transport's fetch (session.ts) takes one instead of asking again.

/** EarlyRequests is what the shell leaves in window.__certsvcEarly. */
export interface EarlyRequests {
  /** token is the session token the requests were sent with. */
  token: string;
  /** responses holds each request's answer under its address (path and query). */
  responses: Record<string, Promise<Response>>;
}

declare global {
  interface Window {
    __certsvcEarly?: EarlyRequests;
  }
}

/**
 * earlyFetch is fetch for the console's transport: a GET the shell already
 * sent, to the same address with the same session token, gets the shell's
 * answer (once; a retry asks the server again). Anything else goes to fetch.
 */
export function earlyFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const early = window.__certsvcEarly;
  // Connect passes the address as a string: origin, path and query.
  if (early && typeof input === "string" && input.startsWith(location.origin + "/") && (init?.method ?? "GET") === "GET") {
    const key = input.slice(location.origin.length);
    const res = early.responses[key];
    if (res && new Headers(init?.headers).get("Authorization") === `Bearer ${early.token}`) {
      delete early.responses[key];
      return res;
    }
  }
  return fetch(input, init);
}
