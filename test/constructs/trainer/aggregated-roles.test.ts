import { Chart, Testing } from 'cdk8s';
import { KubeflowTrainerRoles } from '../../../constructs/trainer';
import { Manifest, Objects } from '../../helpers';
import { ROLE_FACTS } from './facts';

const chart = new Chart(Testing.app(), 'Test');
new KubeflowTrainerRoles(chart, 'Roles');
const objects = new Objects(Testing.synth(chart) as Manifest[]);
const rules = (o: Manifest) =>
  (o.rules as Manifest[]).map((r) => [r.apiGroups, r.resources, r.verbs]);

describe('KubeflowTrainerRoles', () => {
  test('admin aggregates the trainer-admin label and joins kubeflow-admin', () => {
    const admin = objects.find('ClusterRole', undefined, 'kubeflow-trainer-admin');
    expect(admin.metadata.labels).toMatchObject(ROLE_FACTS.adminLabels);
    expect(admin.aggregationRule).toEqual({
      clusterRoleSelectors: [{ matchLabels: ROLE_FACTS.adminSelector }],
    });
    expect(admin.rules).toEqual([]);
  });

  test('edit: labels and rules', () => {
    const edit = objects.find('ClusterRole', undefined, 'kubeflow-trainer-edit');
    expect(edit.metadata.labels).toMatchObject(ROLE_FACTS.editLabels);
    expect(rules(edit)).toEqual(ROLE_FACTS.editRules);
  });

  test('view: labels and rules', () => {
    const view = objects.find('ClusterRole', undefined, 'kubeflow-trainer-view');
    expect(view.metadata.labels).toMatchObject(ROLE_FACTS.viewLabels);
    expect(rules(view)).toEqual(ROLE_FACTS.viewRules);
  });

  test('every authenticated user reads ClusterTrainingRuntimes', () => {
    const role = objects.find('ClusterRole', undefined, 'kubeflow-trainer-view-cluster-runtimes');
    expect(rules(role)).toEqual(ROLE_FACTS.clusterRuntimeRules);
    expect(
      Object.keys(role.metadata.labels).filter((k) =>
        k.startsWith('rbac.authorization.kubeflow.org'),
      ),
    ).toEqual([]);
    const binding = objects.find(
      'ClusterRoleBinding',
      undefined,
      'kubeflow-trainer-view-cluster-runtimes',
    );
    expect(binding.roleRef.name).toBe('kubeflow-trainer-view-cluster-runtimes');
    expect(binding.subjects).toEqual([
      { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:authenticated' },
    ]);
  });
});
