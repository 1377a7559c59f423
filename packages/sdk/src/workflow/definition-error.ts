import { AloftError } from "@aloft/idl";
import { sitePrefix } from "../entities/call-site.js";
import type { CallSite } from "../entities/entity.js";

/**
 * The error every problem found while a workflow is defined throws: `InvalidArgument`, its message
 * starting with the user's file, line and column (`examples/bad.ts:12:20: input "x" of sayHello …`).
 */
export function definitionError(site: CallSite | undefined, message: string): AloftError {
  return AloftError.invalidArgument(`${sitePrefix(site)}${message}`);
}
