import type { DescMessage } from "@bufbuild/protobuf";
import {
  ClusterResourceAttributesSchema,
  ExecutionClusterLabelSchema,
  ExecutionQueueAttributesSchema,
  MatchableResource,
  PluginOverridesSchema,
  TaskResourceAttributesSchema,
  WorkflowExecutionConfigSchema,
} from "@aloft/idl/gen/flyteidl/admin/matchable_resource_pb";
import type { AttributeKind } from "./attribute-kinds.js";

/** The admin side of an attribute kind. */
export interface AttributeMessage {
  resource: MatchableResource;
  /** The attribute message; its fields sit beside project, domain and workflow in the attribute file. */
  schema: DescMessage;
}

const MESSAGES: Record<AttributeKind["target"], AttributeMessage> = {
  taskResourceAttributes: { resource: MatchableResource.TASK_RESOURCE, schema: TaskResourceAttributesSchema },
  clusterResourceAttributes: { resource: MatchableResource.CLUSTER_RESOURCE, schema: ClusterResourceAttributesSchema },
  executionQueueAttributes: { resource: MatchableResource.EXECUTION_QUEUE, schema: ExecutionQueueAttributesSchema },
  executionClusterLabel: { resource: MatchableResource.EXECUTION_CLUSTER_LABEL, schema: ExecutionClusterLabelSchema },
  pluginOverrides: { resource: MatchableResource.PLUGIN_OVERRIDE, schema: PluginOverridesSchema },
  workflowExecutionConfig: {
    resource: MatchableResource.WORKFLOW_EXECUTION_CONFIG,
    schema: WorkflowExecutionConfigSchema,
  },
};

/** The matchable resource and message of `kind`. */
export function attributeMessage(kind: AttributeKind): AttributeMessage {
  return MESSAGES[kind.target];
}
