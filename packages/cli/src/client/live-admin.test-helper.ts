/**
 * Test helper: a real admin (`createAdminService`) on 127.0.0.1, port 0, over SQLite and a blob folder in a temp
 * directory, with the project `flytesnacks` seeded, for the commands that talk to one.
 */
import { join } from "node:path";
import { Writable } from "node:stream";
import { compileAdminConfig, createAdminLogger, createAdminService, type AdminService } from "@aloft/admin";
import { makeTempDir } from "@aloft/test-helpers";

/** A running admin and where it lives. */
export interface LiveAdmin {
  readonly service: AdminService;
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** `127.0.0.1:<port>`, as a config file's endpoint. */
  readonly hostPort: string;
  /** The temp directory holding its database and blobs; removed by `stop`. */
  readonly dir: string;
  stop(): Promise<void>;
}

/** Starts an admin; call `stop` when done. */
export async function startLiveAdmin(): Promise<LiveAdmin> {
  const temp = await makeTempDir("aloft-cli-admin-");
  const quiet = new Writable({ write: (_chunk, _encoding, callback) => callback() });
  const config = compileAdminConfig(
    {
      server: { host: "127.0.0.1", port: 0 },
      database: { url: `sqlite://${join(temp.path, "admin.db")}` },
      storage: { root: join(temp.path, "blobs"), signingSecret: "a cli test signing secret" },
      logger: { level: "error" },
      seedProjects: ["flytesnacks"],
    },
    { homeDir: temp.path },
  );
  let service: AdminService | undefined;
  try {
    service = await createAdminService({
      config,
      logger: createAdminLogger({ level: "error", destination: quiet }),
      secretsDir: join(temp.path, "secrets"),
    });
    const { url } = await service.server.listen();
    const started = service;
    return {
      service,
      url,
      hostPort: new URL(url).host,
      dir: temp.path,
      async stop() {
        await started.close();
        await temp.cleanup();
      },
    };
  } catch (error) {
    await service?.close();
    await temp.cleanup();
    throw error;
  }
}
