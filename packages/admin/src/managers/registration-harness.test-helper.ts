/**
 * Test helper: the registration managers over a test database and a temp-dir blob store, plus small helpers
 * every registration test uses.
 */
import { AloftError } from "@aloft/idl";
import { type BlobStore, FsBlobStore } from "@aloft/storage";
import { makeTempDir } from "@aloft/test-helpers";
import { create } from "@bufbuild/protobuf";
import { ProjectRegisterRequestSchema } from "@aloft/idl/gen/flyteidl/admin/project_pb";
import { afterAll, beforeAll } from "vitest";
import { type AdminConfig, type AdminConfigInput, compileAdminConfig } from "../config/admin-config.js";
import type { TestDatabase } from "../repositories/test-databases.test-helper.js";
import { createAttributesManager } from "./attributes-manager.js";
import { createDescriptionEntityManager } from "./description-entity-manager.js";
import type {
  AttributesManager,
  DescriptionEntityManager,
  LaunchPlanManager,
  ManagerContext,
  NamedEntityManager,
  ProjectManager,
  TaskManager,
  WorkflowManager,
} from "./interfaces.js";
import { createLaunchPlanManager } from "./launch-plan-manager.js";
import { createNamedEntityManager } from "./named-entity-manager.js";
import { createProjectManager } from "./project-manager.js";
import { createTaskManager } from "./task-manager.js";
import { createWorkflowManager } from "./workflow-manager.js";

/** A manager context for tests: no caller identity, never aborted. */
export const testContext: ManagerContext = {
  requestId: "a-test",
  identity: undefined,
  signal: new AbortController().signal,
};

/** The registration managers wired as the composition root will wire them. */
export interface RegistrationManagers {
  config: AdminConfig;
  blobStore: BlobStore;
  projects: ProjectManager;
  tasks: TaskManager;
  workflows: WorkflowManager;
  launchPlans: LaunchPlanManager;
  attributes: AttributesManager;
  namedEntities: NamedEntityManager;
  descriptionEntities: DescriptionEntityManager;
}

/** Builds the registration managers over `db` and `blobStore`. */
export function createRegistrationManagers(
  db: TestDatabase,
  blobStore: BlobStore,
  configInput: AdminConfigInput = {},
): RegistrationManagers {
  const config = compileAdminConfig(configInput, { homeDir: "/nonexistent-home" });
  const repos = db.repos;
  return {
    config,
    blobStore,
    projects: createProjectManager({ projects: repos.projects, domains: config.domains }),
    tasks: createTaskManager({
      repos,
      domains: config.domains,
      taskResources: config.taskResources,
      taskTypeWhitelist: config.taskTypeWhitelist,
    }),
    workflows: createWorkflowManager({
      repos,
      blobStore,
      domains: config.domains,
      metadataStoragePrefix: config.application.metadataStoragePrefix,
      registration: config.registration,
    }),
    launchPlans: createLaunchPlanManager({
      repos,
      domains: config.domains,
      enableArtifacts: config.application.featureGates.enableArtifacts,
    }),
    attributes: createAttributesManager({ repos, domains: config.domains, application: config.application }),
    namedEntities: createNamedEntityManager({ repos }),
    descriptionEntities: createDescriptionEntityManager({ repos }),
  };
}

/** A temp-dir blob store for the whole test file (`s3://bucket` references land under it). */
export function useTempBlobStore(): () => BlobStore {
  let store: FsBlobStore | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const dir = await makeTempDir("aloft-admin-registration-");
    cleanup = dir.cleanup;
    store = new FsBlobStore({ root: dir.path, aliasSchemes: ["s3"], baseUri: "s3://bucket" });
  });
  afterAll(async () => {
    await store?.close();
    await cleanup?.();
  });
  return () => {
    if (store === undefined) throw new Error("blob store is not ready");
    return store;
  };
}

/** Registers an ACTIVE project (default id `admintests`). */
export async function registerProject(managers: RegistrationManagers, id = "admintests", state = 0): Promise<void> {
  await managers.projects.registerProject(
    create(ProjectRegisterRequestSchema, { project: { id, name: id, state } }),
    testContext,
  );
}

/** Runs `fn` and returns the AloftError it throws (fails the test if it throws nothing or something else). */
export async function failure(fn: () => unknown): Promise<AloftError> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof AloftError) return error;
    throw error;
  }
  throw new Error("expected an AloftError, but nothing was thrown");
}
