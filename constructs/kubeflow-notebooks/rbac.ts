import { k8s } from 'cdk8s-plus-27';

/**
 * The notebook controller's ClusterRole, rule by rule as upstream's `config/rbac/role.yaml` at
 * v1.11.0. It owns the StatefulSet, Service and VirtualService of every notebook, in every
 * namespace, and upstream grants `*` on those kinds; we keep upstream's rules (a narrower set
 * would break the controller on the next upstream change) and suppress the wildcard rule with
 * that reason.
 */
export const NOTEBOOK_CONTROLLER_RULES: readonly k8s.PolicyRule[] = [
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'get', 'list', 'patch', 'watch'] },
  { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: [''], resources: ['services'], verbs: ['*'] },
  { apiGroups: ['apps'], resources: ['statefulsets'], verbs: ['*'] },
  {
    apiGroups: ['kubeflow.org'],
    resources: ['notebooks', 'notebooks/finalizers', 'notebooks/status'],
    verbs: ['*'],
  },
  { apiGroups: ['networking.istio.io'], resources: ['virtualservices'], verbs: ['*'] },
];

/**
 * The Jupyter web app's ClusterRole, rule by rule as upstream's
 * `crud-web-apps/jupyter/manifests/base/cluster-role.yaml` at v1.11.0. The web app acts for the
 * user only after a SubjectAccessReview says the user may; it lists nodes for the GPU vendors.
 */
export const JUPYTER_WEB_APP_RULES: readonly k8s.PolicyRule[] = [
  { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
  {
    apiGroups: ['kubeflow.org'],
    resources: ['notebooks', 'notebooks/finalizers', 'poddefaults'],
    verbs: ['get', 'list', 'create', 'delete', 'patch', 'update'],
  },
  {
    apiGroups: [''],
    resources: ['persistentvolumeclaims'],
    verbs: ['create', 'delete', 'get', 'list'],
  },
  { apiGroups: [''], resources: ['events', 'nodes'], verbs: ['list'] },
  { apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['list', 'get'] },
];

const NOTEBOOKS = ['notebooks', 'notebooks/status'];
const UI = ['notebooks', 'notebooks/finalizers', 'poddefaults'];

/** One of upstream's aggregated user roles. @internal */
export interface UserRole {
  readonly name: string;
  /** The Kubeflow roles it aggregates into (`rbac.authorization.kubeflow.org/aggregate-to-<x>`). */
  readonly aggregateTo: readonly string[];
  /** The roles it aggregates from. @default - none: a plain role */
  readonly aggregateFrom?: string;
  readonly rules: readonly k8s.PolicyRule[];
}

/** Upstream's user roles of the controller (`user_cluster_roles.yaml`) and the web app. */
export const NOTEBOOKS_USER_ROLES: readonly UserRole[] = [
  {
    name: 'kubeflow-notebooks-admin',
    aggregateTo: ['kubeflow-admin'],
    aggregateFrom: 'kubeflow-notebooks-admin',
    rules: [],
  },
  {
    name: 'kubeflow-notebooks-edit',
    aggregateTo: ['kubeflow-edit', 'kubeflow-notebooks-admin'],
    rules: [
      {
        apiGroups: ['kubeflow.org'],
        resources: NOTEBOOKS,
        verbs: ['get', 'list', 'watch', 'create', 'delete', 'deletecollection', 'patch', 'update'],
      },
    ],
  },
  {
    name: 'kubeflow-notebooks-view',
    aggregateTo: ['kubeflow-view'],
    rules: [{ apiGroups: ['kubeflow.org'], resources: NOTEBOOKS, verbs: ['get', 'list', 'watch'] }],
  },
  { name: 'kubeflow-notebook-ui-admin', aggregateTo: ['kubeflow-admin'], rules: [] },
  {
    name: 'kubeflow-notebook-ui-edit',
    aggregateTo: ['kubeflow-edit'],
    rules: [
      { apiGroups: ['kubeflow.org'], resources: UI, verbs: ['get', 'list', 'create', 'delete'] },
    ],
  },
  {
    name: 'kubeflow-notebook-ui-view',
    aggregateTo: ['kubeflow-view'],
    rules: [
      { apiGroups: ['kubeflow.org'], resources: UI, verbs: ['get', 'list'] },
      {
        apiGroups: ['storage.k8s.io'],
        resources: ['storageclasses'],
        verbs: ['get', 'list', 'watch'],
      },
    ],
  },
];
