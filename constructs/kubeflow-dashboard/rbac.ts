import { k8s } from 'cdk8s-plus-27';
import { KUBEFLOW_DASHBOARD_NAMES, KUBEFLOW_TENANT_ROLES } from './names';

/** One RBAC rule with the reason it is needed, read from the code that uses it. */
export interface ExplainedRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  readonly resourceNames?: readonly string[];
  /** Why: the calls in upstream's code that need exactly these verbs. */
  readonly reason: string;
}

const CORE = '';
const RBAC = 'rbac.authorization.k8s.io';
const ISTIO_SECURITY = 'security.istio.io';
const KUBEFLOW = 'kubeflow.org';
/** What a controller-runtime cached client needs to `Get` a kind: a cluster-wide informer. */
const CACHED_READ = ['get', 'list', 'watch'];

/**
 * The profile controller's ClusterRole, instead of upstream's `cluster-admin` binding, derived
 * from `controllers/profile_controller.go`, `plugin_iam.go` and `plugin_workload_identity.go` at
 * v2.0.0. Its reads go through controller-runtime's cache, so each read kind needs list and watch
 * cluster-wide.
 */
export const PROFILE_CONTROLLER_RULES: readonly ExplainedRule[] = [
  {
    apiGroups: [KUBEFLOW],
    resources: ['profiles'],
    verbs: [...CACHED_READ, 'update'],
    reason:
      'Reconciles Profiles (`For(&Profile{})`); `Update` adds and removes its finalizer, writes default plugins and error conditions. It never creates, patches or deletes a Profile.',
  },
  {
    apiGroups: [KUBEFLOW],
    resources: ['profiles/finalizers'],
    verbs: ['update'],
    reason:
      "The namespace, service accounts, RoleBindings and AuthorizationPolicy carry a controller reference with `blockOwnerDeletion`, which the API server allows only to who may update the owner's finalizers.",
  },
  {
    apiGroups: [CORE],
    resources: ['namespaces'],
    verbs: [...CACHED_READ, 'create', 'update'],
    reason:
      'Creates the profile namespace and updates its labels (`Owns(&Namespace{})`). Deletion is left to the garbage collector through the owner reference.',
  },
  {
    apiGroups: [CORE],
    resources: ['serviceaccounts'],
    verbs: [...CACHED_READ, 'create', 'update'],
    reason:
      'Creates `default-editor` and `default-viewer` in each profile namespace; the AWS IAM and GCP workload identity plugins update their annotations.',
  },
  {
    apiGroups: [RBAC],
    resources: ['rolebindings'],
    verbs: [...CACHED_READ, 'create', 'update'],
    reason:
      'Creates and updates `namespaceAdmin` (owner to kubeflow-admin) and the bindings of `default-editor` and `default-viewer`.',
  },
  {
    apiGroups: [RBAC],
    resources: ['clusterroles'],
    verbs: ['bind'],
    resourceNames: KUBEFLOW_TENANT_ROLES,
    reason:
      'Its RoleBindings refer to kubeflow-admin, -edit and -view, whose permissions it does not hold itself. `escalate` is not granted: it only applies to writing Roles and ClusterRoles, which the controller never does.',
  },
  {
    apiGroups: [ISTIO_SECURITY],
    resources: ['authorizationpolicies'],
    verbs: [...CACHED_READ, 'create', 'update'],
    reason:
      'Creates and updates `ns-owner-access-istio` in each profile namespace (`Owns(&AuthorizationPolicy{})`).',
  },
  {
    apiGroups: [CORE],
    resources: ['resourcequotas'],
    verbs: [...CACHED_READ, 'create', 'update', 'delete'],
    reason:
      'Creates or updates `kf-resource-quota` from `spec.resourceQuotaSpec`, deletes it when the spec no longer has one.',
  },
];

/**
 * The namespaced Role for leader election (`--leader-elect`, lock `kubeflow-profile-controller`).
 * controller-runtime v0.12.1 (the controller's `go.mod`) locks with a Lease by default (since
 * v0.12, kubernetes-sigs/controller-runtime#1773; upstream's Role still lists ConfigMaps from the
 * earlier `configmapsleases` default) and records leadership events.
 */
export const PROFILE_CONTROLLER_LEADER_ELECTION_RULES: readonly ExplainedRule[] = [
  {
    apiGroups: ['coordination.k8s.io'],
    resources: ['leases'],
    verbs: ['get', 'create', 'update'],
    reason: 'The Lease `kubeflow-profile-controller` the replicas elect a leader with.',
  },
  {
    apiGroups: [CORE],
    resources: ['events'],
    verbs: ['create', 'patch'],
    reason: 'The leader election records `LeaderElection` events; the reconciler records none.',
  },
];

/**
 * KFAM's ClusterRole, derived from `components/access-management/kfam/*.go` at v2.0.0 (upstream
 * runs it under the profile controller's cluster-admin account).
 */
export const KFAM_RULES: readonly ExplainedRule[] = [
  {
    apiGroups: [KUBEFLOW],
    resources: ['profiles'],
    verbs: ['get', 'list', 'create', 'delete'],
    reason:
      '`ProfileClient` (v1beta1) answers `GET /kfam/v1/bindings` by listing Profiles, checks ownership with `Get`, and creates and deletes Profiles for `POST`/`DELETE /kfam/v1/profiles`.',
  },
  {
    apiGroups: [RBAC],
    resources: ['rolebindings'],
    verbs: ['list', 'watch', 'create', 'delete'],
    reason:
      "Lists contributors from a RoleBinding informer and creates and deletes a contributor's RoleBinding (`POST`/`DELETE /kfam/v1/bindings`).",
  },
  {
    apiGroups: [RBAC],
    resources: ['clusterroles'],
    verbs: ['bind'],
    resourceNames: KUBEFLOW_TENANT_ROLES,
    reason: "A contributor's RoleBinding refers to kubeflow-admin, -edit or -view.",
  },
  {
    apiGroups: [ISTIO_SECURITY],
    resources: ['authorizationpolicies'],
    verbs: ['get', 'create', 'delete'],
    reason:
      "Creates a contributor's AuthorizationPolicy next to the RoleBinding, reads and deletes it when the contributor is removed.",
  },
];

/** The dashboard's ClusterRole: upstream's `dashboard` ClusterRole, unchanged. */
export const DASHBOARD_CLUSTER_RULES: readonly ExplainedRule[] = [
  {
    apiGroups: [CORE],
    resources: ['events', 'namespaces', 'nodes'],
    verbs: ['get', 'list', 'watch'],
    reason:
      "The home page lists namespace events and the cluster's nodes (platform info); upstream's rule.",
  },
];

/** The dashboard's Role in its own namespace: upstream's, with the ConfigMap read narrowed to its config. */
export const DASHBOARD_NAMESPACE_RULES: readonly ExplainedRule[] = [
  {
    apiGroups: [CORE, 'app.k8s.io'],
    resources: ['applications', 'pods', 'pods/log'],
    verbs: ['get', 'list', 'watch'],
    reason: "Upstream's rule: the dashboard reads its own pods and Applications.",
  },
  {
    apiGroups: [CORE],
    resources: ['configmaps'],
    verbs: ['get'],
    resourceNames: [KUBEFLOW_DASHBOARD_NAMES.dashboardConfig],
    reason: 'Reads `links` and `settings` from `dashboard-config` by name (`DASHBOARD_CONFIGMAP`).',
  },
];

/** The rules as Kubernetes writes them. */
export function policyRules(rules: readonly ExplainedRule[]): k8s.PolicyRule[] {
  return rules.map((r) => ({
    apiGroups: [...r.apiGroups],
    resources: [...r.resources],
    verbs: [...r.verbs],
    ...(r.resourceNames ? { resourceNames: [...r.resourceNames] } : {}),
  }));
}

/** A markdown table of `rules`, for the README (a test keeps the README equal to it). */
export function ruleTable(rules: readonly ExplainedRule[]): string {
  const cell = (values: readonly string[]) => values.map((v) => `\`${v || '""'}\``).join(', ');
  return [
    '| API groups | resources | verbs | names | why |',
    '| --- | --- | --- | --- | --- |',
    ...rules.map(
      (r) =>
        `| ${cell(r.apiGroups)} | ${cell(r.resources)} | ${cell(r.verbs)} | ${r.resourceNames ? cell(r.resourceNames) : 'all'} | ${r.reason} |`,
    ),
  ].join('\n');
}
