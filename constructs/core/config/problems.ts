/** One thing wrong with an environment, in the house template. */
export interface ConfigProblem {
  /** Dotted path, e.g. `tenants[0].owner`. Empty for the whole file. */
  readonly path: string;
  /** The full message: "`path` what is wrong (got ...). How to fix it." */
  readonly message: string;
  /** The cross-field rule that found it, if any. */
  readonly rule?: string;
}

/** An invalid environment: every problem found, in the order of the file. */
export class ConfigError extends Error {
  public constructor(
    public readonly problems: readonly ConfigProblem[],
    public readonly source: string,
  ) {
    super(
      `${source} is not a valid environment (${problems.length} problem${
        problems.length === 1 ? '' : 's'
      }):\n${problems.map((p) => `  - ${p.message}${p.rule ? ` [${p.rule}]` : ''}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}

/** How a found value is shown inside `(got ...)`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean')
    return `${typeof value} ${String(value)}`;
  if (Array.isArray(value)) return `a list of ${value.length}`;
  return 'an object';
}

/** Builds a message in the template: "`path` what (got value). Fix." */
export function problem(
  path: string,
  what: string,
  got: unknown,
  fix: string,
  rule?: string,
): ConfigProblem {
  const subject = path ? `\`${path}\`` : 'The environment';
  const gotText = got === NO_VALUE ? '' : ` (got ${describeValue(got)})`;
  return { path, message: `${subject} ${what}${gotText}. ${fix}`, ...(rule ? { rule } : {}) };
}

/** Marker for problems where showing the found value adds nothing. */
export const NO_VALUE: unique symbol = Symbol('no value');

/**
 * A construct's prop problems (`propProblem` strings, "`path` what (got ...). Fix.") as problems
 * of the environment file at `prefix`: the environment file describes the construct's props under
 * `prefix`, so `trial.image` becomes `tenants[0].experiments[1].trial.image`. `renamed` maps prop
 * paths the file spells differently.
 */
export function propProblemsAt(
  prefix: string,
  messages: readonly string[],
  rule: string,
  renamed: readonly (readonly [RegExp, string])[] = [],
): ConfigProblem[] {
  return messages.map((message) => {
    const m = /^`([^`]*)` ([\s\S]*)$/.exec(message);
    if (!m) return { path: prefix, message: `\`${prefix}\` ${message}`, rule };
    let inner = m[1];
    for (const [from, to] of renamed) inner = inner.replace(from, to);
    const path = inner
      ? inner.startsWith('[')
        ? `${prefix}${inner}`
        : `${prefix}.${inner}`
      : prefix;
    return { path, message: `\`${path}\` ${m[2]}`, rule };
  });
}
