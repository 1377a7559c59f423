/**
 * The interface propeller hashes into a cache key: the task interface as the FlyteWorkflow CRD holds it, with type
 * metadata removed (flytepropeller/pkg/compiler/transformers/k8s/utils.go, `StripInterfaceTypeMetadata`). Metadata
 * such as docstrings and dataclass JSON schemas does not change what a task computes, so it must not split caches.
 */
import { clone } from "@bufbuild/protobuf";
import { type TypedInterface, TypedInterfaceSchema, type VariableMap } from "@aloft/idl/gen/flyteidl/core/interface_pb";
import { type LiteralType, LiteralTypeSchema } from "@aloft/idl/gen/flyteidl/core/types_pb";

/** The annotation key that marks an annotation as part of the cache key (flytekit's `HashMethod` output). */
export const CACHE_KEY_METADATA_ANNOTATION = "cache-key-metadata";

/**
 * A copy of `iface` with every variable's `description` cleared and its type stripped by {@link stripTypeMetadata}.
 * The input is left untouched.
 */
export function stripInterfaceTypeMetadata(iface: TypedInterface): TypedInterface {
  const stripped = clone(TypedInterfaceSchema, iface);
  stripVariables(stripped.inputs);
  stripVariables(stripped.outputs);
  return stripped;
}

/**
 * A copy of `type` without `metadata`, without `annotation` unless it carries `cache-key-metadata`, recursively
 * through union variants, collection and map element types, structured-dataset columns and dataclass field types.
 */
export function stripTypeMetadata(type: LiteralType): LiteralType {
  const stripped = clone(LiteralTypeSchema, type);
  stripInPlace(stripped);
  return stripped;
}

function stripVariables(variables: VariableMap | undefined): void {
  for (const variable of Object.values(variables?.variables ?? {})) {
    variable.description = "";
    if (variable.type !== undefined) stripInPlace(variable.type);
  }
}

function stripInPlace(type: LiteralType): void {
  type.metadata = undefined;
  if (
    type.annotation !== undefined &&
    !Object.hasOwn(type.annotation.annotations ?? {}, CACHE_KEY_METADATA_ANNOTATION)
  ) {
    type.annotation = undefined;
  }
  for (const fieldType of Object.values(type.structure?.dataclassType ?? {})) stripInPlace(fieldType);
  const kind = type.type;
  switch (kind.case) {
    case "unionType":
      for (const variant of kind.value.variants) stripInPlace(variant);
      break;
    case "mapValueType":
    case "collectionType":
      stripInPlace(kind.value);
      break;
    case "structuredDatasetType":
      for (const column of kind.value.columns) if (column.literalType !== undefined) stripInPlace(column.literalType);
      break;
    default:
      break;
  }
}
