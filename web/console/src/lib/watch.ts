import { useEffect, useRef, useState } from "react";
import { createClient, Code, ConnectError } from "@connectrpc/connect";
import { CertificateService, type Certificate } from "@certsvc/client";
import { transport } from "./session";

export type LiveStatus = "connecting" | "live" | "reconnecting";

/**
 * useLiveCertificates follows WatchCertificates: it returns the latest state of
 * every certificate an event arrived for, and reconnects after a drop,
 * resuming with after_event_id from the last event seen, so nothing between
 * the drop and the reconnect is missed.
 */
export function useLiveCertificates(
  ids: bigint[] = [],
  opts: { after?: bigint; enabled?: boolean; onEvent?: (c: Certificate) => void } = {},
): { live: Map<bigint, Certificate>; status: LiveStatus } {
  const [live, setLive] = useState(() => new Map<bigint, Certificate>());
  const [status, setStatus] = useState<LiveStatus>("connecting");
  const lastEvent = useRef(0n);
  const onEvent = useRef(opts.onEvent);
  onEvent.current = opts.onEvent;
  const key = ids.join(",");
  const enabled = opts.enabled ?? true;
  useEffect(() => {
    if (!enabled) return;
    // Resume after the newest event the page already reflects, so a change
    // between loading the page and subscribing is not missed.
    if (opts.after && opts.after > lastEvent.current) lastEvent.current = opts.after;
    const abort = new AbortController();
    const client = createClient(CertificateService, transport);
    let delay = 500;
    (async () => {
      while (!abort.signal.aborted) {
        try {
          const stream = client.watchCertificates(
            { certificateIds: ids, afterEventId: lastEvent.current },
            { signal: abort.signal },
          );
          setStatus("live");
          for await (const res of stream) {
            delay = 500;
            if (res.event && res.event.id > lastEvent.current) lastEvent.current = res.event.id;
            const c = res.certificate;
            if (c) {
              setLive((m) => new Map(m).set(c.id, c));
              onEvent.current?.(c);
            }
          }
        } catch (err) {
          if (abort.signal.aborted) return;
          const ce = ConnectError.from(err);
          if (ce.code === Code.Unauthenticated || ce.code === Code.PermissionDenied) return;
        }
        if (abort.signal.aborted) return;
        setStatus("reconnecting");
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 10_000);
      }
    })();
    return () => abort.abort();
  }, [key, enabled]); // eslint-disable-line react-hooks/exhaustive-deps
  return { live, status };
}
