import { TENANT_DEFAULT_CONTAINER_RESOURCES, Tenant } from '../../../constructs/tenant/tenant';
import { findObject, objectsOfKind, testChart } from '../../helpers';

describe('Tenant', () => {
  test('defaults: restricted namespace with its label, same-namespace traffic, container defaults, owner is admin, no quota', () => {
    const { chart, synth } = testChart();
    new Tenant(chart, 'T', {
      name: 'team-a',
      owner: 'ann@example.com',
      tenantLabel: 'example/tenant',
    });
    const objects = synth();
    const ns = findObject(objects, 'Namespace', undefined, 'team-a');
    expect(ns.metadata.labels).toMatchObject({
      'example/tenant': 'team-a',
      'pod-security.kubernetes.io/enforce': 'restricted',
    });
    expect(
      findObject(objects, 'NetworkPolicy', 'team-a', 'allow-same-namespace').spec.ingress,
    ).toEqual([{ from: [{ podSelector: { matchLabels: {} } }] }]);
    expect(objectsOfKind(objects, 'ResourceQuota')).toEqual([]);
    const lr = findObject(objects, 'LimitRange', 'team-a', 'container-defaults');
    expect(lr.spec.limits[0]).toEqual({
      type: 'Container',
      defaultRequest: {
        cpu: TENANT_DEFAULT_CONTAINER_RESOURCES.cpu.request,
        memory: TENANT_DEFAULT_CONTAINER_RESOURCES.memory.request,
      },
      default: {
        cpu: TENANT_DEFAULT_CONTAINER_RESOURCES.cpu.limit,
        memory: TENANT_DEFAULT_CONTAINER_RESOURCES.memory.limit,
      },
    });
    const owner = findObject(
      objects,
      'RoleBinding',
      'team-a',
      'user-ann-example-com-clusterrole-admin',
    );
    expect(owner.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'admin',
    });
    expect(owner.subjects).toEqual([
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'ann@example.com' },
    ]);
  });

  test('quota, members and groups', () => {
    const { chart, synth } = testChart();
    new Tenant(chart, 'T', {
      name: 'team-b',
      owner: 'bo@example.com',
      tenantLabel: 't',
      members: [{ user: 'cy@example.com', role: 'view' }],
      groups: [{ name: 'ml-admins', role: 'edit' }],
      quota: { cpu: '16', memory: '64Gi', gpu: 2, storageGiB: 500, pods: 100 },
    });
    const objects = synth();
    expect(findObject(objects, 'ResourceQuota', 'team-b', 'tenant-quota').spec.hard).toEqual({
      'requests.cpu': '16',
      'requests.memory': '64Gi',
      'requests.nvidia.com/gpu': 2,
      'requests.storage': '500Gi',
      pods: 100,
    });
    expect(
      findObject(objects, 'RoleBinding', 'team-b', 'user-cy-example-com-clusterrole-view'),
    ).toMatchObject({
      roleRef: { name: 'view' },
      subjects: [{ kind: 'User', name: 'cy@example.com' }],
    });
    expect(
      findObject(objects, 'RoleBinding', 'team-b', 'group-ml-admins-clusterrole-edit'),
    ).toMatchObject({
      roleRef: { name: 'edit' },
      subjects: [{ kind: 'Group', name: 'ml-admins' }],
    });
  });
});

describe('Tenant names', () => {
  test('a 63-character name and 300-character subjects make valid objects', () => {
    const { chart, synth } = testChart();
    const name = `t${'e'.repeat(61)}a`;
    const email = `${'m'.repeat(300)}@example.com`;
    new Tenant(chart, 'T', {
      name,
      owner: email,
      members: [{ user: `x${email}`, role: 'edit' }],
      groups: [{ name: 'Data Scientists / Europe', role: 'view' }],
    });
    const objects = synth();
    const dnsLabel = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
    const dnsSubdomain = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
    // RoleBindings are named by subject and role (up to a DNS subdomain), everything else by label
    for (const o of objects) {
      expect(o.metadata.name).toMatch(o.kind === 'RoleBinding' ? dnsSubdomain : dnsLabel);
    }
    const bindings = objectsOfKind(objects, 'RoleBinding').map((o) => o.metadata.name as string);
    expect(bindings).toHaveLength(3);
    expect(bindings[0]).toMatch(/^user-m{200,}[-a-z0-9]*-[0-9a-f]{8}$/);
    expect(bindings[1]).toMatch(/^user-xm{200,}[-a-z0-9]*-[0-9a-f]{8}$/);
    expect(bindings[2]).toBe('group-data-scientists-europe-clusterrole-view');
    expect(new Set(bindings).size).toBe(3);
    expect(findObject(objects, 'Namespace', undefined, name).metadata.labels).toMatchObject({
      'app.kubernetes.io/instance': name,
    });
  });

  test('a name that cannot be a namespace and empty subjects are refused together', () => {
    const { chart } = testChart();
    expect(
      () =>
        new Tenant(chart, 'T', {
          name: 'Team A',
          owner: ' ',
          groups: [{ name: '', role: 'view' }],
        }),
    ).toThrow(
      [
        'Tenant "Team A": ',
        '- `name` is not a namespace name (got "Team A"). Use lower-case letters, digits and hyphens, start and end with a letter or digit, at most 63 characters.',
        '- `owner` is empty (got " "). Name the user or group as the identity provider reports it.',
        '- `groups[0].name` is empty (got ""). Name the user or group as the identity provider reports it.',
      ].join('\n'),
    );
  });
});
