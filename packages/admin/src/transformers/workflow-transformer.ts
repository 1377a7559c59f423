import { dbTimeToTimestamp } from "@aloft/db";
import { create } from "@bufbuild/protobuf";
import { type Workflow, WorkflowSchema } from "@aloft/idl/gen/flyteidl/admin/workflow_pb";
import { type Identifier, ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { type TypedInterface, TypedInterfaceSchema } from "@aloft/idl/gen/flyteidl/core/interface_pb";
import type { NewWorkflowRow, WorkflowRow } from "../db/schema.js";
import { entityKeyToId } from "./identifier-transformer.js";
import { decodeOptionalColumn, encodeColumn } from "./proto-bytes.js";

/** Input of {@link workflowToRow}. */
export interface WorkflowToRowInput {
  id: Identifier;
  /** The primary template's interface, what ListWorkflows returns. */
  typedInterface?: TypedInterface;
  /** Where the `admin.WorkflowClosure` was written in the blob store. */
  remoteClosureUri: string;
  digest: Uint8Array;
  shortDescription?: string;
}

/** A registered workflow → a `workflows` row. */
export function workflowToRow(input: WorkflowToRowInput): NewWorkflowRow {
  return {
    project: input.id.project,
    domain: input.id.domain,
    name: input.id.name,
    version: input.id.version,
    typed_interface:
      input.typedInterface === undefined ? null : encodeColumn(TypedInterfaceSchema, input.typedInterface),
    remote_closure_identifier: input.remoteClosureUri,
    digest: input.digest,
    short_description: input.shortDescription ?? "",
  };
}

/**
 * A `workflows` row → `admin.Workflow` as ListWorkflows returns it: the closure holds only
 * `created_at` and the primary template's interface. GetWorkflow replaces the closure with the one
 * read from `remote_closure_identifier` (keeping `created_at`).
 */
export function workflowFromRow(row: WorkflowRow): Workflow {
  const typedInterface = decodeOptionalColumn(TypedInterfaceSchema, row.typed_interface, "workflow interface");
  return create(WorkflowSchema, {
    id: entityKeyToId(row, ResourceType.WORKFLOW),
    closure: {
      createdAt: dbTimeToTimestamp(row.created_at),
      compiledWorkflow: { primary: { template: { interface: typedInterface ?? {} } } },
    },
    shortDescription: row.short_description,
  });
}
