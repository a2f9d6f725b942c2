import { isMap, isScalar, isSeq, parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { AnyComponent, FileFacts } from '../../constructs/core/component';
import { ConfigError, ConfigProblem, formatPath } from '../../constructs/core/config/problems';
import {
  ConfigRule,
  PresetName,
  RuleContext,
  RuleDescription,
  groupShape,
} from '../../constructs/core/config/rules';
import { BUILT_IN_COMPONENTS } from '../components';
import { TOGGLE_RULE, toggleProblems } from '../composition';
import { reservedNamespaces } from '../names';
import { PLATFORM_PARSE_RULES, PLATFORM_RULES, platformShape } from './platform-slice';
import { Environment, environmentSchema, tenantSections } from './schema';
import { problemsFromZod } from './zod-issues';

type AnyRule = ConfigRule<never>;

/** Every rule of the platform and its components, in the order they run. */
export function configRules(components: readonly AnyComponent[] = BUILT_IN_COMPONENTS): {
  rules: AnyRule[];
  parseRules: RuleDescription[];
} {
  const rules: AnyRule[] = [...PLATFORM_RULES];
  const parseRules: RuleDescription[] = [...PLATFORM_PARSE_RULES, TOGGLE_RULE];
  for (const c of components) {
    rules.push(...((c.config?.rules ?? []) as readonly AnyRule[]));
    parseRules.push(...(c.config?.parseRules ?? []));
  }
  return { rules, parseRules };
}

/** One catalogue entry per rule ID with the component that owns it, for the README. */
export function ruleCatalogue(
  components: readonly AnyComponent[] = BUILT_IN_COMPONENTS,
): (RuleDescription & { readonly component: string })[] {
  const owners: [string, readonly RuleDescription[]][] = [
    ['platform', [...PLATFORM_PARSE_RULES, TOGGLE_RULE, ...PLATFORM_RULES]],
    ...components.map((c): [string, readonly RuleDescription[]] => [
      c.key,
      [...(c.config?.parseRules ?? []), ...(c.config?.rules ?? [])],
    ]),
  ];
  const byId = new Map<string, RuleDescription & { readonly component: string }>();
  for (const [component, rules] of owners) {
    for (const r of rules) {
      if (!byId.has(r.id)) byId.set(r.id, { id: r.id, description: r.description, component });
    }
  }
  return [...byId.values()];
}

function presetOf(input: unknown): PresetName {
  const preset = (input as { preset?: unknown } | null)?.preset;
  return preset === 'prod' ? 'prod' : 'dev';
}

/** The domain defaults derive from: the file's, if it is a valid one, so that a wrong domain is
 * reported once and not again through the defaults made from it. */
function domainOf(input: unknown): string {
  const domain = (input as { domain?: unknown } | null)?.domain;
  return typeof domain === 'string' && /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain)
    ? domain
    : 'kubeflow.localhost';
}

/**
 * Problems in the order of the file's top-level keys, whatever check found them (schema, rules,
 * component checks); problems of the whole file first, and the order of finding within a key.
 */
/** The claim that names users, as the file states it (read before parsing, like the preset). */
function userClaimOf(input: unknown): string {
  const identity = (
    input as { identity?: { provider?: unknown; external?: { userClaim?: unknown } } } | null
  )?.identity;
  const claim = identity?.provider === 'external' ? identity.external?.userClaim : undefined;
  return typeof claim === 'string' ? claim : 'email';
}

function inFileOrder(problems: readonly ConfigProblem[], input: unknown): ConfigProblem[] {
  const keys =
    typeof input === 'object' && input !== null && !Array.isArray(input) ? Object.keys(input) : [];
  const rank = (p: ConfigProblem): number => {
    const top = /^[^.[]*/.exec(p.path)?.[0] ?? '';
    if (top === '') return -1;
    const i = keys.indexOf(top);
    return i < 0 ? keys.length : i;
  };
  return problems
    .map((p, i) => ({ p, i, r: rank(p) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.p);
}

/** Each owner of environment keys with its shape and its rules. */
function slices(
  preset: PresetName,
  domain: string,
  components: readonly AnyComponent[],
  file: FileFacts,
): { shape: Record<string, z.core.$ZodType>; rules: readonly AnyRule[] }[] {
  const sections = tenantSections(preset, domain, components, file);
  const shapes = components.map(
    (c) =>
      (c.config?.shape(preset, domain, file, sections) ?? {}) as Record<string, z.core.$ZodType>,
  );
  const tenants = shapes.find((shape) => 'tenants' in shape)?.tenants;
  return [
    { shape: platformShape(preset), rules: PLATFORM_RULES as readonly AnyRule[] },
    ...components.map((c, i) => ({
      // A component with a tenant section checks the tenants with its keys.
      shape: c.config?.tenantShape && tenants ? { ...shapes[i], tenants } : shapes[i],
      rules: (c.config?.rules ?? []) as readonly AnyRule[],
    })),
  ];
}

/**
 * Checks an environment (from a file, Pulumi stack config or code) and fills in what its preset
 * defaults. Every problem that can be known is reported at once: the schema of the platform and
 * of every component, and the cross-field rules of every slice whose own keys are valid (a rule
 * of a slice with a schema problem would only guess). Throws a `ConfigError` listing them.
 */
export function validateEnvironment(
  input: unknown,
  source = 'environment',
  components: readonly AnyComponent[] = BUILT_IN_COMPONENTS,
): Environment {
  const preset = presetOf(input);
  const domain = domainOf(input);
  const file: FileFacts = { userClaim: userClaimOf(input) };
  const schema = environmentSchema(preset, domain, components, file);
  const parsed = schema.safeParse(input, { reportInput: true });
  const context: RuleContext = {
    preset,
    reservedNamespaces: reservedNamespaces(components),
    userClaim: file.userClaim,
  };
  if (parsed.success) {
    const env = parsed.data as Environment;
    const problems: ConfigProblem[] = [
      ...configRules(components).rules.flatMap((r) => r.check(env as never, context)),
      ...toggleProblems(components, env as unknown as Record<string, unknown>, preset, domain),
    ];
    if (problems.length > 0) throw new ConfigError(inFileOrder(problems, input), source);
    return env;
  }
  const problems = problemsFromZod(parsed.error.issues, schema, input);
  const record = (typeof input === 'object' && input !== null ? input : {}) as Record<
    string,
    unknown
  >;
  for (const slice of slices(preset, domain, components, file)) {
    if (slice.rules.length === 0) continue;
    const own = z.object(slice.shape).safeParse(ownKeys(slice.shape, record));
    if (own.success)
      problems.push(...slice.rules.flatMap((r) => r.check(own.data as never, context)));
  }
  throw new ConfigError(inFileOrder(problems, input), source);
}

/** Aliases a file may expand before it is treated as an attempt to exhaust memory. */
/** The values of a slice's keys; of a shared group only the keys inside it the slice owns. */
function ownKeys(
  shape: Record<string, z.core.$ZodType>,
  record: Record<string, unknown>,
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(shape).map(([key, schema]) => {
      const inner = groupShape(schema);
      const value = record[key];
      if (!inner || typeof value !== 'object' || value === null || Array.isArray(value)) {
        return [key, value];
      }
      const written = value as Record<string, unknown>;
      return [
        key,
        Object.fromEntries(
          Object.keys(inner)
            .filter((k) => k in written)
            .map((k) => [k, written[k]]),
        ),
      ];
    }),
  );
}

const MAX_ALIASES = 100;

/** The config path (`tenants[0].owner`) of the key that starts at `offset`, if the AST has it. */
function pathOfKeyAt(node: unknown, offset: number, path: PropertyKey[] = []): string | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '?';
      if (isScalar(pair.key) && pair.key.range?.[0] === offset) return formatPath([...path, key]);
      const inner = pathOfKeyAt(pair.value, offset, [...path, key]);
      if (inner) return inner;
    }
  } else if (isSeq(node)) {
    for (const [i, item] of node.items.entries()) {
      const inner = pathOfKeyAt(item, offset, [...path, i]);
      if (inner) return inner;
    }
  }
  return undefined;
}

/**
 * Parses the text of an environment file. YAML syntax errors carry their line and column, a
 * repeated key its path; one file holds one environment; aliases cannot expand without bound.
 */
export function parseEnvironmentYaml(text: string, source: string): unknown {
  const documents = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: true });
  const all = Array.isArray(documents) ? documents : [];
  if (all.length > 1) {
    throw new ConfigError(
      [
        {
          path: '',
          message: `The environment file holds ${all.length} YAML documents (got ${all.length - 1} \`---\` separators). Keep one environment per file.`,
        },
      ],
      source,
    );
  }
  const doc = all[0];
  if (!doc) {
    throw new ConfigError(
      [{ path: '', message: 'The environment file is empty. Give at least name and preset.' }],
      source,
    );
  }
  if (doc.errors.length > 0) {
    const problems: ConfigProblem[] = doc.errors.map((e) => {
      const line = e.linePos?.[0];
      const where = line ? `line ${line.line}, column ${line.col}` : 'the file';
      if (e.code === 'DUPLICATE_KEY') {
        const path = pathOfKeyAt(doc.contents, e.pos[0]);
        return {
          path: path ?? '',
          message: `${path ? `\`${path}\`` : 'A key'} is given twice (${where}). Keep one of them.`,
        };
      }
      return {
        path: '',
        message: `YAML at ${where}: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}. Fix the syntax at that position.`,
      };
    });
    throw new ConfigError(problems, source);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch {
    throw new ConfigError(
      [
        {
          path: '',
          message: `The environment file expands YAML aliases more than ${MAX_ALIASES} times. Write the repeated values out instead of aliasing them.`,
        },
      ],
      source,
    );
  }
  if (value === null || value === undefined) {
    throw new ConfigError(
      [{ path: '', message: 'The environment file is empty. Give at least name and preset.' }],
      source,
    );
  }
  return value;
}
