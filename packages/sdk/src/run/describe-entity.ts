import { entityLabel } from "../entities/entity-label.js";
import type { EntityBase } from "../entities/entity.js";

/** How run messages name an entity: `workflow examples.hello.helloWorld`, `launch plan nightly`. */
export function describeEntity(entity: EntityBase): string {
  return `${entity.kind.replace("-", " ")} ${entityLabel(entity)}`;
}
