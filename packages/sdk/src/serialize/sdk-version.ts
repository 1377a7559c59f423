/** The SDK's version, written into every task's `RuntimeMetadata` (kept equal to package.json by a test). */
export const SDK_VERSION = "0.1.0";

/** The runtime flavor tasks of this SDK declare (flytekit writes `python`). */
export const SDK_FLAVOR = "typescript";
