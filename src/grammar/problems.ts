/**
 * What the grammar converter refuses, and where. Every problem names the schema object (as a JSON
 * Pointer from the schema's root) and the keyword it cannot honour, so a person can fix a schema in one go.
 */

/** A path of JSON Pointer segments from the schema's root. */
export type Path = readonly string[];

export interface SchemaProblem {
  /** JSON Pointer (RFC 6901) of the schema object holding the keyword; "" is the root. */
  pointer: string;
  keyword: string;
  message: string;
}

export function toPointer(path: Path): string {
  return path.map((segment) => `/${segment.replaceAll("~", "~0").replaceAll("/", "~1")}`).join("");
}

/** "#/$defs/date/pattern: ..." */
export function describeProblem(problem: SchemaProblem): string {
  return `#${problem.pointer}/${problem.keyword}: ${problem.message}`;
}

export class UnsupportedSchemaError extends Error {
  readonly problems: readonly SchemaProblem[];

  constructor(problems: readonly SchemaProblem[]) {
    super(`The schema cannot be turned into a grammar:\n- ${problems.map(describeProblem).join("\n- ")}`);
    this.name = "UnsupportedSchemaError";
    this.problems = problems;
  }
}

/** Collects problems once each: a schema reached through several $refs is converted, and checked, more than once. */
export class Problems {
  readonly #seen = new Set<string>();
  readonly list: SchemaProblem[] = [];

  /** `keywordPath` ends with the keyword: ["$defs", "date", "pattern"]. */
  add(keywordPath: Path, message: string): void {
    const problem = {
      pointer: toPointer(keywordPath.slice(0, -1)),
      keyword: keywordPath.at(-1) ?? "",
      message,
    };
    const key = describeProblem(problem);
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    this.list.push(problem);
  }
}
