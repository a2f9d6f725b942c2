import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '../../../constructs/core/config/problems';
import {
  configRules,
  parseEnvironmentYaml,
  ruleCatalogue,
  validateEnvironment,
} from '../../../stacks/config/validate';
import { REPO_ROOT } from '../../helpers';

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/config');

function load(kind: 'valid' | 'invalid', file: string): unknown {
  return parseEnvironmentYaml(fs.readFileSync(path.join(FIXTURES, kind, file), 'utf8'), file);
}

function problems(file: string): string[] {
  try {
    validateEnvironment(load('invalid', file), file);
  } catch (err) {
    if (err instanceof ConfigError)
      return err.problems.map((p) => p.message + (p.rule ? ` [${p.rule}]` : ''));
    throw err;
  }
  throw new Error(`${file} was accepted`);
}

describe('valid environments', () => {
  const files = fs.readdirSync(path.join(FIXTURES, 'valid')).sort();
  test.each([...files, '../../../../stacks/dev.yaml', '../../../../stacks/prod.yaml'])(
    '%s validates and resolves',
    (file) => {
      const env = validateEnvironment(load('valid', file), file);
      expect(env.domain).toMatch(/\./);
      expect(env.objectStore.type).toMatch(/^(minio|s3)$/);
    },
  );
});

const INVALID: Record<string, string[]> = {
  'typos.yaml': [
    '`objectStore.storageGb` is not a known setting. Did you mean `storageGiB`? Known keys here: type, storageGiB, storageClassName, buckets, rootCredentials, images, alerts, resources.',
    '`tennants` is not a known setting. Did you mean `tenants`? Known keys here: name, preset, domain, images, overrides, tls, certManager, mesh, monitoring, identity, objectStore, kubeflow, pipelines, tracking, registry, serving, tenants.',
  ],
  'bad-values.yaml': [
    '`name` is not a valid name (got "Dev_Env"). Use lower-case letters, digits and hyphens, start and end with a letter or digit, at most 63 characters.',
    '`preset` must be one of dev, prod (got "production"). Use one of the listed values.',
    '`domain` is not a host name (got "https://kubeflow.example.com"). Use a lower-case DNS name such as kubeflow.example.com, without scheme or path.',
    '`objectStore.storageGiB` must be at least 1 (got number -5). Give a whole number of GiB from 1 to 100000.',
    '`objectStore.buckets[0].name` is not a valid S3 bucket name (got "ML_Pipeline"). Use 3 to 63 lower-case letters, digits, dots and hyphens.',
    '`tenants[0].owner` is not an email address (got "alice"). Use a full address such as admin@example.com: the gateway names users by their email claim (set identity.external.userClaim for another claim). [TENANT-USERS]',
    '`tenants[0].quota.cpu` is not a Kubernetes quantity (got "lots"). Use a value such as 500m or 2 for CPU and 512Mi or 4Gi for memory.',
  ],
  'literal-credentials.yaml': [
    '`objectStore.rootPassword` is not a known setting. Credentials are never written in the environment file. Set rootCredentials to { type: existing, secretName: ... }, { type: pulumi, ... } or { type: generated }.',
    '`identity.dex.staticUsers[0].password` is not a known setting. Plain-text passwords are never accepted. Give passwordHash (a bcrypt hash) or passwordSecret (a Secret reference).',
    '`identity.dex.staticUsers[0]` needs exactly one of passwordHash, passwordSecret and generatedPassword. Give a bcrypt passwordHash, a passwordSecret reference or generatedPassword: true. [STATIC-USER-PASSWORD]',
  ],
  'wrong-union.yaml': [
    '`tls.issuer.type` must be one of selfSigned, ca, acme, external (got "letsencrypt"). Use one of the listed values.',
    '`objectStore.type` is required. Set it to one of minio, seaweedfs, s3.',
  ],
  'prod-missing.yaml': [
    '`domain` is required for the prod preset. Set it to the host users open, such as kubeflow.example.com. [PROD-DOMAIN]',
    '`tls.issuer` is required for the prod preset. Choose type acme, ca or external. [PROD-TLS-ISSUER]',
    '`identity` is required for the prod preset. Set identity.provider to dex (with connectors) or external. [PROD-IDENTITY]',
    '`objectStore.rootCredentials` is required for the prod preset. Choose { type: existing, secretName: ... }, { type: pulumi, configKeys: ... } or, knowingly, { type: generated }. [PROD-OBJECT-STORE-CREDENTIALS]',
  ],
  'prod-insecure.yaml': [
    '`domain` must be a public host name for the prod preset (got "kubeflow.localhost"). Use the DNS name users reach the platform by. [PROD-DOMAIN]',
    '`tls.issuer.type` must not be selfSigned for the prod preset (got "selfSigned"). Browsers reject a self-signed gateway certificate; choose acme, ca or external. [PROD-TLS-ISSUER]',
    '`identity.dex.staticUsers` are not allowed for the prod preset (got a list of 1). Log in through a connector, or set identity.dex.allowStaticUsers.reason to say why static users are acceptable. [PROD-STATIC-USERS]',
    "`identity.dex.staticUsers[0].passwordHash` would be written into the output, which production refuses. Put the hash into a Secret in Dex's namespace and reference it with passwordSecret instead. [DEX-STATIC-USERS]",
  ],
  'exclusive-choices.yaml': [
    '`mesh.istio.gateway` is required when mesh.istio.mode is external. Give the namespace, pod selector and Gateway name of the ingress gateway the platform routes through. [ISTIO-MODE-SETTINGS]',
    '`identity.external` is required when identity.provider is external. Give issuerUrl, jwksUri, clientId and clientSecret of your OIDC provider. [IDENTITY-PROVIDER-MATCH]',
    '`identity.dex` is not a known setting. Remove it; known keys here: provider, machineToMachine, external.',
  ],
  'cross-field.yaml': [
    '`objectStore.buckets[1].name` names a bucket listed before (got "data"). List each bucket once. [BUCKET-NAMES]',
    '`tenants[1].name` repeats the name of tenants[0] (got "team-a"). Give every tenant its own name. [TENANT-NAMES]',
    '`tenants[2].name` is a namespace the platform or Kubernetes owns (got "kubeflow"). Choose another name for the team. [TENANT-NAMES]',
    '`tenants[0].members[0].user` is the tenant owner, who is already admin (got "a@example.com"). Remove the owner from members. [TENANT-MEMBERS]',
  ],
};

describe('invalid environments fail with every problem, each with path, value and fix', () => {
  test.each(Object.entries(INVALID))('%s', (file, expected) => {
    expect(problems(file)).toEqual(expected);
  });

  test('every invalid fixture is in the table', () => {
    const files = fs
      .readdirSync(path.join(FIXTURES, 'invalid'))
      .filter((f) => !['duplicate-key.yaml', 'syntax.yaml', 'empty.yaml'].includes(f));
    expect(files.sort()).toEqual(Object.keys(INVALID).sort());
  });

  test('YAML syntax errors and duplicate keys carry their position', () => {
    expect(() => load('invalid', 'duplicate-key.yaml')).toThrow(
      '`preset` is given twice (line 3, column 1). Keep one of them.',
    );
    expect(() => load('invalid', 'syntax.yaml')).toThrow(/YAML at line 1, column 7: /);
    expect(() => load('invalid', 'empty.yaml')).toThrow(
      'The environment file is empty. Give at least name and preset.',
    );
  });

  test('the error message names the source and counts the problems', () => {
    expect(() =>
      validateEnvironment(load('invalid', 'prod-missing.yaml'), 'stacks/prod.yaml'),
    ).toThrow(
      /^stacks\/prod.yaml is not a valid environment \(4 problems\):\n {2}- `domain` is required/,
    );
  });

  test('non-objects are rejected', () => {
    expect(() => validateEnvironment(['a'], 'x')).toThrow(
      'The environment must be a mapping of keys to values (got a list of 1). Change it to a mapping of keys to values.',
    );
  });
});

describe("the README's invalid-file example", () => {
  test('is what the tool prints for that file', () => {
    const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const shown = /An invalid file stops[\s\S]*?```text\n([\s\S]*?)```/.exec(readme)?.[1];
    const file = path.join(FIXTURES, 'readme', 'invalid-prod.yaml');
    const input = parseEnvironmentYaml(fs.readFileSync(file, 'utf8'), 'prod.yaml');
    expect(() => validateEnvironment(input, 'prod.yaml')).toThrow(ConfigError);
    try {
      validateEnvironment(input, 'prod.yaml');
    } catch (err) {
      expect(`${(err as Error).message}\n`).toBe(shown);
    }
  });
});

describe('cross-field rules', () => {
  test('have unique IDs and descriptions', () => {
    const ids = configRules().rules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of ruleCatalogue()) expect(r.description.length).toBeGreaterThan(10);
  });
});

describe('presets', () => {
  test('dev fills everything', () => {
    const env = validateEnvironment({ name: 'dev', preset: 'dev' });
    expect(env).toMatchObject({
      domain: 'kubeflow.localhost',
      tls: { issuer: { type: 'selfSigned' } },
      certManager: { mode: 'managed' },
      mesh: { istio: { mode: 'managed' } },
      identity: {
        provider: 'dex',
        dex: {
          connectors: [],
          staticUsers: [{ email: 'admin@kubeflow.localhost', password: { type: 'generated' } }],
        },
      },
      kubeflow: {
        dashboard: { enabled: true },
        notebooks: { enabled: true },
        katib: { enabled: true },
        training: { enabled: true },
      },
      pipelines: { enabled: true, database: { type: 'managed', storageGiB: 10 } },
      serving: { enabled: true, deploymentMode: 'Serverless' },
      objectStore: {
        type: 'minio',
        storageGiB: 10,
        buckets: [{ name: 'mlpipeline', versioning: true }],
        rootCredentials: { type: 'generated' },
      },
      tenants: [],
    });
  });

  test("dev's admin user follows the domain, and exclusive choices parse to one variant", () => {
    const env = validateEnvironment({ name: 'dev', preset: 'dev', domain: 'ml.example.org' });
    expect(env.identity).toEqual({
      provider: 'dex',
      dex: {
        connectors: [],
        staticUsers: [{ email: 'admin@ml.example.org', password: { type: 'generated' } }],
      },
    });
    const hashed = validateEnvironment({
      name: 'dev',
      preset: 'dev',
      identity: {
        provider: 'dex',
        dex: { staticUsers: [{ email: 'a@example.com', passwordSecret: { name: 's', key: 'k' } }] },
      },
    });
    expect(
      hashed.identity.provider === 'dex' && hashed.identity.dex.staticUsers[0].password,
    ).toEqual({ type: 'secret', secret: { name: 's', key: 'k' } });
  });

  test('prod keeps what the file states and sizes for production', () => {
    const env = validateEnvironment(load('valid', 'prod-static-users-with-reason.yaml'));
    expect(env.objectStore).toMatchObject({ type: 'minio', storageGiB: 100 });
    expect(env.tls.issuer).toEqual({ type: 'ca', secretName: 'lab-root-ca' });
  });
});
