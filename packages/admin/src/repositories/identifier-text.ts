/** A field of a message printed by {@link protoText}: a scalar, or a nested message. */
export type ProtoTextValue = string | number | ReadonlyArray<readonly [string, ProtoTextValue]>;

/**
 * A message in Go's compact prototext form (`project:"p" domain:"d" name:"n"`), as flyteadmin prints
 * identifiers with `%v` in its NotFound messages ("missing entity of type TASK with identifier …").
 * Empty strings and zeros are omitted, as proto3 does.
 */
export function protoText(fields: ReadonlyArray<readonly [string, ProtoTextValue]>): string {
  const parts: string[] = [];
  for (const [name, value] of fields) {
    if (typeof value === "string") {
      if (value !== "") parts.push(`${name}:${quote(value)}`);
    } else if (typeof value === "number") {
      if (value !== 0) parts.push(`${name}:${value}`);
    } else {
      const inner = protoText(value);
      if (inner !== "") parts.push(`${name}:{${inner}}`);
    }
  }
  return parts.join(" ");
}

function quote(value: string): string {
  const escaped = value.replace(/[\\"\n\r\t]/g, (ch) => {
    switch (ch) {
      case "\n":
        return "\\n";
      case "\r":
        return "\\r";
      case "\t":
        return "\\t";
      default:
        return `\\${ch}`;
    }
  });
  return `"${escaped}"`;
}
