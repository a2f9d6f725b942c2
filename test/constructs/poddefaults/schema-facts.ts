import { Manifest } from '../../helpers';

/** One constraint of a CRD schema: `[kind, path, value]`; paths as `spec.env[].name`. */
export type Constraint = readonly ['default' | 'enum' | 'required', string, unknown];

/** What a CRD schema states, written down from the upstream file at its tag. */
export interface SchemaFacts {
  /** Every default of upstream's schema: ours must be exactly these. */
  readonly defaults: readonly Constraint[];
  /**
   * Upstream's enums and required lists outside the subtrees we keep whole (below
   * `keptWhole`), and those inside them at the paths we model; ours must be exactly these.
   */
  readonly rules: readonly Constraint[];
  /** Paths below which we keep upstream's (Kubernetes core) types whole, apart from defaults. */
  readonly keptWhole: readonly string[];
  /** `path: field field ...` of the objects we model, as upstream has them. */
  readonly fields: Readonly<Record<string, string>>;
}

/** The constraints and object fields of a synthesized `openAPIV3Schema`. */
export function describeSchema(root: Manifest): {
  constraints: Constraint[];
  fields: Record<string, string>;
} {
  const constraints: Constraint[] = [];
  const fields: Record<string, string> = {};
  const walk = (node: Manifest, path: string): void => {
    if ('default' in node) constraints.push(['default', path, node.default]);
    if (node.enum) constraints.push(['enum', path, node.enum]);
    if (node.required) constraints.push(['required', path, [...node.required].sort()]);
    const props = Object.entries((node.properties ?? {}) as Record<string, Manifest>);
    if (props.length > 0) fields[path] = props.map(([k]) => k).join(' ');
    for (const [k, child] of props) walk(child, path === '<root>' ? k : `${path}.${k}`);
    if (node.items) walk(node.items, `${path}[]`);
    if (typeof node.additionalProperties === 'object') walk(node.additionalProperties, `${path}{}`);
  };
  walk(root, '<root>');
  return { constraints, fields };
}

const below = (path: string, roots: readonly string[]): boolean =>
  roots.some((r) => path.startsWith(`${r}.`) || path.startsWith(`${r}[`));

const sorted = (list: readonly Constraint[]): string[] =>
  list
    .map(
      ([k, p, v]) =>
        `${k} ${p} ${JSON.stringify(k === 'required' ? [...(v as string[])].sort() : v)}`,
    )
    .sort();

/** Our defaults, and our enums and required lists where upstream's are compared. */
export function compareSchema(
  root: Manifest,
  facts: SchemaFacts,
): { defaults: [string[], string[]]; rules: [string[], string[]] } {
  const ours = describeSchema(root).constraints;
  return {
    defaults: [sorted(ours.filter((c) => c[0] === 'default')), sorted(facts.defaults)],
    rules: [
      sorted(
        ours.filter(
          (c) =>
            c[0] !== 'default' &&
            (!below(c[1], facts.keptWhole) || facts.rules.some((f) => f[1] === c[1])),
        ),
      ),
      sorted(facts.rules),
    ],
  };
}

/** The API server's defaulting of a structural schema: missing properties with a default. */
export function applyDefaults(value: unknown, node: Manifest): unknown {
  if (Array.isArray(value))
    return node.items ? value.map((v) => applyDefaults(v, node.items)) : value;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  const props = (node.properties ?? {}) as Record<string, Manifest>;
  for (const [k, child] of Object.entries(props)) {
    if (!(k in out) && 'default' in child) out[k] = structuredClone(child.default);
  }
  for (const [k, v] of Object.entries(out)) {
    if (props[k]) out[k] = applyDefaults(v, props[k]);
    else if (typeof node.additionalProperties === 'object') {
      out[k] = applyDefaults(v, node.additionalProperties);
    }
  }
  return out;
}

/** What the API server would reject or prune: types, enums, required fields, unknown fields. */
export function admissionProblems(value: unknown, node: Manifest, path = ''): string[] {
  const at = path || '<root>';
  const preserve = node['x-kubernetes-preserve-unknown-fields'] === true;
  if (node.type === undefined && preserve) return [];
  if (node['x-kubernetes-int-or-string'] === true) return [];
  const type = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  const expected = node.type === 'integer' ? 'number' : node.type;
  if (type !== expected)
    return [`${at}: is ${JSON.stringify(value)}, the schema says ${node.type}`];
  const problems: string[] = [];
  if (node.enum && !(node.enum as unknown[]).includes(value)) {
    problems.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(node.enum)}`);
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => problems.push(...admissionProblems(v, node.items, `${path}[${i}]`)));
    return problems;
  }
  if (type !== 'object') return problems;
  const obj = value as Record<string, unknown>;
  const props = (node.properties ?? {}) as Record<string, Manifest>;
  for (const k of (node.required ?? []) as string[]) {
    if (!(k in obj)) problems.push(`${at}: required field ${k} is missing`);
  }
  for (const [k, v] of Object.entries(obj)) {
    if (path === '' && k === 'metadata') continue;
    const child = path ? `${path}.${k}` : k;
    if (props[k]) problems.push(...admissionProblems(v, props[k], child));
    else if (typeof node.additionalProperties === 'object') {
      problems.push(...admissionProblems(v, node.additionalProperties, child));
    } else if (!preserve) problems.push(`${child}: unknown field, would be pruned`);
  }
  return problems;
}
