import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { KSERVE_LABELS } from './private/labels';

/**
 * Names of KServe's Kubeflow roles (`config/overlays/kubeflow/cluster-role.yaml` at v0.18.0,
 * installed by Kubeflow 26.03.1 through `install/v0.18.0/kserve_kubeflow.yaml`).
 */
export const KSERVE_KUBEFLOW_ROLE_NAMES = {
  admin: 'kubeflow-kserve-admin',
  edit: 'kubeflow-kserve-edit',
  view: 'kubeflow-kserve-view',
} as const;

/** Kubeflow's aggregation label key: `rbac.authorization.kubeflow.org/aggregate-to-<role>`. */
const aggregationLabel = (role: string): string =>
  `rbac.authorization.kubeflow.org/aggregate-to-${role}`;

/** The Kubeflow roles tenants are bound to, which KServe's roles join. */
const KUBEFLOW_ROLES = {
  admin: 'kubeflow-admin',
  edit: 'kubeflow-edit',
  view: 'kubeflow-view',
} as const;

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];

/** KServe's namespaced kinds a tenant works with. */
const KSERVE_RESOURCES = [
  'inferencegraphs',
  'inferenceservices',
  'servingruntimes',
  'trainedmodels',
  'llminferenceservices',
];

/** The Knative objects behind a Knative-mode InferenceService, with their status. */
const KNATIVE_RESOURCES = [
  'services',
  'services/status',
  'routes',
  'routes/status',
  'configurations',
  'configurations/status',
  'revisions',
  'revisions/status',
];

/**
 * Rules of `kubeflow-kserve-edit` and `kubeflow-kserve-view` as upstream declares them, with one
 * entry left out: upstream's lists also name `lllminferenceserviceconfigs` (three l's), a
 * resource that exists in no API group, so the rule grants nothing through it; we keep the rights
 * identical and leave the misspelling out.
 * Broader than obvious, and why:
 * - `llminferenceservices`: named by upstream for its LLM controller, which this platform does
 *   not install; without that CRD the entry grants nothing, and where a team adds it, tenants get
 *   the rights Kubeflow gives them.
 * - Knative `services`, `routes`, `configurations`, `revisions` and their `status` with write
 *   verbs for editors: a Knative-mode InferenceService is served by a Knative Service in the
 *   tenant's namespace, and upstream gives editors the same rights on it as on the
 *   InferenceService (no more than Knative's own `knative-serving-namespaced-edit` gives where
 *   it is aggregated into `kubeflow-edit`). Viewers get and list them (no `watch`, as upstream).
 */
export const KSERVE_KUBEFLOW_ROLE_RULES: Readonly<
  Record<'edit' | 'view', readonly k8s.PolicyRule[]>
> = {
  edit: [
    { apiGroups: ['serving.kserve.io'], resources: KSERVE_RESOURCES, verbs: [...READ, ...WRITE] },
    {
      apiGroups: ['serving.knative.dev'],
      resources: KNATIVE_RESOURCES,
      verbs: [...READ, ...WRITE],
    },
  ],
  view: [
    { apiGroups: ['serving.kserve.io'], resources: KSERVE_RESOURCES, verbs: READ },
    { apiGroups: ['serving.knative.dev'], resources: KNATIVE_RESOURCES, verbs: ['get', 'list'] },
  ],
};

/**
 * No settings: the roles are upstream's facts. Kept as a type so that the constructor has the
 * library's usual shape and a setting can be added without breaking callers.
 */
export type KServeKubeflowRolesProps = Record<string, never>;

/**
 * KServe's Kubeflow roles, as kserve/kserve v0.18.0 ships them for Kubeflow
 * (`config/overlays/kubeflow/cluster-role.yaml`) and Kubeflow 26.03.1 installs them:
 * - `kubeflow-kserve-edit` joins `kubeflow-edit` and `kubeflow-kserve-admin`: create, change and
 *   delete InferenceServices, InferenceGraphs, ServingRuntimes and TrainedModels;
 * - `kubeflow-kserve-view` joins `kubeflow-view`: read them;
 * - `kubeflow-kserve-admin` joins `kubeflow-admin`; it has no rules of its own and aggregates
 *   every ClusterRole labelled `rbac.authorization.kubeflow.org/aggregate-to-kubeflow-kserve-admin`
 *   (today only the edit role).
 * Tenant members are bound to `kubeflow-admin/edit/view` in their namespace, so these rules are
 * what the models web app's SubjectAccessReviews find for them. The Kubeflow roles themselves
 * (with their `aggregationRule`s) come from the dashboard component.
 * @see https://github.com/kserve/kserve/blob/v0.18.0/config/overlays/kubeflow/cluster-role.yaml
 */
export class KServeKubeflowRoles extends Construct {
  /** Names of the three ClusterRoles. */
  public readonly roleNames = KSERVE_KUBEFLOW_ROLE_NAMES;
  public readonly admin: k8s.KubeClusterRole;
  public readonly edit: k8s.KubeClusterRole;
  public readonly view: k8s.KubeClusterRole;

  public constructor(scope: Construct, id: string, _props: KServeKubeflowRolesProps = {}) {
    super(scope, id);
    const N = KSERVE_KUBEFLOW_ROLE_NAMES;
    const base = KSERVE_LABELS.labels('rbac');
    const joins = (...roles: string[]): Record<string, string> => ({
      ...base,
      ...Object.fromEntries(roles.map((r) => [aggregationLabel(r), 'true'])),
    });

    this.admin = new k8s.KubeClusterRole(this, 'Admin', {
      metadata: { name: N.admin, labels: joins(KUBEFLOW_ROLES.admin) },
      aggregationRule: {
        clusterRoleSelectors: [{ matchLabels: { [aggregationLabel(N.admin)]: 'true' } }],
      },
      rules: [],
    });
    this.edit = new k8s.KubeClusterRole(this, 'Edit', {
      metadata: { name: N.edit, labels: joins(KUBEFLOW_ROLES.edit, N.admin) },
      rules: KSERVE_KUBEFLOW_ROLE_RULES.edit.map(copyRule),
    });
    this.view = new k8s.KubeClusterRole(this, 'View', {
      metadata: { name: N.view, labels: joins(KUBEFLOW_ROLES.view) },
      rules: KSERVE_KUBEFLOW_ROLE_RULES.view.map(copyRule),
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
