/**
 * One of flytectl's six matchable attribute commands. Plain data, so that registering the commands does not load
 * protobuf code (`attribute-messages.ts` has the admin messages behind them).
 */
export interface AttributeKind {
  /** The sub-command: `task-resource-attribute`. */
  command: string;
  /** The plural alias flytectl accepts for `get` and `delete`. */
  alias: string;
  /** For messages: `task resource attributes`. */
  title: string;
  /** The `MatchingAttributes.target` case holding it. */
  target:
    | "taskResourceAttributes"
    | "clusterResourceAttributes"
    | "executionQueueAttributes"
    | "executionClusterLabel"
    | "pluginOverrides"
    | "workflowExecutionConfig";
  /** An example attribute file body, for help texts. */
  example: string;
}

/** The six kinds, in flytectl's order. QUALITY_OF_SERVICE and CLUSTER_ASSIGNMENT have no flytectl command. */
export const ATTRIBUTE_KINDS: readonly AttributeKind[] = [
  {
    command: "task-resource-attribute",
    alias: "task-resource-attributes",
    title: "task resource attributes",
    target: "taskResourceAttributes",
    example: 'defaults:\n  cpu: "1"\n  memory: 150Mi\nlimits:\n  cpu: "2"\n  memory: 450Mi',
  },
  {
    command: "cluster-resource-attribute",
    alias: "cluster-resource-attributes",
    title: "cluster resource attributes",
    target: "clusterResourceAttributes",
    example: "attributes:\n  foo: bar\n  buzz: lightyear",
  },
  {
    command: "execution-queue-attribute",
    alias: "execution-queue-attributes",
    title: "execution queue attributes",
    target: "executionQueueAttributes",
    example: "tags:\n  - foo\n  - bar",
  },
  {
    command: "execution-cluster-label",
    alias: "execution-cluster-labels",
    title: "execution cluster label",
    target: "executionClusterLabel",
    example: "value: foo",
  },
  {
    command: "plugin-override",
    alias: "plugin-overrides",
    title: "plugin overrides",
    target: "pluginOverrides",
    example:
      "overrides:\n  - task_type: python_task\n    plugin_id: [plugin_override1]\n    missing_plugin_behavior: USE_DEFAULT",
  },
  {
    command: "workflow-execution-config",
    alias: "workflow-execution-configs",
    title: "workflow execution config",
    target: "workflowExecutionConfig",
    example: "max_parallelism: 5",
  },
];
