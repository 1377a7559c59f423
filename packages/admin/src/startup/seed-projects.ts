/**
 * flyteadmin's `migrate seed-projects`: create the configured projects that do not exist yet, leave the others
 * as they are.
 */
import { Code } from "@aloft/idl";
import type { SeedProject } from "../config/admin-config.js";
import type { Repositories } from "../repositories/create-repositories.js";

/** Project state ACTIVE. */
const ACTIVE = 0;

/**
 * Creates every project of `projects` missing from the database, in one transaction, and returns the names
 * created. A concurrent start that created one first is not an error: the transaction is retried once.
 */
export async function seedProjects(
  repos: Pick<Repositories, "withTransaction">,
  projects: readonly SeedProject[],
): Promise<string[]> {
  if (projects.length === 0) return [];
  const attempt = () =>
    repos.withTransaction(async (tx) => {
      const created: string[] = [];
      for (const project of projects) {
        if ((await tx.projects.find(project.name)) !== undefined) continue;
        await tx.projects.create({
          identifier: project.name,
          name: project.name,
          description: project.description,
          labels: null,
          state: ACTIVE,
        });
        created.push(project.name);
      }
      return created;
    });
  try {
    return await attempt();
  } catch (error) {
    if ((error as { code?: unknown }).code !== Code.AlreadyExists) throw error;
    return attempt();
  }
}
