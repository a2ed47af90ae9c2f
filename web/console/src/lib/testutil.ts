import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";

/** badRequest encodes a google.rpc.BadRequest as the server sends it, for tests. */
export function badRequest(violations: [string, string][]): Uint8Array {
  const w = new BinaryWriter();
  for (const [field, desc] of violations) {
    w.tag(1, WireType.LengthDelimited).fork().tag(1, WireType.LengthDelimited).string(field).tag(2, WireType.LengthDelimited).string(desc).join();
  }
  return w.finish();
}
