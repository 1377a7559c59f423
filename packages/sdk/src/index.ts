/**
 * `@aloft/sdk`: typed tasks and workflows for Aloft and Flyte 1.
 */
export { ENTITY_BRAND, isEntity } from "./entities/entity.js";
export type { CallSite, EntityBase, EntityKind, EntityLocation } from "./entities/entity.js";
export type { RunnableTask, TaskExecutionContext, TaskResult } from "./entities/task-result.js";
export type { SerializationSettings } from "./serialize/serialization-settings.js";
export { TS_TASK_TYPE } from "./serialize/serialization-settings.js";
export { TYPE_BRAND } from "./types/type.js";
export type { AnyType, Infer, Shape, Type, TypeContext, ValuesOf } from "./types/type.js";
