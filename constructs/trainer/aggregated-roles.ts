import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { TRAINER_LABELS } from './private/labels';

/**
 * Names of the Trainer's Kubeflow roles (`manifests/overlays/kubeflow-platform/
 * kubeflow-trainer-roles.yaml` at v2.2.0, installed by Kubeflow 26.03.1).
 */
export const TRAINER_KUBEFLOW_ROLE_NAMES = {
  admin: 'kubeflow-trainer-admin',
  edit: 'kubeflow-trainer-edit',
  view: 'kubeflow-trainer-view',
  /** Read ClusterTrainingRuntimes, bound to every authenticated user. */
  viewClusterRuntimes: 'kubeflow-trainer-view-cluster-runtimes',
} as const;

/** Kubeflow's aggregation label key: `rbac.authorization.kubeflow.org/aggregate-to-<role>`. */
const aggregationLabel = (role: string): string =>
  `rbac.authorization.kubeflow.org/aggregate-to-${role}`;

const READ = ['get', 'list', 'watch'];

/**
 * Rules of the roles as Kubeflow's overlay declares them. Broader than obvious, and why:
 * - editors read `pods`, `pods/log` and `events` of their namespace: the SDK and the dashboard
 *   follow a TrainJob's pods and logs;
 * - editors may not change TrainingRuntimes (read only) and have no `update`/`deletecollection`
 *   on TrainJobs: upstream's choice (TrainJob specs are mostly immutable; `patch` suspends and
 *   resumes);
 * - every authenticated user reads ClusterTrainingRuntimes (cluster-wide binding): they are
 *   the shared catalogue a TrainJob's `runtimeRef` names, and hold no secrets.
 */
export const TRAINER_KUBEFLOW_ROLE_RULES: Readonly<
  Record<'edit' | 'view' | 'viewClusterRuntimes', readonly k8s.PolicyRule[]>
> = {
  edit: [
    { apiGroups: ['trainer.kubeflow.org'], resources: ['trainingruntimes'], verbs: READ },
    {
      apiGroups: ['trainer.kubeflow.org'],
      resources: ['trainjobs'],
      verbs: ['create', 'patch', 'get', 'list', 'watch', 'delete'],
    },
    { apiGroups: [''], resources: ['pods', 'pods/log', 'events'], verbs: READ },
  ],
  view: [
    {
      apiGroups: ['trainer.kubeflow.org'],
      resources: ['trainingruntimes', 'trainjobs'],
      verbs: READ,
    },
  ],
  viewClusterRuntimes: [
    { apiGroups: ['trainer.kubeflow.org'], resources: ['clustertrainingruntimes'], verbs: READ },
  ],
};

/** No settings: the roles are upstream's facts. */
export type KubeflowTrainerRolesProps = Record<string, never>;

/**
 * The Trainer's Kubeflow roles as Kubeflow 26.03.1 installs them:
 * - `kubeflow-trainer-edit` joins `kubeflow-edit` and `kubeflow-trainer-admin`;
 * - `kubeflow-trainer-view` joins `kubeflow-view` (and carries the label
 *   `aggregate-to-kubeflow-trainer-view`, which no role selects);
 * - `kubeflow-trainer-admin` joins `kubeflow-admin`, has no rules of its own and aggregates
 *   every ClusterRole labelled `aggregate-to-kubeflow-trainer-admin` (the edit role);
 * - `kubeflow-trainer-view-cluster-runtimes` with its ClusterRoleBinding to
 *   `system:authenticated`.
 * The Kubeflow roles themselves come from the dashboard component.
 * @see https://github.com/kubeflow/trainer/blob/v2.2.0/manifests/overlays/kubeflow-platform/kubeflow-trainer-roles.yaml
 */
export class KubeflowTrainerRoles extends Construct {
  public readonly roleNames = TRAINER_KUBEFLOW_ROLE_NAMES;
  public readonly admin: k8s.KubeClusterRole;
  public readonly edit: k8s.KubeClusterRole;
  public readonly view: k8s.KubeClusterRole;
  public readonly viewClusterRuntimes: k8s.KubeClusterRole;

  public constructor(scope: Construct, id: string, _props: KubeflowTrainerRolesProps = {}) {
    super(scope, id);
    const N = TRAINER_KUBEFLOW_ROLE_NAMES;
    const R = TRAINER_KUBEFLOW_ROLE_RULES;
    const base = TRAINER_LABELS.labels('rbac');
    const joins = (...roles: string[]): Record<string, string> => ({
      ...base,
      ...Object.fromEntries(roles.map((r) => [aggregationLabel(r), 'true'])),
    });

    this.admin = new k8s.KubeClusterRole(this, 'Admin', {
      metadata: { name: N.admin, labels: joins('kubeflow-admin') },
      aggregationRule: {
        clusterRoleSelectors: [{ matchLabels: { [aggregationLabel(N.admin)]: 'true' } }],
      },
      rules: [],
    });
    this.edit = new k8s.KubeClusterRole(this, 'Edit', {
      metadata: { name: N.edit, labels: joins('kubeflow-edit', N.admin) },
      rules: R.edit.map(copyRule),
    });
    this.view = new k8s.KubeClusterRole(this, 'View', {
      metadata: { name: N.view, labels: joins('kubeflow-view', N.view) },
      rules: R.view.map(copyRule),
    });
    this.viewClusterRuntimes = new k8s.KubeClusterRole(this, 'ViewClusterRuntimes', {
      metadata: { name: N.viewClusterRuntimes, labels: base },
      rules: R.viewClusterRuntimes.map(copyRule),
    });
    new k8s.KubeClusterRoleBinding(this, 'ViewClusterRuntimesBinding', {
      metadata: { name: N.viewClusterRuntimes, labels: base },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: N.viewClusterRuntimes,
      },
      subjects: [
        { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:authenticated' },
      ],
    });
  }
}

function copyRule(rule: k8s.PolicyRule): k8s.PolicyRule {
  return {
    apiGroups: [...(rule.apiGroups ?? [])],
    resources: [...(rule.resources ?? [])],
    verbs: [...rule.verbs],
  };
}
