import { KUBEFLOW_KUBERNETES_ROLE_FACTS } from './kubeflow-roles-facts';
import { build } from './helpers';

const objects = build().objects();
const AGG = 'rbac.authorization.kubeflow.org/aggregate-to-';

describe('aggregated Kubeflow ClusterRoles (common/kubeflow-roles)', () => {
  test.each([
    ['kubeflow-admin', 'no other role'],
    ['kubeflow-edit', 'kubeflow-admin'],
    ['kubeflow-view', 'kubeflow-edit'],
  ])('%s aggregates its label and joins %s', (name, joins) => {
    const role = objects.find('ClusterRole', undefined, name);
    expect(role.aggregationRule).toEqual({
      clusterRoleSelectors: [{ matchLabels: { [`${AGG}${name}`]: 'true' } }],
    });
    const aggregation = Object.keys(role.metadata.labels as Record<string, string>).filter((k) =>
      k.startsWith(AGG),
    );
    expect(aggregation).toEqual(name === 'kubeflow-admin' ? [] : [`${AGG}${joins}`]);
  });

  test.each([
    ['kubeflow-kubernetes-admin', 'kubeflow-admin', 2],
    ['kubeflow-kubernetes-edit', 'kubeflow-edit', 9],
    ['kubeflow-kubernetes-view', 'kubeflow-view', 9],
  ])("%s joins %s with upstream's %i rules", (name, target, count) => {
    const role = objects.find('ClusterRole', undefined, name);
    expect(role.metadata.labels[`${AGG}${target}`]).toBe('true');
    expect(role.rules).toHaveLength(count);
    expect(
      (role.rules as { apiGroups: string[]; resources: string[]; verbs: string[] }[]).map(
        (r) => `${r.apiGroups.join(',')} | ${r.resources.join(',')} | ${r.verbs.join(',')}`,
      ),
    ).toEqual(KUBEFLOW_KUBERNETES_ROLE_FACTS[name]);
  });

  test('upstream facts: admins manage RBAC in their namespace, editors exec into pods, viewers only read', () => {
    const rules = (name: string) =>
      objects.find('ClusterRole', undefined, name).rules as {
        resources: string[];
        verbs: string[];
      }[];
    expect(rules('kubeflow-kubernetes-admin')[1]).toEqual({
      apiGroups: ['rbac.authorization.k8s.io'],
      resources: ['rolebindings', 'roles'],
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    });
    expect(rules('kubeflow-kubernetes-edit')[1].resources).toContain('pods/exec');
    for (const r of rules('kubeflow-kubernetes-view'))
      expect(r.verbs).toEqual(['get', 'list', 'watch']);
    expect(rules('kubeflow-kubernetes-view').flatMap((r) => r.resources)).not.toContain('secrets');
  });
});
