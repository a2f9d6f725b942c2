import { createHash } from 'node:crypto';
import { DEFAULT_PROFILE_NAMESPACE_LABELS } from '../../../constructs/kubeflow-dashboard/defaults';
import { NetworkPeer } from '../../../constructs/core/network';
import {
  PROFILE_POD_SECURITY_REASON,
  TENANT_LABEL,
  Tenant,
  TenantProfileOptions,
  TenantProps,
  TenantRole,
  kfamBindingName,
} from '../../../constructs/tenant/tenant';
import { Obj, findObject, objectsOfKind, testChart } from '../../helpers';

/**
 * kubeflow/dashboard v2.0.0 `components/access-management/kfam/bindings.go`, `getBindingName`,
 * ported statement by statement as an oracle independent of `kfamBindingName`. Go's regexp works
 * on code points (hence the `u` flag), `url.QueryEscape` escapes every byte but the unreserved
 * ones and writes a space as `+`.
 */
function kfamGetBindingName(
  userKind: string,
  userName: string,
  roleRefKind: string,
  roleRefName: string,
): string {
  const reg = /[^a-zA-Z0-9]+/gu;
  const nameRaw = [userKind, goQueryEscape(userName.replace(reg, '-')), roleRefKind, roleRefName]
    .join('-')
    .toLowerCase();
  return nameRaw.replace(reg, '-');
}

function goQueryEscape(s: string): string {
  return [...Buffer.from(s, 'utf8')]
    .map((b) => {
      const c = String.fromCharCode(b);
      if (/^[A-Za-z0-9\-_.~]$/.test(c)) return c;
      if (c === ' ') return '+';
      return `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

/**
 * kubeflow/dashboard v2.0.0 `profile_controller.go`, `setNamespaceLabels`: a label with an empty
 * value is removed, any other is added only if the key is missing; existing keys are never
 * overwritten.
 */
function setNamespaceLabels(
  labels: Readonly<Record<string, string>>,
  newLabels: Readonly<Record<string, string>>,
): Record<string, string> {
  const out = new Map(Object.entries(labels));
  for (const [k, v] of Object.entries(newLabels)) {
    const ok = out.has(k);
    if (v.length === 0) {
      if (ok) out.delete(k);
    } else if (!ok) {
      out.set(k, v);
    }
  }
  return Object.fromEntries(out);
}

const MESH_LABELS = { 'istio-injection': 'enabled' };
/** What the profile controller is configured with in the platform: upstream's defaults and the mesh's. */
const CONTROLLER_LABELS = { ...DEFAULT_PROFILE_NAMESPACE_LABELS, ...MESH_LABELS };

const GATEWAY = 'cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account';
const PIPELINES_UI = 'cluster.local/ns/kubeflow/sa/ml-pipeline-ui';
const DEX = {
  issuer: 'https://kubeflow.example.com/dex',
  jwksUri: 'http://dex.auth.svc:5556/keys',
};
const KUBE = {
  issuer: 'https://kubernetes.default.svc.cluster.local',
  jwksUri: 'https://kubernetes.default.svc/openid/v1/jwks',
};

const PROFILE: TenantProfileOptions = {
  namespaceLabels: CONTROLLER_LABELS,
  userIdHeader: 'kubeflow-userid',
  userIdPrefix: 'accounts.example.com:',
  contributorPrincipals: [GATEWAY, PIPELINES_UI],
  ingress: [],
};

const TENANT_OBJECT_LABELS = {
  'app.kubernetes.io/name': 'tenant',
  'app.kubernetes.io/instance': 'team-a',
  'app.kubernetes.io/component': 'tenant',
  'app.kubernetes.io/part-of': 'mlops-platform',
  'app.kubernetes.io/managed-by': 'mlops-blueprint',
};

function build(
  props: Partial<TenantProps> = {},
  profile: Partial<TenantProfileOptions> = {},
): { tenant: Tenant; objects: Obj[] } {
  const { chart, synth } = testChart();
  const tenant = new Tenant(chart, 'T', {
    name: 'team-a',
    owner: 'ann@example.com',
    meshLabels: MESH_LABELS,
    tenantLabel: TENANT_LABEL,
    ...props,
    profile: { ...PROFILE, ...profile },
  });
  return { tenant, objects: synth() };
}

describe('Tenant as a Kubeflow profile: the Profile', () => {
  test('is named as the tenant, owned by the owner, with the quota as plain strings', () => {
    const { objects } = build({
      quota: { cpu: '16', memory: '64Gi', gpu: 2, storageGiB: 500, pods: 100 },
    });
    const profiles = objectsOfKind(objects, 'Profile');
    expect(profiles).toHaveLength(1);
    expect(profiles[0]).toEqual({
      apiVersion: 'kubeflow.org/v1',
      kind: 'Profile',
      metadata: { name: 'team-a', labels: TENANT_OBJECT_LABELS },
      spec: {
        owner: { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'ann@example.com' },
        resourceQuotaSpec: {
          hard: {
            'requests.cpu': '16',
            'requests.memory': '64Gi',
            'requests.nvidia.com/gpu': '2',
            'requests.storage': '500Gi',
            pods: '100',
          },
        },
      },
    });
  });

  test('without a quota states no resourceQuotaSpec; a zero GPU quota is kept', () => {
    expect(findObject(build().objects, 'Profile', undefined, 'team-a').spec).toEqual({
      owner: { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'ann@example.com' },
    });
    expect(
      findObject(build({ quota: { gpu: 0 } }).objects, 'Profile', undefined, 'team-a').spec
        .resourceQuotaSpec,
    ).toEqual({ hard: { 'requests.nvidia.com/gpu': '0' } });
  });

  test('depends on the Namespace and is synthesized after it', () => {
    const { tenant, objects } = build();
    const profile = tenant.node.findChild('Profile');
    expect(profile.node.dependencies).toContain(tenant.namespace.resource);
    const kinds = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    const nsAt = kinds.indexOf('Namespace/team-a');
    const profileAt = kinds.indexOf('Profile/team-a');
    expect(nsAt).toBeGreaterThanOrEqual(0);
    expect(profileAt).toBeGreaterThan(nsAt);
  });
});

describe('Tenant as a Kubeflow profile: the Namespace', () => {
  test('carries the profile labels without their pod-security keys, the tenant label, the owner annotation and baseline enforcement', () => {
    const { objects } = build(
      {},
      {
        namespaceLabels: {
          ...CONTROLLER_LABELS,
          // The tenant states its own level: these must not reach the namespace.
          'pod-security.kubernetes.io/enforce': 'privileged',
          'pod-security.kubernetes.io/warn': 'baseline',
          // Upstream's format for "remove this label": never written.
          'legacy.example.com/label': '',
        },
      },
    );
    const ns = findObject(objects, 'Namespace', undefined, 'team-a');
    expect(ns.metadata.labels).toEqual({
      'app.kubernetes.io/name': 'tenant',
      'app.kubernetes.io/instance': 'team-a',
      'app.kubernetes.io/component': 'namespace',
      'app.kubernetes.io/part-of': 'kubeflow-profile',
      'app.kubernetes.io/managed-by': 'mlops-blueprint',
      'katib.kubeflow.org/metrics-collector-injection': 'enabled',
      'pipelines.kubeflow.org/enabled': 'true',
      'serving.kubeflow.org/inferenceservice': 'enabled',
      'istio-injection': 'enabled',
      'mlops-blueprint.dev/tenant': 'team-a',
      'pod-security.kubernetes.io/enforce': 'baseline',
      'pod-security.kubernetes.io/enforce-version': 'v1.34',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/audit-version': 'v1.34',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/warn-version': 'v1.34',
    });
    expect(ns.metadata.annotations).toEqual({
      owner: 'ann@example.com',
      'mlops-blueprint.dev/pod-security-reason': PROFILE_POD_SECURITY_REASON,
    });
  });

  test('the port of setNamespaceLabels adds missing keys, removes empty ones, overwrites nothing', () => {
    expect(setNamespaceLabels({ a: '1', b: '2' }, { a: 'x', b: '', c: '3', d: '' })).toEqual({
      a: '1',
      c: '3',
    });
  });

  test.each([
    ['the platform', CONTROLLER_LABELS],
    ['upstream base', { 'app.kubernetes.io/part-of': 'kubeflow-profile' }],
    ['with a removal', { ...CONTROLLER_LABELS, 'legacy.example.com/label': '' }],
  ])(
    'the profile controller (%s labels) adopts the namespace and changes no label',
    (_, controllerLabels) => {
      const { objects } = build({}, { namespaceLabels: controllerLabels });
      const ns = findObject(objects, 'Namespace', undefined, 'team-a');
      const profile = findObject(objects, 'Profile', undefined, 'team-a');
      // profile_controller.go: an existing namespace is adopted only if annotated with the owner.
      expect(ns.metadata.annotations?.owner).toBe(profile.spec.owner.name);
      const labels = ns.metadata.labels as Record<string, string>;
      const after = setNamespaceLabels(labels, controllerLabels);
      expect(Object.keys(after).filter((k) => !(k in labels))).toEqual([]);
      expect(Object.keys(labels).filter((k) => !(k in after))).toEqual([]);
      expect(after).toEqual(labels);
    },
  );
  // An empty value is upstream's way to remove a label: on a label the namespace carries itself
  // (its pod-security level, its standard labels) the controller would delete it on every
  // reconcile, so the tenant refuses such labels.
  test('labels to remove that the namespace carries are refused, each by its key', () => {
    const controllerLabels = {
      ...CONTROLLER_LABELS,
      'pod-security.kubernetes.io/enforce': '',
      'app.kubernetes.io/managed-by': '',
    };
    expect(() => build({}, { namespaceLabels: controllerLabels })).toThrow(
      /profile\.namespaceLabels\["pod-security\.kubernetes\.io\/enforce"\]` removes a label the tenant namespace sets itself[\s\S]*profile\.namespaceLabels\["app\.kubernetes\.io\/managed-by"\]`/,
    );
    // a label the namespace does not carry may be removed: nothing of ours changes
    const removal = { ...CONTROLLER_LABELS, 'example.com/legacy': '' };
    const { objects } = build({}, { namespaceLabels: removal });
    const labels = findObject(objects, 'Namespace', undefined, 'team-a').metadata.labels as Record<
      string,
      string
    >;
    expect(setNamespaceLabels(labels, removal)).toEqual(labels);
  });
});

describe('Tenant as a Kubeflow profile: what the controller owns', () => {
  test('no ResourceQuota and no owner RoleBinding or policy of ours, also with a quota', () => {
    const { objects } = build({
      quota: { cpu: '4', pods: 10 },
      members: [{ user: 'bo@example.com', role: 'view' }],
    });
    expect(objectsOfKind(objects, 'ResourceQuota')).toEqual([]);
    expect(objectsOfKind(objects, 'RoleBinding').map((o) => o.metadata.name)).toEqual([
      'user-bo-example-com-clusterrole-view',
    ]);
    expect(objectsOfKind(objects, 'AuthorizationPolicy').map((o) => o.metadata.name)).toEqual([
      'user-bo-example-com-clusterrole-view',
    ]);
    for (const o of objects) {
      expect(JSON.stringify(o.subjects ?? [])).not.toContain('ann@example.com');
    }
    expect(objectsOfKind(objects, 'ServiceAccount')).toEqual([]);
  });
});

describe('Tenant as a Kubeflow profile: members in the format of KFAM', () => {
  test('the oracle is KFAM: known names from bindings.go', () => {
    expect(kfamGetBindingName('User', 'Ann.Lee@Example.COM', 'ClusterRole', 'edit')).toBe(
      'user-ann-lee-example-com-clusterrole-edit',
    );
    expect(kfamGetBindingName('User', 'jürgen@例え.jp', 'ClusterRole', 'view')).toBe(
      'user-j-rgen-jp-clusterrole-view',
    );
    expect(kfamGetBindingName('Group', '/org/team/', 'ClusterRole', 'admin')).toBe(
      'group-org-team-clusterrole-admin',
    );
  });

  const TRICKY: [string, TenantRole][] = [
    ['first.last@example.com', 'edit'],
    ['first+ml@example.com', 'view'],
    ['Ann.Lee@Example.COM', 'admin'],
    ['ANN_LEE2@EXAMPLE.ORG', 'edit'],
    ['jürgen.müller@例え.jp', 'view'],
    ['émile@x.io', 'edit'],
    ['😀smile@x.io', 'admin'],
    ['-dash@x.io', 'view'],
    ['.lead@x.io', 'edit'],
    ['trail@x.io.', 'view'],
    ['__both__@x.io__', 'admin'],
    ["o'brien%41 x@x.io", 'edit'],
    ['a..b--c@x.io', 'view'],
  ];

  test.each(TRICKY)('%s (%s) is named as KFAM names it', (user, role) => {
    expect(kfamBindingName('User', user, role)).toBe(
      kfamGetBindingName('User', user, 'ClusterRole', role),
    );
  });

  test.each([
    ['Data Scientists / Europe', 'view'],
    ['ml_admins', 'edit'],
    ['/org/Team+ML/', 'admin'],
    ['Équipe', 'view'],
  ] as [string, TenantRole][])('group %s (%s) is named as KFAM would name it', (group, role) => {
    expect(kfamBindingName('Group', group, role)).toBe(
      kfamGetBindingName('Group', group, 'ClusterRole', role),
    );
  });

  test('every tricky member gets a RoleBinding and an AuthorizationPolicy as KFAM writes them', () => {
    const { objects } = build({ members: TRICKY.map(([user, role]) => ({ user, role })) });
    expect(objectsOfKind(objects, 'RoleBinding')).toHaveLength(TRICKY.length);
    expect(objectsOfKind(objects, 'AuthorizationPolicy')).toHaveLength(TRICKY.length);
    for (const [user, role] of TRICKY) {
      const name = kfamGetBindingName('User', user, 'ClusterRole', role);
      const metadata = {
        name,
        namespace: 'team-a',
        labels: TENANT_OBJECT_LABELS,
        annotations: { user, role },
      };
      expect(findObject(objects, 'RoleBinding', 'team-a', name)).toEqual({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata,
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: `kubeflow-${role}`,
        },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }],
      });
      expect(findObject(objects, 'AuthorizationPolicy', 'team-a', name)).toEqual({
        apiVersion: 'security.istio.io/v1',
        kind: 'AuthorizationPolicy',
        metadata,
        spec: {
          rules: [
            {
              from: [{ source: { principals: [GATEWAY, PIPELINES_UI] } }],
              when: [
                {
                  key: 'request.headers[kubeflow-userid]',
                  values: [`accounts.example.com:${user}`],
                },
              ],
            },
          ],
        },
      });
    }
  });

  test('the header and prefix are those given', () => {
    const { objects } = build(
      { members: [{ user: 'bo@example.com', role: 'edit' }] },
      { userIdHeader: 'x-user', userIdPrefix: '', contributorPrincipals: [GATEWAY] },
    );
    const policy = findObject(
      objects,
      'AuthorizationPolicy',
      'team-a',
      'user-bo-example-com-clusterrole-edit',
    );
    expect(policy.spec.rules).toEqual([
      {
        from: [{ source: { principals: [GATEWAY] } }],
        when: [{ key: 'request.headers[x-user]', values: ['bo@example.com'] }],
      },
    ]);
  });
});

describe('Tenant as a Kubeflow profile: groups', () => {
  const tokens = { issuers: [DEX, KUBE], gatewayPrincipal: GATEWAY };

  test('a Group RoleBinding, a policy admitting the gateway with a verified token and the group claim, and token verification', () => {
    const { objects } = build(
      {
        members: [{ user: 'bo@example.com', role: 'view' }],
        groups: [
          { name: 'ml-admins', role: 'edit' },
          { name: 'Data Scientists / Europe', role: 'view' },
        ],
      },
      { tokens },
    );
    const metadata = (name: string, group: string, role: string) => ({
      name,
      namespace: 'team-a',
      labels: TENANT_OBJECT_LABELS,
      annotations: { user: group, role },
    });
    for (const [group, role, name] of [
      ['ml-admins', 'edit', 'group-ml-admins-clusterrole-edit'],
      ['Data Scientists / Europe', 'view', 'group-data-scientists-europe-clusterrole-view'],
    ]) {
      expect(findObject(objects, 'RoleBinding', 'team-a', name)).toEqual({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: metadata(name, group, role),
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: `kubeflow-${role}`,
        },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: group }],
      });
      expect(findObject(objects, 'AuthorizationPolicy', 'team-a', name)).toEqual({
        apiVersion: 'security.istio.io/v1',
        kind: 'AuthorizationPolicy',
        metadata: metadata(name, group, role),
        spec: {
          rules: [
            {
              from: [
                {
                  source: {
                    principals: [GATEWAY],
                    requestPrincipals: [
                      'https://kubeflow.example.com/dex/*',
                      'https://kubernetes.default.svc.cluster.local/*',
                    ],
                  },
                },
              ],
              when: [{ key: 'request.auth.claims[groups]', values: [group] }],
            },
          ],
        },
      });
    }
    const verification = objectsOfKind(objects, 'RequestAuthentication');
    expect(verification).toEqual([
      {
        apiVersion: 'security.istio.io/v1',
        kind: 'RequestAuthentication',
        metadata: {
          name: 'tenant-token-verification',
          namespace: 'team-a',
          labels: TENANT_OBJECT_LABELS,
        },
        spec: {
          jwtRules: [
            { issuer: DEX.issuer, jwksUri: DEX.jwksUri, forwardOriginalToken: true },
            { issuer: KUBE.issuer, jwksUri: KUBE.jwksUri, forwardOriginalToken: true },
          ],
        },
      },
    ]);
  });

  test('the groups claim is the one given', () => {
    const { objects } = build(
      { groups: [{ name: 'ops', role: 'admin' }] },
      { tokens: { ...tokens, issuers: [DEX], groupsClaim: 'roles' } },
    );
    const policy = findObject(
      objects,
      'AuthorizationPolicy',
      'team-a',
      'group-ops-clusterrole-admin',
    );
    expect(policy.spec.rules[0].when).toEqual([
      { key: 'request.auth.claims[roles]', values: ['ops'] },
    ]);
    expect(policy.spec.rules[0].from[0].source.requestPrincipals).toEqual([
      'https://kubeflow.example.com/dex/*',
    ]);
  });

  test('no groups: no Group binding and no token verification, even with tokens', () => {
    const { objects } = build({ members: [{ user: 'bo@example.com', role: 'edit' }] }, { tokens });
    expect(objectsOfKind(objects, 'RequestAuthentication')).toEqual([]);
    expect(
      objectsOfKind(objects, 'RoleBinding').filter((o) =>
        (o.subjects as { kind: string }[]).some((s) => s.kind === 'Group'),
      ),
    ).toEqual([]);
  });

  test('groups without token verification are refused with a clear error', () => {
    expect(() => build({ groups: [{ name: 'ml-admins', role: 'edit' }] })).toThrow(
      'Tenant "team-a": groups need token verification in the namespace (profile.tokens). Pass the issuers the gateway verifies.',
    );
  });
});

describe('Tenant as a Kubeflow profile: ingress from the platform', () => {
  test('each ingress option is a NetworkPolicy allow-<id> with its peers and ports', () => {
    const { objects } = build(
      {},
      {
        ingress: [
          {
            id: 'notebooks-from-gateway',
            description: 'The gateway reaches notebook servers',
            podLabels: { 'notebook-name': 'x' },
            from: [NetworkPeer.namespace('istio-system', { app: 'istio-ingressgateway' })],
            ports: [{ port: 8888 }, { port: 53, protocol: 'UDP' }],
          },
          {
            id: 'from-kubeflow',
            description: 'Controllers probe their pods',
            from: [NetworkPeer.namespace('kubeflow'), NetworkPeer.ipBlock('10.0.0.0/8')],
          },
        ],
      },
    );
    expect(
      objectsOfKind(objects, 'NetworkPolicy')
        .map((o) => `${o.metadata.namespace}/${o.metadata.name}`)
        .sort(),
    ).toEqual([
      'team-a/allow-from-kubeflow',
      'team-a/allow-notebooks-from-gateway',
      'team-a/allow-same-namespace',
      'team-a/default-deny-ingress',
    ]);
    expect(
      findObject(objects, 'NetworkPolicy', 'team-a', 'allow-notebooks-from-gateway').spec,
    ).toEqual({
      podSelector: { matchLabels: { 'notebook-name': 'x' } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            {
              namespaceSelector: {
                matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' },
              },
              podSelector: { matchLabels: { app: 'istio-ingressgateway' } },
            },
          ],
          ports: [
            { port: 8888, protocol: 'TCP' },
            { port: 53, protocol: 'UDP' },
          ],
        },
      ],
    });
    expect(findObject(objects, 'NetworkPolicy', 'team-a', 'allow-from-kubeflow').spec).toEqual({
      podSelector: { matchLabels: {} },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kubeflow' } } },
            { ipBlock: { cidr: '10.0.0.0/8' } },
          ],
        },
      ],
    });
  });
});

describe('Tenant as a Kubeflow profile: long names', () => {
  /** A user whose KFAM name (`user-<local>-example-com-clusterrole-edit`) is `length` long. */
  const userForKfamLength = (length: number, c = 'm') =>
    `${c.repeat(length - 'user--example-com-clusterrole-edit'.length)}@example.com`;

  test('a KFAM name of 253 characters is kept as KFAM writes it', () => {
    const user = userForKfamLength(253);
    expect(kfamGetBindingName('User', user, 'ClusterRole', 'edit')).toHaveLength(253);
    expect(kfamBindingName('User', user, 'edit')).toBe(
      kfamGetBindingName('User', user, 'ClusterRole', 'edit'),
    );
  });

  test('longer names end in a stable hash, stay within 253 characters and stay unique', () => {
    const a = userForKfamLength(254);
    const b = `${'m'.repeat(300)}x@example.com`;
    const c = `${'m'.repeat(300)}y@example.com`;
    const members = [a, b, c].map((user) => ({ user, role: 'edit' as const }));
    const names = (objects: Obj[], kind: string) =>
      objectsOfKind(objects, kind).map((o) => o.metadata.name as string);
    const first = build({ members }).objects;
    const bindings = names(first, 'RoleBinding');
    expect(bindings).toHaveLength(3);
    expect(new Set(bindings).size).toBe(3);
    const subdomain = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
    for (const [i, name] of bindings.entries()) {
      expect(name.length).toBeLessThanOrEqual(253);
      expect(name).toMatch(subdomain);
      expect(name).toMatch(/^user-m{200,}[-a-z0-9]*-[0-9a-f]{8}$/);
      // What is kept of KFAM's name is its beginning.
      const kfam = kfamGetBindingName('User', members[i].user, 'ClusterRole', 'edit');
      expect(kfam.length).toBeGreaterThan(253);
      expect(kfam.startsWith(name.slice(0, -9))).toBe(true);
      // The hash is of the parts as given, so two subjects that differ past the cut differ.
      const hash = createHash('sha256')
        .update(['User', members[i].user, 'clusterrole', 'edit'].join('\u0000'))
        .digest('hex')
        .slice(0, 8);
      expect(name.endsWith(`-${hash}`)).toBe(true);
    }
    // The AuthorizationPolicy has the binding's name, and a second synthesis the same names.
    expect(names(first, 'AuthorizationPolicy')).toEqual(bindings);
    expect(names(build({ members }).objects, 'RoleBinding')).toEqual(bindings);
  });
});
