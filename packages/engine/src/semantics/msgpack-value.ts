/*
 * A MessagePack reader that keeps what a plain decoder loses: whether a number was encoded as an
 * integer or a float (flytekit writes `1.0` as a float, which JS would read back as the integer 1)
 * and where each value's bytes are, so a sub-value can be passed on byte for byte, as propeller
 * re-encodes it. Leaf values are decoded with `@msgpack/msgpack`.
 */
import { decode } from "@msgpack/msgpack";
import { formatGoFloat, formatGoFloat32 } from "./go-format.js";

/** One decoded MessagePack value with the byte range `[start, end)` it occupies. */
export type MsgpackValue =
  | { kind: "nil"; start: number; end: number }
  | { kind: "bool"; start: number; end: number; value: boolean }
  | { kind: "int"; start: number; end: number; value: bigint }
  | { kind: "float"; start: number; end: number; value: number; bits: 32 | 64 }
  | { kind: "str"; start: number; end: number; value: string }
  | { kind: "bin"; start: number; end: number; value: Uint8Array }
  | { kind: "ext"; start: number; end: number }
  | { kind: "array"; start: number; end: number; items: MsgpackValue[] }
  | { kind: "map"; start: number; end: number; entries: [MsgpackValue, MsgpackValue][] };

/** Parses one MessagePack value spanning all of `bytes`. Throws `Error` on malformed input. */
export function parseMsgpack(bytes: Uint8Array): MsgpackValue {
  const reader = new Reader(bytes);
  const value = reader.value();
  if (reader.pos !== bytes.length) throw new Error(`msgpack: ${bytes.length - reader.pos} trailing bytes`);
  return value;
}

/** The bytes of a parsed value, shared with the input (not copied). */
export function msgpackBytes(source: Uint8Array, value: MsgpackValue): Uint8Array {
  return source.subarray(value.start, value.end);
}

class Reader {
  pos = 0;
  readonly #view: DataView;

  constructor(readonly bytes: Uint8Array) {
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  value(): MsgpackValue {
    const start = this.pos;
    const b = this.#u8();
    if (b <= 0x7f || b >= 0xe0) return this.#leaf("int", start, 0);
    if (b >= 0x80 && b <= 0x8f) return this.#map(start, b & 0x0f);
    if (b >= 0x90 && b <= 0x9f) return this.#array(start, b & 0x0f);
    if (b >= 0xa0 && b <= 0xbf) return this.#leaf("str", start, b & 0x1f);
    switch (b) {
      case 0xc0:
        return { kind: "nil", start, end: this.pos };
      case 0xc2:
      case 0xc3:
        return { kind: "bool", start, end: this.pos, value: b === 0xc3 };
      case 0xc4:
        return this.#leaf("bin", start, this.#u8());
      case 0xc5:
        return this.#leaf("bin", start, this.#u16());
      case 0xc6:
        return this.#leaf("bin", start, this.#u32());
      case 0xc7:
        return this.#ext(start, this.#u8());
      case 0xc8:
        return this.#ext(start, this.#u16());
      case 0xc9:
        return this.#ext(start, this.#u32());
      case 0xca:
        return this.#leaf("float32", start, 4);
      case 0xcb:
        return this.#leaf("float64", start, 8);
      case 0xcc:
      case 0xd0:
        return this.#leaf("int", start, 1);
      case 0xcd:
      case 0xd1:
        return this.#leaf("int", start, 2);
      case 0xce:
      case 0xd2:
        return this.#leaf("int", start, 4);
      case 0xcf:
      case 0xd3:
        return this.#leaf("int", start, 8);
      case 0xd4:
        return this.#ext(start, 1);
      case 0xd5:
        return this.#ext(start, 2);
      case 0xd6:
        return this.#ext(start, 4);
      case 0xd7:
        return this.#ext(start, 8);
      case 0xd8:
        return this.#ext(start, 16);
      case 0xd9:
        return this.#leaf("str", start, this.#u8());
      case 0xda:
        return this.#leaf("str", start, this.#u16());
      case 0xdb:
        return this.#leaf("str", start, this.#u32());
      case 0xdc:
        return this.#array(start, this.#u16());
      case 0xdd:
        return this.#array(start, this.#u32());
      case 0xde:
        return this.#map(start, this.#u16());
      case 0xdf:
        return this.#map(start, this.#u32());
      default:
        throw new Error(`msgpack: invalid type byte 0x${b.toString(16)} at offset ${start}`);
    }
  }

  #leaf(kind: "int" | "str" | "bin" | "float32" | "float64", start: number, length: number): MsgpackValue {
    this.#skip(length);
    const end = this.pos;
    const decoded: unknown = decode(this.bytes.subarray(start, end), { useBigInt64: true });
    switch (kind) {
      case "int":
        return { kind, start, end, value: BigInt(decoded as number | bigint) };
      case "str":
        return { kind, start, end, value: decoded as string };
      case "bin":
        return { kind, start, end, value: decoded as Uint8Array };
      case "float32":
        return { kind: "float", start, end, value: decoded as number, bits: 32 };
      case "float64":
        return { kind: "float", start, end, value: decoded as number, bits: 64 };
    }
  }

  #ext(start: number, length: number): MsgpackValue {
    this.#skip(1 + length);
    return { kind: "ext", start, end: this.pos };
  }

  #array(start: number, count: number): MsgpackValue {
    const items: MsgpackValue[] = [];
    for (let i = 0; i < count; i++) items.push(this.value());
    return { kind: "array", start, end: this.pos, items };
  }

  #map(start: number, count: number): MsgpackValue {
    const entries: [MsgpackValue, MsgpackValue][] = [];
    for (let i = 0; i < count; i++) {
      const key = this.value();
      entries.push([key, this.value()]);
    }
    return { kind: "map", start, end: this.pos, entries };
  }

  #u8(): number {
    this.#need(1);
    return this.#view.getUint8(this.pos++);
  }

  #u16(): number {
    this.#need(2);
    const v = this.#view.getUint16(this.pos);
    this.pos += 2;
    return v;
  }

  #u32(): number {
    this.#need(4);
    const v = this.#view.getUint32(this.pos);
    this.pos += 4;
    return v;
  }

  #skip(length: number): void {
    this.#need(length);
    this.pos += length;
  }

  #need(length: number): void {
    if (this.pos + length > this.bytes.length) throw new Error("msgpack: unexpected end of data");
  }
}

/**
 * The value as Go's `fmt.Sprintf("%v", v)` prints what shamaton/msgpack decodes: `map[a:1 b:x]`
 * (keys sorted), `[1 2 3]`, `<nil>`, floats in Go's shortest form.
 */
export function formatMsgpackGo(value: MsgpackValue): string {
  switch (value.kind) {
    case "nil":
      return "<nil>";
    case "bool":
      return String(value.value);
    case "int":
      return value.value.toString();
    case "float":
      return value.bits === 32 ? formatGoFloat32(value.value) : formatGoFloat(value.value);
    case "str":
      return value.value;
    case "bin":
      return `[${Array.from(value.value).join(" ")}]`;
    case "ext":
      return "{}";
    case "array":
      return `[${value.items.map(formatMsgpackGo).join(" ")}]`;
    case "map": {
      const entries = value.entries.map(([k, v]) => [formatMsgpackGo(k), formatMsgpackGo(v)] as const);
      entries.sort(([a], [b]) => compareCodePoints(a, b));
      return `map[${entries.map(([k, v]) => `${k}:${v}`).join(" ")}]`;
    }
  }
}

/** Orders strings as Go compares them (by UTF-8 bytes, which is code point order). */
export function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done === true) return y.done === true ? 0 : -1;
    if (y.done === true) return 1;
    const cx = x.value.codePointAt(0) ?? 0;
    const cy = y.value.codePointAt(0) ?? 0;
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
}
