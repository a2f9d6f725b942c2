import { closest, distance } from 'fastest-levenshtein';
import { z } from 'zod';
import {
  ConfigProblem,
  NO_VALUE,
  formatPath,
  problem,
} from '../../constructs/core/config/problems';

/** Keys people try that we refuse on purpose, with the way to do it instead. */
const REFUSED_KEYS: Record<string, string> = {
  password:
    'Plain-text passwords are never accepted. Give passwordHash (a bcrypt hash) or passwordSecret (a Secret reference).',
  rootPassword:
    'Credentials are never written in the environment file. Set rootCredentials to { type: existing, secretName: ... }, { type: pulumi, ... } or { type: generated }.',
  secretKey:
    'Credentials are never written in the environment file. Reference a Secret that holds them instead.',
  accessKey:
    'Credentials are never written in the environment file. Reference a Secret that holds them instead.',
  clientSecretValue: 'Reference a Secret with clientSecret: { name, key } instead.',
};

type AnySchema = z.core.$ZodType;

function unwrap(schema: AnySchema): AnySchema {
  let s = schema;
  for (;;) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable) s = s.unwrap() as AnySchema;
    else if (s instanceof z.ZodDefault || s instanceof z.ZodPrefault) s = s.unwrap() as AnySchema;
    else if (s instanceof z.ZodPipe) s = s.in as AnySchema;
    else return s;
  }
}

/** The object schema at `path` in `root`, following the input to choose union branches. */
function objectSchemaAt(
  root: AnySchema,
  path: readonly PropertyKey[],
  input: unknown,
): z.ZodObject | undefined {
  let schema = unwrap(root);
  let value = input;
  const pick = (): void => {
    if (schema instanceof z.ZodDiscriminatedUnion) {
      const key = schema.def.discriminator;
      const tag = (value as Record<string, unknown> | undefined)?.[key];
      const option = schema.options.find((o) => {
        const field = (o as z.ZodObject).shape[key] as AnySchema;
        const lit = unwrap(field);
        // A missing tag selects the option whose tag has a default.
        if (tag === undefined) return field instanceof z.ZodDefault;
        return lit instanceof z.ZodLiteral && lit.values.has(tag as never);
      });
      schema = option ? unwrap(option as AnySchema) : schema;
    }
  };
  pick();
  for (const seg of path) {
    if (schema instanceof z.ZodObject && typeof seg === 'string') {
      const next = schema.shape[seg] as AnySchema | undefined;
      if (!next) return undefined;
      schema = unwrap(next);
    } else if (schema instanceof z.ZodArray && typeof seg === 'number') {
      schema = unwrap(schema.element as AnySchema);
    } else if (schema instanceof z.ZodRecord) {
      schema = unwrap(schema.valueType as AnySchema);
    } else {
      return undefined;
    }
    value = (value as Record<PropertyKey, unknown> | undefined)?.[seg];
    pick();
  }
  return schema instanceof z.ZodObject ? schema : undefined;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const seg of path) v = (v as Record<PropertyKey, unknown> | undefined)?.[seg];
  return v;
}

/** A message of ours: `what is wrong|how to fix it`, optionally `|RULE-ID` of the rule it enforces. */
function split(message: string): { what: string; fix: string; rule?: string } | undefined {
  const [what, fix, rule] = message.split('|');
  if (fix === undefined) return undefined;
  return { what, fix, ...(rule ? { rule } : {}) };
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
  object: 'a mapping of keys to values',
  array: 'a list',
  int: 'a whole number',
};

/** Turns zod's issues into problems in the house template, one per issue. */
export function problemsFromZod(
  issues: readonly z.core.$ZodIssue[],
  root: AnySchema,
  input: unknown,
): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const issue of issues) {
    const path = formatPath(issue.path);
    const found = valueAt(input, issue.path);
    // zod's own messages for these codes list values with '|'; ours never come with them.
    const own = ['unrecognized_keys', 'invalid_value', 'invalid_union'].includes(issue.code)
      ? undefined
      : split(issue.message);
    if (own) {
      // A cross-field rule's message names the fields, so the value found adds nothing; a rule
      // on one value (a format) shows it.
      const got = found === undefined || (own.rule && issue.code === 'custom') ? NO_VALUE : found;
      out.push(problem(path, own.what, got, own.fix, own.rule));
      continue;
    }
    switch (issue.code) {
      case 'unrecognized_keys': {
        const known = Object.keys(objectSchemaAt(root, issue.path, input)?.shape ?? {});
        for (const key of issue.keys) {
          const keyPath = formatPath([...issue.path, key]);
          const refused = Object.hasOwn(REFUSED_KEYS, key) ? REFUSED_KEYS[key] : undefined;
          const guess = known.length ? closest(key, known) : undefined;
          const fix = refused
            ? refused
            : guess &&
                distance(key.toLowerCase(), guess.toLowerCase()) <= Math.max(2, key.length / 3)
              ? `Did you mean \`${guess}\`? Known keys here: ${known.join(', ')}.`
              : `Remove it; known keys here: ${known.join(', ')}.`;
          out.push(problem(keyPath, 'is not a known setting', NO_VALUE, fix));
        }
        break;
      }
      case 'invalid_type': {
        const expected = Object.hasOwn(TYPE_NAMES, issue.expected)
          ? TYPE_NAMES[issue.expected]
          : issue.expected;
        if (typeof found === 'number' && !Number.isFinite(found)) {
          out.push(
            problem(
              path,
              'must be a finite number',
              found,
              'Give a number such as 10, not .inf or .nan.',
            ),
          );
        } else if (found === undefined) {
          out.push(problem(path, 'is required', NO_VALUE, `Set it to ${expected}.`));
        } else {
          out.push(problem(path, `must be ${expected}`, found, `Change it to ${expected}.`));
        }
        break;
      }
      case 'invalid_value': {
        const values = issue.values.map((v) => String(v));
        out.push(
          problem(
            path,
            `must be one of ${values.join(', ')}`,
            found,
            'Use one of the listed values.',
          ),
        );
        break;
      }
      case 'invalid_union': {
        if ('discriminator' in issue && issue.discriminator) {
          const options = ((issue as { options?: unknown[] }).options ?? []).map(String);
          const discPath = formatPath([
            ...issue.path.filter((p) => p !== issue.discriminator),
            issue.discriminator,
          ]);
          const disc = valueAt(input, [
            ...issue.path.filter((p) => p !== issue.discriminator),
            issue.discriminator,
          ]);
          out.push(
            disc === undefined
              ? problem(
                  discPath,
                  'is required',
                  NO_VALUE,
                  `Set it to one of ${options.join(', ')}.`,
                )
              : problem(
                  discPath,
                  `must be one of ${options.join(', ')}`,
                  disc,
                  'Use one of the listed values.',
                ),
          );
        } else {
          out.push(
            problem(
              path,
              'matches none of the allowed forms',
              found,
              'Check the documented forms of this setting.',
            ),
          );
        }
        break;
      }
      default: {
        if (issue.code === 'too_small') {
          out.push(
            problem(
              path,
              `is too small (minimum ${String(issue.minimum)})`,
              found,
              'Give a larger value.',
            ),
          );
        } else if (issue.code === 'too_big') {
          out.push(
            problem(
              path,
              `is too large (maximum ${String(issue.maximum)})`,
              found,
              'Give a smaller value.',
            ),
          );
        } else {
          out.push(problem(path, issue.message, found, 'Correct the value.'));
        }
      }
    }
  }
  return out;
}
