/**
 * Upstream facts, written down by hand from the files at their tags:
 * - kubernetes-sigs/jobset v0.11.0: `config/components/**`, `config/default/*`, `main.go`,
 *   `api/config/v1alpha1/defaults.go`, `pkg/config/config.go`, `pkg/util/cert/cert.go`,
 *   `pkg/webhooks/*` (markers), `pkg/controllers/*` (markers), `Dockerfile`;
 * - kubernetes-sigs/jobset v0.10.1: `config/default/kustomization.yaml`,
 *   `config/components/manager/manager.yaml` (the selector before the change);
 * - kubeflow/trainer v2.2.0: `manifests/third-party/jobset/kustomization.yaml` (the v0.11.0
 *   release manifest), `manifests/overlays/kubeflow-platform/patches/jobset-controller-manager-istio.yaml`;
 * - kubeflow/community-distribution (26.03.1): `applications/trainer/upstream/**` (image pin,
 *   namespace), `common/kubeflow-namespace/base/kubeflow-system/*`, README "26.03 -> next release".
 */
import { SchemaFacts } from '../poddefaults/schema-facts';

/** `config/components/crd/bases/jobset.x-k8s.io_jobsets.yaml` with `patches/webhook_in_jobsets.yaml`. */
export const CRD_FACTS = {
  name: 'jobsets.jobset.x-k8s.io',
  group: 'jobset.x-k8s.io',
  names: { kind: 'JobSet', listKind: 'JobSetList', plural: 'jobsets', singular: 'jobset' },
  scope: 'Namespaced',
  version: { name: 'v1alpha2', served: true, storage: true, subresources: { status: {} } },
  printerColumns: [
    {
      description: 'Final state of JobSet',
      jsonPath: '.status.terminalState',
      name: 'TerminalState',
      type: 'string',
    },
    {
      description: 'Number of restarts',
      jsonPath: '.status.restarts',
      name: 'Restarts',
      type: 'string',
    },
    {
      jsonPath: '.status.conditions[?(@.type=="Completed")].status',
      name: 'Completed',
      type: 'string',
    },
    {
      description: 'JobSet suspended',
      jsonPath: '.spec.suspend',
      name: 'Suspended',
      type: 'string',
    },
    {
      description: 'Time this JobSet was created',
      jsonPath: '.metadata.creationTimestamp',
      name: 'Age',
      type: 'date',
    },
  ],
  /** The conversion stanza the release manifest has (service name after `namePrefix`). */
  conversion: {
    strategy: 'Webhook',
    service: 'jobset-webhook-service',
    path: '/convert',
    conversionReviewVersions: ['v1'],
  },
} as const;

/**
 * The schema of `spec` outside `replicatedJobs[].template` (a batch/v1 JobTemplateSpec) and
 * `volumeClaimPolicies[].templates` (core PersistentVolumeClaims), which we keep whole.
 */
export const JOBSET_SCHEMA_FACTS: SchemaFacts = {
  defaults: [
    ['default', 'spec.failurePolicy.restartStrategy', 'Recreate'],
    ['default', 'spec.replicatedJobs[].groupName', 'default'],
    ['default', 'spec.replicatedJobs[].replicas', 1],
    ['default', 'spec.volumeClaimPolicies[].retentionPolicy.whenDeleted', 'Delete'],
  ],
  rules: [
    ['required', 'spec.coordinator', ['replicatedJob']],
    [
      'enum',
      'spec.failurePolicy.restartStrategy',
      ['Recreate', 'BlockingRecreate', 'InPlaceRestart'],
    ],
    ['required', 'spec.failurePolicy.rules[]', ['action', 'name']],
    [
      'enum',
      'spec.failurePolicy.rules[].action',
      ['FailJobSet', 'RestartJobSet', 'RestartJobSetAndIgnoreMaxRestarts'],
    ],
    ['required', 'spec.replicatedJobs[]', ['name', 'template']],
    ['required', 'spec.replicatedJobs[].dependsOn[]', ['name', 'status']],
    ['enum', 'spec.replicatedJobs[].dependsOn[].status', ['Ready', 'Complete']],
    ['required', 'spec.startupPolicy', ['startupPolicyOrder']],
    ['enum', 'spec.startupPolicy.startupPolicyOrder', ['AnyOrder', 'InOrder']],
    ['required', 'spec.successPolicy', ['operator']],
    ['enum', 'spec.successPolicy.operator', ['All', 'Any']],
    ['enum', 'spec.volumeClaimPolicies[].retentionPolicy.whenDeleted', ['Delete', 'Retain']],
  ],
  keptWhole: ['spec.replicatedJobs[].template', 'spec.volumeClaimPolicies[].templates[]'],
  fields: {
    spec: 'coordinator failurePolicy managedBy network replicatedJobs startupPolicy successPolicy suspend ttlSecondsAfterFinished volumeClaimPolicies',
    'spec.coordinator': 'jobIndex podIndex replicatedJob',
    'spec.failurePolicy': 'maxRestarts restartStrategy rules',
    'spec.failurePolicy.rules[]':
      'action name onJobFailureMessagePatterns onJobFailureReasons targetReplicatedJobs',
    'spec.network': 'enableDNSHostnames publishNotReadyAddresses subdomain',
    'spec.replicatedJobs[]': 'dependsOn groupName name replicas template',
    'spec.replicatedJobs[].dependsOn[]': 'name status',
    'spec.startupPolicy': 'startupPolicyOrder',
    'spec.successPolicy': 'operator targetReplicatedJobs',
    'spec.volumeClaimPolicies[]': 'retentionPolicy templates',
    'spec.volumeClaimPolicies[].retentionPolicy': 'whenDeleted',
  },
};

/** Upstream's CEL rules (`x-kubernetes-validations`) by path. */
export const CEL_FACTS: readonly (readonly [string, string])[] = [
  [
    'spec',
    "!(has(self.startupPolicy) && self.startupPolicy.startupPolicyOrder == 'InOrder' && self.replicatedJobs.exists(x, has(x.dependsOn)))",
  ],
  ['spec.failurePolicy', 'self == oldSelf'],
  ['spec.network', 'self == oldSelf'],
  ['spec.replicatedJobs[].dependsOn', 'self == oldSelf'],
  ['spec.startupPolicy', 'self == oldSelf'],
  ['spec.successPolicy', 'self == oldSelf'],
  ['spec.volumeClaimPolicies', 'self == oldSelf'],
  [
    'spec.volumeClaimPolicies[]',
    'self.templates.all(t, !has(t.metadata.namespace) || size(t.metadata.namespace) == 0)',
  ],
];

/** Bounds: `maxItems` and `minimum` by path. */
export const BOUND_FACTS = {
  'spec.replicatedJobs[].dependsOn': { maxItems: 5 },
  'spec.volumeClaimPolicies': { maxItems: 50 },
  'spec.volumeClaimPolicies[].templates': { maxItems: 50 },
  'spec.ttlSecondsAfterFinished': { minimum: 0 },
} as const;

/** The manager Deployment (`config/components/manager/manager.yaml` with `config/default` patches). */
export const MANAGER_FACTS = {
  deployment: 'jobset-controller-manager',
  container: 'manager',
  serviceAccount: 'jobset-controller-manager',
  /** Kubeflow's pin (community-distribution `third-party/jobset/kustomization.yaml`). */
  image: 'registry.k8s.io/jobset/jobset:v0.11.0',
  /** What upstream's release manifest itself names. */
  upstreamImage: 'us-central1-docker.pkg.dev/k8s-staging-images/jobset/jobset:v0.11.0',
  command: ['/manager'],
  args: ['--config=/controller_manager_config.yaml', '--zap-log-level=2'],
  ports: { 'webhook-server': 9443, metrics: 8443 },
  health: 8081,
  liveness: { path: '/healthz', initialDelaySeconds: 15, periodSeconds: 20 },
  readiness: { path: '/readyz', initialDelaySeconds: 5, periodSeconds: 10 },
  resources: { requests: { cpu: '500m', memory: '128Mi' }, limits: { memory: '4Gi' } },
  terminationGracePeriodSeconds: 10,
  /** `USER 65532:65532` (Dockerfile). */
  uid: 65532,
  configMap: 'jobset-manager-config',
  configMountPath: '/controller_manager_config.yaml',
  configKey: 'controller_manager_config.yaml',
  webhookCertDir: '/tmp/k8s-webhook-server/serving-certs',
  metricsCertDir: '/tmp/k8s-metrics-server/serving-certs',
  leaderElectionLease: '6d4f6a47.jobset.x-k8s.io',
} as const;

/** `spec.selector.matchLabels` of the manager Deployment, by release. */
export const SELECTOR_FACTS = {
  'v0.10.1': { 'control-plane': 'controller-manager' },
  'v0.11.0': {
    'app.kubernetes.io/instance': 'jobset',
    'app.kubernetes.io/managed-by': 'kustomize',
    'app.kubernetes.io/name': 'jobset',
    'control-plane': 'controller-manager',
  },
} as const;

/** `config/components/manager/controller_manager_config.yaml` and `api/config/v1alpha1/defaults.go`. */
export const CONFIG_FACTS = {
  apiVersion: 'config.jobset.x-k8s.io/v1alpha1',
  kind: 'Configuration',
  leaderElect: true,
  /** Upstream's release enables the built-in rotator. */
  upstreamInternalCertManagement: true,
  qps: 500,
  burst: 500,
} as const;

/** `config/components/webhook/service.yaml` and `config/default/manager_metrics_service.yaml`. */
export const SERVICE_FACTS = {
  webhook: { name: 'jobset-webhook-service', port: 443, targetPort: 9443 },
  metrics: { name: 'jobset-controller-manager-metrics-service', port: 8443, targetPort: 8443 },
} as const;

/** `config/components/webhook/manifests.yaml` with `patches/*` (names after `namePrefix`). */
export const WEBHOOK_FACTS = {
  mutating: {
    name: 'jobset-mutating-webhook-configuration',
    webhooks: [
      {
        name: 'mjobset.kb.io',
        path: '/mutate-jobset-x-k8s-io-v1alpha2-jobset',
        rule: {
          apiGroups: ['jobset.x-k8s.io'],
          apiVersions: ['v1alpha2'],
          operations: ['CREATE'],
          resources: ['jobsets'],
        },
        objectSelector: undefined,
      },
      {
        name: 'mpod.kb.io',
        path: '/mutate--v1-pod',
        rule: { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] },
        objectSelector: {
          matchExpressions: [{ key: 'jobset.sigs.k8s.io/jobset-name', operator: 'Exists' }],
        },
      },
    ],
  },
  validating: {
    name: 'jobset-validating-webhook-configuration',
    webhooks: [
      {
        name: 'vjobset.kb.io',
        path: '/validate-jobset-x-k8s-io-v1alpha2-jobset',
        rule: {
          apiGroups: ['jobset.x-k8s.io'],
          apiVersions: ['v1alpha2'],
          operations: ['CREATE', 'UPDATE'],
          resources: ['jobsets'],
        },
        objectSelector: undefined,
      },
      {
        name: 'vpod.kb.io',
        path: '/validate--v1-pod',
        rule: { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] },
        objectSelector: {
          matchExpressions: [{ key: 'jobset.sigs.k8s.io/jobset-name', operator: 'Exists' }],
        },
      },
    ],
  },
  failurePolicy: 'Fail',
  sideEffects: 'None',
  admissionReviewVersions: ['v1'],
} as const;

/** `config/components/rbac/role.yaml` (ClusterRole `jobset-manager-role`), every rule. */
export const MANAGER_RULE_FACTS = [
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch', 'update', 'watch'] },
  { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] },
  {
    apiGroups: [''],
    resources: ['persistentvolumeclaims'],
    verbs: ['create', 'get', 'list', 'watch'],
  },
  {
    apiGroups: [''],
    resources: ['pods'],
    verbs: ['delete', 'get', 'list', 'patch', 'update', 'watch'],
  },
  {
    apiGroups: [''],
    resources: ['services'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  },
  {
    apiGroups: ['admissionregistration.k8s.io'],
    resources: ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations'],
    verbs: ['get', 'list', 'update', 'watch'],
  },
  {
    apiGroups: ['batch'],
    resources: ['jobs'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  },
  { apiGroups: ['batch'], resources: ['jobs/status'], verbs: ['get', 'patch', 'update'] },
  {
    apiGroups: ['jobset.x-k8s.io'],
    resources: ['jobsets'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  },
  { apiGroups: ['jobset.x-k8s.io'], resources: ['jobsets/finalizers'], verbs: ['update'] },
  {
    apiGroups: ['jobset.x-k8s.io'],
    resources: ['jobsets/status'],
    verbs: ['get', 'patch', 'update'],
  },
] as const;

/** The rule of `role.yaml` that serves only the built-in certificate rotator (`pkg/util/cert`). */
export const ROTATOR_ONLY_RULE_GROUP = 'admissionregistration.k8s.io';

/** `leader_election_role.yaml` (Role `jobset-leader-election-role`). */
export const LEADER_ELECTION_RULE_FACTS = {
  role: 'jobset-leader-election-role',
  configmaps: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
  leases: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
  events: ['create', 'patch'],
} as const;

/** `manager_secrets_role.yaml`: the rotator's Secret access, new in v0.11.0. */
export const SECRETS_ROLE_FACTS = {
  role: 'jobset-manager-secrets-role',
  verbs: ['get', 'list', 'update', 'watch'],
} as const;

/** `auth_proxy_role.yaml` and `auth_proxy_client_clusterrole.yaml`. */
export const METRICS_RBAC_FACTS = {
  authRole: 'jobset-proxy-role',
  authBinding: 'jobset-proxy-rolebinding',
  readerRole: 'jobset-metrics-reader',
} as const;

/** What Kubeflow changes (trainer v2.2.0 overlay, community-distribution common/). */
export const KUBEFLOW_FACTS = {
  namespace: 'kubeflow-system',
  /** The only istio patch: the sidecar does not capture the webhook port. */
  istioPatchAnnotations: { 'traffic.sidecar.istio.io/excludeInboundPorts': '9443' },
  /** `jobset-webhook` NetworkPolicy: port 9443 from anywhere to these pods. */
  webhookNetworkPolicySelector: {
    'app.kubernetes.io/name': 'jobset',
    'control-plane': 'controller-manager',
  },
  /** The namespace is meshed and restricted (`kubeflow-system/namespace.yaml`). */
  namespaceLabels: {
    'istio-injection': 'enabled',
    'pod-security.kubernetes.io/enforce': 'restricted',
  },
} as const;
