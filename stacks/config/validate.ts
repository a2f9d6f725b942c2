import { parseDocument } from 'yaml';
import { ConfigError, ConfigProblem } from './problems';
import { ResolvedEnvironment, resolveEnvironment } from './presets';
import { CONFIG_RULES, checkRules } from './rules';
import { EnvironmentConfig, environmentSchema } from './schema';
import { problemsFromZod } from './zod-issues';

/**
 * Checks an environment object (from a file or from Pulumi stack config): the schema first, then,
 * if it holds, every cross-field rule. Throws a `ConfigError` listing every problem.
 */
export function validateEnvironment(input: unknown, source = 'environment'): EnvironmentConfig {
  const parsed = environmentSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) {
    throw new ConfigError(problemsFromZod(parsed.error.issues, environmentSchema, input), source);
  }
  const problems = checkRules(parsed.data, CONFIG_RULES);
  if (problems.length > 0) throw new ConfigError(problems, source);
  return parsed.data;
}

/** Validates and fills in preset defaults. */
export function resolveValidEnvironment(input: unknown, source?: string): ResolvedEnvironment {
  return resolveEnvironment(validateEnvironment(input, source));
}

/**
 * Parses the text of an environment file. YAML syntax errors and duplicate keys are reported with
 * their line, in the same form as schema problems.
 */
export function parseEnvironmentYaml(text: string, source: string): unknown {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    const problems: ConfigProblem[] = doc.errors.map((e) => {
      const line = e.linePos?.[0];
      const where = line ? `line ${line.line}, column ${line.col}` : 'the file';
      return {
        path: '',
        message: `YAML at ${where}: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}. Fix the syntax at that position.`,
      };
    });
    throw new ConfigError(problems, source);
  }
  const value: unknown = doc.toJS();
  if (value === null || value === undefined) {
    throw new ConfigError(
      [{ path: '', message: 'The environment file is empty. Give at least name and preset.' }],
      source,
    );
  }
  return value;
}
