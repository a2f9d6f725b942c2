import { SchemaFacts } from '../poddefaults/schema-facts';

/**
 * The tensorboard controller as kubeflow/notebooks v1.11.0 installs it (`overlays/kubeflow` of
 * `components/tensorboard-controller/config`), and what its Go source reads and creates, written
 * down by hand from the files named on each entry.
 */
export const TENSORBOARD_CONTROLLER_FACTS = {
  /** `config/base/kustomization.yaml`: `images`. */
  image: 'ghcr.io/kubeflow/notebooks/tensorboard-controller:v1.11.0',
  /** `config/base/kustomization.yaml`: the `tensorboard-controller-config` literals. */
  config: {
    name: 'tensorboard-controller-config',
    data: {
      RWO_PVC_SCHEDULING: 'True',
      TENSORBOARD_IMAGE: 'tensorflow/tensorflow:2.5.1',
      ISTIO_GATEWAY: 'kubeflow/kubeflow-gateway',
      ISTIO_HOST: '*',
    },
  },
  /** `config/default/kustomization.yaml`: `namePrefix: tensorboard-controller-`. */
  names: {
    deployment: 'tensorboard-controller-deployment',
    serviceAccount: 'tensorboard-controller-controller-manager',
    clusterRole: 'tensorboard-controller-manager-role',
    clusterRoleBinding: 'tensorboard-controller-manager-rolebinding',
    leaderElectionRole: 'tensorboard-controller-leader-election-role',
    leaderElectionRoleBinding: 'tensorboard-controller-leader-election-rolebinding',
    metricsService: 'tensorboard-controller-controller-manager-metrics-service',
  },
  /** `config/manager/manager.yaml`. */
  container: {
    name: 'manager',
    command: ['/manager'],
    runAsUser: 999,
    terminationGracePeriodSeconds: 10,
    livenessProbe: { path: '/healthz', port: 8081, initialDelaySeconds: 15, periodSeconds: 20 },
    readinessProbe: { path: '/readyz', port: 8081, initialDelaySeconds: 5, periodSeconds: 10 },
    resources: {
      requests: { cpu: '10m', memory: '64Mi' },
      limits: { cpu: '500m', memory: '128Mi' },
    },
  },
  /**
   * `config/default/manager_auth_proxy_patch.yaml`: the manager's args. Upstream binds the
   * metrics to 127.0.0.1 behind kube-rbac-proxy; the port is the fact we keep.
   */
  args: { healthProbeBindAddress: ':8081', metricsPort: 8080 },
  /** `main.go`: the env the controller reads (`getEnvVariable`, `rwoPVCScheduling`). */
  envRead: ['ISTIO_GATEWAY', 'ISTIO_HOST', 'RWO_PVC_SCHEDULING', 'TENSORBOARD_IMAGE'],
  /** `config/rbac/role.yaml`, rule by rule. */
  clusterRoleRules: [
    {
      apiGroups: [''],
      resources: ['persistentvolumeclaims', 'pods'],
      verbs: ['get', 'list', 'watch'],
    },
    {
      apiGroups: [''],
      resources: ['services'],
      verbs: ['create', 'get', 'list', 'update', 'watch'],
    },
    {
      apiGroups: ['apps'],
      resources: ['deployments'],
      verbs: ['create', 'get', 'list', 'update', 'watch'],
    },
    {
      apiGroups: ['networking.istio.io'],
      resources: ['virtualservices'],
      verbs: ['create', 'get', 'list', 'update', 'watch'],
    },
    {
      apiGroups: ['tensorboard.kubeflow.org'],
      resources: ['tensorboards'],
      verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    },
    {
      apiGroups: ['tensorboard.kubeflow.org'],
      resources: ['tensorboards/finalizers'],
      verbs: ['update'],
    },
    {
      apiGroups: ['tensorboard.kubeflow.org'],
      resources: ['tensorboards/status'],
      verbs: ['get', 'patch', 'update'],
    },
  ],
  /** `config/rbac/leader_election_role.yaml`, rule by rule. */
  leaderElectionRules: [
    {
      apiGroups: [''],
      resources: ['configmaps'],
      verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
    },
    {
      apiGroups: ['coordination.k8s.io'],
      resources: ['leases'],
      verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
    },
    { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
  ],
  /**
   * `controllers/tensorboard_controller.go`: what it creates per Tensorboard `<name>` — the
   * kinds its reconciler writes (each must be writable by the ClusterRole), the server's port
   * and label, the Service port, the VirtualService prefix and timeout.
   */
  creates: [
    { apiGroup: 'apps', resource: 'deployments' },
    { apiGroup: '', resource: 'services' },
    { apiGroup: 'networking.istio.io', resource: 'virtualservices' },
  ],
  reads: [
    { apiGroup: '', resource: 'persistentvolumeclaims' },
    { apiGroup: '', resource: 'pods' },
  ],
  server: {
    port: 6006,
    servicePort: 80,
    podLabel: 'app',
    pathPrefix: '/tensorboard/',
    timeoutSeconds: 300,
  },
} as const;

/**
 * `tensorboards.tensorboard.kubeflow.org` as `config/crd/bases/tensorboard.kubeflow.org_tensorboards.yaml`
 * declares it at v1.11.0 (`config/crd/kustomization.yaml` applies no patch).
 */
export const TENSORBOARD_CRD_FACTS = {
  name: 'tensorboards.tensorboard.kubeflow.org',
  group: 'tensorboard.kubeflow.org',
  names: {
    kind: 'Tensorboard',
    listKind: 'TensorboardList',
    plural: 'tensorboards',
    singular: 'tensorboard',
  },
  scope: 'Namespaced',
  /** No conversion stanza. */
  conversion: undefined,
  versions: [{ name: 'v1alpha1', served: true, storage: true, subresources: { status: {} } }],
  /** Upstream's schema holds 3 required lists, no default and no enum. */
  counts: { required: 3, default: 0, enum: 0 },
} as const;

export const TENSORBOARD_SCHEMA_FACTS: SchemaFacts = {
  defaults: [],
  rules: [
    ['required', 'spec', ['logspath']],
    ['required', 'status', ['conditions', 'readyReplicas']],
    ['required', 'status.conditions[]', ['deploymentState']],
  ],
  keptWhole: [],
  fields: {
    '<root>': 'apiVersion kind metadata spec status',
    spec: 'logspath',
    status: 'conditions readyReplicas',
    'status.conditions[]': 'deploymentState lastProbeTime',
  },
};

/** Upstream's leaf types in the schema: `path: type[/format]`. */
export const TENSORBOARD_SCHEMA_TYPES: Readonly<Record<string, string>> = {
  'spec.logspath': 'string',
  'status.conditions[].deploymentState': 'string',
  'status.conditions[].lastProbeTime': 'string/date-time',
  'status.readyReplicas': 'integer/int32',
};
