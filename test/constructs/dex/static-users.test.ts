import * as fs from 'node:fs';
import * as path from 'node:path';
import { Prerequisites } from '../../../constructs/core/prerequisites';
import { BCRYPT_HASH, StaticUser } from '../../../constructs/dex';
import { CORPORATE_SSO, DEX_NS, Manifest, Objects, buildDex, dexConfigOf } from './helpers';

/** A well-formed bcrypt hash (format only: bcrypt is not installed, nothing is verified). */
const HASH = '$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy';
const README = path.resolve(__dirname, '../../../constructs/dex/README.md');

const dexEnv = (o: Objects): Manifest[] =>
  o.find('Deployment', DEX_NS, 'dex').spec.template.spec.containers[0].env;

describe('Dex static users', () => {
  test('the test hash is well-formed', () => {
    expect(HASH).toMatch(BCRYPT_HASH);
  });

  test('a bcrypt hash goes into a Secret of its own, read through hashFromEnv, never the ConfigMap', () => {
    const o = buildDex({
      staticUsers: [StaticUser.passwordHash('ops@example.com', HASH)],
    }).objects();
    const config = dexConfigOf(o);
    expect(config.enablePasswordDB).toBe(true);
    expect(config.staticPasswords).toEqual([
      {
        email: 'ops@example.com',
        username: 'ops',
        userID: expect.stringMatching(/^[0-9a-f]{32}$/),
        hashFromEnv: 'DEX_USER_OPS_EXAMPLE_COM_PASSWORD_HASH',
      },
    ]);
    expect(JSON.stringify(o.ofKind('ConfigMap'))).not.toContain(HASH.slice(7));
    expect(o.find('Secret', DEX_NS, 'dex-password-ops-example-com')).toMatchObject({
      type: 'Opaque',
      stringData: { hash: HASH },
      metadata: {
        labels: {
          'app.kubernetes.io/name': 'dex',
          'app.kubernetes.io/component': 'static-user',
          'app.kubernetes.io/instance': 'ops-example-com',
        },
      },
    });
    expect(dexEnv(o)).toContainEqual({
      name: 'DEX_USER_OPS_EXAMPLE_COM_PASSWORD_HASH',
      valueFrom: { secretKeyRef: { name: 'dex-password-ops-example-com', key: 'hash' } },
    });
    const again = dexConfigOf(
      buildDex({ staticUsers: [StaticUser.passwordHash('ops@example.com', HASH)] }).objects(),
    );
    expect(again.staticPasswords[0].userID).toBe(config.staticPasswords[0].userID);
  });

  test('the Secret of a hash can be named', () => {
    const user = StaticUser.passwordHash('ops@example.com', HASH, { secretName: 'ops-hash' });
    expect(user.password).toEqual({ type: 'hash', secretName: 'ops-hash' });
    const o = buildDex({ staticUsers: [user] }).objects();
    expect(o.find('Secret', DEX_NS, 'ops-hash').stringData).toEqual({ hash: HASH });
    expect(() =>
      buildDex({
        staticUsers: [StaticUser.passwordHash('ops@example.com', HASH, { secretName: 'Ops' })],
      }),
    ).toThrow(
      "Dex: `staticUsers[ops@example.com].secretName` is not a Secret name (got \"Ops\"). Use lower-case letters, digits, '-' and '.'.",
    );
  });

  test('no invalid hash reaches a Secret', () => {
    const user = StaticUser.passwordHash('ops@example.com', 'plain-text');
    expect(user.literalHash()).toBe('');
  });

  test('username, userID and groups can be given', () => {
    const user = StaticUser.passwordHash('ops@example.com', HASH, {
      username: 'operator',
      userID: '08a8684b-db88-4b73-90a9-3cd1661f5466',
      groups: ['platform-admins'],
    });
    const config = dexConfigOf(buildDex({ staticUsers: [user] }).objects());
    expect(config.staticPasswords[0]).toEqual({
      email: 'ops@example.com',
      username: 'operator',
      userID: '08a8684b-db88-4b73-90a9-3cd1661f5466',
      groups: ['platform-admins'],
      hashFromEnv: 'DEX_USER_OPS_EXAMPLE_COM_PASSWORD_HASH',
    });
  });

  test('a plain-text password is refused with a message naming the user, never the value', () => {
    const build = (): unknown =>
      buildDex({ staticUsers: [StaticUser.passwordHash('ops@example.com', '12341234')] });
    expect(build).toThrow(
      'Dex: `staticUsers[ops@example.com].passwordHash` is not a bcrypt hash (got a value of 8 characters, not shown). Hash the password first, e.g. with htpasswd -nbBC 10 "" PASSWORD | tr -d \':\\n\', or use StaticUser.passwordSecret(...).',
    );
    let message = '';
    try {
      build();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).not.toContain('12341234');
  });

  test.each([
    [
      'a hash with a cost out of range',
      '$2a$99$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy',
    ],
    ['a truncated hash', '$2a$10$N9qo8uLOickgx2ZMRZoMye'],
    ['an MD5 crypt hash', '$1$saltsalt$qjXMvbEw8oaL.CzflDugX/'],
  ])('refuses %s', (_what, value) => {
    expect(() =>
      buildDex({ staticUsers: [StaticUser.passwordHash('ops@example.com', value)] }),
    ).toThrow('`staticUsers[ops@example.com].passwordHash` is not a bcrypt hash');
  });

  test('a password Secret is read through hashFromEnv and is an install prerequisite', () => {
    const { app, objects } = buildDex({
      staticUsers: [
        StaticUser.passwordSecret('ops@example.com', { name: 'ops-login', key: 'hash' }),
      ],
    });
    const o = objects();
    expect(dexConfigOf(o).staticPasswords[0]).toEqual({
      email: 'ops@example.com',
      username: 'ops',
      userID: expect.any(String),
      hashFromEnv: 'DEX_USER_OPS_EXAMPLE_COM_PASSWORD_HASH',
    });
    expect(dexEnv(o)).toContainEqual({
      name: 'DEX_USER_OPS_EXAMPLE_COM_PASSWORD_HASH',
      valueFrom: { secretKeyRef: { name: 'ops-login', key: 'hash' } },
    });
    expect(Prerequisites.of(app).secrets()).toEqual([
      {
        namespace: DEX_NS,
        name: 'ops-login',
        keys: ['hash'],
        purpose: 'dex static user ops@example.com (bcrypt hash)',
      },
    ]);
  });

  test('a generated password: created in-cluster once, hashed by gomplate at startup', () => {
    const { dex, objects } = buildDex({
      staticUsers: [StaticUser.generatedPassword('admin@kubeflow.localhost')],
    });
    expect(dex.generatedPasswords).toEqual([
      {
        email: 'admin@kubeflow.localhost',
        namespace: DEX_NS,
        secretName: 'dex-password-admin-kubeflow-localhost',
        key: 'password',
      },
    ]);
    const o = objects();
    const job = o.find('Job', DEX_NS, 'dex-password-admin-kubeflow-localhost-generator');
    const jobEnv = job.spec.template.spec.containers[0].env as Manifest[];
    expect(jobEnv).toContainEqual({
      name: 'SECRET_NAME',
      value: 'dex-password-admin-kubeflow-localhost',
    });
    // No Secret object with a value: the generator creates it in the cluster.
    expect(o.ofKind('Secret')).toEqual([]);
    expect(dexEnv(o)).toContainEqual({
      name: 'DEX_USER_ADMIN_KUBEFLOW_LOCALHOST_PASSWORD',
      valueFrom: {
        secretKeyRef: { name: 'dex-password-admin-kubeflow-localhost', key: 'password' },
      },
    });
    expect(dexConfigOf(o).staticPasswords[0].hash).toBe(
      '{{ getenv `DEX_USER_ADMIN_KUBEFLOW_LOCALHOST_PASSWORD` | required | crypto.Bcrypt }}',
    );
    // The template is rendered by the image's entrypoint: no command override, /tmp writable.
    const container = o.find('Deployment', DEX_NS, 'dex').spec.template.spec.containers[0];
    expect(container.command).toBeUndefined();
    expect(container.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
  });

  test('the README says how to read the generated password, with the name the code uses', () => {
    const user = StaticUser.generatedPassword('admin@kubeflow.localhost');
    expect(user.password).toEqual({
      type: 'generated',
      secretName: 'dex-password-admin-kubeflow-localhost',
    });
    const readme = fs.readFileSync(README, 'utf8');
    expect(readme).toContain(
      "kubectl -n auth get secret dex-password-admin-kubeflow-localhost \\\n  -o jsonpath='{.data.password}' | base64 -d",
    );
  });

  describe('production', () => {
    const REASON = { reason: 'Break-glass account for SSO outages, sealed in the vault.' };

    test('refuses static users without a reason', () => {
      expect(() =>
        buildDex({
          connectors: [CORPORATE_SSO],
          staticUsers: [
            StaticUser.passwordSecret('ops@example.com', { name: 'ops-login', key: 'hash' }),
          ],
          production: true,
        }),
      ).toThrow(
        'Dex: `staticUsers` are not allowed in production (got ops@example.com). Log in through a connector, or set allowStaticUsers.reason to say why static users are acceptable.',
      );
    });

    test('refuses a generated password too', () => {
      expect(() =>
        buildDex({
          staticUsers: [StaticUser.generatedPassword('admin@example.com')],
          production: true,
        }),
      ).toThrow('`staticUsers` are not allowed in production (got admin@example.com)');
    });

    test('accepts them with a reason, the hash read from a Secret of the user', () => {
      const { objects } = buildDex({
        connectors: [CORPORATE_SSO],
        staticUsers: [
          StaticUser.passwordSecret('breakglass@example.com', { name: 'breakglass', key: 'hash' }),
        ],
        production: true,
        allowStaticUsers: REASON,
      });
      expect(dexConfigOf(objects()).staticPasswords).toHaveLength(1);
      expect(objects().ofKind('Secret')).toEqual([]);
    });

    test('refuses a passwordHash even with a reason: the hash would be in the output', () => {
      expect(() =>
        buildDex({
          connectors: [CORPORATE_SSO],
          staticUsers: [StaticUser.passwordHash('breakglass@example.com', HASH)],
          production: true,
          allowStaticUsers: REASON,
        }),
      ).toThrow(
        "Dex: `staticUsers[breakglass@example.com].passwordHash` would be written into the output, which production refuses. Put the hash into a Secret in Dex's namespace and reference it with passwordSecret instead.",
      );
    });

    test('refuses a reason that explains nothing', () => {
      expect(() =>
        buildDex({
          staticUsers: [StaticUser.generatedPassword('ops@example.com')],
          production: true,
          allowStaticUsers: { reason: 'ok' },
        }),
      ).toThrow(
        'Dex: `allowStaticUsers.reason` is too short (got "ok"). Say in a sentence why static users are acceptable here.',
      );
    });
  });

  test.each<[string, StaticUser[], string]>([
    [
      'an email that is not one',
      [StaticUser.passwordHash('admin', HASH)],
      'Dex: `staticUsers[admin].email` is not an email address (got "admin"). Use a full address such as admin@example.com.',
    ],
    [
      'the same user twice',
      [
        StaticUser.passwordHash('ops@example.com', HASH),
        StaticUser.generatedPassword('OPS@example.com'),
      ],
      'Dex: `staticUsers[OPS@example.com].email` repeats staticUsers[ops@example.com] (got "OPS@example.com"). List each user once; emails are compared without regard to case.',
    ],
    [
      'emails that make the same environment variable',
      [
        StaticUser.passwordHash('a.b@example.com', HASH),
        StaticUser.generatedPassword('a-b@example.com'),
      ],
      'Dex: `staticUsers[a-b@example.com].email` collides with staticUsers[a.b@example.com] in the environment variable DEX_USER_A_B_EXAMPLE_COM_* (got "a-b@example.com"). Use emails that differ in letters or digits, not only in punctuation.',
    ],
    [
      'emails that make the same Secret name',
      [
        StaticUser.passwordHash('a.b@example.com', HASH),
        StaticUser.generatedPassword('a..b@example.com'),
      ],
      'Dex: `staticUsers[a..b@example.com].email` collides with staticUsers[a.b@example.com] in the Secret name dex-password-a-b-example-com (got "a..b@example.com"). Use emails that differ in letters or digits, not only in punctuation.',
    ],
    [
      "a secretName that is another user's Secret",
      [
        StaticUser.generatedPassword('ops@example.com'),
        StaticUser.passwordHash('dev@example.com', HASH, {
          secretName: 'dex-password-ops-example-com',
        }),
      ],
      'Dex: `staticUsers[dev@example.com].secretName` is the Secret of staticUsers[ops@example.com] as well (got "dex-password-ops-example-com"). Give every user a Secret of its own.',
    ],
    [
      'a bad password Secret reference',
      [StaticUser.passwordSecret('ops@example.com', { name: 'ops', key: 'a b' })],
      "Dex: `staticUsers[ops@example.com].passwordSecret.key` is not a Secret key (got \"a b\"). Use letters, digits, '-', '_' and '.'.",
    ],
  ])('refuses %s', (_what, staticUsers, message) => {
    expect(() => buildDex({ staticUsers })).toThrow(message);
  });
});
