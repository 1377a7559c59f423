import { decode } from "@msgpack/msgpack";
import { AloftError } from "@aloft/idl";

/**
 * A number that must be written as a msgpack float64 even when it is whole. JS numbers do not say
 * whether they are ints or floats, so record encoding wraps the values of float fields in this.
 */
export class Float64 {
  constructor(readonly value: number) {}
}

/**
 * A value the msgpack encoder takes: `number`s that are safe integers become msgpack ints and other
 * numbers float64 (wrap a float in {@link Float64} to force float64); `Map`s and plain objects become
 * maps, keeping their order.
 */
export type PlainValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | Float64
  | readonly PlainValue[]
  | ReadonlyMap<string, PlainValue>
  | { readonly [key: string]: PlainValue };

const utf8 = new TextEncoder();

/**
 * Writes `value` as msgpack the way Python's `msgpack.packb` (msgpack-python 1.x, `use_bin_type=True`)
 * does, which is what flytekit's STRUCT encoding produces: the smallest int format, floats as
 * float64, `str8` for strings of 32 to 255 bytes.
 */
export function encodeMsgpack(value: PlainValue): Uint8Array {
  const out = new ByteWriter();
  write(out, value);
  return out.finish();
}

/**
 * Reads msgpack written by flytekit (or anyone). int64/uint64 values come back as `bigint`, smaller ints
 * and floats as `number`, maps as plain objects. Throws InvalidArgument for bytes that are not msgpack.
 */
export function decodeMsgpack(bytes: Uint8Array, path: string): unknown {
  try {
    return decode(bytes, { useBigInt64: true });
  } catch (e) {
    throw AloftError.invalidArgument(`${path}: the value is not valid msgpack: ${(e as Error).message}`, { cause: e });
  }
}

function write(out: ByteWriter, value: PlainValue): void {
  if (value === null) return out.byte(0xc0);
  if (value === true) return out.byte(0xc3);
  if (value === false) return out.byte(0xc2);
  if (value instanceof Float64) return writeFloat64(out, value.value);
  if (typeof value === "number") {
    return Number.isSafeInteger(value) ? writeInt(out, BigInt(value)) : writeFloat64(out, value);
  }
  if (typeof value === "bigint") return writeInt(out, value);
  if (typeof value === "string") {
    const bytes = utf8.encode(value);
    writeHeader(out, bytes.length, { fix: 0xa0, fixMax: 31, one: 0xd9, two: 0xda, four: 0xdb });
    return out.bytes(bytes);
  }
  if (value instanceof Uint8Array) {
    writeHeader(out, value.length, { one: 0xc4, two: 0xc5, four: 0xc6 });
    return out.bytes(value);
  }
  if (isArray(value)) {
    writeHeader(out, value.length, { fix: 0x90, fixMax: 15, two: 0xdc, four: 0xdd });
    for (const item of value) write(out, item);
    return;
  }
  const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
  writeHeader(out, entries.length, { fix: 0x80, fixMax: 15, two: 0xde, four: 0xdf });
  for (const [k, v] of entries) {
    write(out, k);
    write(out, v as PlainValue);
  }
}

function isArray(value: unknown): value is readonly PlainValue[] {
  return Array.isArray(value);
}

interface HeaderCodes {
  fix?: number;
  fixMax?: number;
  one?: number;
  two: number;
  four: number;
}

function writeHeader(out: ByteWriter, length: number, codes: HeaderCodes): void {
  if (codes.fix !== undefined && codes.fixMax !== undefined && length <= codes.fixMax)
    return out.byte(codes.fix | length);
  if (codes.one !== undefined && length < 0x100) return out.byte(codes.one, length);
  if (length < 0x10000) return out.byte(codes.two, length >> 8, length & 0xff);
  out.byte(codes.four);
  out.uint32(length);
}

function writeInt(out: ByteWriter, n: bigint): void {
  if (n >= 0n) {
    if (n < 0x80n) return out.byte(Number(n));
    if (n < 0x100n) return out.byte(0xcc, Number(n));
    if (n < 0x10000n) return out.byte(0xcd, Number(n >> 8n), Number(n & 0xffn));
    if (n < 0x100000000n) {
      out.byte(0xce);
      return out.uint32(Number(n));
    }
    if (n >= 2n ** 64n) throw AloftError.invalidArgument(`msgpack: ${n} does not fit in 64 bits`);
    out.byte(0xcf);
    return out.view(8, (v) => v.setBigUint64(0, n));
  }
  if (n >= -32n) return out.byte(0x100 + Number(n));
  if (n >= -0x80n) return out.byte(0xd0, 0x100 + Number(n));
  if (n >= -0x8000n) return out.view(3, (v) => (v.setUint8(0, 0xd1), v.setInt16(1, Number(n))));
  if (n >= -0x80000000n) return out.view(5, (v) => (v.setUint8(0, 0xd2), v.setInt32(1, Number(n))));
  if (n < -(2n ** 63n)) throw AloftError.invalidArgument(`msgpack: ${n} does not fit in 64 bits`);
  out.view(9, (v) => (v.setUint8(0, 0xd3), v.setBigInt64(1, n)));
}

function writeFloat64(out: ByteWriter, x: number): void {
  out.view(9, (v) => (v.setUint8(0, 0xcb), v.setFloat64(1, x)));
}

class ByteWriter {
  private chunks: Uint8Array[] = [];
  private size = 0;

  byte(...values: number[]): void {
    this.bytes(Uint8Array.from(values));
  }

  uint32(n: number): void {
    this.view(4, (v) => v.setUint32(0, n));
  }

  view(length: number, fill: (view: DataView) => unknown): void {
    const chunk = new Uint8Array(length);
    fill(new DataView(chunk.buffer));
    this.bytes(chunk);
  }

  bytes(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  finish(): Uint8Array {
    const result = new Uint8Array(this.size);
    let offset = 0;
    for (const chunk of this.chunks) {
      result.set(chunk, offset);
      offset += chunk.length;
    }
    return result;
  }
}
