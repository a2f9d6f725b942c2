/**
 * RBAC facts: `[apiGroups, resources, verbs, resourceNames?]`, one per rule, read from upstream's
 * code at v2.0.0 (the controller's and KFAM's calls) and its kustomize (the dashboard's roles,
 * `common/kubeflow-roles` of community-distribution). The constructs are checked against these.
 */
export type RuleFact = [string[], string[], string[], string[]?];

const TENANT_ROLES = ['kubeflow-admin', 'kubeflow-edit', 'kubeflow-view'];

/** What `profile_controller.go` and its plugins call; reads through the controller-runtime cache. */
export const PROFILE_CONTROLLER_RULE_FACTS: RuleFact[] = [
  [['kubeflow.org'], ['profiles'], ['get', 'list', 'watch', 'update']],
  [['kubeflow.org'], ['profiles/finalizers'], ['update']],
  [[''], ['namespaces'], ['get', 'list', 'watch', 'create', 'update']],
  [[''], ['serviceaccounts'], ['get', 'list', 'watch', 'create', 'update']],
  [['rbac.authorization.k8s.io'], ['rolebindings'], ['get', 'list', 'watch', 'create', 'update']],
  [['rbac.authorization.k8s.io'], ['clusterroles'], ['bind'], TENANT_ROLES],
  [['security.istio.io'], ['authorizationpolicies'], ['get', 'list', 'watch', 'create', 'update']],
  [[''], ['resourcequotas'], ['get', 'list', 'watch', 'create', 'update', 'delete']],
];

/** controller-runtime v0.12.1 locks with a Lease only (its default since v0.12). */
export const LEADER_ELECTION_RULE_FACTS: RuleFact[] = [
  [['coordination.k8s.io'], ['leases'], ['get', 'create', 'update']],
  [[''], ['events'], ['create', 'patch']],
];

/** What `kfam/*.go` calls: Profiles (REST), RoleBindings (informer + writes), AuthorizationPolicies. */
export const KFAM_RULE_FACTS: RuleFact[] = [
  [['kubeflow.org'], ['profiles'], ['get', 'list', 'create', 'delete']],
  [['rbac.authorization.k8s.io'], ['rolebindings'], ['list', 'watch', 'create', 'delete']],
  [['rbac.authorization.k8s.io'], ['clusterroles'], ['bind'], TENANT_ROLES],
  [['security.istio.io'], ['authorizationpolicies'], ['get', 'create', 'delete']],
];

/** `centraldashboard/base/clusterrole.yaml` and `role.yaml` (ConfigMap read narrowed to its name). */
export const DASHBOARD_CLUSTER_RULE_FACTS: RuleFact[] = [
  [[''], ['events', 'namespaces', 'nodes'], ['get', 'list', 'watch']],
];
export const DASHBOARD_ROLE_FACTS: RuleFact[] = [
  [
    ['', 'app.k8s.io'],
    ['applications', 'pods', 'pods/log'],
    ['get', 'list', 'watch'],
  ],
  [[''], ['configmaps'], ['get'], ['dashboard-config']],
];
