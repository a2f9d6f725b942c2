import { k8s } from 'cdk8s-plus-27';

const ALL = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];
const STATUS = ['get', 'patch', 'update'];

/**
 * The manager's ClusterRole: `config/rbac/role.yaml` at v0.18.0 (generated from the
 * `+kubebuilder:rbac` markers), minus one rule. Broader than obvious, and why:
 * - `secrets` and `serviceaccounts` `get` in every namespace: the storage initializer's
 *   credentials come from the predictor's service account and the Secrets it lists
 *   (`pkg/credentials`), in the tenant's namespace. Read only, no list or watch.
 * - `configmaps` create/get/update cluster-wide: the CA bundle reconciler copies the
 *   `caBundleConfigMapName` ConfigMap into each InferenceService namespace, and the TrainedModel
 *   controller writes the multi-model `models.json` ConfigMap there.
 * - `services`, `deployments`, `horizontalpodautoscalers`, `ingresses`, Knative `services`, Istio
 *   `virtualservices`, Gateway API `httproutes`, KEDA `scaledobjects` and OpenTelemetry
 *   collectors in every namespace: these are what the controller creates for each
 *   InferenceService and InferenceGraph, in the tenant's namespace. The KEDA, OpenTelemetry and
 *   Gateway API rules only matter where those CRDs exist (the controller checks at startup).
 * - `events` create..watch: it records events on the resources it reconciles.
 * - `localmodelcaches` read: the InferenceService defaulter lists them only when
 *   `localModel.enabled` is true (off here).
 * Left out: `admissionregistration.k8s.io` mutating/validating webhook configurations with every
 * verb. Nothing in `cmd/manager` or `pkg` reads or writes them at v0.18.0 (only a stale marker on
 * the InferenceService controller); cert-manager's cainjector fills the caBundles.
 */
export const KSERVE_MANAGER_RULES: readonly k8s.PolicyRule[] = [
  { apiGroups: [''], resources: ['configmaps'], verbs: ['create', 'get', 'update'] },
  { apiGroups: [''], resources: ['events', 'services'], verbs: ALL },
  { apiGroups: [''], resources: ['namespaces', 'pods'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: [''], resources: ['secrets', 'serviceaccounts'], verbs: ['get'] },
  { apiGroups: ['apps'], resources: ['deployments'], verbs: ALL },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: ALL },
  { apiGroups: ['gateway.networking.k8s.io'], resources: ['httproutes'], verbs: ALL },
  { apiGroups: ['keda.sh'], resources: ['scaledobjects', 'scaledobjects/finalizers'], verbs: ALL },
  { apiGroups: ['keda.sh'], resources: ['scaledobjects/status'], verbs: STATUS },
  {
    apiGroups: ['networking.istio.io'],
    resources: ['virtualservices', 'virtualservices/finalizers'],
    verbs: ALL,
  },
  { apiGroups: ['networking.istio.io'], resources: ['virtualservices/status'], verbs: STATUS },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: ALL },
  {
    apiGroups: ['opentelemetry.io'],
    resources: ['opentelemetrycollectors', 'opentelemetrycollectors/finalizers'],
    verbs: ALL,
  },
  { apiGroups: ['opentelemetry.io'], resources: ['opentelemetrycollectors/status'], verbs: STATUS },
  {
    apiGroups: ['serving.knative.dev'],
    resources: ['services', 'services/finalizers'],
    verbs: ALL,
  },
  { apiGroups: ['serving.knative.dev'], resources: ['services/status'], verbs: STATUS },
  {
    apiGroups: ['serving.kserve.io'],
    resources: [
      'clusterservingruntimes',
      'clusterservingruntimes/finalizers',
      'clusterstoragecontainers',
      'inferencegraphs',
      'inferencegraphs/finalizers',
      'inferenceservices',
      'inferenceservices/finalizers',
      'servingruntimes',
      'servingruntimes/finalizers',
      'trainedmodels',
    ],
    verbs: ALL,
  },
  {
    apiGroups: ['serving.kserve.io'],
    resources: [
      'clusterservingruntimes/status',
      'inferencegraphs/status',
      'inferenceservices/status',
      'servingruntimes/status',
      'trainedmodels/status',
    ],
    verbs: STATUS,
  },
  {
    apiGroups: ['serving.kserve.io'],
    resources: ['localmodelcaches', 'localmodelnamespacecaches'],
    verbs: ['get', 'list', 'watch'],
  },
];

/**
 * Leader election in the controller's namespace (`config/rbac/leader_election_role.yaml`):
 * controller-runtime uses a Lease; the ConfigMap rules are upstream's for the older lock.
 */
export const KSERVE_LEADER_ELECTION_RULES: readonly k8s.PolicyRule[] = [
  {
    apiGroups: ['coordination.k8s.io'],
    resources: ['leases'],
    verbs: ['create', 'get', 'list', 'update'],
  },
  {
    apiGroups: [''],
    resources: ['configmaps'],
    verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
  },
  { apiGroups: [''], resources: ['configmaps/status'], verbs: ['get', 'update', 'patch'] },
  { apiGroups: [''], resources: ['events'], verbs: ['create'] },
];

/** The metrics proxy authenticates and authorizes scrapers (`config/rbac/auth_proxy_role.yaml`). */
export const KSERVE_PROXY_RULES: readonly k8s.PolicyRule[] = [
  { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
  { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
];
