/**
 * The rules of upstream's `istiod-clusterrole-<namespace>` at Istio 1.30.1
 * (istio/istio@1.30.1 `manifests/charts/istio-control/istio-discovery/templates/clusterrole.yaml`),
 * rendered for our values: `global.istiod.enableAnalysis` off, `taint.enabled` off,
 * `pilotCertProvider: istiod` and no `ENABLE_CLUSTER_TRUST_BUNDLE_API` (so none of the optional
 * rules), MCS group `multicluster.x-k8s.io`. Written from the template independently of
 * constructs/istio/rbac.ts.
 *
 * 1.29.6 -> 1.30.1: `xlistenersets/status` left the gateway.networking.x-k8s.io rule and
 * `listenersets/status` joined the gateway.networking.k8s.io status rule; nothing else changed.
 */
const ISTIO_GROUPS = [
  'config.istio.io',
  'security.istio.io',
  'networking.istio.io',
  'authentication.istio.io',
  'rbac.istio.io',
  'telemetry.istio.io',
  'extensions.istio.io',
];
const WRITE = ['get', 'watch', 'list', 'update', 'patch', 'create', 'delete'];
const READ = ['get', 'list', 'watch'];

export const ISTIOD_CLUSTER_ROLE_RULES_1_30_1 = [
  {
    apiGroups: ['admissionregistration.k8s.io'],
    resources: ['mutatingwebhookconfigurations'],
    verbs: ['get', 'list', 'watch', 'update', 'patch'],
  },
  {
    apiGroups: ['admissionregistration.k8s.io'],
    resources: ['validatingwebhookconfigurations'],
    verbs: ['get', 'list', 'watch', 'update'],
  },
  { apiGroups: ISTIO_GROUPS, resources: ['*'], verbs: ['get', 'watch', 'list'] },
  { apiGroups: ['networking.istio.io'], resources: ['workloadentries'], verbs: WRITE },
  {
    apiGroups: ['networking.istio.io'],
    resources: ['workloadentries/status', 'serviceentries/status'],
    verbs: WRITE,
  },
  { apiGroups: ['security.istio.io'], resources: ['authorizationpolicies/status'], verbs: WRITE },
  { apiGroups: [''], resources: ['services/status'], verbs: WRITE },
  { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: READ },
  {
    apiGroups: [''],
    resources: ['pods', 'nodes', 'services', 'namespaces', 'endpoints'],
    verbs: READ,
  },
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: READ },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'ingressclasses'], verbs: READ },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses/status'], verbs: ['*'] },
  {
    apiGroups: [''],
    resources: ['configmaps'],
    verbs: ['create', 'get', 'list', 'watch', 'update'],
  },
  { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
  { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
  {
    apiGroups: ['gateway.networking.k8s.io', 'gateway.networking.x-k8s.io'],
    resources: ['*'],
    verbs: ['get', 'watch', 'list'],
  },
  {
    apiGroups: ['gateway.networking.x-k8s.io'],
    resources: ['xbackendtrafficpolicies/status'],
    verbs: ['update', 'patch'],
  },
  {
    apiGroups: ['gateway.networking.k8s.io'],
    resources: [
      'backendtlspolicies/status',
      'gatewayclasses/status',
      'gateways/status',
      'grpcroutes/status',
      'httproutes/status',
      'referencegrants/status',
      'tcproutes/status',
      'tlsroutes/status',
      'udproutes/status',
      'listenersets/status',
    ],
    verbs: ['update', 'patch'],
  },
  {
    apiGroups: ['gateway.networking.k8s.io'],
    resources: ['gatewayclasses'],
    verbs: ['create', 'update', 'patch', 'delete'],
  },
  {
    apiGroups: ['inference.networking.k8s.io'],
    resources: ['inferencepools'],
    verbs: ['get', 'watch', 'list'],
  },
  {
    apiGroups: ['inference.networking.k8s.io'],
    resources: ['inferencepools/status'],
    verbs: ['update', 'patch'],
  },
  { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'watch', 'list'] },
  {
    apiGroups: ['multicluster.x-k8s.io'],
    resources: ['serviceexports'],
    verbs: ['get', 'watch', 'list', 'create', 'delete'],
  },
  {
    apiGroups: ['multicluster.x-k8s.io'],
    resources: ['serviceimports'],
    verbs: ['get', 'watch', 'list'],
  },
];
