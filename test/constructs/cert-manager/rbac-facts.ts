/**
 * cert-manager v1.20.2's RBAC as its static manifest renders it (release and namespace
 * `cert-manager`, leader election in `kube-system`, default values), written down from the
 * chart templates `rbac.yaml`, `cainjector-rbac.yaml` and `webhook-rbac.yaml` at the tag
 * v1.20.2. Every role is bound to the ServiceAccount named here, by a binding of the role's name;
 * the aggregated roles are bound to nobody.
 */
export interface RoleFact {
  readonly kind: 'Role' | 'ClusterRole';
  readonly name: string;
  /** Roles only. */
  readonly namespace?: string;
  /** `undefined`: aggregated, not bound. */
  readonly boundTo?: string;
  /** `rbac.authorization.k8s.io/aggregate-to-*` labels. */
  readonly aggregateTo?: readonly string[];
  /** [apiGroups, resources, verbs, resourceNames?], in upstream's order. */
  readonly rules: readonly (readonly [string[], string[], string[], string[]?])[];
}

const READ = ['get', 'list', 'watch'];
const EVENTS: [string[], string[], string[]] = [[''], ['events'], ['create', 'patch']];
const SECRETS_RW = ['get', 'list', 'watch', 'create', 'update', 'delete'];
const CM = 'cert-manager.io';
const ACME = 'acme.cert-manager.io';
const GATEWAY = 'gateway.networking.k8s.io';
const PATCHABLE = [...READ, 'update', 'patch'];

export const RBAC_FACTS: readonly RoleFact[] = [
  {
    kind: 'Role',
    name: 'cert-manager:leaderelection',
    namespace: 'kube-system',
    boundTo: 'cert-manager',
    rules: [
      [
        ['coordination.k8s.io'],
        ['leases'],
        ['get', 'update', 'patch'],
        ['cert-manager-controller'],
      ],
      [['coordination.k8s.io'], ['leases'], ['create']],
    ],
  },
  {
    kind: 'Role',
    name: 'cert-manager-tokenrequest',
    namespace: 'cert-manager',
    boundTo: 'cert-manager',
    rules: [[[''], ['serviceaccounts/token'], ['create'], ['cert-manager']]],
  },
  {
    kind: 'ClusterRole',
    name: 'cert-manager-controller-issuers',
    boundTo: 'cert-manager',
    rules: [
      [[CM], ['issuers', 'issuers/status'], ['update', 'patch']],
      [[CM], ['issuers'], READ],
      [[''], ['secrets'], SECRETS_RW],
      EVENTS,
    ],
  },
  {
    kind: 'ClusterRole',
    name: 'cert-manager-controller-clusterissuers',
    boundTo: 'cert-manager',
    rules: [
      [[CM], ['clusterissuers', 'clusterissuers/status'], ['update', 'patch']],
      [[CM], ['clusterissuers'], READ],
      [[''], ['secrets'], SECRETS_RW],
      EVENTS,
    ],
  },
  {
    kind: 'ClusterRole',
    name: 'cert-manager-controller-certificates',
    boundTo: 'cert-manager',
    rules: [
      [
        [CM],
        [
          'certificates',
          'certificates/status',
          'certificaterequests',
          'certificaterequests/status',
        ],
        ['update', 'patch'],
      ],
      [[CM], ['certificates', 'certificaterequests', 'clusterissuers', 'issuers'], READ],
      [[CM], ['certificates/finalizers', 'certificaterequests/finalizers'], ['update']],
      [[ACME], ['orders'], ['create', 'delete', 'get', 'list', 'watch']],
      [[''], ['secrets'], [...SECRETS_RW, 'patch']],
      EVENTS,
    ],
  },
  {
    kind: 'ClusterRole',
    name: 'cert-manager-controller-orders',
    boundTo: 'cert-manager',
    rules: [
      [[ACME], ['orders', 'orders/status'], ['update', 'patch']],
      [[ACME], ['orders', 'challenges'], READ],
      [[CM], ['clusterissuers', 'issuers'], READ],
      [[ACME], ['challenges'], ['create', 'delete']],
      [[ACME], ['orders/finalizers'], ['update']],
      // Added in v1.20.1 (#8655).
      [[CM], ['clusterissuers/finalizers', 'issuers/finalizers'], ['update']],
      [[''], ['secrets'], READ],
      EVENTS,
    ],
  },
  {
    kind: 'ClusterRole',
    name: 'cert-manager-controller-challenges',
    boundTo: 'cert-manager',
    rules: [
      [[ACME], ['challenges', 'challenges/status'], ['update', 'patch']],
      [[ACME], ['challenges'], READ],
      [[CM], ['issuers', 'clusterissuers'], READ],
      [[''], ['secrets'], READ],
      EVENTS,
      [[''], ['pods', 'services'], [...READ, 'create', 'delete']],
      [['networking.k8s.io'], ['ingresses'], [...READ, 'create', 'delete', 'update']],
      [[GATEWAY], ['httproutes'], [...READ, 'create', 'delete', 'update']],
      [['route.openshift.io'], ['routes/custom-host'], ['create']],
      [[ACME], ['challenges/finalizers'], ['update']],
      [[''], ['secrets'], READ],
    ],
  },
  {
    kind: 'ClusterRole',
    name: 'cert-manager-controller-ingress-shim',
    boundTo: 'cert-manager',
    rules: [
      [[CM], ['certificates', 'certificaterequests'], ['create', 'update', 'delete']],
      [[CM], ['certificates', 'certificaterequests', 'issuers', 'clusterissuers'], READ],
      [['networking.k8s.io'], ['ingresses'], READ],
      [['networking.k8s.io'], ['ingresses/finalizers'], ['update']],
      // `listenersets` added in v1.20.
      [[GATEWAY], ['gateways', 'httproutes', 'listenersets'], READ],
      [
        [GATEWAY],
        ['gateways/finalizers', 'httproutes/finalizers', 'listenersets/finalizers'],
        ['update'],
      ],
      EVENTS,
    ],
  },
  {
    kind: 'ClusterRole',
    name: 'cert-manager-cluster-view',
    aggregateTo: ['cluster-reader'],
    rules: [[[CM], ['clusterissuers'], READ]],
  },
  {
    kind: 'ClusterRole',
    name: 'cert-manager-view',
    aggregateTo: ['admin', 'cluster-reader', 'edit', 'view'],
    rules: [
      [[CM], ['certificates', 'certificaterequests', 'issuers'], READ],
      [[ACME], ['challenges', 'orders'], READ],
    ],
  },
  {
    kind: 'ClusterRole',
    name: 'cert-manager-edit',
    aggregateTo: ['admin', 'edit'],
    rules: [
      [
        [CM],
        ['certificates', 'certificaterequests', 'issuers'],
        ['create', 'delete', 'deletecollection', 'patch', 'update'],
      ],
      [[CM], ['certificates/status'], ['update']],
      [
        [ACME],
        ['challenges', 'orders'],
        ['create', 'delete', 'deletecollection', 'patch', 'update'],
      ],
    ],
  },
  {
    kind: 'ClusterRole',
    name: 'cert-manager-controller-approve:cert-manager-io',
    boundTo: 'cert-manager',
    rules: [
      [
        [CM],
        ['signers'],
        ['approve'],
        ['issuers.cert-manager.io/*', 'clusterissuers.cert-manager.io/*'],
      ],
    ],
  },
  {
    kind: 'ClusterRole',
    name: 'cert-manager-controller-certificatesigningrequests',
    boundTo: 'cert-manager',
    rules: [
      [['certificates.k8s.io'], ['certificatesigningrequests'], [...READ, 'update']],
      [['certificates.k8s.io'], ['certificatesigningrequests/status'], ['update', 'patch']],
      [
        ['certificates.k8s.io'],
        ['signers'],
        ['sign'],
        ['issuers.cert-manager.io/*', 'clusterissuers.cert-manager.io/*'],
      ],
      [['authorization.k8s.io'], ['subjectaccessreviews'], ['create']],
    ],
  },
  {
    kind: 'ClusterRole',
    name: 'cert-manager-cainjector',
    boundTo: 'cert-manager-cainjector',
    rules: [
      [[CM], ['certificates'], READ],
      [[''], ['secrets'], READ],
      [[''], ['events'], ['get', 'create', 'update', 'patch']],
      [
        ['admissionregistration.k8s.io'],
        ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations'],
        PATCHABLE,
      ],
      [['apiregistration.k8s.io'], ['apiservices'], PATCHABLE],
      [['apiextensions.k8s.io'], ['customresourcedefinitions'], PATCHABLE],
    ],
  },
  {
    kind: 'Role',
    name: 'cert-manager-cainjector:leaderelection',
    namespace: 'kube-system',
    boundTo: 'cert-manager-cainjector',
    rules: [
      [
        ['coordination.k8s.io'],
        ['leases'],
        ['get', 'update', 'patch'],
        ['cert-manager-cainjector-leader-election', 'cert-manager-cainjector-leader-election-core'],
      ],
      [['coordination.k8s.io'], ['leases'], ['create']],
    ],
  },
  {
    kind: 'Role',
    name: 'cert-manager-webhook:dynamic-serving',
    namespace: 'cert-manager',
    boundTo: 'cert-manager-webhook',
    rules: [
      [[''], ['secrets'], [...READ, 'update'], ['cert-manager-webhook-ca']],
      [[''], ['secrets'], ['create']],
    ],
  },
  {
    kind: 'ClusterRole',
    name: 'cert-manager-webhook:subjectaccessreviews',
    boundTo: 'cert-manager-webhook',
    rules: [[['authorization.k8s.io'], ['subjectaccessreviews'], ['create']]],
  },
];
