/**
 * Workflow registration and reads (flyteadmin `workflow_manager.go`): workflows are compiled at registration
 * against the exact task and launch plan versions they reference, and the compiled closure is written to the
 * blob store at `<metadataStoragePrefix>/<project>/<domain>/<name>/<version>`.
 */
import { AloftError, Code } from "@aloft/idl";
import { compileWorkflow, getRequirements, launchPlanInterfaceFrom } from "@aloft/compiler";
import { readProto, writeProto, type BlobStore } from "@aloft/storage";
import { clone, create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { NamedEntityIdentifierListSchema } from "@aloft/idl/gen/flyteidl/admin/common_pb";
import {
  CreateWorkflowFailureReasonSchema,
  type Workflow,
  type WorkflowClosure,
  WorkflowClosureSchema,
  WorkflowCreateResponseSchema,
  WorkflowListSchema,
} from "@aloft/idl/gen/flyteidl/admin/workflow_pb";
import { type CompiledWorkflowClosure, CompiledWorkflowClosureSchema } from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import { type Identifier, ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { type WorkflowTemplate, WorkflowTemplateSchema } from "@aloft/idl/gen/flyteidl/core/workflow_pb";
import type { AdminConfig, DomainConfig } from "../config/admin-config.js";
import type { WorkflowRow } from "../db/schema.js";
import type { Repositories } from "../repositories/create-repositories.js";
import { Entity } from "../repositories/filters/filter-entities.js";
import { identifierFilters } from "../repositories/filters/filter-expression.js";
import { descriptionEntityToRow } from "../transformers/description-entity-transformer.js";
import { entityKeyFromId, namedEntityKeyToId } from "../transformers/identifier-transformer.js";
import { launchPlanFromRow } from "../transformers/launch-plan-transformer.js";
import { taskFromRow } from "../transformers/task-transformer.js";
import { workflowFromRow, workflowToRow } from "../transformers/workflow-transformer.js";
import { compileErrorsText } from "../validation/compile-error-text.js";
import {
  identifierText,
  validateIdentifier,
  validateNamedEntityIdentifierListRequest,
  validateResourceListRequest,
} from "../validation/identifier-validation.js";
import { listInputFrom, pageTokenAfter } from "../validation/list-input.js";
import { assertProjectDomainActive } from "../validation/project-domain-gate.js";
import {
  requireWorkflowTemplate,
  validateCompiledWorkflow,
  validateWorkflowIdentifier,
} from "../validation/workflow-validation.js";
import { digestsEqual, workflowDigest } from "./digest.js";
import type { WorkflowManager } from "./interfaces.js";
import { loadLaunchPlansExactly, loadTasksExactly } from "./load-registered-entities.js";
import { differentStructureMessage } from "./registration-diff.js";

/** What {@link createWorkflowManager} needs. */
export interface WorkflowManagerDeps {
  repos: Pick<Repositories, "workflows" | "tasks" | "launchPlans" | "projects">;
  blobStore: BlobStore;
  /** `config.domains`, for the project-domain gate. */
  domains: readonly DomainConfig[];
  /** `config.application.metadataStoragePrefix`: where closures go under the store's base URI. */
  metadataStoragePrefix: readonly string[];
  /** `config.registration` limits. */
  registration: Pick<AdminConfig["registration"], "maxWorkflowNodes" | "workflowSizeLimitBytes">;
  /** The clock for `closure.created_at`. @default () => new Date() */
  now?: () => Date;
}

/** The {@link WorkflowManager}. */
export function createWorkflowManager(deps: WorkflowManagerDeps): WorkflowManager {
  const { repos, blobStore } = deps;
  const now = deps.now ?? (() => new Date());

  const compileFailure = (id: Identifier, reason: string): AloftError =>
    AloftError.invalidArgument(`failed to compile workflow for [${identifierText(id)}] with err: ${reason}`);

  /** Compiles the workflow against the referenced task and launch plan versions. */
  const compile = async (
    id: Identifier,
    primary: WorkflowTemplate,
    subWorkflows: readonly WorkflowTemplate[],
  ): Promise<CompiledWorkflowClosure> => {
    const requirements = getRequirements(primary, subWorkflows);
    // A referenced version that is not registered is a compilation failure, as in flyteadmin (tasks first).
    const asCompileFailure = (error: unknown): never => {
      if (error instanceof AloftError && error.code === Code.NotFound) throw compileFailure(id, error.rawMessage);
      throw error;
    };
    const taskRows = await loadTasksExactly(repos.tasks, requirements.taskIds).catch(asCompileFailure);
    const launchPlanRows = await loadLaunchPlansExactly(repos.launchPlans, requirements.launchPlanIds).catch(
      asCompileFailure,
    );
    const tasks = taskRows.flatMap((row) => {
      const compiled = taskFromRow(row).closure?.compiledTask;
      return compiled === undefined ? [] : [compiled];
    });
    const launchPlans = launchPlanRows.map((row) => launchPlanInterfaceFrom(launchPlanFromRow(row)));
    const result = compileWorkflow({ primary, subWorkflows, tasks, launchPlans });
    if (!result.ok) throw compileFailure(id, compileErrorsText(result.errors));
    return result.value;
  };

  /** The stored closure of a workflow row. @throws AloftError Internal when it cannot be read. */
  const readClosure = async (row: WorkflowRow): Promise<WorkflowClosure> => {
    try {
      return await readProto(blobStore, row.remote_closure_identifier, WorkflowClosureSchema);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw AloftError.internal(
        `Unable to read WorkflowClosure from location ${row.remote_closure_identifier} : ${reason}`,
        { cause: error },
      );
    }
  };

  return {
    async createWorkflow(request) {
      validateWorkflowIdentifier(request);
      const id = request.id;
      await assertProjectDomainActive({ projects: repos.projects, domains: deps.domains }, id.project, id.domain);
      requireWorkflowTemplate(request);

      const template = clone(WorkflowTemplateSchema, request.spec.template);
      template.id = id;
      const compiled = await compile(id, template, request.spec.subWorkflows);
      const closure = create(WorkflowClosureSchema, {
        compiledWorkflow: compiled,
        createdAt: timestampFromDate(now()),
      });
      validateCompiledWorkflow(id, closure, deps.registration);
      const digest = workflowDigest(compiled);

      // Compare with an existing version before uploading anything, as flyteadmin does.
      const key = entityKeyFromId(id);
      const existing = await repos.workflows.find(key);
      if (existing !== undefined) throw await existsError(id, existing, digest, compiled);

      const uri = blobStore.join(
        blobStore.baseUri,
        ...deps.metadataStoragePrefix,
        id.project,
        id.domain,
        id.name,
        id.version,
      );
      try {
        await writeProto(blobStore, uri, WorkflowClosureSchema, closure);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw AloftError.internal(
          `failed to write marshaled workflow [${identifierText(id)}] to storage ${uri} with err ${reason} and base container: ${blobStore.baseUri}`,
          { cause: error },
        );
      }
      const description = request.spec.description;
      await repos.workflows.create(
        workflowToRow({
          id,
          ...(template.interface === undefined ? {} : { typedInterface: template.interface }),
          remoteClosureUri: uri,
          digest,
          ...(description === undefined ? {} : { shortDescription: description.shortDescription }),
        }),
        description === undefined ? undefined : descriptionEntityToRow(description, id),
      );
      return create(WorkflowCreateResponseSchema);
    },

    async getWorkflow(request) {
      validateIdentifier(request.id, ResourceType.WORKFLOW);
      const row = await repos.workflows.get(entityKeyFromId(request.id));
      const workflow: Workflow = workflowFromRow(row);
      const closure = await readClosure(row);
      closure.createdAt = workflow.closure?.createdAt;
      workflow.closure = closure;
      return workflow;
    },

    async listWorkflowIds(request) {
      validateNamedEntityIdentifierListRequest(request);
      const input = listInputFrom(request, {
        entity: Entity.Workflow,
        listName: "ListWorkflowIdentifiers",
        baseFilters: identifierFilters(Entity.Workflow, { project: request.project, domain: request.domain }),
        requestFilters: false,
      });
      const keys = await repos.workflows.listIdentifiers(input);
      return create(NamedEntityIdentifierListSchema, {
        entities: keys.map(namedEntityKeyToId),
        token: pageTokenAfter(input, keys.length),
      });
    },

    async listWorkflows(request) {
      validateResourceListRequest(request);
      const input = listInputFrom(request, {
        entity: Entity.Workflow,
        listName: "ListWorkflows",
        baseFilters: identifierFilters(Entity.Workflow, request.id),
      });
      const rows = await repos.workflows.list(input);
      return create(WorkflowListSchema, {
        workflows: rows.map(workflowFromRow),
        token: pageTokenAfter(input, rows.length),
      });
    },
  };

  /**
   * ALREADY_EXISTS with `exists_identical_structure` for the same digest, else INVALID_ARGUMENT with
   * `exists_different_structure` and a diff against the stored compiled closure.
   */
  async function existsError(
    id: Identifier,
    existing: WorkflowRow,
    digest: Uint8Array,
    compiled: CompiledWorkflowClosure,
  ): Promise<AloftError> {
    if (digestsEqual(existing.digest, digest)) {
      return AloftError.alreadyExists("workflow with identical structure already exists", {
        details: [
          create(CreateWorkflowFailureReasonSchema, { reason: { case: "existsIdenticalStructure", value: { id } } }),
        ],
      });
    }
    let stored: CompiledWorkflowClosure | undefined;
    try {
      stored = (await readClosure(existing)).compiledWorkflow;
    } catch {
      stored = workflowFromRow(existing).closure?.compiledWorkflow;
    }
    return AloftError.invalidArgument(
      differentStructureMessage(
        `${id.name} workflow with different structure already exists. (Please register a new version of the workflow):\n`,
        CompiledWorkflowClosureSchema,
        stored,
        compiled,
      ),
      {
        details: [
          create(CreateWorkflowFailureReasonSchema, { reason: { case: "existsDifferentStructure", value: { id } } }),
        ],
      },
    );
  }
}
