/**
 * `flyte://` URLs (flyteadmin `common/flyte_url.go`): how clients name the inputs, outputs and deck of a
 * node or task execution, e.g. `flyte://v1/<project>/<domain>/<execution>/<node>[/<attempt>]/{i|o|d}[/<name>]`.
 */
import { create } from "@bufbuild/protobuf";
import { type FlyteURLs, FlyteURLsSchema } from "@aloft/idl/gen/flyteidl/admin/common_pb";
import type { NodeExecutionKey } from "../../repositories/keys.js";

/** What a `flyte://` URL points at: inputs, outputs or the deck. */
export type FlyteUrlArtifact = "i" | "o" | "d";

/** A parsed `flyte://` URL. */
export interface ParsedFlyteUrl {
  nodeExecution: NodeExecutionKey;
  /** Set when the URL names a task attempt rather than the node. */
  attempt?: number;
  artifact: FlyteUrlArtifact;
  /** One input or output by name; "" for the whole map. */
  literalName: string;
}

const SEGMENT = "[a-zA-Z0-9_-]+";
const WHOLE = new RegExp(`flyte://v1/(${SEGMENT})/(${SEGMENT})/(${SEGMENT})/(${SEGMENT})(?:/([0-9]+))?/([iod])$`);
const NAMED = new RegExp(
  `flyte://v1/(${SEGMENT})/(${SEGMENT})/(${SEGMENT})/(${SEGMENT})(?:/([0-9]+))?/([io])/(${SEGMENT})$`,
);

/**
 * Parses a `flyte://` URL as flyteadmin's `ParseFlyteURLToExecution` (unanchored at the start, as its
 * regular expressions); undefined when it matches neither form.
 */
export function parseFlyteUrl(url: string): ParsedFlyteUrl | undefined {
  const match = WHOLE.exec(url) ?? NAMED.exec(url);
  if (match === null) return undefined;
  const [, project = "", domain = "", name = "", nodeId = "", attempt, artifact = "", literalName = ""] = match;
  return {
    nodeExecution: { executionId: { project, domain, name }, nodeId },
    ...(attempt === undefined ? {} : { attempt: Number(attempt) }),
    artifact: artifact as FlyteUrlArtifact,
    literalName,
  };
}

/** `flyte_urls` of a node execution (the deck only when the node has one). */
export function nodeFlyteUrls(key: NodeExecutionKey, hasDeck: boolean): FlyteURLs {
  return flyteUrls(baseOf(key), hasDeck);
}

/** `flyte_urls` of a task attempt: the node's with `/<attempt>` before the suffix. */
export function taskFlyteUrls(key: NodeExecutionKey, attempt: number, hasDeck: boolean): FlyteURLs {
  return flyteUrls(`${baseOf(key)}/${attempt}`, hasDeck);
}

function baseOf(key: NodeExecutionKey): string {
  const e = key.executionId;
  return `flyte://v1/${e.project}/${e.domain}/${e.name}/${key.nodeId}`;
}

function flyteUrls(base: string, hasDeck: boolean): FlyteURLs {
  return create(FlyteURLsSchema, {
    inputs: `${base}/i`,
    outputs: `${base}/o`,
    ...(hasDeck ? { deck: `${base}/d` } : {}),
  });
}
