/**
 * Label checks for projects, launch plans and executions (flyteadmin `validateLabels`): labels become
 * Kubernetes labels, so keys must be qualified names and values valid label values.
 */
import { AloftError } from "@aloft/idl";
import type { Labels } from "@aloft/idl/gen/flyteidl/admin/common_pb";
import { requireMaxEntries } from "./field-validation.js";
import { goStringList, labelValueErrors, qualifiedNameErrors } from "./k8s-names.js";

/** flyteadmin's `maxLabelArrayLength`. */
export const MAX_LABEL_ENTRIES = 16;

/**
 * Checks `labels` (unset or empty passes). Keys are checked in sorted order so the first error is stable
 * (flyteadmin iterates a Go map, whose order is random).
 *
 * @throws AloftError InvalidArgument "labels map cannot exceed 16 entries", "invalid label key [k]: [<k8s
 *   messages>]" or "invalid label value [v]: [<k8s messages>]".
 */
export function validateLabels(labels: Labels | undefined): void {
  const values = labels?.values ?? {};
  if (Object.keys(values).length === 0) return;
  requireMaxEntries(values, "labels", MAX_LABEL_ENTRIES);
  for (const key of Object.keys(values).sort()) {
    const keyErrors = qualifiedNameErrors(key);
    if (keyErrors.length > 0)
      throw AloftError.invalidArgument(`invalid label key [${key}]: ${goStringList(keyErrors)}`);
    const value = values[key] ?? "";
    const valueErrors = labelValueErrors(value);
    if (valueErrors.length > 0) {
      throw AloftError.invalidArgument(`invalid label value [${value}]: ${goStringList(valueErrors)}`);
    }
  }
}
