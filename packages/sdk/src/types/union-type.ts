import { equals, type JsonObject } from "@bufbuild/protobuf";
import { AloftError, unionLiteral, unionType, withTag } from "@aloft/idl";
import { isCastable } from "@aloft/compiler";
import type { Literal } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { type LiteralType, LiteralTypeSchema } from "@aloft/idl/gen/flyteidl/core/types_pb";
import { BaseType, type TypeKind, scalarOf } from "./base-type.js";
import type { PlainValue } from "./msgpack.js";
import { NoneType } from "./none-type.js";
import type { TypeContext } from "./type.js";
import { describeValue, invalidAt, isConversionError } from "@aloft/idl/internal";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyBase = BaseType<any>;

interface Attempt<R> {
  variant: AnyBase;
  result: R;
}

/**
 * `t.union(a, b, …)`: a Python `Union[A, B, …]`, written as flytekit's `UnionTransformer` writes it:
 * the literal type lists the variants, each tagged (`structure.tag`) with its transformer's name, and a
 * value is `scalar.union{value, stored_type}` with the variant it was written as.
 *
 * Writing tries every variant and, like flytekit, refuses a value that more than one variant takes
 * (e.g. two records with the same fields, or a whole number for `union(int, float)`). Reading picks the
 * variant by the tag of `stored_type`, then by castability, and refuses ambiguity the same way.
 */
export class UnionType<T> extends BaseType<T> {
  readonly kind: TypeKind = "union";
  readonly name: string;
  readonly literalType: LiteralType;
  readonly unionTag = "Typed Union";
  readonly variants: readonly AnyBase[];
  private readonly taggedVariants: readonly LiteralType[];

  constructor(variants: readonly AnyBase[], name?: string) {
    super();
    if (variants.length === 0) throw AloftError.invalidArgument("t.union: give at least one variant");
    this.variants = [...variants];
    this.taggedVariants = variants.map((v) => withTag(v.literalType, v.unionTag));
    this.literalType = unionType(this.taggedVariants);
    this.name = name ?? `union<${variants.map((v) => v.name).join(" | ")}>`;
  }

  override get needsUpload(): boolean {
    return this.variants.some((v) => v.needsUpload);
  }

  validate(value: unknown, path: string): void {
    if (this.variants.some((v) => v.accepts(value))) return;
    const reasons = this.failures(value, path);
    throw invalidAt(path, `expected ${this.name}, got ${describeValue(value)}${reasons}`);
  }

  encode(value: T, path: string): Literal {
    const matches = this.attempt((v) => {
      v.validate(value, path);
      return v.encode(value, path);
    });
    const [only, ...others] = matches;
    if (only === undefined)
      throw invalidAt(path, `expected ${this.name}, got ${describeValue(value)}${this.failures(value, path)}`);
    if (others.length > 0) {
      throw invalidAt(
        path,
        `${describeValue(value)} is ambiguous for ${this.name}: the variants ${matches.map((m) => m.variant.name).join(" and ")} ` +
          "all take it (flytekit refuses ambiguous union values too); make the variants distinguishable",
      );
    }
    return unionLiteral(only.result, this.storedType(only.variant));
  }

  override async upload(value: T, ctx: TypeContext, path: string): Promise<T> {
    const variant = this.variants.find((v) => v.needsUpload && v.accepts(value));
    return variant ? ((await variant.upload(value, ctx, path)) as T) : value;
  }

  decode(literal: Literal, path: string, ctx: TypeContext | undefined): T {
    const s = scalarOf(literal);
    if (s?.case !== "union") {
      // A bare value for a union input (flytekit then tries every variant and refuses ambiguity).
      return this.pick(
        this.attempt((v) => v.read(literal, path, ctx) as unknown),
        path,
        undefined,
      );
    }
    const inner = s.value.value;
    if (inner === undefined) throw invalidAt(path, "the union literal has no value");
    const stored = s.value.type;
    const tag = stored?.structure?.tag;
    let candidates: readonly AnyBase[] = this.variants;
    if (stored !== undefined && tag) {
      candidates = this.variants.filter((v) => v.unionTag === tag && isCastable(stored, this.storedType(v)));
      if (candidates.length === 0) {
        throw invalidAt(
          path,
          `the union value was written as ${JSON.stringify(tag)}, which no variant of ${this.name} takes`,
        );
      }
      const exact = candidates.filter((v) => equals(LiteralTypeSchema, stored, this.storedType(v)));
      if (exact.length === 1) candidates = exact;
    }
    return this.pick(
      this.attempt((v) => v.read(inner, path, ctx) as unknown, candidates),
      path,
      tag,
    );
  }

  toPlain(value: T, path: string): PlainValue {
    // Inside a record mashumaro takes the first variant that fits, in declaration order.
    for (const v of this.variants) if (v.accepts(value)) return v.toPlain(value, path);
    throw invalidAt(path, `expected ${this.name}, got ${describeValue(value)}`);
  }

  fromPlain(plain: unknown, path: string, ctx: TypeContext | undefined): T {
    for (const v of this.variants) {
      try {
        return v.fromPlain(plain, path, ctx) as T;
      } catch (e) {
        if (!isConversionError(e)) throw e;
      }
    }
    throw invalidAt(path, `expected ${this.name}, got ${describeValue(plain)}`);
  }

  jsonSchema(): JsonObject {
    return { anyOf: this.variants.map((v) => v.jsonSchema()) };
  }

  parse(text: string, path: string): T {
    // Strings take any text, so they are tried last: `--x 5` for union(int, str) is the int 5.
    const ordered = [
      ...this.variants.filter((v) => v.unionTag !== "str"),
      ...this.variants.filter((v) => v.unionTag === "str"),
    ];
    for (const v of ordered) {
      try {
        return v.parse(text, path) as T;
      } catch (e) {
        if (!isConversionError(e)) throw e;
      }
    }
    throw invalidAt(path, `expected ${this.name}, got ${JSON.stringify(text)}`);
  }

  /** The variant as `stored_type`: its literal type tagged with its transformer's name (`_add_tag_to_type`). */
  private storedType(variant: AnyBase): LiteralType {
    const i = this.variants.indexOf(variant);
    return this.taggedVariants[i] ?? withTag(variant.literalType, variant.unionTag);
  }

  private attempt<R>(fn: (v: AnyBase) => R, variants: readonly AnyBase[] = this.variants): Attempt<R>[] {
    const out: Attempt<R>[] = [];
    for (const variant of variants) {
      try {
        out.push({ variant, result: fn(variant) });
      } catch (e) {
        if (!isConversionError(e)) throw e;
      }
    }
    return out;
  }

  private pick(matches: Attempt<unknown>[], path: string, tag: string | undefined): T {
    const [only, ...others] = matches;
    const how = tag ? ` (written as ${JSON.stringify(tag)})` : "";
    if (only === undefined) throw invalidAt(path, `expected ${this.name}${how}, got a literal that no variant reads`);
    if (others.length > 0) {
      throw invalidAt(
        path,
        `the value${how} is ambiguous for ${this.name}: the variants ${matches.map((m) => m.variant.name).join(" and ")} all read it`,
      );
    }
    return only.result as T;
  }

  /** Why each variant refused `value`, when the reason is deeper than the union itself. */
  private failures(value: unknown, path: string): string {
    const deeper: string[] = [];
    for (const v of this.variants) {
      try {
        v.validate(value, path);
      } catch (e) {
        if (isConversionError(e) && !e.rawMessage.startsWith(`${path}: `)) deeper.push(e.rawMessage);
      }
    }
    return deeper.length ? ` (${deeper.join("; ")})` : "";
  }
}

/**
 * `t.optional(x)`: Python's `Optional[X]`, i.e. `Union[X, None]` with the tags flytekit writes
 * (`x`'s tag and `none`). The value is `T | null`; `undefined` is taken as `null`, and a variable of
 * this type may be left out.
 */
export class OptionalType<T> extends UnionType<T | null> {
  override readonly optional = true as const;
  override readonly kind: TypeKind = "optional";

  constructor(readonly inner: BaseType<T>) {
    super([inner, new NoneType()], `optional<${inner.name}>`);
  }
}
