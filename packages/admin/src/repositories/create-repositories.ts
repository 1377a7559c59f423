import {
  type DialectCapabilities,
  translateDbError,
  createExecutionQueueRepo,
  type ExecutionQueueRepo,
  type QueueAnnouncer,
} from "@aloft/db";
import type { AdminDbExecutor } from "./admin-db-executor.js";
import { cachedProjectRepo, cachedResourceRepo, type CacheScope } from "./cached-repos.js";
import { createDescriptionEntityRepo, type DescriptionEntityRepo } from "./description-entity-repo.js";
import { createExecutionEventRepo, type ExecutionEventRepo } from "./execution-event-repo.js";
import { createExecutionRepo, type ExecutionRepo } from "./execution-repo.js";
import { createLaunchPlanRepo, type LaunchPlanRepo } from "./launch-plan-repo.js";
import { createNamedEntityRepo, type NamedEntityRepo } from "./named-entity-repo.js";
import { createNodeExecutionRepo, type NodeExecutionRepo } from "./node-execution-repo.js";
import { createProjectRepo, type ProjectRepo } from "./project-repo.js";
import { createResourceRepo, type ResourceRepo } from "./resource-repo.js";
import { createSchedulableEntityRepo, type SchedulableEntityRepo } from "./schedulable-entity-repo.js";
import { createSignalRepo, type SignalRepo } from "./signal-repo.js";
import { createTaskExecutionRepo, type TaskExecutionRepo } from "./task-execution-repo.js";
import { createTaskRepo, type TaskRepo } from "./task-repo.js";
import type { CachedTable, RowCaches } from "./row-caches.js";
import { createWorkflowRepo, type WorkflowRepo } from "./workflow-repo.js";

/**
 * Every repository, bound to one executor: the database, or (inside {@link Repositories.withTransaction})
 * one transaction. Managers receive the repositories they use from this bundle.
 */
export interface Repositories {
  readonly projects: ProjectRepo;
  readonly tasks: TaskRepo;
  readonly workflows: WorkflowRepo;
  readonly launchPlans: LaunchPlanRepo;
  readonly executions: ExecutionRepo;
  readonly executionEvents: ExecutionEventRepo;
  readonly nodeExecutions: NodeExecutionRepo;
  readonly taskExecutions: TaskExecutionRepo;
  readonly namedEntities: NamedEntityRepo;
  readonly descriptionEntities: DescriptionEntityRepo;
  readonly resources: ResourceRepo;
  readonly signals: SignalRepo;
  readonly schedulableEntities: SchedulableEntityRepo;
  readonly executionQueue: ExecutionQueueRepo;
  /** The executor these repositories use (a transaction inside `withTransaction`), e.g. for the workflow executor. */
  readonly executor: AdminDbExecutor;
  readonly capabilities: DialectCapabilities;
  /**
   * Runs `work` with repositories bound to one transaction: everything commits together, or nothing
   * does if `work` throws (the error is rethrown, driver errors translated). Inside a transaction
   * already, `work` joins it. Keep `work` short and free of slow I/O (blob uploads, RPCs): on SQLite a
   * transaction holds the only connection.
   */
  withTransaction<T>(work: (tx: Repositories) => Promise<T>): Promise<T>;
}

/** Options of {@link createRepositories}. */
export interface CreateRepositoriesOptions {
  db: AdminDbExecutor;
  capabilities: DialectCapabilities;
  /** Wakes execution queue consumers (`@aloft/db`'s `QueueNotifier`); none by default. */
  announceQueue?: QueueAnnouncer;
  /** Caches project and matchable-attribute reads (`row-caches.ts`); none by default. */
  caches?: RowCaches;
  /** Set for the repositories of one transaction: the cached tables it changed. @internal */
  changedInTransaction?: Set<CachedTable>;
}

/** Builds the {@link Repositories} bundle over `options.db`. */
export function createRepositories(options: CreateRepositoriesOptions): Repositories {
  const { db, capabilities, caches } = options;
  const projects = createProjectRepo(db);
  const resources = createResourceRepo(db);
  const cacheScope: CacheScope | undefined =
    caches === undefined
      ? undefined
      : {
          caches,
          executor: db,
          raw: { projects, resources },
          changedInTransaction: options.changedInTransaction,
          // The transaction's bundle was built by this function, with its own scope.
          inTransaction: (write) =>
            repositories.withTransaction(async (tx) => write((tx as { cacheScope?: CacheScope }).cacheScope!)),
        };
  const repositories: Repositories & { cacheScope?: CacheScope } = {
    projects: cacheScope === undefined ? projects : cachedProjectRepo(projects, cacheScope),
    tasks: createTaskRepo(db),
    workflows: createWorkflowRepo(db),
    launchPlans: createLaunchPlanRepo(db),
    executions: createExecutionRepo(db, capabilities.name),
    executionEvents: createExecutionEventRepo(db),
    nodeExecutions: createNodeExecutionRepo(db),
    taskExecutions: createTaskExecutionRepo(db),
    namedEntities: createNamedEntityRepo(db),
    descriptionEntities: createDescriptionEntityRepo(db),
    resources: cacheScope === undefined ? resources : cachedResourceRepo(resources, cacheScope),
    signals: createSignalRepo(db),
    schedulableEntities: createSchedulableEntityRepo(db),
    executionQueue: createExecutionQueueRepo({
      db,
      capabilities,
      ...(options.announceQueue === undefined ? {} : { announce: options.announceQueue }),
    }),
    executor: db,
    capabilities,
    async withTransaction<T>(work: (tx: Repositories) => Promise<T>): Promise<T> {
      if (db.isTransaction) return work(repositories);
      const changed = new Set<CachedTable>();
      let result: T;
      try {
        result = await db
          .transaction()
          .execute((trx) => work(createRepositories({ ...options, db: trx, changedInTransaction: changed })));
      } catch (error) {
        throw translateDbError(error);
      }
      for (const table of changed) caches?.invalidate(table);
      return result;
    },
    ...(cacheScope === undefined ? {} : { cacheScope }),
  };
  return repositories;
}
