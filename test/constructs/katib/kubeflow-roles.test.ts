import { Chart, Testing } from 'cdk8s';
import { KatibKubeflowRoles } from '../../../constructs/katib/kubeflow-roles';
import { Manifest, Objects } from '../../helpers';
import { KATIB_APPS_FACTS } from './facts-apps';

const F = KATIB_APPS_FACTS.roles;

function synth(): Objects {
  const chart = new Chart(Testing.app(), 'Test');
  new KatibKubeflowRoles(chart, 'Roles');
  return new Objects(Testing.synth(chart) as Manifest[]);
}

const objects = synth();

describe('KatibKubeflowRoles', () => {
  test('three ClusterRoles, nothing else', () => {
    expect(objects.all.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ClusterRole/kubeflow-katib-admin',
      'ClusterRole/kubeflow-katib-edit',
      'ClusterRole/kubeflow-katib-view',
    ]);
  });

  test('admin joins kubeflow-admin and aggregates the Katib admin label', () => {
    const admin = objects.find('ClusterRole', undefined, F.admin.name);
    expect(admin.metadata.labels).toMatchObject(F.admin.labels);
    expect(admin.aggregationRule).toEqual({
      clusterRoleSelectors: [{ matchLabels: F.admin.selector }],
    });
    expect(admin.rules).toEqual([]);
  });

  test('edit joins kubeflow-edit and the Katib admin, with upstream rules', () => {
    const edit = objects.find('ClusterRole', undefined, F.edit.name);
    expect(edit.metadata.labels).toMatchObject(F.edit.labels);
    expect(edit.metadata.labels).not.toHaveProperty(
      'rbac.authorization.kubeflow.org/aggregate-to-kubeflow-view',
    );
    expect(edit.rules).toEqual(F.edit.rules);
    expect(edit.aggregationRule).toBeUndefined();
  });

  test('view joins kubeflow-view only, read-only rules', () => {
    const view = objects.find('ClusterRole', undefined, F.view.name);
    expect(view.metadata.labels).toMatchObject(F.view.labels);
    expect(view.metadata.labels).not.toHaveProperty(
      'rbac.authorization.kubeflow.org/aggregate-to-kubeflow-katib-admin',
    );
    expect(view.rules).toEqual(F.view.rules);
  });
});
