import { SDK_VERSION } from "../serialize/sdk-version.js";

/** The image TypeScript tasks run when none is given: the SDK's runtime image of this version. */
export const DEFAULT_TASK_IMAGE = `ghcr.io/aloft/sdk:${SDK_VERSION}`;
