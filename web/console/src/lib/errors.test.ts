import { describe, expect, it } from "vitest";
import { Code, ConnectError } from "@connectrpc/connect";
import { create, toBinary } from "@bufbuild/protobuf";
import { ViolationsSchema } from "@certsvc/client";
import { decodeBadRequest, fieldErrors, isNetworkError } from "./errors";
import { badRequest } from "./testutil";


describe("server errors", () => {
  it("decodes google.rpc.BadRequest field violations", () => {
    expect(decodeBadRequest(badRequest([["subject.common_name", "must not be empty"], ["period_months", "not sold"]]))).toEqual({
      "subject.common_name": "must not be empty",
      period_months: "not sold",
    });
  });
  it("collects BadRequest and protovalidate violations from a ConnectError", () => {
    const err = new ConnectError("invalid", Code.InvalidArgument);
    err.details.push({ type: "google.rpc.BadRequest", value: badRequest([["currency", "not ISO 4217"]]) });
    const v = create(ViolationsSchema, {
      violations: [{ field: { elements: [{ fieldName: "extra_names", subscript: { case: "index", value: 2n } }] }, message: "too long", ruleId: "string.max_len" }],
    });
    err.details.push({ type: "buf.validate.Violations", value: toBinary(ViolationsSchema, v) });
    expect(fieldErrors(err)).toEqual({ currency: "not ISO 4217", "extra_names[2]": "too long" });
  });
  it("falls back to the field named at the start of the message", () => {
    const err = new ConnectError('currency: "XXX" is not a supported ISO 4217 currency', Code.InvalidArgument);
    expect(fieldErrors(err)).toEqual({ currency: '"XXX" is not a supported ISO 4217 currency' });
    expect(fieldErrors(new ConnectError("no such certificate", Code.NotFound))).toEqual({});
  });
  it("tells a lost connection from an answer", () => {
    expect(isNetworkError(new ConnectError("Failed to fetch", Code.Unknown))).toBe(true);
    expect(isNetworkError(new ConnectError("down", Code.Unavailable))).toBe(true);
    expect(isNetworkError(new ConnectError("bad", Code.InvalidArgument))).toBe(false);
  });
});
