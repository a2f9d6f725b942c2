import { CrdConstraint, CrdSchemaFacts } from './crd-constraints';
import { Manifest } from './helpers';

const PRESERVE = 'x-kubernetes-preserve-unknown-fields';

/** A schema node's type in the notation of `crd-constraints.ts`. */
function typeOf(node: Manifest): string {
  if (node.type === undefined && node[PRESERVE] === true) return 'any';
  if (node.type === 'array') {
    const listType = node['x-kubernetes-list-type'] as string | undefined;
    const mark =
      listType === 'atomic'
        ? '[]'
        : listType === 'map'
          ? `[${(node['x-kubernetes-list-map-keys'] as string[]).join(',')}]`
          : '[?]';
    return mark + typeOf(node.items);
  }
  if (node.type === 'object' && typeof node.additionalProperties === 'object') {
    return `{}${typeOf(node.additionalProperties)}`;
  }
  return `${node.type}${node.format ? `/${node.format}` : ''}`;
}

/** What a CRD schema declares, in the shape of the fact tables. */
export interface SchemaDescription {
  readonly constraints: CrdConstraint[];
  readonly fields: Record<string, string>;
  /** Paths of typed nodes kept whole (`x-kubernetes-preserve-unknown-fields` with a type). */
  readonly preserved: string[];
}

/** Walks a synthesized `openAPIV3Schema`: properties, array items and map values. */
export function describeSchema(root: Manifest): SchemaDescription {
  const out: SchemaDescription = { constraints: [], fields: {}, preserved: [] };
  const walk = (node: Manifest, path: string): void => {
    if ('default' in node) out.constraints.push(['default', path, node.default]);
    if (node.enum) out.constraints.push(['enum', path, node.enum]);
    if (node.required) out.constraints.push(['required', path, node.required]);
    if (node[PRESERVE] === true && node.type !== undefined) out.preserved.push(path);
    const properties = Object.entries((node.properties ?? {}) as Record<string, Manifest>);
    if (properties.length > 0) {
      out.fields[path] = properties.map(([key, child]) => `${key}:${typeOf(child)}`).join(' ');
    }
    for (const [key, child] of properties) walk(child, path === '<root>' ? key : `${path}.${key}`);
    if (node.items) walk(node.items, `${path}[]`);
    if (typeof node.additionalProperties === 'object') {
      walk(node.additionalProperties, `${path}{}`);
    }
  };
  walk(root, '<root>');
  return out;
}

const isUnder = (path: string, subtrees: readonly string[]): boolean =>
  subtrees.some((s) => path === s || path.startsWith(`${s}.`) || path.startsWith(`${s}[`));

const show = (value: unknown): string => JSON.stringify(value);

/** Constraints keyed by `kind path`, with `required` as a sorted list (its order means nothing). */
function byKey(list: readonly CrdConstraint[]): Map<string, unknown> {
  return new Map(
    list.map(([kind, path, value]) => [
      `${kind} ${path}`,
      kind === 'required' ? [...(value as string[])].sort() : value,
    ]),
  );
}

function compareMaps(
  what: string,
  ours: Map<string, unknown>,
  upstream: Map<string, unknown>,
): string[] {
  const problems: string[] = [];
  for (const [key, value] of upstream) {
    if (!ours.has(key)) problems.push(`${what}: missing ${key} (upstream ${show(value)})`);
    else if (show(ours.get(key)) !== show(value)) {
      problems.push(`${what}: ${key} is ${show(ours.get(key))}, upstream ${show(value)}`);
    }
  }
  for (const [key, value] of ours) {
    if (!upstream.has(key)) problems.push(`${what}: ${key} = ${show(value)} is not upstream's`);
  }
  return problems;
}

/**
 * Every difference between our schema and upstream's facts, as messages; empty when they agree.
 * Defaults are compared everywhere: exactly upstream's, no more, no less. Enums, required lists
 * and fields are compared wherever we model the schema, that is outside `facts.preserved`.
 */
export function schemaDifferences(root: Manifest, facts: CrdSchemaFacts): string[] {
  const ours = describeSchema(root);
  const modelled = (c: CrdConstraint) => !isUnder(c[1], facts.preserved);
  const problems: string[] = [];

  const defaults = (list: readonly CrdConstraint[]) => list.filter((c) => c[0] === 'default');
  problems.push(
    ...compareMaps(
      'default',
      byKey(defaults(ours.constraints)),
      byKey(defaults(facts.constraints)),
    ),
  );
  for (const [, path] of defaults(facts.constraints).filter((c) => !modelled(c))) {
    problems.push(`default: upstream's default at ${path} lies in a subtree we keep whole`);
  }

  const rules = (list: readonly CrdConstraint[]) =>
    list.filter((c) => c[0] !== 'default' && modelled(c));
  problems.push(
    ...compareMaps(
      'enum/required',
      byKey(rules(ours.constraints)),
      byKey(rules(facts.constraints)),
    ),
  );

  const fields = new Map(Object.entries(ours.fields));
  problems.push(...compareMaps('fields', fields, new Map(Object.entries(facts.fields))));

  // Upstream's own untyped `any` nodes are compared as fields; these are our typed ones.
  const expectedPreserved = [...facts.preserved].sort();
  const preserved = [...ours.preserved].sort();
  if (show(preserved) !== show(expectedPreserved)) {
    problems.push(
      `preserved: we keep ${show(preserved)} whole, the facts say ${show(expectedPreserved)}`,
    );
  }
  return problems;
}

/**
 * The API server's defaulting of a structural schema (apiextensions-apiserver `structuraldefaulting`):
 * a missing property with a default gets it, then properties, items and map values are walked.
 */
export function applyDefaults(value: unknown, node: Manifest): unknown {
  if (Array.isArray(value)) {
    return node.items ? value.map((v) => applyDefaults(v, node.items)) : value;
  }
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  const properties = (node.properties ?? {}) as Record<string, Manifest>;
  for (const [key, child] of Object.entries(properties)) {
    if (!(key in out) && 'default' in child) out[key] = structuredClone(child.default);
  }
  for (const [key, v] of Object.entries(out)) {
    if (properties[key]) out[key] = applyDefaults(v, properties[key]);
    else if (typeof node.additionalProperties === 'object') {
      out[key] = applyDefaults(v, node.additionalProperties);
    }
  }
  return out;
}

/**
 * What the API server would prune from `value` or reject in it: unknown fields outside
 * preserved subtrees, wrong types, values outside an enum, missing required fields.
 */
export function admissionProblems(value: unknown, node: Manifest, path = ''): string[] {
  const at = path || '<root>';
  if (node.type === undefined && node[PRESERVE] === true) return [];
  const type = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  const expected = node.type === 'integer' ? 'number' : node.type;
  if (type !== expected || (node.type === 'integer' && !Number.isInteger(value))) {
    return [`${at}: is ${show(value)}, the schema says ${node.type as string}`];
  }
  const problems: string[] = [];
  if (node.enum && !(node.enum as unknown[]).includes(value)) {
    problems.push(`${at}: ${show(value)} is not one of ${show(node.enum)}`);
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => problems.push(...admissionProblems(v, node.items, `${path}[${i}]`)));
    return problems;
  }
  if (type !== 'object') return problems;
  const object = value as Record<string, unknown>;
  const properties = (node.properties ?? {}) as Record<string, Manifest>;
  for (const key of (node.required ?? []) as string[]) {
    if (!(key in object)) problems.push(`${at}: required field ${key} is missing`);
  }
  for (const [key, v] of Object.entries(object)) {
    // The API server checks an object's metadata itself, not through the CRD schema.
    if (path === '' && key === 'metadata') continue;
    const child = path ? `${path}.${key}` : key;
    if (properties[key]) problems.push(...admissionProblems(v, properties[key], child));
    else if (typeof node.additionalProperties === 'object') {
      problems.push(...admissionProblems(v, node.additionalProperties, child));
    } else if (node[PRESERVE] !== true) {
      problems.push(`${child}: unknown field, would be pruned`);
    }
  }
  return problems;
}
