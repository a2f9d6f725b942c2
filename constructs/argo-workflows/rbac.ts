import { k8s } from 'cdk8s-plus-27';

/**
 * The controller's ClusterRole, rule by rule as upstream's
 * `manifests/cluster-install-no-crds/workflow-controller-rbac/workflow-controller-clusterrole.yaml`
 * at v3.7.3 (`argo-cluster-role`). Cluster-wide, as Kubeflow Pipelines runs it: the controller
 * creates the pods of every workflow in every profile namespace, reads each namespace's
 * `artifact-repositories` ConfigMap and the ServiceAccount a workflow names, and reads one Secret
 * by name (the agent's CA).
 */
export const WORKFLOW_CONTROLLER_RULES: readonly k8s.PolicyRule[] = [
  {
    apiGroups: [''],
    resources: ['pods', 'pods/exec'],
    verbs: ['create', 'get', 'list', 'watch', 'update', 'patch', 'delete'],
  },
  { apiGroups: [''], resources: ['configmaps', 'namespaces'], verbs: ['get', 'watch', 'list'] },
  {
    apiGroups: [''],
    resources: ['persistentvolumeclaims', 'persistentvolumeclaims/finalizers'],
    verbs: ['create', 'update', 'delete', 'get'],
  },
  {
    apiGroups: ['argoproj.io'],
    resources: [
      'workflows',
      'workflows/finalizers',
      'workflowtasksets',
      'workflowtasksets/finalizers',
      'workflowartifactgctasks',
    ],
    verbs: ['get', 'list', 'watch', 'update', 'patch', 'delete', 'create'],
  },
  {
    apiGroups: ['argoproj.io'],
    resources: [
      'workflowtemplates',
      'workflowtemplates/finalizers',
      'clusterworkflowtemplates',
      'clusterworkflowtemplates/finalizers',
    ],
    verbs: ['get', 'list', 'watch'],
  },
  {
    apiGroups: ['argoproj.io'],
    resources: ['workflowtaskresults'],
    verbs: ['list', 'watch', 'deletecollection'],
  },
  { apiGroups: [''], resources: ['serviceaccounts'], verbs: ['get', 'list'] },
  {
    apiGroups: ['argoproj.io'],
    resources: ['cronworkflows', 'cronworkflows/finalizers'],
    verbs: ['get', 'list', 'watch', 'update', 'patch', 'delete'],
  },
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
  {
    apiGroups: ['policy'],
    resources: ['poddisruptionbudgets'],
    verbs: ['create', 'get', 'delete'],
  },
  {
    apiGroups: [''],
    resources: ['secrets'],
    verbs: ['get'],
    resourceNames: ['argo-workflows-agent-ca-certificates'],
  },
];

/**
 * The controller's Role in its own namespace (`workflow-controller-role.yaml`, `argo-role`):
 * the leader-election Lease, and Secrets (the database credentials of persistence, when
 * configured).
 */
export const WORKFLOW_CONTROLLER_NAMESPACE_RULES: readonly k8s.PolicyRule[] = [
  {
    apiGroups: ['coordination.k8s.io'],
    resources: ['leases'],
    verbs: ['create', 'get', 'update'],
  },
  { apiGroups: [''], resources: ['secrets'], verbs: ['get'] },
];

const USER_RESOURCES = [
  'workflows',
  'workflows/finalizers',
  'workfloweventbindings',
  'workfloweventbindings/finalizers',
  'workflowtemplates',
  'workflowtemplates/finalizers',
  'cronworkflows',
  'cronworkflows/finalizers',
  'clusterworkflowtemplates',
  'clusterworkflowtemplates/finalizers',
];
const WRITE = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** One of upstream's roles aggregated into Kubernetes' `view`, `edit` or `admin`. */
export interface ArgoAggregatedRole {
  readonly name: string;
  /** `rbac.authorization.k8s.io/aggregate-to-<this>`. */
  readonly aggregateTo: 'view' | 'edit' | 'admin';
  readonly rules: readonly k8s.PolicyRule[];
}

/**
 * `workflow-aggregate-roles.yaml` at v3.7.3: whoever holds Kubernetes' `view`, `edit` or `admin`
 * in a namespace may read, or write, workflows there. Kubeflow's own roles (`kubeflow-edit`, ...)
 * get their Argo rules from Kubeflow Pipelines, not from these.
 */
export const ARGO_AGGREGATED_ROLES: readonly ArgoAggregatedRole[] = [
  {
    name: 'argo-aggregate-to-view',
    aggregateTo: 'view',
    rules: [
      {
        apiGroups: ['argoproj.io'],
        resources: [...USER_RESOURCES, 'workflowtaskresults', 'workflowtaskresults/finalizers'],
        verbs: ['get', 'list', 'watch'],
      },
    ],
  },
  {
    name: 'argo-aggregate-to-edit',
    aggregateTo: 'edit',
    rules: [
      {
        apiGroups: ['argoproj.io'],
        resources: [...USER_RESOURCES, 'workflowtaskresults', 'workflowtaskresults/finalizers'],
        verbs: WRITE,
      },
    ],
  },
  {
    name: 'argo-aggregate-to-admin',
    aggregateTo: 'admin',
    rules: [
      {
        apiGroups: ['argoproj.io'],
        resources: [
          ...USER_RESOURCES,
          'workflowtasksets',
          'workflowtasksets/finalizers',
          'workflowtaskresults',
          'workflowtaskresults/finalizers',
        ],
        verbs: WRITE,
      },
    ],
  },
];
