import { CliError } from "../cli-error.js";

/**
 * flytectl's field-selector operators, in the order a term is tried at each position: `!=` before `=` and
 * `>=`/`<=` before `>`/`<`, so `a!=b` is never read as `a!` `=` `b` (flytectl/pkg/filters/filters.go).
 */
const SYMBOL_OPERATORS = [
  ["!=", "ne"],
  ["=", "eq"],
  [">=", "gte"],
  [">", "gt"],
  ["<=", "lte"],
  ["<", "lt"],
] as const;

/**
 * Translates flytectl's `--filter.fieldSelector` into admin's filter syntax: comma-separated terms
 * `field<op>value` with `=`, `!=`, `>`, `>=`, `<`, `<=`, plus `field contains value` and `field in (a;b)`,
 * become `eq(field,value)+value_in(field,a;b)+…`. As in flytectl, ` contains ` and ` in ` win over the
 * symbols when they appear anywhere in a term (unless the term starts with a symbol), and a value may carry
 * `\,`, `\=` and `\\` escapes. Unlike flytectl, escaped commas do not split terms, and a term with no operator
 * is an error rather than silently dropped.
 *
 * @example
 * toAdminFilter("execution.phase in (FAILED;SUCCEEDED),execution.duration<200");
 * // "value_in(execution.phase,FAILED;SUCCEEDED)+lt(execution.duration,200)"
 *
 * @throws CliError (usage) naming the bad term.
 */
export function toAdminFilter(fieldSelector: string | undefined): string {
  if (fieldSelector === undefined || fieldSelector.trim() === "") return "";
  return splitTerms(fieldSelector)
    .map((term) => transformTerm(term))
    .join("+");
}

/** Splits on commas that are not escaped with a backslash. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let current = "";
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i] as string;
    if (c === "\\" && i + 1 < selector.length) {
      current += c + (selector[i + 1] as string);
      i++;
    } else if (c === ",") {
      terms.push(current);
      current = "";
    } else {
      current += c;
    }
  }
  terms.push(current);
  return terms.filter((term) => term.trim() !== "");
}

function transformTerm(term: string): string {
  const parsed = parseTerm(term);
  if (parsed === undefined) {
    throw invalid(term, "no operator; use =, !=, >, >=, <, <=, `contains` or `in (a;b)`");
  }
  const field = parsed.field.trim();
  const value = unescapeValue(parsed.value.trim(), term);
  if (field === "" || value === "") throw invalid(term, "both a field and a value are needed");
  return `${parsed.func}(${field},${value})`;
}

interface ParsedTerm {
  field: string;
  func: string;
  value: string;
}

function parseTerm(term: string): ParsedTerm | undefined {
  const startsWithSymbol = SYMBOL_OPERATORS.some(([symbol]) => term.startsWith(symbol));
  if (!startsWithSymbol) {
    const contains = / contains /.exec(term);
    if (contains !== null) {
      return { field: term.slice(0, contains.index), func: "contains", value: term.slice(contains.index + 10) };
    }
    const inMatch = / in /.exec(term);
    if (inMatch !== null) {
      const list = /\((.*)\)/s.exec(term.slice(inMatch.index + 4).trim());
      if (list === null) throw invalid(term, "`in` takes a list in parentheses, e.g. phase in (FAILED;SUCCEEDED)");
      return { field: term.slice(0, inMatch.index), func: "value_in", value: list[1] as string };
    }
  }
  for (let i = 0; i < term.length; i++) {
    const rest = term.slice(i);
    for (const [symbol, func] of SYMBOL_OPERATORS) {
      if (rest.startsWith(symbol)) return { field: term.slice(0, i), func, value: rest.slice(symbol.length) };
    }
  }
  return undefined;
}

/** flytectl's `UnescapeValue`: `\\`, `\,` and `\=` are the only escapes; bare `,` and `=` are not allowed. */
function unescapeValue(value: string, term: string): string {
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (c === "\\") {
      const next = value[i + 1];
      if (next !== "\\" && next !== "," && next !== "=") {
        throw invalid(term, `invalid escape sequence \\${next ?? ""}`);
      }
      out += next;
      i++;
    } else if (c === "=" || c === ",") {
      throw invalid(term, `unescaped ${c} in the value (write \\${c})`);
    } else {
      out += c;
    }
  }
  return out;
}

function invalid(term: string, why: string): CliError {
  return CliError.usage(`invalid field selector ${JSON.stringify(term)}: ${why}`, {
    hint: 'e.g. --filter.fieldSelector "phase in (FAILED;SUCCEEDED),name=my_wf"',
  });
}
