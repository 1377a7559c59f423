import { create } from "@bufbuild/protobuf";
import { TimestampSchema } from "@bufbuild/protobuf/wkt";
import {
  PluginOverrideSchema,
  TaskResourceSpecSchema,
  WorkflowExecutionConfigSchema,
} from "@aloft/idl/gen/flyteidl/admin/matchable_resource_pb";
import { CompiledWorkflowClosureSchema } from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import { WorkflowExecutionIdentifierSchema } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { LiteralMapSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import type { ExecutionRequest } from "./workflow-executor.js";

/** An execution request with every field set, for codec and queue tests. */
export function sampleExecutionRequest(name = "exec1"): ExecutionRequest {
  return {
    executionId: create(WorkflowExecutionIdentifierSchema, { project: "p", domain: "development", name }),
    namespace: "p-development",
    referenceWorkflowName: "wf",
    referenceLaunchPlanName: "lp",
    workflowClosure: create(CompiledWorkflowClosureSchema, { primary: { template: { id: { name: "wf" } } } }),
    workflowClosureUri: "s3://bucket/metadata/admin/p/development/wf/v1",
    inputsUri: "s3://bucket/metadata/p/development/exec1/inputs",
    inputs: create(LiteralMapSchema, {
      literals: {
        x: {
          value: {
            case: "scalar",
            value: { value: { case: "primitive", value: { value: { case: "integer", value: 7n } } } },
          },
        },
      },
    }),
    acceptedAt: create(TimestampSchema, { seconds: 1714564800n, nanos: 5 }),
    labels: { team: "ml" },
    annotations: { "example.com/owner": "bob" },
    taskPluginOverrides: [create(PluginOverrideSchema, { taskType: "spark", pluginId: ["spark-operator"] })],
    executionConfig: create(WorkflowExecutionConfigSchema, { maxParallelism: 25 }),
    recoveryExecution: create(WorkflowExecutionIdentifierSchema, { project: "p", domain: "development", name: "old" }),
    taskResources: {
      defaults: create(TaskResourceSpecSchema, { cpu: "500m", memory: "1Gi" }),
      limits: create(TaskResourceSpecSchema, { cpu: "2", memory: "4Gi" }),
    },
    eventVersion: 2,
    roleNameKey: "iam.amazonaws.com/role",
  };
}
