import { CliError } from "../cli-error.js";
import { readYamlFile } from "./yaml-file.js";

/** An execution spec file (`create execution --execFile`), flytectl's ExecutionConfig as written in YAML. */
export interface ExecutionSpec {
  task: string;
  workflow: string;
  version: string;
  inputs: Record<string, unknown>;
  envs: Record<string, string>;
  iamRoleARN: string;
  kubeServiceAcct: string;
  targetProject: string;
  targetDomain: string;
  targetExecutionCluster: string;
  clusterPool: string;
  overwriteCache: boolean;
}

const STRING_KEYS = [
  "task",
  "workflow",
  "version",
  "iamRoleARN",
  "kubeServiceAcct",
  "targetProject",
  "targetDomain",
  "targetExecutionCluster",
  "clusterPool",
] as const;

/**
 * Reads an execution spec as `get task|launchplan --execFile` writes it (flytectl/cmd/create/execution_util.go):
 * keys in any case, as flytectl's JSON-based reader takes them. Unlike flytectl, an unknown key is an error
 * rather than ignored, so a misspelt `input:` cannot silently launch with the defaults.
 *
 * @throws CliError naming the file for a file that cannot be read, or a key or value of the wrong kind.
 */
export async function readExecutionSpec(path: string, cwd: string): Promise<ExecutionSpec> {
  const document = (await readYamlFile(path, cwd)) ?? {};
  if (typeof document !== "object" || Array.isArray(document)) {
    throw CliError.usage(`${path} must hold a mapping, as get task|launchplan --execFile writes it`);
  }
  const spec: ExecutionSpec = {
    task: "",
    workflow: "",
    version: "",
    inputs: {},
    envs: {},
    iamRoleARN: "",
    kubeServiceAcct: "",
    targetProject: "",
    targetDomain: "",
    targetExecutionCluster: "",
    clusterPool: "",
    overwriteCache: false,
  };
  for (const [key, value] of Object.entries(document as Record<string, unknown>)) {
    const lower = key.toLowerCase();
    const stringKey = STRING_KEYS.find((k) => k.toLowerCase() === lower);
    if (value === null || value === undefined) continue;
    if (stringKey !== undefined) {
      if (typeof value === "object") throw bad(path, key, "must be a string");
      spec[stringKey] = String(value);
    } else if (lower === "inputs") {
      spec.inputs = mapping(path, key, value);
    } else if (lower === "envs") {
      spec.envs = Object.fromEntries(
        Object.entries(mapping(path, key, value)).map(([name, v]) => [name, v === null ? "" : String(v)]),
      );
    } else if (lower === "overwritecache") {
      if (typeof value !== "boolean") throw bad(path, key, "must be true or false");
      spec.overwriteCache = value;
    } else {
      throw bad(
        path,
        key,
        `is not an execution spec key (known: ${[...STRING_KEYS, "inputs", "envs", "overwriteCache"].join(", ")})`,
      );
    }
  }
  return spec;
}

function mapping(path: string, key: string, value: unknown): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw bad(path, key, "must be a mapping");
  return value as Record<string, unknown>;
}

function bad(path: string, key: string, problem: string): CliError {
  return CliError.usage(`${path}: ${key} ${problem}`);
}
