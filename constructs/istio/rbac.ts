import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { Suppressions } from '../core/policy';
import { ControlPlaneNames } from './names';

const READ = ['get', 'list', 'watch'];
const ALL_WRITE = ['get', 'watch', 'list', 'update', 'patch', 'create', 'delete'];
const ISTIO_GROUPS = [
  'config.istio.io',
  'security.istio.io',
  'networking.istio.io',
  'authentication.istio.io',
  'rbac.istio.io',
  'telemetry.istio.io',
  'extensions.istio.io',
];

/**
 * istiod's cluster-wide rights, as upstream's `istiod-clusterrole` grants them at Istio 1.30.1
 * with our values (no analysis, no node untaint controller, istiod as the CA, no
 * ClusterTrustBundle API).
 */
function clusterRules(): k8s.PolicyRule[] {
  return [
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
    { apiGroups: ['networking.istio.io'], resources: ['workloadentries'], verbs: ALL_WRITE },
    {
      apiGroups: ['networking.istio.io'],
      resources: ['workloadentries/status', 'serviceentries/status'],
      verbs: ALL_WRITE,
    },
    {
      apiGroups: ['security.istio.io'],
      resources: ['authorizationpolicies/status'],
      verbs: ALL_WRITE,
    },
    { apiGroups: [''], resources: ['services/status'], verbs: ALL_WRITE },
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
      // Istio 1.30 reads ListenerSet as gateway.networking.k8s.io/v1 (Gateway API 1.5), so its
      // status rule moved from xlistenersets here to listenersets below.
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
    { apiGroups: ['inference.networking.k8s.io'], resources: ['inferencepools'], verbs: READ },
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
    { apiGroups: ['multicluster.x-k8s.io'], resources: ['serviceimports'], verbs: READ },
  ];
}

/**
 * istiod's ServiceAccount rights: the ClusterRole and Role upstream grants, bound to its
 * ServiceAccount. The Gateway API deployment controller's ClusterRole is left out (the controller
 * is off, see ISTIOD_FEATURE_FLAGS).
 */
export function addIstiodRbac(
  scope: Construct,
  names: ControlPlaneNames,
  ns: string,
  labels: Record<string, string>,
): void {
  const subjects = [{ kind: 'ServiceAccount', name: names.istiod, namespace: ns }];
  const role = new k8s.KubeClusterRole(scope, 'ClusterRole', {
    metadata: { name: names.clusterRole, labels },
    rules: clusterRules(),
  });
  Suppressions.add(
    role,
    'platform/rbac-wildcards',
    'istiod watches every kind of the Istio and Gateway API groups, including kinds added by ' +
      'later Gateway API CRDs; an informer for a kind it may not list never syncs and istiod ' +
      'never becomes ready. The wildcards are read-only, as upstream grants them, except ' +
      'ingresses/status which istiod owns.',
  );
  new k8s.KubeClusterRoleBinding(scope, 'ClusterRoleBinding', {
    metadata: { name: names.clusterRole, labels },
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: names.clusterRole,
    },
    subjects,
  });
  new k8s.KubeRole(scope, 'Role', {
    metadata: { name: names.istiod, namespace: ns, labels },
    rules: [
      // A dry-run create of an invalid Gateway proves the validation webhook works before
      // istiod switches it to fail closed.
      { apiGroups: ['networking.istio.io'], resources: ['gateways'], verbs: ['create'] },
      // The self-signed CA keeps its key pair in the istio-ca-secret Secret.
      {
        apiGroups: [''],
        resources: ['secrets'],
        verbs: ['create', 'get', 'watch', 'list', 'update', 'delete'],
      },
      { apiGroups: [''], resources: ['configmaps'], verbs: ['delete'] },
      {
        apiGroups: ['coordination.k8s.io'],
        resources: ['leases'],
        verbs: ['get', 'update', 'patch', 'create'],
      },
    ],
  });
  new k8s.KubeRoleBinding(scope, 'RoleBinding', {
    metadata: { name: names.istiod, namespace: ns, labels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: names.istiod },
    subjects,
  });
}
