import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { parseEnvironmentYaml } from '../../../stacks/config/validate';
import { MODELINE, SCHEMA_FILE, environmentJsonSchema } from '../../../apps/docs/schema';
import { REPO_ROOT } from '../../helpers';

const EXAMPLES = ['stacks/dev.yaml', 'stacks/prod.yaml'];
const schema = environmentJsonSchema();
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
const read = (file: string): Record<string, unknown> =>
  parseEnvironmentYaml(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8'), file) as Record<
    string,
    unknown
  >;
const errors = (): string[] =>
  (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);

describe('JSON Schema of the environment file', () => {
  test('is draft-07 and chooses the preset by `preset`', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.if).toEqual({ properties: { preset: { const: 'prod' } }, required: ['preset'] });
  });

  test.each(EXAMPLES)('%s validates against it', (file) => {
    expect(validate(read(file))).toBe(true);
    expect(validate.errors ?? []).toEqual([]);
  });

  test.each(EXAMPLES)('%s starts with the modeline that points editors at it', (file) => {
    const first = fs.readFileSync(path.join(REPO_ROOT, file), 'utf8').split('\n')[0];
    expect(first).toBe(MODELINE);
    expect(fs.existsSync(path.resolve(REPO_ROOT, path.dirname(file), '../' + SCHEMA_FILE))).toBe(
      true,
    );
  });

  test('a misspelt key is rejected (the zod objects are strict)', () => {
    const env = { ...read('stacks/dev.yaml'), objectStore: { type: 'minio', storageGb: 10 } };
    expect(validate(env)).toBe(false);
    expect(errors()).toContain('/objectStore must NOT have additional properties');
    expect(validate({ name: 'dev', preset: 'dev', domians: 'x.example.com' })).toBe(false);
  });

  test('the dev preset needs only a name; prod requires what it cannot default', () => {
    expect(validate({ name: 'dev', preset: 'dev' })).toBe(true);
    expect(validate({ name: 'prod', preset: 'prod' })).toBe(false);
    expect(errors()).toEqual(
      expect.arrayContaining([
        " must have required property 'domain'",
        " must have required property 'identity'",
      ]),
    );
  });

  test('a file without a preset is rejected', () => {
    expect(validate({ name: 'dev' })).toBe(false);
    expect(errors()).toContain(" must have required property 'preset'");
  });

  test('each preset shows its own defaults', () => {
    const defs = schema.definitions as Record<string, { properties: Record<string, unknown> }>;
    expect(defs.dev.properties.domain).toMatchObject({ default: 'kubeflow.localhost' });
    expect(defs.prod.properties.domain).not.toHaveProperty('default');
  });

  test('an enum outside its values is rejected', () => {
    expect(validate({ name: 'dev', preset: 'staging' })).toBe(false);
  });
});
