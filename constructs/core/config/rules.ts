import { z } from 'zod';
import { ConfigProblem } from './problems';

/** The two presets: `dev` fills everything; `prod` requires explicit choices. */
export type PresetName = 'dev' | 'prod';

/** What a cross-field rule may know beyond its own slice of the environment. */
export interface RuleContext {
  readonly preset: PresetName;
  /** Namespaces the platform and Kubernetes own; no tenant may take one. */
  readonly reservedNamespaces: readonly string[];
  /**
   * The token claim that names users (`identity.external.userClaim`, `email` with Dex): owners
   * and members are e-mail addresses only when it is `email`.
   */
  readonly userClaim: string;
}

/** A rule's entry in the catalogue. */
export interface RuleDescription {
  readonly id: string;
  readonly description: string;
}

/** A cross-field rule: a pure check over a schema-valid, preset-resolved slice. */
export interface ConfigRule<C> extends RuleDescription {
  check(config: C, context: RuleContext): ConfigProblem[];
}

/** Values that occur more than once, with the indexes where they occur. */
export function duplicates(values: readonly string[]): Map<string, number[]> {
  const seen = new Map<string, number[]>();
  values.forEach((v, i) => seen.set(v, [...(seen.get(v) ?? []), i]));
  return new Map([...seen].filter(([, idx]) => idx.length > 1));
}

const MISSING: unique symbol = Symbol('no preset default');

/** What a problem says when a preset has no default and the file gives no value. */
export interface MissingValue {
  readonly what: string;
  readonly fix: string;
  readonly rule: string;
}

/**
 * A field whose default depends on the preset. With a default the field may be left out; without
 * one (a production preset that cannot guess) leaving it out is a problem that names the rule.
 * Either way the parsed type holds a value, so nothing downstream checks for `undefined`.
 * Object defaults are parsed like a written value (`prefault`), so their own defaults apply.
 */
export function presetDefault<S extends z.ZodType>(
  schema: S,
  value: z.input<S> | undefined,
  missing: MissingValue,
): z.ZodDefault<S> {
  if (value !== undefined) return schema.prefault(value as never) as never;
  return schema.default(MISSING as never).superRefine((v, ctx) => {
    if ((v as unknown) === MISSING) {
      ctx.addIssue({
        code: 'custom',
        message: `${missing.what}|${missing.fix}|${missing.rule}`,
        input: undefined,
      });
    }
  }) as never;
}

const GROUP_SHAPES = new WeakMap<object, z.ZodRawShape>();

/**
 * A top-level key that several components share, each owning keys inside it (`kubeflow:` holds
 * `dashboard`, `notebooks` and more, each a component's). The environment schema merges the
 * groups of one key into one strict object; a key inside it still has exactly one owner.
 */
export function configGroup<S extends z.ZodRawShape>(
  shape: S,
): z.ZodPrefault<z.ZodObject<S, z.core.$strict>> {
  const schema = z.strictObject(shape).prefault({} as never);
  GROUP_SHAPES.set(schema, shape);
  return schema;
}

/** The keys inside a schema made by `configGroup`; `undefined` for any other schema. */
export function groupShape(schema: unknown): z.ZodRawShape | undefined {
  return typeof schema === 'object' && schema !== null ? GROUP_SHAPES.get(schema) : undefined;
}
