/**
 * `@aloft/sdk/internal`: what the `aloft` CLI and the engine need from the SDK but users should not
 * (module loading, packaging, the local executor). Not a stable API.
 * @internal
 */
export {};
