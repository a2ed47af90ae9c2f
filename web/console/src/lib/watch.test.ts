import { describe, expect, it } from "vitest";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { CertificateSchema } from "@certsvc/client";
import { newestShown, resumeAfter } from "./watch";

const ev = (id: bigint, ms: number) => ({ id, createTime: timestampFromMs(ms) });

describe("where a watch resumes", () => {
  it("resumes after the newest event the page reflects, not after newer ones", () => {
    const events = [ev(3n, 1000), ev(7n, 2000), ev(12n, 3000)];
    // The page showed the certificate as it was at 2000: event 12 came later and must be replayed.
    expect(resumeAfter(events, timestampFromMs(2000))).toBe(7n);
    expect(resumeAfter(events, timestampFromMs(5000))).toBe(12n);
  });
  it("starts just before the oldest event when none is as old as the page", () => {
    expect(resumeAfter([ev(40n, 2000), ev(41n, 2500)], timestampFromMs(1999))).toBe(39n);
    expect(resumeAfter([ev(40n, 2000)], undefined)).toBe(39n);
  });
  it("has nothing to resume from without events", () => {
    expect(resumeAfter([], timestampFromMs(1))).toBe(0n);
  });
  it("compares to the nanosecond", () => {
    const shown = { ...timestampFromMs(2000), nanos: 500 };
    const events = [{ id: 1n, createTime: { ...timestampFromMs(2000), nanos: 400 } }, { id: 2n, createTime: { ...timestampFromMs(2000), nanos: 600 } }];
    expect(resumeAfter(events as never, shown as never)).toBe(1n);
  });
  it("picks the certificate changed last", () => {
    const a = create(CertificateSchema, { id: 1n, updateTime: timestampFromMs(3000) });
    const b = create(CertificateSchema, { id: 2n, updateTime: timestampFromMs(9000) });
    const c = create(CertificateSchema, { id: 3n });
    expect(newestShown([a, b, c])?.id).toBe(2n);
    expect(newestShown([c, a])?.id).toBe(1n);
    expect(newestShown([])).toBeUndefined();
  });
});
