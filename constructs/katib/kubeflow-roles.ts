import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { KATIB_APPS_LABELS, KATIB_APPS_NAMES } from './private/apps-names';

/**
 * Names of Katib's Kubeflow roles
 * (`manifests/v1beta1/installs/katib-with-kubeflow/kubeflow-katib-roles.yaml` at v0.19.0).
 */
export const KATIB_KUBEFLOW_ROLE_NAMES = KATIB_APPS_NAMES.roles;

/** Kubeflow's aggregation label key: `rbac.authorization.kubeflow.org/aggregate-to-<role>`. */
export const katibAggregationLabel = (role: string): string =>
  `rbac.authorization.kubeflow.org/aggregate-to-${role}`;

/** The Kubeflow roles tenants are bound to, which Katib's roles join. */
const KUBEFLOW_ROLES = {
  admin: 'kubeflow-admin',
  edit: 'kubeflow-edit',
  view: 'kubeflow-view',
} as const;

const KATIB_RESOURCES = ['experiments', 'trials', 'suggestions'];
const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];

/**
 * Rules of `kubeflow-katib-edit` and `kubeflow-katib-view`, upstream's. Broader than obvious, and
 * why: editors may list pods and read their logs, which the Katib UI checks (SubjectAccessReview
 * for `pods/log`) before it shows a trial's logs; `kubeflow-edit` grants as much through other
 * roles anyway. Editors may also change `trials` and `suggestions`, objects the controller owns:
 * upstream's choice, kept so that users can clean up by hand.
 */
export const KATIB_KUBEFLOW_ROLE_RULES: Readonly<
  Record<'edit' | 'view', readonly k8s.PolicyRule[]>
> = {
  edit: [
    { apiGroups: ['kubeflow.org'], resources: KATIB_RESOURCES, verbs: [...READ, ...WRITE] },
    { apiGroups: [''], resources: ['pods'], verbs: ['list'] },
    { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
  ],
  view: [{ apiGroups: ['kubeflow.org'], resources: KATIB_RESOURCES, verbs: READ }],
};

/** No settings: the roles are upstream's facts; a type keeps the usual constructor shape. */
export type KatibKubeflowRolesProps = Record<string, never>;

/**
 * Katib's Kubeflow roles, as `installs/katib-with-kubeflow/kubeflow-katib-roles.yaml` of v0.19.0
 * defines them and Kubeflow 26.03.1 installs them:
 * - `kubeflow-katib-edit` joins `kubeflow-edit` and `kubeflow-katib-admin`: create, change and
 *   delete Experiments, Trials and Suggestions; list pods and read their logs;
 * - `kubeflow-katib-view` joins `kubeflow-view`: read Experiments, Trials and Suggestions;
 * - `kubeflow-katib-admin` joins `kubeflow-admin`, with no rules of its own: it aggregates every
 *   ClusterRole labelled `rbac.authorization.kubeflow.org/aggregate-to-kubeflow-katib-admin`
 *   (the edit role).
 * Tenant members are bound to `kubeflow-admin/edit/view` in their namespace; these rules are what
 * the Katib UI's SubjectAccessReviews find for them. The Kubeflow roles themselves come from the
 * dashboard component.
 * @see https://github.com/kubeflow/katib/blob/v0.19.0/manifests/v1beta1/installs/katib-with-kubeflow/kubeflow-katib-roles.yaml
 */
export class KatibKubeflowRoles extends Construct {
  public readonly roleNames = KATIB_KUBEFLOW_ROLE_NAMES;
  public readonly admin: k8s.KubeClusterRole;
  public readonly edit: k8s.KubeClusterRole;
  public readonly view: k8s.KubeClusterRole;

  public constructor(scope: Construct, id: string, _props: KatibKubeflowRolesProps = {}) {
    super(scope, id);
    const N = KATIB_KUBEFLOW_ROLE_NAMES;
    const base = KATIB_APPS_LABELS.labels('kubeflow-roles');
    const joins = (...roles: string[]): Record<string, string> => ({
      ...base,
      ...Object.fromEntries(roles.map((r) => [katibAggregationLabel(r), 'true'])),
    });

    this.admin = new k8s.KubeClusterRole(this, 'Admin', {
      metadata: { name: N.admin, labels: joins(KUBEFLOW_ROLES.admin) },
      aggregationRule: {
        clusterRoleSelectors: [{ matchLabels: { [katibAggregationLabel(N.admin)]: 'true' } }],
      },
      rules: [],
    });
    this.edit = new k8s.KubeClusterRole(this, 'Edit', {
      metadata: { name: N.edit, labels: joins(KUBEFLOW_ROLES.edit, N.admin) },
      rules: KATIB_KUBEFLOW_ROLE_RULES.edit.map(copyRule),
    });
    this.view = new k8s.KubeClusterRole(this, 'View', {
      metadata: { name: N.view, labels: joins(KUBEFLOW_ROLES.view) },
      rules: KATIB_KUBEFLOW_ROLE_RULES.view.map(copyRule),
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
