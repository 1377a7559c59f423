/** datacatalog's NotFound errors: "missing entity of type <Type> with identifier <proto text>". */
import { AloftError } from "@aloft/idl";
import type { DatasetKey } from "../repositories/catalog-db.js";

type TextField = readonly [name: string, value: string | readonly TextField[]];

/** A NotFound naming the entity type and its identifier in protobuf text form (empty fields omitted, as Go does). */
export function missingEntity(entityType: string, identifier: readonly TextField[]): AloftError {
  return AloftError.notFound(`missing entity of type ${entityType} with identifier ${protoText(identifier)}`);
}

/** The text fields of a dataset id, in field-number order. */
export function datasetIdText(dataset: DatasetKey): TextField[] {
  return [
    ["project", dataset.project],
    ["name", dataset.name],
    ["domain", dataset.domain],
    ["version", dataset.version],
  ];
}

function protoText(fields: readonly TextField[]): string {
  return fields
    .filter(([, value]) => value.length > 0)
    .map(([name, value]) =>
      typeof value === "string" ? `${name}:${JSON.stringify(value)}` : `${name}:{${protoText(value)}}`,
    )
    .join(" ");
}
