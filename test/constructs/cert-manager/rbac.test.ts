import { STARTUP_CHECK_NAME } from '../../../constructs/cert-manager';
import { Manifest, NAMESPACE, buildCertManager } from './helpers';
import { RBAC_FACTS } from './rbac-facts';

const o = buildCertManager().objects();

const CONTROLLER_CLUSTER_ROLES = [
  'cert-manager-controller-issuers',
  'cert-manager-controller-clusterissuers',
  'cert-manager-controller-certificates',
  'cert-manager-controller-orders',
  'cert-manager-controller-challenges',
  'cert-manager-controller-ingress-shim',
  'cert-manager-controller-approve:cert-manager-io',
  'cert-manager-controller-certificatesigningrequests',
];

describe('cert-manager RBAC', () => {
  test("every Role and ClusterRole is upstream v1.20.2's, rule for rule and in upstream's order", () => {
    // Besides upstream's: the Role of our startup check, which replaces the Helm-only
    // startupapicheck Job (see startup-check.test.ts).
    const roles = [...o.ofKind('Role'), ...o.ofKind('ClusterRole')].filter(
      (r) => r.metadata.name !== STARTUP_CHECK_NAME,
    );
    expect(roles.map((r) => `${r.kind as string} ${r.metadata.name as string}`).sort()).toEqual(
      RBAC_FACTS.map((f) => `${f.kind} ${f.name}`).sort(),
    );
    for (const fact of RBAC_FACTS) {
      const role = o.find(fact.kind, fact.namespace, fact.name);
      const rules = fact.rules.map(([apiGroups, resources, verbs, resourceNames]) => ({
        apiGroups,
        resources,
        verbs,
        ...(resourceNames ? { resourceNames } : {}),
      }));
      expect({ role: fact.name, rules: role.rules }).toEqual({ role: fact.name, rules });
      const aggregateTo = Object.keys(role.metadata.labels)
        .filter((l) => l.startsWith('rbac.authorization.k8s.io/aggregate-to-'))
        .map((l) => l.replace('rbac.authorization.k8s.io/aggregate-to-', ''))
        .sort();
      expect({ role: fact.name, aggregateTo }).toEqual({
        role: fact.name,
        aggregateTo: fact.aggregateTo ?? [],
      });
      const bindingKind = fact.kind === 'Role' ? 'RoleBinding' : 'ClusterRoleBinding';
      if (fact.boundTo === undefined) {
        expect(o.has(bindingKind, fact.namespace, fact.name)).toBe(false);
      } else {
        expect(o.find(bindingKind, fact.namespace, fact.name).subjects).toEqual([
          { kind: 'ServiceAccount', name: fact.boundTo, namespace: NAMESPACE },
        ]);
      }
    }
  });

  test('v1.20 grants: issuer finalizers to the orders loop, ListenerSets to the shim', () => {
    expect(o.find('ClusterRole', undefined, 'cert-manager-controller-orders').rules).toContainEqual(
      {
        apiGroups: ['cert-manager.io'],
        resources: ['clusterissuers/finalizers', 'issuers/finalizers'],
        verbs: ['update'],
      },
    );
    const shim = o.find('ClusterRole', undefined, 'cert-manager-controller-ingress-shim');
    expect(shim.rules).toContainEqual({
      apiGroups: ['gateway.networking.k8s.io'],
      resources: ['gateways', 'httproutes', 'listenersets'],
      verbs: ['get', 'list', 'watch'],
    });
    expect(shim.rules).toContainEqual({
      apiGroups: ['gateway.networking.k8s.io'],
      resources: ['gateways/finalizers', 'httproutes/finalizers', 'listenersets/finalizers'],
      verbs: ['update'],
    });
  });

  test('has upstream ClusterRoles: one per controller loop, cainjector, webhook SARs, aggregated roles', () => {
    expect(
      o
        .ofKind('ClusterRole')
        .map((r) => r.metadata.name)
        .sort(),
    ).toEqual(
      [
        ...CONTROLLER_CLUSTER_ROLES,
        'cert-manager-cainjector',
        'cert-manager-webhook:subjectaccessreviews',
        'cert-manager-cluster-view',
        'cert-manager-view',
        'cert-manager-edit',
      ].sort(),
    );
  });

  test('leader election: the controller and cainjector hold named leases in kube-system', () => {
    const controller = o.find('Role', 'kube-system', 'cert-manager:leaderelection');
    expect(controller.rules).toEqual([
      {
        apiGroups: ['coordination.k8s.io'],
        resources: ['leases'],
        verbs: ['get', 'update', 'patch'],
        resourceNames: ['cert-manager-controller'],
      },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
    ]);
    const cainjector = o.find('Role', 'kube-system', 'cert-manager-cainjector:leaderelection');
    expect(cainjector.rules[0].resourceNames).toEqual([
      'cert-manager-cainjector-leader-election',
      'cert-manager-cainjector-leader-election-core',
    ]);
    for (const [name, account] of [
      ['cert-manager:leaderelection', 'cert-manager'],
      ['cert-manager-cainjector:leaderelection', 'cert-manager-cainjector'],
    ]) {
      const binding = o.find('RoleBinding', 'kube-system', name);
      expect(binding.roleRef).toEqual({
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'Role',
        name,
      });
      expect(binding.subjects).toEqual([
        { kind: 'ServiceAccount', name: account, namespace: NAMESPACE },
      ]);
    }
  });

  test('namespaced grants: a token for its own account, the webhook CA Secret', () => {
    expect(o.find('Role', NAMESPACE, 'cert-manager-tokenrequest').rules).toEqual([
      {
        apiGroups: [''],
        resources: ['serviceaccounts/token'],
        verbs: ['create'],
        resourceNames: ['cert-manager'],
      },
    ]);
    expect(o.find('Role', NAMESPACE, 'cert-manager-webhook:dynamic-serving').rules).toEqual([
      {
        apiGroups: [''],
        resources: ['secrets'],
        verbs: ['get', 'list', 'watch', 'update'],
        resourceNames: ['cert-manager-webhook-ca'],
      },
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
    ]);
  });

  test('the controller may approve and sign only for cert-manager.io issuers, and run SARs', () => {
    const approve = o.find(
      'ClusterRole',
      undefined,
      'cert-manager-controller-approve:cert-manager-io',
    );
    expect(approve.rules).toEqual([
      {
        apiGroups: ['cert-manager.io'],
        resources: ['signers'],
        verbs: ['approve'],
        resourceNames: ['issuers.cert-manager.io/*', 'clusterissuers.cert-manager.io/*'],
      },
    ]);
    const csr = o.find(
      'ClusterRole',
      undefined,
      'cert-manager-controller-certificatesigningrequests',
    );
    expect(csr.rules).toContainEqual({
      apiGroups: ['authorization.k8s.io'],
      resources: ['subjectaccessreviews'],
      verbs: ['create'],
    });
    const challenges = o.find('ClusterRole', undefined, 'cert-manager-controller-challenges');
    expect(challenges.rules).toContainEqual({
      apiGroups: ['networking.k8s.io'],
      resources: ['ingresses'],
      verbs: ['get', 'list', 'watch', 'create', 'delete', 'update'],
    });
  });

  test('every granted ClusterRole is bound to an existing ServiceAccount; aggregated roles are not', () => {
    const accounts = o
      .ofKind('ServiceAccount')
      .map((a) => `${a.metadata.namespace}/${a.metadata.name}`);
    const bindings = o.ofKind('ClusterRoleBinding');
    for (const b of [...bindings, ...o.ofKind('RoleBinding')]) {
      const roleKind = b.roleRef.kind as string;
      const roleNamespace = roleKind === 'Role' ? b.metadata.namespace : undefined;
      expect(o.has(roleKind, roleNamespace, b.roleRef.name)).toBe(true);
      expect(b.metadata.name).toBe(b.roleRef.name);
      for (const s of b.subjects as Manifest[])
        expect(accounts).toContain(`${s.namespace}/${s.name}`);
    }
    const bound = bindings.map((b) => b.roleRef.name);
    expect(bound).toEqual(expect.arrayContaining(CONTROLLER_CLUSTER_ROLES));
    for (const name of ['cert-manager-view', 'cert-manager-edit', 'cert-manager-cluster-view']) {
      expect(bound).not.toContain(name);
    }
  });

  test('the view and edit roles aggregate into the Kubernetes user-facing roles', () => {
    const aggregation = (name: string) =>
      Object.keys(o.find('ClusterRole', undefined, name).metadata.labels)
        .filter((l) => l.includes('aggregate-to-'))
        .map((l) => l.replace('rbac.authorization.k8s.io/aggregate-to-', ''))
        .sort();
    expect(aggregation('cert-manager-view')).toEqual(['admin', 'cluster-reader', 'edit', 'view']);
    expect(aggregation('cert-manager-edit')).toEqual(['admin', 'edit']);
    expect(aggregation('cert-manager-cluster-view')).toEqual(['cluster-reader']);
    expect(o.find('ClusterRole', undefined, 'cert-manager-edit').rules).toContainEqual({
      apiGroups: ['cert-manager.io'],
      resources: ['certificates/status'],
      verbs: ['update'],
    });
  });

  test('no rule uses a wildcard', () => {
    for (const role of [...o.ofKind('ClusterRole'), ...o.ofKind('Role')]) {
      for (const rule of role.rules as Manifest[]) {
        for (const field of ['apiGroups', 'resources', 'verbs']) {
          expect(rule[field]).not.toContain('*');
        }
      }
    }
  });
});
