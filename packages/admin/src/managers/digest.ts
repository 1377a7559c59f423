/**
 * Registration digests: what flyteadmin compares to tell an identical re-registration (ALREADY_EXISTS) from a
 * conflicting one (INVALID_ARGUMENT with a diff). flyteadmin hashes the protobuf-JSON rendering with
 * `pbhash`; Aloft never shares a database with a Go admin, so it only needs a stable hash of a canonical
 * serialisation: SHA-256 of the protobuf binary with every map written in sorted key order (protobuf-es writes
 * maps in insertion order, which differs between two decodings of equal messages) and unknown fields dropped.
 */
import { createHash } from "node:crypto";
import { clone, type DescMessage, type MessageShape, toBinary } from "@bufbuild/protobuf";
import type { LaunchPlan } from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";
import { LaunchPlanSchema } from "@aloft/idl/gen/flyteidl/admin/launch_plan_pb";
import {
  type CompiledTask,
  CompiledTaskSchema,
  type CompiledWorkflowClosure,
  CompiledWorkflowClosureSchema,
} from "@aloft/idl/gen/flyteidl/core/compiler_pb";

/** SHA-256 of the canonical binary form of `message` (see the module comment). */
export function messageDigest<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): Uint8Array {
  const canonical = clone(schema, message);
  sortMaps(schema, canonical as unknown as Record<string, unknown>);
  const bytes = toBinary(schema, canonical, { writeUnknownFields: false });
  return new Uint8Array(createHash("sha256").update(bytes).digest());
}

/** The digest of a compiled task (what CreateTask compares). */
export function taskDigest(compiledTask: CompiledTask): Uint8Array {
  return messageDigest(CompiledTaskSchema, compiledTask);
}

/** The digest of a compiled workflow closure (what CreateWorkflow compares). */
export function workflowDigest(closure: CompiledWorkflowClosure): Uint8Array {
  return messageDigest(CompiledWorkflowClosureSchema, closure);
}

/** The digest of a launch plan: id, resolved spec and closure with expected inputs and outputs. */
export function launchPlanDigest(launchPlan: LaunchPlan): Uint8Array {
  return messageDigest(LaunchPlanSchema, launchPlan);
}

/** True if two digests are byte-for-byte equal (a null stored digest never matches). */
export function digestsEqual(a: Uint8Array | null, b: Uint8Array | null): boolean {
  return a !== null && b !== null && Buffer.from(a).equals(Buffer.from(b));
}

const JSON_WELL_KNOWN = new Set(["google.protobuf.Struct", "google.protobuf.Value", "google.protobuf.ListValue"]);

/** Rebuilds every map of `message` (recursively) with its keys in sorted order. */
function sortMaps(schema: DescMessage, message: Record<string, unknown>): void {
  for (const member of schema.members) {
    if (member.kind === "oneof") {
      const selected = message[member.localName] as { case?: string; value?: unknown } | undefined;
      const field = member.fields.find((candidate) => candidate.localName === selected?.case);
      if (field?.fieldKind === "message") sortValue(field.message, selected?.value);
      continue;
    }
    const value = message[member.localName];
    if (value === undefined) continue;
    switch (member.fieldKind) {
      case "message":
        sortValue(member.message, value);
        break;
      case "list":
        if (member.listKind === "message") for (const item of value as unknown[]) sortValue(member.message, item);
        break;
      case "map": {
        const entries = value as Record<string, unknown>;
        const sorted: Record<string, unknown> = {};
        for (const key of Object.keys(entries).sort()) {
          const entry = entries[key];
          if (member.mapKind === "message") sortValue(member.message, entry);
          sorted[key] = entry;
        }
        message[member.localName] = sorted;
        break;
      }
      default:
        break;
    }
  }
}

function sortValue(schema: DescMessage, value: unknown): void {
  if (typeof value !== "object" || value === null) return;
  // protobuf-es represents Struct/Value/ListValue fields as plain JSON; wrappers as primitives.
  if (JSON_WELL_KNOWN.has(schema.typeName) && !("$typeName" in value)) {
    sortJsonInPlace(value);
    return;
  }
  sortMaps(schema, value as Record<string, unknown>);
}

function sortJsonInPlace(value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) sortJsonInPlace(item);
    return;
  }
  if (typeof value !== "object" || value === null) return;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  const entries = keys.map((key) => [key, record[key]] as const);
  for (const key of keys) delete record[key];
  for (const [key, entry] of entries) {
    sortJsonInPlace(entry);
    record[key] = entry;
  }
}
