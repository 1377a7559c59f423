/** datacatalog's validation errors (datacatalog/pkg/manager/impl/validators/errors.go), all InvalidArgument. */
import { AloftError } from "@aloft/idl";

/** The entities of datacatalog's list filters. */
export type CatalogEntity = "Artifact" | "Dataset" | "Partition" | "Tag";

/** "missing <field>". */
export function missingArgument(field: string): AloftError {
  return AloftError.invalidArgument(`missing ${field}`);
}

/** "invalid value for <field>, value:[<value>]". */
export function invalidArgument(field: string, value: string): AloftError {
  return AloftError.invalidArgument(`invalid value for ${field}, value:[${value}]`);
}

/** "<entity> cannot be filtered by <property> properties". */
export function invalidFilter(entity: CatalogEntity, property: CatalogEntity): AloftError {
  return AloftError.invalidArgument(`${entity} cannot be filtered by ${property} properties`);
}

/** Several errors as one InvalidArgument, messages joined by ", " (`NewCollectedErrors`). */
export function collectedErrors(errors: readonly AloftError[]): AloftError {
  return AloftError.invalidArgument(errors.map((error) => error.rawMessage).join(", "));
}

/** Throws "missing <field>" when `value` is empty. */
export function requireNonEmpty(value: string, field: string): void {
  if (value === "") throw missingArgument(field);
}
