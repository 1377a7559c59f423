/*
 * Task secrets as pod annotations for Flyte's secret-injecting webhook (flyteplugins
 * pluginmachinery/utils/secrets/marshaler.go): `flyte.secrets/s<i>` = the Secret in protobuf text format,
 * base32 with Flyte's alphabet and no padding; the pod gets the label `inject-flyte-secrets: "true"`.
 */
import { flyteBase32 } from "@aloft/idl";
import { Secret_MountType, type Secret } from "@aloft/idl/gen/flyteidl/core/security_pb";

/** The label that makes the webhook process a pod. */
export const SECRETS_POD_LABEL = "inject-flyte-secrets";
const ANNOTATION_PREFIX = "flyte.secrets/s";
// Kubernetes's limit on all annotations of an object.
const TOTAL_ANNOTATION_SIZE_LIMIT_BYTES = 256 * 1024;

// golang/protobuf's text format string: printable ASCII as is, common escapes, other bytes octal.
function textString(value: string): string {
  let out = '"';
  for (const byte of new TextEncoder().encode(value)) {
    if (byte === 0x0a) out += "\\n";
    else if (byte === 0x0d) out += "\\r";
    else if (byte === 0x09) out += "\\t";
    else if (byte === 0x22) out += '\\"';
    else if (byte === 0x5c) out += "\\\\";
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\${byte.toString(8).padStart(3, "0")}`;
  }
  return `${out}"`;
}

/** `proto.MarshalTextString` of a Secret: set fields in field order, one per line. */
export function secretToText(secret: Secret): string {
  let text = "";
  if (secret.group !== "") text += `group: ${textString(secret.group)}\n`;
  if (secret.groupVersion !== "") text += `group_version: ${textString(secret.groupVersion)}\n`;
  if (secret.key !== "") text += `key: ${textString(secret.key)}\n`;
  if (secret.mountRequirement !== Secret_MountType.ANY) {
    text += `mount_requirement: ${Secret_MountType[secret.mountRequirement] ?? secret.mountRequirement}\n`;
  }
  if (secret.envVar !== "") text += `env_var: ${textString(secret.envVar)}\n`;
  return text;
}

/**
 * The annotations carrying `secrets` (`MarshalSecretsToMapStrings`).
 *
 * @throws Error for an unknown mount requirement or a secret too large for an annotation.
 */
export function secretAnnotations(secrets: readonly Secret[]): Record<string, string> {
  const out: Record<string, string> = {};
  secrets.forEach((secret, index) => {
    if (Secret_MountType[secret.mountRequirement] === undefined) {
      throw new Error(`invalid mount requirement [${secret.mountRequirement}]`);
    }
    const encoded = flyteBase32(new TextEncoder().encode(secretToText(secret)));
    if (encoded.length > TOTAL_ANNOTATION_SIZE_LIMIT_BYTES) {
      throw new Error(`secret descriptor cannot exceed [${TOTAL_ANNOTATION_SIZE_LIMIT_BYTES}]`);
    }
    out[`${ANNOTATION_PREFIX}${index}`] = encoded;
  });
  return out;
}
