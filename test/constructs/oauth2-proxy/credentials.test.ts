import { evaluate } from '../../../policies';
import { DexConnector, StaticUser } from '../../../constructs/dex';
import { MachineToMachine } from '../../../constructs/oauth2-proxy';
import { DEX_NS, Manifest, Objects, dexConfigOf } from '../dex/helpers';
import { buildStack } from './helpers';

/** Every connector type, a Secret-held hash and a generated password: all the credential paths. */
function everything(): Objects {
  return buildStack({
    dex: {
      connectors: [
        DexConnector.oidc({
          id: 'sso',
          name: 'SSO',
          issuer: 'https://login.example.com',
          clientID: 'kubeflow',
          clientSecret: { name: 'sso', key: 'client-secret' },
        }),
        DexConnector.github({
          id: 'github',
          name: 'GitHub',
          clientID: 'Iv1.abc',
          clientSecret: { name: 'github', key: 'client-secret' },
          orgs: [{ name: 'acme' }],
        }),
        DexConnector.google({
          id: 'google',
          name: 'Google',
          clientID: 'x.apps.googleusercontent.com',
          clientSecret: { name: 'google', key: 'client-secret' },
          serviceAccount: { name: 'google', key: 'sa.json' },
          groups: ['ml@example.com'],
        }),
        DexConnector.microsoft({
          id: 'microsoft',
          name: 'Microsoft',
          clientID: 'abc',
          clientSecret: { name: 'microsoft', key: 'client-secret' },
        }),
        DexConnector.ldap({
          id: 'ldap',
          name: 'Directory',
          host: 'ldap.example.com:636',
          bindDN: 'cn=dex,dc=example,dc=com',
          bindPW: { name: 'ldap', key: 'password' },
          userSearch: { baseDN: 'ou=people,dc=example,dc=com' },
        }),
        DexConnector.saml({
          id: 'saml',
          name: 'SAML',
          ssoURL: 'https://idp.example.com/sso',
          ca: { name: 'saml', key: 'ca.pem' },
          usernameAttr: 'name',
          emailAttr: 'email',
        }),
      ],
      staticUsers: [
        StaticUser.passwordSecret('breakglass@example.com', { name: 'breakglass', key: 'hash' }),
        StaticUser.generatedPassword('admin@example.com'),
      ],
    },
    proxy: {
      machineToMachine: MachineToMachine.kubernetesServiceAccounts({
        audience: 'kubeflow-gateway',
        jwksUri: 'https://oidc.eks.eu-west-1.amazonaws.com/id/ABC/keys',
      }),
    },
  }).objects();
}

const REFERENCE = /^\$[A-Z_][A-Z0-9_]*$/;
const CREDENTIAL_KEY = /(secret|password|passwd|pw|hash|token)(env|fromenv)?$/i;

/** Every `key: value` leaf of an object, with its path. */
function leaves(value: unknown, path = ''): [string, string, unknown][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) =>
      v !== null && typeof v === 'object' ? leaves(v, `${path}.${k}`) : [[`${path}.${k}`, k, v]],
    );
  }
  return [];
}

describe('no literal credential in the output', () => {
  const o = everything();

  test('the policy gate finds none, in production mode', () => {
    const report = evaluate(o.all, { production: true });
    expect(report.errors.filter((f) => f.ruleId === 'platform/literal-credentials')).toEqual([]);
    expect(report.warnings.filter((f) => f.ruleId === 'platform/literal-credentials')).toEqual([]);
    // Nothing else of the identity layer fails the gate either.
    expect(report.errors.map((f) => f.message)).toEqual([]);
  });

  test('...and the gate would find one (the check can fail)', () => {
    const tampered = o.all.map((x) =>
      x.kind === 'Deployment' && x.metadata.name === 'oauth2-proxy'
        ? {
            ...x,
            spec: {
              ...x.spec,
              template: {
                ...x.spec.template,
                spec: {
                  ...x.spec.template.spec,
                  containers: [
                    {
                      ...x.spec.template.spec.containers[0],
                      env: [{ name: 'OAUTH2_PROXY_CLIENT_SECRET', value: 'pUBnBOY80SnXgj' }],
                    },
                  ],
                },
              },
            },
          }
        : x,
    );
    expect(evaluate(tampered, { production: true }).errors.map((f) => f.ruleId)).toContain(
      'platform/literal-credentials',
    );
  });

  test('no Secret is written: generated ones are made in the cluster, others referenced', () => {
    expect(o.ofKind('Secret')).toEqual([]);
  });

  test('every credential field of the Dex config is a reference, an env name or a startup template', () => {
    const config = dexConfigOf(o);
    const fields = leaves(config).filter(([, key]) => CREDENTIAL_KEY.test(key));
    expect(fields.map(([path]) => path).sort()).toEqual(
      [
        '.connectors[0].config.clientSecret',
        '.connectors[1].config.clientSecret',
        '.connectors[2].config.clientSecret',
        '.connectors[3].config.clientSecret',
        '.connectors[4].config.bindPW',
        '.staticClients[0].secretEnv',
        '.staticPasswords[0].hashFromEnv',
        '.staticPasswords[1].hash',
      ].sort(),
    );
    for (const [path, key, value] of fields) {
      if (key === 'secretEnv' || key === 'hashFromEnv') {
        expect([path, value]).toEqual([path, expect.stringMatching(/^[A-Z_][A-Z0-9_]*$/)]);
      } else if (key === 'hash') {
        expect(value).toMatch(
          /^\{\{ getenv `[A-Z_][A-Z0-9_]*` \| required \| crypto\.Bcrypt \}\}$/,
        );
      } else {
        expect([path, value]).toEqual([path, expect.stringMatching(REFERENCE)]);
      }
    }
  });

  test('every variable a reference names is filled from a Secret', () => {
    const config = JSON.stringify(dexConfigOf(o));
    const named = new Set([
      ...[...config.matchAll(/\$([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]),
      ...[...config.matchAll(/"(?:secretEnv|hashFromEnv)":"([A-Z_0-9]+)"/g)].map((m) => m[1]),
      ...[...config.matchAll(/getenv `([A-Z_0-9]+)`/g)].map((m) => m[1]),
    ]);
    const env = o.find('Deployment', DEX_NS, 'dex').spec.template.spec.containers[0]
      .env as Manifest[];
    for (const name of named) {
      const e = env.find((x) => x.name === name);
      expect([name, e?.valueFrom?.secretKeyRef]).toEqual([name, expect.any(Object)]);
      expect(e?.value).toBeUndefined();
    }
    expect(named.size).toBe(8);
  });

  test('no env var of any container holds a literal value for a credential-like name', () => {
    let checked = 0;
    for (const d of [...o.ofKind('Deployment'), ...o.ofKind('Job')]) {
      const spec = d.spec.template.spec;
      for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
        for (const e of (c.env ?? []) as Manifest[]) {
          if (/(SECRET|PASSWORD|TOKEN|HASH|_PW)$/.test(e.name)) {
            expect([d.metadata.name, e.name, e.value]).toEqual([
              d.metadata.name,
              e.name,
              undefined,
            ]);
            checked++;
          }
        }
      }
    }
    // Dex: client, five connector secrets, two users; the proxy: client and cookie secret.
    expect(checked).toBe(10);
  });

  test("none of the reference install's well-known credentials appears anywhere", () => {
    const text = JSON.stringify(o.all);
    for (const known of [
      'user@example.com',
      '12341234',
      'pUBnBOY80SnXgjibTYM9ZWNzY2xreNGQok',
      '7d16fee92f8d11b8940b081b3f8b8acb',
      '$2y$12$4K/VkmDd1q1Orb3xAt82zu8gk7Ad6ReFR4LCP9UeYE90NLiN9Df72',
      'kubeflow-oidc-authservice',
    ]) {
      expect(text).not.toContain(known);
    }
  });
});
