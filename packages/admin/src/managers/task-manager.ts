/**
 * Task registration and reads (flyteadmin `task_manager.go`).
 */
import { AloftError, Code } from "@aloft/idl";
import { compileTask } from "@aloft/compiler";
import { clone, create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { NamedEntityIdentifierListSchema } from "@aloft/idl/gen/flyteidl/admin/common_pb";
import { TaskClosureSchema, TaskCreateResponseSchema, TaskListSchema } from "@aloft/idl/gen/flyteidl/admin/task_pb";
import { CompiledTaskSchema } from "@aloft/idl/gen/flyteidl/core/compiler_pb";
import { TaskTemplateSchema } from "@aloft/idl/gen/flyteidl/core/tasks_pb";
import type { AdminConfig, DomainConfig } from "../config/admin-config.js";
import type { Repositories } from "../repositories/create-repositories.js";
import { Entity } from "../repositories/filters/filter-entities.js";
import { identifierFilters } from "../repositories/filters/filter-expression.js";
import { descriptionEntityToRow } from "../transformers/description-entity-transformer.js";
import { entityKeyFromId, namedEntityKeyToId } from "../transformers/identifier-transformer.js";
import { taskFromRow, taskToRow } from "../transformers/task-transformer.js";
import { compileErrorsText } from "../validation/compile-error-text.js";
import {
  validateNamedEntityIdentifierListRequest,
  validateResourceListRequest,
} from "../validation/identifier-validation.js";
import { listInputFrom, pageTokenAfter } from "../validation/list-input.js";
import { assertProjectDomainActive } from "../validation/project-domain-gate.js";
import { requireTaskTemplate, validateTaskIdentifier, validateTaskTemplate } from "../validation/task-validation.js";
import { digestsEqual, taskDigest } from "./digest.js";
import type { TaskManager } from "./interfaces.js";
import { differentStructureMessage } from "./registration-diff.js";
import { resolveTaskResources } from "./resolve-attributes.js";

/** What {@link createTaskManager} needs. */
export interface TaskManagerDeps {
  repos: Pick<Repositories, "tasks" | "projects" | "resources">;
  /** `config.domains`, for the project-domain gate. */
  domains: readonly DomainConfig[];
  /** `config.taskResources`: platform limits when no TASK_RESOURCE attributes apply. */
  taskResources: AdminConfig["taskResources"];
  /** `config.taskTypeWhitelist`. */
  taskTypeWhitelist: AdminConfig["taskTypeWhitelist"];
  /** The clock for `closure.created_at`. @default () => new Date() */
  now?: () => Date;
}

/** The {@link TaskManager}. */
export function createTaskManager(deps: TaskManagerDeps): TaskManager {
  const { repos } = deps;
  const now = deps.now ?? (() => new Date());

  return {
    async createTask(request) {
      validateTaskIdentifier(request);
      const id = request.id;
      await assertProjectDomainActive({ projects: repos.projects, domains: deps.domains }, id.project, id.domain);
      requireTaskTemplate(request);
      const platform = await resolveTaskResources(repos.resources, {
        project: id.project,
        domain: id.domain,
        configured: deps.taskResources,
      });
      validateTaskTemplate(id, request.spec.template, {
        platformLimits: platform.limits,
        taskTypeWhitelist: deps.taskTypeWhitelist,
      });

      const template = clone(TaskTemplateSchema, request.spec.template);
      template.id = id;
      const compiled = compileTask(template);
      if (!compiled.ok) {
        throw AloftError.invalidArgument(`task failed compilation with ${compileErrorsText(compiled.errors)}`);
      }
      const digest = taskDigest(compiled.value);
      const closure = create(TaskClosureSchema, {
        compiledTask: compiled.value,
        createdAt: timestampFromDate(now()),
      });
      const description = request.spec.description;
      const descriptionRow = description === undefined ? undefined : descriptionEntityToRow(description, id);
      const row = taskToRow({
        id,
        closure,
        digest,
        ...(description === undefined ? {} : { shortDescription: description.shortDescription }),
      });
      try {
        await repos.tasks.create(row, descriptionRow);
      } catch (error) {
        if (!(error instanceof AloftError) || error.code !== Code.AlreadyExists) throw error;
        // Tasks are inserted first and compared only when the key is taken, as flyteadmin does.
        const existing = await repos.tasks.get(entityKeyFromId(id));
        if (digestsEqual(existing.digest, digest)) {
          throw AloftError.alreadyExists("task with identical structure already exists");
        }
        const stored = taskFromRow(existing).closure?.compiledTask;
        throw AloftError.invalidArgument(
          differentStructureMessage(
            `${id.name} task with different structure already exists. (Please register a new version of the task):\n`,
            CompiledTaskSchema,
            stored,
            compiled.value,
          ),
        );
      }
      return create(TaskCreateResponseSchema);
    },

    async getTask(request) {
      // flyteadmin only logs an invalid identifier here; the lookup then reports what is missing.
      return taskFromRow(await repos.tasks.get(entityKeyFromId(request.id)));
    },

    async listTaskIds(request) {
      validateNamedEntityIdentifierListRequest(request);
      const input = listInputFrom(request, {
        entity: Entity.Task,
        listName: "ListUniqueTaskIdentifiers",
        baseFilters: identifierFilters(Entity.Task, { project: request.project, domain: request.domain }),
        requestFilters: false,
      });
      const keys = await repos.tasks.listIdentifiers(input);
      return create(NamedEntityIdentifierListSchema, {
        entities: keys.map(namedEntityKeyToId),
        token: pageTokenAfter(input, keys.length),
      });
    },

    async listTasks(request) {
      validateResourceListRequest(request);
      const input = listInputFrom(request, {
        entity: Entity.Task,
        listName: "ListTasks",
        baseFilters: identifierFilters(Entity.Task, request.id),
      });
      const rows = await repos.tasks.list(input);
      return create(TaskListSchema, { tasks: rows.map(taskFromRow), token: pageTokenAfter(input, rows.length) });
    },
  };
}
