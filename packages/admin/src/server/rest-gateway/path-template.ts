/**
 * `google.api.http` path templates, limited to what flyteidl uses (literal segments and `{field.path}` variables
 * matching one segment), matched the way grpc-gateway's default (legacy) unescaping mode does: against the fully
 * decoded path split on `/`, so a variable never contains a `/` and may be empty.
 */

/** One segment of a template. */
export type TemplateSegment = { kind: "literal"; value: string } | { kind: "variable"; fieldPath: string };

/** A parsed template. */
export interface PathTemplate {
  readonly text: string;
  readonly segments: readonly TemplateSegment[];
  /** The variables' field paths, in order (`id.project`, …). */
  readonly variables: readonly string[];
}

/**
 * Parses a template such as `/api/v1/tasks/{id.project}/{id.domain}`. Throws for anything richer (`{x=**}`,
 * `*`, verbs), which flyteidl does not use, so a future flyteidl that did would fail at start-up, not at request
 * time.
 */
export function parsePathTemplate(text: string): PathTemplate {
  if (!text.startsWith("/")) throw new Error(`path template ${JSON.stringify(text)} must start with "/"`);
  const segments: TemplateSegment[] = text
    .slice(1)
    .split("/")
    .map((part) => {
      const variable = /^\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\}$/.exec(part);
      if (variable) return { kind: "variable", fieldPath: variable[1]! };
      if (part === "" || /[{}*:=]/.test(part)) {
        throw new Error(`path template ${JSON.stringify(text)} uses syntax the REST gateway does not support`);
      }
      return { kind: "literal", value: part };
    });
  const variables = segments.flatMap((s) => (s.kind === "variable" ? [s.fieldPath] : []));
  return { text, segments, variables };
}

/**
 * Matches decoded path components (the path without its leading `/`, split on `/`) against a template; returns
 * each variable's value by field path, or undefined when the path does not match.
 */
export function matchPathTemplate(
  template: PathTemplate,
  components: readonly string[],
): Map<string, string> | undefined {
  if (components.length !== template.segments.length) return undefined;
  const values = new Map<string, string>();
  for (let i = 0; i < components.length; i++) {
    const segment = template.segments[i]!;
    const component = components[i]!;
    if (segment.kind === "literal") {
      if (segment.value !== component) return undefined;
    } else {
      values.set(segment.fieldPath, component);
    }
  }
  return values;
}
