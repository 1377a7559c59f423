import { pathToFileURL } from "node:url";
import { register } from "tsx/esm/api";

/** A loaded module's namespace: its exports by name. */
export type ModuleNamespace = Readonly<Record<string, unknown>>;

/**
 * Imports module files (TypeScript or JavaScript) in this process with tsx's loader hooks active
 * only while `fn` runs. The hooks are registered globally rather than in a tsx namespace so that a
 * module's `import "@aloft/sdk"` gets the very instance of the SDK that loaded it (a namespace would
 * load a second copy). Modules stay in Node's module cache, as every import does.
 */
export async function withModuleLoader<T>(
  fn: (importFile: (file: string) => Promise<ModuleNamespace>) => Promise<T>,
): Promise<T> {
  const unregister = register();
  try {
    return await fn(async (file) => (await import(pathToFileURL(file).href)) as ModuleNamespace);
  } finally {
    await unregister();
  }
}
