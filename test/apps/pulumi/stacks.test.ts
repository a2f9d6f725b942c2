import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { validateEnvironment } from '../../../stacks/config/validate';
import { REPO_ROOT } from '../../helpers';

/** The stack files the README points Pulumi users to must hold valid environments. */
describe.each(['Pulumi.dev.yaml', 'Pulumi.prod.yaml'])('%s', (file) => {
  const config = (
    parse(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8')) as {
      config: Record<string, unknown>;
    }
  ).config;

  test('sets only keys the program or the Kubernetes provider reads', () => {
    expect(Object.keys(config).sort()).toEqual([
      'kubernetes:context',
      'mlops-platform:environment',
    ]);
  });

  test('holds an environment the schema accepts', () => {
    expect(() => validateEnvironment(config['mlops-platform:environment'], file)).not.toThrow();
  });
});
