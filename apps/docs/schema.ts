import { z } from 'zod';
import { AnyComponent } from '../../constructs/core/component';
import { PresetName } from '../../constructs/core/config/rules';
import { BUILT_IN_COMPONENTS } from '../../stacks/components';
import { environmentSchema } from '../../stacks/config/schema';

/** Where the schema is written, relative to the repository root (and in the package). */
export const SCHEMA_FILE = 'schema/environment.schema.json';

/** The modeline an environment file starts with, for a file in a folder next to `schema/`. */
export const MODELINE = '# yaml-language-server: $schema=../schema/environment.schema.json';

/** The domain each preset's derived defaults (the dev admin's address) are shown with. */
const DOMAINS: Record<PresetName, string> = {
  dev: 'kubeflow.localhost',
  prod: 'kubeflow.example.com',
};

/** A JSON Schema object, loosely typed: the generator only reads and copies it. */
export type JsonSchema = Record<string, unknown>;

/** The formats draft-07 defines; zod's own (`starts_with`) are dropped, their `pattern` stays. */
const DRAFT_07_FORMATS = new Set([
  'date-time',
  'date',
  'time',
  'email',
  'idn-email',
  'hostname',
  'idn-hostname',
  'ipv4',
  'ipv6',
  'uri',
  'uri-reference',
  'iri',
  'iri-reference',
  'uri-template',
  'json-pointer',
  'relative-json-pointer',
  'regex',
]);

/** Stands in for `presetDefault`'s "no default in this preset" while converting. */
const PRESET_REQUIRED = '\u0000preset-required';

/** Every zod schema reachable from `root`, each once (parents of clones included). */
function reachable(root: z.core.$ZodType): z.core.$ZodType[] {
  const seen = new Set<z.core.$ZodType>();
  const visit = (s: z.core.$ZodType | undefined): void => {
    if (!s || seen.has(s)) return;
    seen.add(s);
    visit(s._zod.parent);
    const def = s._zod.def as unknown as Record<string, unknown>;
    for (const value of Object.values(def)) {
      if (isZod(value)) visit(value);
      else if (Array.isArray(value)) value.filter(isZod).forEach(visit);
    }
    if (def.type === 'object') Object.values(def.shape as z.ZodRawShape).forEach(visit);
    if (def.type === 'lazy') visit((def.getter as () => z.core.$ZodType)());
  };
  visit(root);
  return [...seen];
}

function isZod(value: unknown): value is z.core.$ZodType {
  return typeof value === 'object' && value !== null && '_zod' in value;
}

/**
 * Converts with the input view (`io: 'input'`: a key with a default may be left out). A preset
 * without a default for a key (`presetDefault` with no value, e.g. `domain` in prod) makes it a
 * required key. zod cannot serialize that default (a symbol), so while converting, each such
 * default is swapped for a marker and its key counts as required; the marker is then dropped and
 * the schema is restored before returning.
 */
function toJsonSchema(schema: z.core.$ZodType): JsonSchema {
  const restore: (() => void)[] = [];
  for (const s of reachable(schema)) {
    const def = s._zod.def as unknown as Record<string, unknown>;
    if (def.type !== 'default' || typeof def.defaultValue !== 'symbol') continue;
    const original = Object.getOwnPropertyDescriptor(def, 'defaultValue');
    const optin = s._zod.optin;
    Object.defineProperty(def, 'defaultValue', { value: PRESET_REQUIRED, configurable: true });
    (s._zod as { optin?: typeof optin }).optin = undefined;
    restore.push(() => {
      if (original) Object.defineProperty(def, 'defaultValue', original);
      (s._zod as { optin?: typeof optin }).optin = optin;
    });
  }
  try {
    return z.toJSONSchema(schema, {
      io: 'input',
      target: 'draft-07',
      // refinements and transforms have no JSON Schema: the base type is kept, the check is not
      unrepresentable: 'any',
      override: ({ jsonSchema }) => {
        if (jsonSchema.default === PRESET_REQUIRED) delete jsonSchema.default;
        if (typeof jsonSchema.format === 'string' && !DRAFT_07_FORMATS.has(jsonSchema.format)) {
          delete jsonSchema.format;
        }
      },
    }) as JsonSchema;
  } finally {
    restore.forEach((r) => r());
  }
}

/** The environment file's schema for one preset, as zod's input type of that preset. */
export function presetJsonSchema(
  preset: PresetName,
  components: readonly AnyComponent[] = BUILT_IN_COMPONENTS,
): JsonSchema {
  const schema = toJsonSchema(environmentSchema(preset, DOMAINS[preset], components));
  delete schema.$schema;
  return schema;
}

/**
 * One schema for every environment file: `preset` chooses the preset's schema (if/then/else), so
 * that an editor shows each preset's defaults and requires what only `prod` requires. Cross-field
 * rules and refinements (the rule catalogue) are checked by `synth`, not by the schema.
 */
export function environmentJsonSchema(
  components: readonly AnyComponent[] = BUILT_IN_COMPONENTS,
): JsonSchema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'mlops-blueprint environment',
    description:
      'An environment file of mlops-blueprint. Generated from the zod schemas by `npm run docs`; do not edit. Cross-field rules are checked by `mlops-blueprint synth`.',
    type: 'object',
    required: ['preset'],
    properties: { preset: { type: 'string', enum: ['dev', 'prod'] } },
    if: { properties: { preset: { const: 'prod' } }, required: ['preset'] },
    then: { $ref: '#/definitions/prod' },
    else: { $ref: '#/definitions/dev' },
    definitions: {
      dev: presetJsonSchema('dev', components),
      prod: presetJsonSchema('prod', components),
    },
  };
}
