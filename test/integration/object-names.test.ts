import { synthesize } from '../../stacks/pipeline';
import { Manifest } from '../helpers';

/**
 * Whatever the environment file holds, within its schema, every object gets a name that is valid
 * for its kind and its own among the objects of its kind and namespace. The environments below
 * push every input that becomes part of a name to its limit.
 */

const HASH = '$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy';
/** The email pattern has no length limit: addresses past every name limit. */
const longEmail = (tag: string): string =>
  `${'First.Last+Platform_Team'.repeat(12)}.${tag}@${'sub-domain.'.repeat(10)}example.com`;
/** 45 characters: emails made from it differ only after the 40th character. */
const SHARED = 'platform-operations.break-glass.account-0001';
/** A DNS label of 63 characters, the longest a connector ID, tenant or bucket name may be. */
const label63 = (head: string, last = 'z'): string =>
  `${head}${'x'.repeat(62 - head.length)}${last}`;

const connectors = [
  {
    type: 'oidc',
    id: label63('oidc-'),
    name: 'Corporate SSO',
    issuer: 'https://login.example.com',
    clientId: 'kubeflow',
    clientSecret: { name: label63('oidc-client-'), key: 'client-secret' },
  },
  {
    type: 'github',
    id: label63('github-'),
    name: 'GitHub',
    clientId: 'kubeflow',
    clientSecret: { name: 'github-client', key: 'secret' },
  },
  {
    type: 'ldap',
    id: label63('ldap-'),
    name: 'Directory',
    host: 'ldap.example.com:636',
    bindDN: 'cn=dex,dc=example,dc=com',
    bindPassword: { name: 'ldap', key: 'password' },
    rootCA: { name: 'ldap', key: 'ca.crt' },
    userSearch: { baseDN: 'ou=people,dc=example,dc=com' },
  },
  {
    type: 'saml',
    id: label63('saml-'),
    name: 'SAML',
    ssoURL: 'https://sso.example.com/saml',
    caSecret: { name: 'saml-ca', key: 'ca.crt' },
    usernameAttr: 'name',
    emailAttr: 'email',
  },
];

const tenants = [label63('team-', 'a'), label63('team-', 'b')].map((name, i) => ({
  name,
  owner: longEmail(`owner${i}`),
  members: [
    { user: longEmail(`member${i}`), role: 'edit' },
    { user: `${SHARED}.member${i}@example.com`, role: 'view' },
  ],
  groups: [{ name: `Data Scientists / Europe ${'x'.repeat(300)} ${i}`, role: 'view' }],
  quota: { cpu: '8', memory: '32Gi' },
}));

const ENVIRONMENTS: readonly { name: string; env: Record<string, unknown> }[] = [
  {
    name: 'dev with every kind of static user',
    env: {
      name: 'names-dev',
      preset: 'dev',
      domain: `${label63('kubeflow-')}.example.com`,
      tls: { issuer: { type: 'selfSigned' } },
      identity: {
        provider: 'dex',
        dex: {
          connectors,
          staticUsers: [
            { email: `${SHARED}.alice@example.com`, generatedPassword: true },
            { email: `${SHARED}.bob@example.com`, generatedPassword: true },
            { email: `${SHARED}.carol@example.com`, passwordHash: HASH },
            { email: `${SHARED}.dave@example.com`, passwordHash: HASH },
            { email: longEmail('generated'), generatedPassword: true },
            { email: longEmail('hash'), passwordHash: HASH },
            {
              email: longEmail('secret'),
              passwordSecret: { name: label63('password-'), key: 'hash' },
            },
          ],
        },
      },
      objectStore: {
        type: 'minio',
        buckets: [{ name: label63('bucket-', 'a') }, { name: label63('bucket-', 'b') }],
        rootCredentials: { type: 'generated' },
      },
      tenants,
    },
  },
  {
    name: 'prod with break-glass users from Secrets',
    env: {
      name: 'names-prod',
      preset: 'prod',
      domain: 'kubeflow.example.com',
      tls: { issuer: { type: 'ca', secretName: label63('root-ca-') } },
      identity: {
        provider: 'dex',
        dex: {
          connectors,
          allowStaticUsers: { reason: 'Break-glass accounts for outages of the corporate SSO.' },
          staticUsers: [
            {
              email: `${SHARED}.alice@example.com`,
              passwordSecret: { name: 'alice-login', key: 'hash' },
            },
            { email: longEmail('prod'), passwordSecret: { name: 'long-login', key: 'hash' } },
          ],
        },
      },
      objectStore: {
        type: 'minio',
        rootCredentials: { type: 'existing', secretName: label63('minio-root-') },
      },
      tenants,
    },
  },
];

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** A Service name: a DNS label that starts with a letter (RFC 1035). */
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN =
  /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** RBAC objects may be named with any path segment, such as `system:auth-delegator`. */
const PATH_SEGMENT = /^(?!\.\.?$)[^/%]+$/;
const LABEL_VALUE = /^(?=.{0,63}$)(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** What a name of `kind` must be. */
function namePattern(kind: string): [RegExp, string] {
  switch (kind) {
    case 'Namespace':
      return [DNS_LABEL, 'a DNS label'];
    case 'Service':
      return [DNS_1035_LABEL, 'a DNS label starting with a letter'];
    // The Job controller puts the name in the `job-name` label of the Job's pods.
    case 'Job':
      return [DNS_LABEL, 'a DNS label (the job-name label)'];
    case 'Role':
    case 'RoleBinding':
    case 'ClusterRole':
    case 'ClusterRoleBinding':
      return [PATH_SEGMENT, 'a path segment'];
    default:
      return [DNS_SUBDOMAIN, 'a DNS subdomain'];
  }
}

const objectsOf = (env: Record<string, unknown>): Manifest[] =>
  synthesize(env).rendered.layers.flatMap((l) => l.objects) as Manifest[];

const where = (o: Manifest): string =>
  `${o.kind} ${o.metadata.namespace ?? '(cluster)'}/${o.metadata.name}`;

describe.each(ENVIRONMENTS)('object names: $name', ({ env }) => {
  let objects: Manifest[] = [];
  beforeAll(() => {
    objects = objectsOf(env);
  });

  test('the environment is as extreme as intended', () => {
    const names = objects.flatMap((o) => [
      o.metadata.name as string,
      ...((o.spec?.template?.spec?.volumes ?? []) as Manifest[]).map((v) => v.name as string),
    ]);
    // Names that had to be shortened end with a hash of what they were made from.
    expect(names.filter((n) => /-[0-9a-f]{8}$/.test(n)).length).toBeGreaterThan(0);
    expect(objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name)).toEqual(
      expect.arrayContaining(tenants.map((t) => t.name)),
    );
  });

  test('every name is valid for its kind', () => {
    const invalid = objects.flatMap((o) => {
      const [pattern, what] = namePattern(o.kind as string);
      return pattern.test(o.metadata.name as string) ? [] : [`${where(o)} is not ${what}`];
    });
    expect(invalid).toEqual([]);
  });

  test('every name is unique per kind and namespace', () => {
    const seen = new Map<string, number>();
    for (const o of objects) {
      const group = (o.apiVersion as string).includes('/') ? o.apiVersion.split('/')[0] : '';
      const key = `${group}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    expect([...seen].filter(([, n]) => n > 1)).toEqual([]);
  });

  test('every label value and pod volume name is valid', () => {
    const invalid: string[] = [];
    const checkLabels = (o: Manifest, labels: Record<string, string> | undefined): void => {
      for (const [k, v] of Object.entries(labels ?? {})) {
        if (!LABEL_VALUE.test(v)) invalid.push(`${where(o)} label ${k}="${v}"`);
      }
    };
    for (const o of objects) {
      checkLabels(o, o.metadata.labels);
      const pod = o.spec?.template?.spec as Manifest | undefined;
      if (!pod) continue;
      checkLabels(o, o.spec.template.metadata?.labels);
      for (const v of (pod.volumes ?? []) as Manifest[]) {
        if (!DNS_LABEL.test(v.name as string)) invalid.push(`${where(o)} volume ${v.name}`);
      }
    }
    expect(invalid).toEqual([]);
  });

  test('the names are the same on every run', () => {
    const again = objectsOf(env).map(where);
    expect(again).toEqual(objects.map(where));
  });

  test('no ConfigMap holds a password hash', () => {
    const configMaps = objects.filter((o) => o.kind === 'ConfigMap');
    expect(JSON.stringify(configMaps)).not.toMatch(/\$2[aby]?\$\d\d\$/);
  });
});
