import { fromBinary, toBinary, toJson } from "@bufbuild/protobuf";
import { type Literal, LiteralSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { LiteralTypeSchema } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { FsBlobStore } from "@aloft/storage";
import { makeTempDir } from "@aloft/test-helpers";
import { join } from "node:path";
import type { AnyType, TypeContext } from "./index.js";

/** A TypeContext over a fresh FsBlobStore in a temp dir. */
export async function makeTypeContext(): Promise<{ ctx: TypeContext; root: string; cleanup: () => Promise<void> }> {
  const tmp = await makeTempDir("aloft-sdk-types-");
  const store = new FsBlobStore({ root: join(tmp.path, "blobs") });
  const ctx: TypeContext = { store, rawOutputPrefix: `${store.baseUri}/raw`, workDir: join(tmp.path, "work") };
  return { ctx, root: tmp.path, cleanup: tmp.cleanup };
}

/** The literal after a trip through protobuf bytes, as it would come back from storage. */
export function viaWire(literal: Literal): Literal {
  return fromBinary(LiteralSchema, toBinary(LiteralSchema, literal));
}

/** A literal type as protobuf JSON, to compare with expectations derived from flytekit's code. */
export function typeJson(type: AnyType): unknown {
  return toJson(LiteralTypeSchema, type.literalType);
}

/** The literal as protobuf JSON. */
export function literalJson(literal: Literal): unknown {
  return toJson(LiteralSchema, literal);
}

/** Hex of bytes, for comparing msgpack encodings. */
export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}
