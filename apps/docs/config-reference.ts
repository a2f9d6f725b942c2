import { JsonSchema, SCHEMA_FILE, presetJsonSchema } from './schema';

/** One key of the environment file, as the reference lists it. */
export interface ConfigKey {
  /** `tls.issuer.email`, `tenants[].quota.cpu`; a branch of a choice adds `(type: acme)`. */
  readonly path: string;
  readonly type: string;
  readonly dev: string;
  readonly prod: string;
  readonly description: string;
}

const code = (s: string): string => `\`${s.replace(/\|/g, '\\|')}\``;

/** A short type: `string`, `integer ≥ 1`, `"dev" \| "prod"`, `object`, `array of object`. */
function typeOf(s: JsonSchema): string {
  if ('const' in s) return JSON.stringify(s.const);
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v)).join(' \\| ');
  const choices = (s.oneOf ?? s.anyOf) as JsonSchema[] | undefined;
  if (choices) {
    const names = choices.map(branchName);
    return names.every((n) => n !== undefined)
      ? `one of ${names.join(', ')}`
      : choices.map(typeOf).join(' \\| ');
  }
  if (s.type === 'array') return `array of ${typeOf((s.items as JsonSchema | undefined) ?? {})}`;
  if (typeof s.type === 'string') return s.type;
  if (Array.isArray(s.type)) return s.type.join(' \\| ');
  return 'any';
}

/** The value a preset fills in, `required` when it has none and the key is required. */
function defaultOf(s: JsonSchema | undefined, required: boolean): string {
  if (!s) return '';
  if ('default' in s) {
    const json = JSON.stringify(s.default);
    return code(json.length > 60 ? `${json.slice(0, 57)}...` : json);
  }
  return required ? 'required' : '-';
}

/** The discriminator value of a branch of a choice (`type: acme`), if it has one. */
function branchName(s: JsonSchema): string | undefined {
  const props = (s.properties ?? {}) as Record<string, JsonSchema>;
  for (const [k, v] of Object.entries(props)) {
    if ('const' in v && (s.required as string[] | undefined)?.includes(k)) {
      return `${k}: ${String(v.const)}`;
    }
  }
  return undefined;
}

/** Walks the dev and prod schemas side by side (they have one shape; defaults differ). */
function walk(
  dev: JsonSchema,
  prod: JsonSchema,
  prefix: string,
  out: ConfigKey[],
  seen: Set<string>,
): void {
  const branches = (s: JsonSchema) => (s.oneOf ?? s.anyOf) as JsonSchema[] | undefined;
  const devBranches = branches(dev);
  if (devBranches) {
    const prodBranches = branches(prod) ?? [];
    devBranches.forEach((b, i) => {
      const name = branchName(b);
      walk(b, prodBranches[i] ?? b, name ? `${prefix} (${name})` : prefix, out, seen);
    });
    return;
  }
  if (dev.type === 'array' && dev.items) {
    walk(
      dev.items as JsonSchema,
      (prod.items as JsonSchema | undefined) ?? (dev.items as JsonSchema),
      `${prefix}[]`,
      out,
      seen,
    );
    return;
  }
  const props = dev.properties as Record<string, JsonSchema> | undefined;
  if (!props) return;
  const prodProps = (prod.properties ?? {}) as Record<string, JsonSchema>;
  const devRequired = (dev.required ?? []) as string[];
  const prodRequired = (prod.required ?? []) as string[];
  for (const [key, schema] of Object.entries(props)) {
    const path = prefix ? `${prefix.replace(/ \(.*\)$/, '')}.${key}` : key;
    const branch = / \((.*)\)$/.exec(prefix)?.[1];
    const shown = branch ? `${path} (${branch})` : path;
    if (!seen.has(shown)) {
      seen.add(shown);
      out.push({
        path: shown,
        type: typeOf(schema),
        dev: defaultOf(schema, devRequired.includes(key)),
        prod: defaultOf(prodProps[key], prodRequired.includes(key)),
        description: typeof schema.description === 'string' ? schema.description : '',
      });
    }
    walk(schema, prodProps[key] ?? schema, shown, out, seen);
  }
}

/** Every key of the environment file with its type and each preset's default. */
export function configKeys(): ConfigKey[] {
  const out: ConfigKey[] = [];
  walk(presetJsonSchema('dev'), presetJsonSchema('prod'), '', out, new Set());
  return out;
}

/** docs/reference/config.md */
export function configReference(keys: readonly ConfigKey[] = configKeys()): string {
  const truncate = (s: string) => (s.length > 80 ? `${s.slice(0, 77)}...` : s);
  return [
    '# Environment file reference',
    '',
    `Generated from the zod schemas by \`npm run docs\`; do not edit. The same schemas are written as a JSON Schema to [\`${SCHEMA_FILE}\`](../../${SCHEMA_FILE}) for editors.`,
    '',
    'A default is what the preset fills in when the key is left out; **required** means the preset has no default and the file must give a value. A key under a choice (`(type: acme)`) exists only in that branch. Cross-field rules are listed in the README ("Configuration reference").',
    '',
    '| key | type | dev | prod | description |',
    '|---|---|---|---|---|',
    ...keys.map(
      (k) =>
        `| ${code(k.path)} | ${truncate(k.type)} | ${k.dev === 'required' ? '**required**' : k.dev} | ${k.prod === 'required' ? '**required**' : k.prod} | ${k.description.replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`,
    ),
    '',
  ].join('\n');
}
