import { formatIdentifier, identifierKey as idlIdentifierKey } from "@aloft/idl";
import type { Identifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";

/** `identifierKey` from `@aloft/idl`, also accepting an absent id (templates may omit it). */
export function identifierKey(id: Identifier | undefined): string {
  return id === undefined ? "" : idlIdentifierKey(id);
}

/** `formatIdentifier` from `@aloft/idl`, also accepting an absent id. */
export function identifierToString(id: Identifier | undefined): string {
  return id === undefined ? "<unset>" : formatIdentifier(id);
}

/** Orders identifiers as Flyte's `IdentifierSet.List()` does: resource type, project, domain, name, version. */
export function compareIdentifiers(a: Identifier, b: Identifier): number {
  if (a.resourceType !== b.resourceType) return a.resourceType < b.resourceType ? -1 : 1;
  return (
    compareCodePoints(a.project, b.project) ||
    compareCodePoints(a.domain, b.domain) ||
    compareCodePoints(a.name, b.name) ||
    compareCodePoints(a.version, b.version)
  );
}

/**
 * Compares strings by code point, which is Go's byte-wise order for UTF-8 (JavaScript's `<` compares
 * UTF-16 units, which differs once surrogate pairs meet characters above U+E000).
 */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit < 0xe000) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

/** Sorts in place by code point and returns the array. */
export function sortIds(ids: string[]): string[] {
  return ids.sort(compareCodePoints);
}
