import { Constraint, SchemaFacts } from '../poddefaults/schema-facts';

/**
 * kubeflow/notebooks v1.11.0, `components/pvcviewer-controller`, as `config/base` builds it
 * (namespace `kubeflow`, name prefix `pvcviewer-`), written down by hand from the files named
 * next to each fact.
 */

/**
 * `config/crd/bases/kubeflow.org_pvcviewers.yaml`. Upstream's `config/crd` also patches in
 * conversion `Webhook` (`patches/webhook_in_pvcviewers.yaml`), which we deliberately leave out.
 */
export const PVC_VIEWER_CRD_FACTS = {
  name: 'pvcviewers.kubeflow.org',
  group: 'kubeflow.org',
  names: {
    kind: 'PVCViewer',
    listKind: 'PVCViewerList',
    plural: 'pvcviewers',
    singular: 'pvcviewer',
  },
  scope: 'Namespaced',
  upstreamConversion: {
    strategy: 'Webhook',
    webhook: {
      clientConfig: {
        service: { namespace: 'kubeflow', name: 'pvcviewer-webhook-service', path: '/convert' },
      },
      conversionReviewVersions: ['v1'],
    },
  },
  versions: [{ name: 'v1alpha1', served: true, storage: true, subresources: { status: {} } }],
  /** Upstream's schema holds 166 required lists and 14 defaults, and no enum. */
  counts: { required: 166, default: 14, enum: 0 },
} as const;

const POD = 'spec.podSpec';
const LISTS = ['containers', 'ephemeralContainers', 'initContainers'] as const;
const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;

export const PVC_VIEWER_SCHEMA_FACTS: SchemaFacts = {
  defaults: [
    ['default', 'spec.rwoScheduling', false],
    ['default', 'status.ready', false],
    ...LISTS.flatMap((list): Constraint[] => [
      ...PROBES.map((p): Constraint => ['default', `${POD}.${list}[].${p}.grpc.service`, '']),
      ['default', `${POD}.${list}[].ports[].protocol`, 'TCP'],
    ]),
  ],
  rules: [
    ['required', 'spec', ['pvc', 'rwoScheduling']],
    ['required', POD, ['containers']],
    ...LISTS.flatMap((list): Constraint[] => [
      ['required', `${POD}.${list}[]`, ['name']],
      ['required', `${POD}.${list}[].ports[]`, ['containerPort']],
      ...PROBES.map((p): Constraint => ['required', `${POD}.${list}[].${p}.grpc`, ['port']]),
    ]),
    ['required', 'status', ['ready']],
    ['required', 'status.conditions[]', ['status', 'type']],
  ],
  keptWhole: [POD],
  fields: {
    '<root>': 'apiVersion kind metadata spec status',
    spec: 'networking podSpec pvc rwoScheduling',
    'spec.networking': 'basePrefix rewrite targetPort timeout',
    status: 'conditions ready url',
    'status.conditions[]': 'lastTransitionTime lastUpdateTime message reason status type',
  },
};

/** `spec.networking.targetPort`: an int-or-string. */
export const TARGET_PORT_FACT = {
  anyOf: [{ type: 'integer' }, { type: 'string' }],
  'x-kubernetes-int-or-string': true,
} as const;

/**
 * `config/webhook/manifests.yaml` (from the `+kubebuilder:webhook` markers of
 * `api/v1alpha1/pvcviewer_webhook.go`), with the Service name prefixed and the namespace set.
 */
const webhookRule = {
  apiGroups: ['kubeflow.org'],
  apiVersions: ['v1alpha1'],
  operations: ['CREATE', 'UPDATE'],
  resources: ['pvcviewers'],
};
export const PVC_VIEWER_WEBHOOK_FACTS = {
  mutating: {
    configuration: 'pvcviewer-mutating-webhook-configuration',
    webhook: {
      name: 'mpvcviewer.kb.io',
      admissionReviewVersions: ['v1'],
      clientConfig: {
        service: {
          name: 'pvcviewer-webhook-service',
          namespace: 'kubeflow',
          path: '/mutate-kubeflow-org-v1alpha1-pvcviewer',
        },
      },
      failurePolicy: 'Fail',
      sideEffects: 'None',
      rules: [webhookRule],
    },
  },
  validating: {
    configuration: 'pvcviewer-validating-webhook-configuration',
    webhook: {
      name: 'vpvcviewer.kb.io',
      admissionReviewVersions: ['v1'],
      clientConfig: {
        service: {
          name: 'pvcviewer-webhook-service',
          namespace: 'kubeflow',
          path: '/validate-kubeflow-org-v1alpha1-pvcviewer',
        },
      },
      failurePolicy: 'Fail',
      sideEffects: 'None',
      rules: [webhookRule],
    },
  },
  /** `config/webhook/service.yaml`: 443 to the manager's 9443 (`webhook.Options{Port: 9443}`). */
  service: { name: 'pvcviewer-webhook-service', port: 443, targetPort: 9443 },
  /** `config/default/cainjection_patch.yaml`: both configurations get the CA of this Certificate. */
  injectCaFrom: 'kubeflow/pvcviewer-serving-cert',
  /** `config/certmanager/certificate.yaml` with `dnsnames_patch.yaml`. */
  certificate: {
    name: 'pvcviewer-serving-cert',
    dnsNames: [
      'pvcviewer-webhook-service.kubeflow.svc',
      'pvcviewer-webhook-service.kubeflow.svc.cluster.local',
    ],
    /** Not prefixed by kustomize; we prefix it (the tensorboard controller writes the same). */
    upstreamSecretName: 'webhook-server-cert',
  },
} as const;

/**
 * `config/manager/manager.yaml` with `config/default/manager_auth_proxy_patch.yaml` (the manager's
 * args) and `manager_webhook_patch.yaml` (port and certificate mount); the image from
 * `config/base/kustomization.yaml`.
 */
export const PVC_VIEWER_DEPLOYMENT_FACTS = {
  name: 'pvcviewer-controller-manager',
  serviceAccount: 'pvcviewer-controller-manager',
  image: 'ghcr.io/kubeflow/notebooks/pvcviewer-controller:v1.11.0',
  container: 'manager',
  command: ['/manager'],
  args: [
    '--health-probe-bind-address=:8081',
    '--metrics-bind-address=127.0.0.1:8080',
    '--leader-elect',
  ],
  webhookPort: { name: 'webhook-server', containerPort: 9443, protocol: 'TCP' },
  certMountPath: '/tmp/k8s-webhook-server/serving-certs',
  livenessProbe: {
    httpGet: { path: '/healthz', port: 8081 },
    initialDelaySeconds: 15,
    periodSeconds: 20,
  },
  readinessProbe: {
    httpGet: { path: '/readyz', port: 8081 },
    initialDelaySeconds: 5,
    periodSeconds: 10,
  },
  resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
  terminationGracePeriodSeconds: 10,
  /** Dockerfile: `USER 65532:65532`. */
  uid: 65532,
  /** `controllers/pvcviewer_controller.go`: the one variable it reads, and its default. */
  env: { ISTIO_GATEWAY: 'kubeflow/kubeflow-gateway' },
} as const;

/** `config/rbac/role.yaml`, rule by rule, and the bindings of `role_binding.yaml`. */
export const PVC_VIEWER_RBAC_FACTS = {
  clusterRole: 'pvcviewer-role',
  clusterRoleBinding: 'pvcviewer-manager-rolebinding',
  rules: [
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
      apiGroups: ['kubeflow.org'],
      resources: ['pvcviewers'],
      verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    },
    { apiGroups: ['kubeflow.org'], resources: ['pvcviewers/finalizers'], verbs: ['update'] },
    {
      apiGroups: ['kubeflow.org'],
      resources: ['pvcviewers/status'],
      verbs: ['get', 'patch', 'update'],
    },
    {
      apiGroups: ['networking.istio.io'],
      resources: ['virtualservices'],
      verbs: ['create', 'get', 'list', 'update', 'watch'],
    },
  ],
  /** `leader_election_role.yaml` and its binding. */
  leaderElectionRole: 'pvcviewer-leader-election-role',
  leaderElectionRoleBinding: 'pvcviewer-leader-election-rolebinding',
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
} as const;

/**
 * What the controller puts on each viewer's objects (`controllers/pvcviewer_controller.go`) and
 * the port viewer pods serve on (`FB_PORT` of the defaulting webhook's pod spec in
 * `api/v1alpha1/pvcviewer_webhook.go`).
 */
export const PVC_VIEWER_POD_FACTS = {
  commonLabel: { 'app.kubernetes.io/part-of': 'pvc-viewer' },
  port: 8080,
  servicePort: 80,
} as const;
