import { Chart, Testing } from 'cdk8s';
import {
  MLFLOW_API_GROUP,
  MLFLOW_RESOURCES,
  MlflowKubeflowRoles,
} from '../../../constructs/mlflow/kubeflow-roles';
import { MlflowServerRbac } from '../../../constructs/mlflow/rbac';
import { Manifest, Objects } from '../../helpers';
import { MLFLOW_FACTS as F } from './facts';

function synth(build: (chart: Chart) => void): Objects {
  const chart = new Chart(Testing.app(), 'Test');
  build(chart);
  return new Objects(Testing.synth(chart) as Manifest[]);
}

describe('MlflowServerRbac', () => {
  test('trusted proxy: namespaces, mlflowconfigs and SubjectAccessReviews; no secrets', () => {
    const objects = synth((c) => {
      new MlflowServerRbac(c, 'Rbac', {
        servers: [
          {
            serviceAccountName: 'mlflow',
            namespace: 'kubeflow',
            authorization: {
              mode: 'trusted-proxy',
              userHeader: 'kubeflow-userid',
              groupsHeader: 'kubeflow-groups',
              groupsSeparator: ',',
            },
          },
        ],
      });
    });
    const role = objects.find('ClusterRole', undefined, 'mlflow');
    expect(role.rules).toEqual(F.serverRules);
    expect(JSON.stringify(role.rules)).not.toContain('secrets');
    const binding = objects.find('ClusterRoleBinding', undefined, 'mlflow');
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'mlflow',
    });
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'mlflow', namespace: 'kubeflow' },
    ]);
  });

  test('token mode only: no SubjectAccessReview rule', () => {
    const objects = synth((c) => {
      new MlflowServerRbac(c, 'Rbac', {
        servers: [
          { serviceAccountName: 'mlflow', namespace: 'mlflow', authorization: { mode: 'token' } },
        ],
      });
    });
    expect(objects.find('ClusterRole', undefined, 'mlflow').rules).toEqual(
      F.serverRules.slice(0, 2),
    );
  });

  test('no server is an error', () => {
    expect(() => synth((c) => new MlflowServerRbac(c, 'Rbac', { servers: [] }))).toThrow(
      'MlflowServerRbac: `servers` is empty (got []). Bind at least one MlflowServer.',
    );
  });
});

describe('MlflowKubeflowRoles', () => {
  const objects = synth((c) => new MlflowKubeflowRoles(c, 'Roles'));
  const label = (r: string) => `rbac.authorization.kubeflow.org/aggregate-to-${r}`;

  test('resources and group as Kubeflow grants them', () => {
    expect(MLFLOW_API_GROUP).toBe('mlflow.kubeflow.org');
    expect([...MLFLOW_RESOURCES]).toEqual(F.roles.resources);
  });

  test('view: get and list; assistants get', () => {
    const view = objects.find('ClusterRole', undefined, 'kubeflow-mlflow-view');
    expect(view.metadata.labels[label('kubeflow-view')]).toBe('true');
    expect(view.rules).toEqual([
      { apiGroups: [MLFLOW_API_GROUP], resources: F.roles.resources, verbs: ['get', 'list'] },
      { apiGroups: [MLFLOW_API_GROUP], resources: ['assistants'], verbs: ['get'] },
    ]);
  });

  test('edit: writes and the /use subresources; joins kubeflow-edit and the admin role', () => {
    const edit = objects.find('ClusterRole', undefined, 'kubeflow-mlflow-edit');
    expect(edit.metadata.labels[label('kubeflow-edit')]).toBe('true');
    expect(edit.metadata.labels[label('kubeflow-mlflow-admin')]).toBe('true');
    expect(edit.rules).toEqual([
      {
        apiGroups: [MLFLOW_API_GROUP],
        resources: F.roles.resources,
        verbs: ['create', 'delete', 'get', 'list', 'update'],
      },
      {
        apiGroups: [MLFLOW_API_GROUP],
        resources: ['assistants'],
        verbs: ['create', 'get', 'update'],
      },
      { apiGroups: [MLFLOW_API_GROUP], resources: F.roles.use, verbs: ['create'] },
    ]);
  });

  test('admin: aggregates the edit role, joins kubeflow-admin', () => {
    const admin = objects.find('ClusterRole', undefined, 'kubeflow-mlflow-admin');
    expect(admin.metadata.labels[label('kubeflow-admin')]).toBe('true');
    expect(admin.aggregationRule).toEqual({
      clusterRoleSelectors: [{ matchLabels: { [label('kubeflow-mlflow-admin')]: 'true' } }],
    });
    expect(admin.rules).toEqual([]);
  });
});
