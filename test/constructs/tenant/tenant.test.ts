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
    const owner = findObject(objects, 'RoleBinding', 'team-a', 'tenant-owner');
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
    expect(findObject(objects, 'RoleBinding', 'team-b', 'tenant-member-0')).toMatchObject({
      roleRef: { name: 'view' },
      subjects: [{ kind: 'User', name: 'cy@example.com' }],
    });
    expect(findObject(objects, 'RoleBinding', 'team-b', 'tenant-group-0')).toMatchObject({
      roleRef: { name: 'edit' },
      subjects: [{ kind: 'Group', name: 'ml-admins' }],
    });
  });
});
