import type { WorkflowExecutionIdentifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import type { ClientSettings } from "../client/client-settings.js";

/**
 * Where the console shows an execution, as flytekit's `FlyteRemote.generate_console_url` builds it:
 * `<console>/console/projects/<project>/domains/<domain>/executions/<name>`, with `console.endpoint` from the config
 * file when set, else admin's own URL (Aloft serves the console beside admin).
 */
export function executionConsoleUrl(settings: ClientSettings, id: WorkflowExecutionIdentifier): string {
  const base = (settings.config.console.endpoint ?? settings.connection.endpoint.baseUrl).replace(/\/+$/, "");
  const path = [id.project, id.domain, id.name].map(encodeURIComponent);
  return `${base}/console/projects/${path[0]}/domains/${path[1]}/executions/${path[2]}`;
}
