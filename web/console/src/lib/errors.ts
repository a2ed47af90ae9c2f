import { Code, ConnectError } from "@connectrpc/connect";
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import { ViolationsSchema } from "@certsvc/client";

/** FieldErrors maps a request field path ("subject.common_name", "extra_names[1]") to its message. */
export type FieldErrors = Record<string, string>;

const badRequestType = "google.rpc.BadRequest";

/**
 * decodeBadRequest reads the field violations of a google.rpc.BadRequest
 * (field 1: repeated FieldViolation{1: field, 2: description}) from its
 * binary form. The console ships no descriptor for google.rpc; this is all of
 * the message it needs.
 */
export function decodeBadRequest(bytes: Uint8Array): FieldErrors {
  const out: FieldErrors = {};
  const r = new BinaryReader(bytes);
  while (r.pos < r.len) {
    const [no, wt] = r.tag();
    if (no === 1 && wt === WireType.LengthDelimited) {
      const v = new BinaryReader(r.bytes());
      let field = "";
      let desc = "";
      while (v.pos < v.len) {
        const [fno, fwt] = v.tag();
        if (fno === 1 && fwt === WireType.LengthDelimited) field = v.string();
        else if (fno === 2 && fwt === WireType.LengthDelimited) desc = v.string();
        else v.skip(fwt);
      }
      if (field) out[field] = desc || field;
    } else {
      r.skip(wt);
    }
  }
  return out;
}

/** fieldErrors collects every field the server named: google.rpc.BadRequest and buf.validate.Violations. */
export function fieldErrors(err: unknown): FieldErrors {
  const ce = ConnectError.from(err);
  const out: FieldErrors = {};
  for (const d of ce.details) {
    if ("desc" in d) continue;
    if (d.type === badRequestType) Object.assign(out, decodeBadRequest(d.value));
  }
  try {
    for (const vs of ce.findDetails(ViolationsSchema)) {
      for (const v of vs.violations) {
        const path = (v.field?.elements ?? [])
          .map((e) => {
            const name = e.fieldName ?? "";
            return e.subscript.case === "index" ? `${name}[${e.subscript.value}]` : name;
          })
          .join(".");
        if (path) out[path] = v.message || v.ruleId;
      }
    }
  } catch {
    // an undecodable detail is ignored; the message still shows
  }
  if (Object.keys(out).length === 0 && ce.code === Code.InvalidArgument) {
    // "currency: ... is not a supported ISO 4217 currency": the message names the field.
    const m = /^([a-z_][a-z0-9_.[\]]*): (.+)$/.exec(ce.rawMessage);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

/** isNetworkError tells a lost connection (worth a retry) from an answer of the server. */
export function isNetworkError(err: unknown): boolean {
  const ce = ConnectError.from(err);
  return (
    ce.code === Code.Unavailable ||
    (ce.code === Code.Unknown && /fetch|network|Failed to/i.test(ce.rawMessage)) ||
    ce.code === Code.Aborted && /network/i.test(ce.rawMessage)
  );
}

export function isUnauthenticated(err: unknown): boolean {
  return err instanceof ConnectError && err.code === Code.Unauthenticated;
}
