import { useEffect, useRef, useState } from "react";
import { createClient, Code, ConnectError } from "@connectrpc/connect";
import { CertificateService, type Certificate } from "@certsvc/client";
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import { transport } from "./session";

const nanos = (t: Timestamp) => t.seconds * 1_000_000_000n + BigInt(t.nanos);

/**
 * resumeAfter picks the event a watch resumes after, from the history of one
 * certificate a page shows and the update_time the page shows for it: the
 * newest of its events the page already reflects. When none is that old (the
 * clocks of two rows can differ by a little), it is the event just before the
 * oldest one. Starting a little early is safe (an event carries the
 * certificate as it is now, so a replayed one changes nothing); starting late
 * would miss a change made between loading the page and subscribing.
 */
export function resumeAfter(events: { id: bigint; createTime?: Timestamp }[], shown?: Timestamp): bigint {
  if (events.length === 0) return 0n;
  let oldest = events[0].id;
  let best = 0n;
  for (const e of events) {
    if (e.id < oldest) oldest = e.id;
    if (shown && e.createTime && nanos(e.createTime) <= nanos(shown) && e.id > best) best = e.id;
  }
  return best > 0n ? best : oldest - 1n;
}

/**
 * newestShown is the certificate of a page changed last (the tightest place
 * to resume a watch from), or undefined for an empty page.
 */
export function newestShown(certs: Certificate[]): Certificate | undefined {
  let n: Certificate | undefined;
  for (const c of certs) {
    if (!n || (c.updateTime && (!n.updateTime || nanos(c.updateTime) > nanos(n.updateTime)))) n = c;
  }
  return n;
}

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
