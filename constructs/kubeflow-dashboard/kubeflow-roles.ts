import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { KUBEFLOW_DASHBOARD_NAMES, kubeflowAggregationLabel } from './names';
import { DASHBOARD_LABELS } from './private/labels';

const { kubeflowAdmin: ADMIN, kubeflowEdit: EDIT, kubeflowView: VIEW } = KUBEFLOW_DASHBOARD_NAMES;
const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];

const rule = (apiGroups: string[], resources: string[], verbs: string[]): k8s.PolicyRule => ({
  apiGroups,
  resources,
  verbs,
});

/**
 * The Kubernetes part of the Kubeflow roles, as Kubeflow's `common/kubeflow-roles` declares them
 * (community-distribution at the 26.03.1 set): admins manage RBAC inside their namespace, editors
 * write workloads, viewers read.
 */
export const KUBEFLOW_KUBERNETES_ROLE_RULES: Readonly<Record<string, readonly k8s.PolicyRule[]>> = {
  'kubeflow-kubernetes-admin': [
    rule(['authorization.k8s.io'], ['localsubjectaccessreviews'], ['create']),
    rule(
      ['rbac.authorization.k8s.io'],
      ['rolebindings', 'roles'],
      ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    ),
  ],
  'kubeflow-kubernetes-edit': [
    rule(
      [''],
      ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets', 'services/proxy'],
      READ,
    ),
    rule([''], ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy'], WRITE),
    rule(
      [''],
      [
        'configmaps',
        'endpoints',
        'persistentvolumeclaims',
        'replicationcontrollers',
        'replicationcontrollers/scale',
        'secrets',
        'serviceaccounts',
        'services',
        'services/proxy',
      ],
      WRITE,
    ),
    rule(
      ['apps'],
      [
        'daemonsets',
        'deployments',
        'deployments/rollback',
        'deployments/scale',
        'replicasets',
        'replicasets/scale',
        'statefulsets',
        'statefulsets/scale',
      ],
      WRITE,
    ),
    rule(['autoscaling'], ['horizontalpodautoscalers'], WRITE),
    rule(['batch'], ['cronjobs', 'jobs'], WRITE),
    rule(
      ['extensions'],
      [
        'daemonsets',
        'deployments',
        'deployments/rollback',
        'deployments/scale',
        'ingresses',
        'networkpolicies',
        'replicasets',
        'replicasets/scale',
        'replicationcontrollers/scale',
      ],
      WRITE,
    ),
    rule(['policy'], ['poddisruptionbudgets'], WRITE),
    rule(['networking.k8s.io'], ['ingresses', 'networkpolicies'], WRITE),
  ],
  'kubeflow-kubernetes-view': [
    rule(
      [''],
      [
        'configmaps',
        'endpoints',
        'persistentvolumeclaims',
        'persistentvolumeclaims/status',
        'pods',
        'replicationcontrollers',
        'replicationcontrollers/scale',
        'serviceaccounts',
        'services',
        'services/status',
      ],
      READ,
    ),
    rule(
      [''],
      [
        'bindings',
        'events',
        'limitranges',
        'namespaces/status',
        'pods/log',
        'pods/status',
        'replicationcontrollers/status',
        'resourcequotas',
        'resourcequotas/status',
      ],
      READ,
    ),
    rule([''], ['namespaces'], READ),
    rule(
      ['apps'],
      [
        'controllerrevisions',
        'daemonsets',
        'daemonsets/status',
        'deployments',
        'deployments/scale',
        'deployments/status',
        'replicasets',
        'replicasets/scale',
        'replicasets/status',
        'statefulsets',
        'statefulsets/scale',
        'statefulsets/status',
      ],
      READ,
    ),
    rule(['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status'], READ),
    rule(['batch'], ['cronjobs', 'cronjobs/status', 'jobs', 'jobs/status'], READ),
    rule(
      ['extensions'],
      [
        'daemonsets',
        'daemonsets/status',
        'deployments',
        'deployments/scale',
        'deployments/status',
        'ingresses',
        'ingresses/status',
        'networkpolicies',
        'replicasets',
        'replicasets/scale',
        'replicasets/status',
        'replicationcontrollers/scale',
      ],
      READ,
    ),
    rule(['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status'], READ),
    rule(['networking.k8s.io'], ['ingresses', 'ingresses/status', 'networkpolicies'], READ),
  ],
};

/** Which aggregated role each Kubernetes role joins. */
const KUBERNETES_ROLE_TARGET: Readonly<Record<string, string>> = {
  'kubeflow-kubernetes-admin': ADMIN,
  'kubeflow-kubernetes-edit': EDIT,
  'kubeflow-kubernetes-view': VIEW,
};

/**
 * The aggregated Kubeflow ClusterRoles tenants are bound to: `kubeflow-admin` collects every
 * ClusterRole labelled `rbac.authorization.kubeflow.org/aggregate-to-kubeflow-admin: "true"`
 * (and likewise edit and view); view joins edit and edit joins admin. Each application adds its
 * rights with these labels (`kubeflowAggregationLabel`), and the Kubernetes part is
 * `kubeflow-kubernetes-{admin,edit,view}`.
 * @see https://github.com/kubeflow/manifests/tree/master/common/kubeflow-roles
 */
export class KubeflowRoles extends Construct {
  public constructor(scope: Construct, id: string) {
    super(scope, id);
    const labels = DASHBOARD_LABELS.labels('kubeflow-roles');
    const aggregated: [string, string | undefined][] = [
      [ADMIN, undefined],
      [EDIT, ADMIN],
      [VIEW, EDIT],
    ];
    for (const [name, joins] of aggregated) {
      new k8s.KubeClusterRole(this, name, {
        metadata: {
          name,
          labels: { ...labels, ...(joins ? { [kubeflowAggregationLabel(joins)]: 'true' } : {}) },
        },
        aggregationRule: {
          clusterRoleSelectors: [{ matchLabels: { [kubeflowAggregationLabel(name)]: 'true' } }],
        },
        rules: [],
      });
    }
    for (const [name, rules] of Object.entries(KUBEFLOW_KUBERNETES_ROLE_RULES)) {
      new k8s.KubeClusterRole(this, name, {
        metadata: {
          name,
          labels: { ...labels, [kubeflowAggregationLabel(KUBERNETES_ROLE_TARGET[name])]: 'true' },
        },
        rules: rules.map((r) => ({ ...r })),
      });
    }
  }
}
