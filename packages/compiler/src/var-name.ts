/** A promise's output variable: `name`, or `[index].name` for an element of a list output. */
export interface VarName {
  name: string;
  index: number | undefined;
}

const VAR_PATTERN = /(\[(\d+)\]\.)?(\w+)/g;

/**
 * Parses a promise variable like propeller's `typing.ParseVarName`: the text must hold exactly one
 * `[index].name` or `name` match (anything around a single match is ignored, as in Flyte).
 * `undefined` when it does not.
 */
export function parseVarName(text: string): VarName | undefined {
  const matches = [...text.matchAll(VAR_PATTERN)];
  if (matches.length !== 1) return undefined;
  const m = matches[0];
  const name = m?.[3];
  if (name === undefined) return undefined;
  const index = m?.[2];
  return { name, index: index === undefined ? undefined : Number.parseInt(index, 10) };
}
