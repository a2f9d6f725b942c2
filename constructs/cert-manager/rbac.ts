import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { CERT_MANAGER_API, CERT_MANAGER_NAMES } from './names';
import { CertManagerPart, partLabels } from './private/labels';

const RBAC_GROUP = 'rbac.authorization.k8s.io';
const CORE = '';
const { group: CM, acmeGroup: ACME } = CERT_MANAGER_API;
const NETWORKING = 'networking.k8s.io';
const GATEWAY = 'gateway.networking.k8s.io';
const READ = ['get', 'list', 'watch'];
const WRITE_STATUS = ['update', 'patch'];
const EVENTS = rule([CORE], ['events'], ['create', 'patch']);

function rule(
  apiGroups: string[],
  resources: string[],
  verbs: string[],
  resourceNames?: string[],
): k8s.PolicyRule {
  return { apiGroups, resources, verbs, ...(resourceNames ? { resourceNames } : {}) };
}

/** Who a role is granted to: a ServiceAccount of the install. */
interface Grantee {
  readonly serviceAccount: string;
  readonly namespace: string;
}

/** A ClusterRole and, when granted, its ClusterRoleBinding of the same name (upstream's shape). */
function clusterRole(
  scope: Construct,
  id: string,
  props: {
    name: string;
    part: CertManagerPart;
    rules: k8s.PolicyRule[];
    grantee?: Grantee;
    aggregateTo?: string[];
  },
): k8s.KubeClusterRole {
  const labels = {
    ...partLabels(props.part),
    ...Object.fromEntries(
      (props.aggregateTo ?? []).map((role) => [`${RBAC_GROUP}/aggregate-to-${role}`, 'true']),
    ),
  };
  const role = new k8s.KubeClusterRole(scope, `ClusterRole${id}`, {
    metadata: { name: props.name, labels },
    rules: props.rules,
  });
  if (props.grantee) {
    new k8s.KubeClusterRoleBinding(scope, `ClusterRoleBinding${id}`, {
      metadata: { name: props.name, labels: partLabels(props.part) },
      roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: props.name },
      subjects: [
        {
          kind: 'ServiceAccount',
          name: props.grantee.serviceAccount,
          namespace: props.grantee.namespace,
        },
      ],
    });
  }
  return role;
}

/** A Role and its RoleBinding of the same name, in `namespace`. */
function role(
  scope: Construct,
  id: string,
  props: {
    name: string;
    namespace: string;
    part: CertManagerPart;
    rules: k8s.PolicyRule[];
    grantee: Grantee;
  },
): k8s.KubeRole {
  const metadata = { name: props.name, namespace: props.namespace, labels: partLabels(props.part) };
  const created = new k8s.KubeRole(scope, `Role${id}`, { metadata, rules: props.rules });
  new k8s.KubeRoleBinding(scope, `RoleBinding${id}`, {
    metadata,
    roleRef: { apiGroup: RBAC_GROUP, kind: 'Role', name: props.name },
    subjects: [
      {
        kind: 'ServiceAccount',
        name: props.grantee.serviceAccount,
        namespace: props.grantee.namespace,
      },
    ],
  });
  return created;
}

/** Where the install runs and where its leaders elect. */
export interface CertManagerRbacOptions {
  /** Namespace of the cert-manager ServiceAccounts. */
  readonly namespace: string;
  /** Namespace of the leader-election leases (upstream: `kube-system`). */
  readonly leaderElectionNamespace: string;
}

/** Signer names the controller approves and signs for: every cert-manager.io issuer. */
const CERT_MANAGER_SIGNERS = [`issuers.${CM}/*`, `clusterissuers.${CM}/*`];

/**
 * The controller's grants, as upstream: leader election, a token for its own ServiceAccount,
 * and one ClusterRole per controller loop (issuers, clusterissuers, certificates, orders,
 * challenges, ingress-shim, approval, CertificateSigningRequests).
 * @internal
 */
export function controllerRbac(scope: Construct, opts: CertManagerRbacOptions): void {
  const grantee = { serviceAccount: CERT_MANAGER_NAMES.controller, namespace: opts.namespace };
  const part = 'controller';
  role(scope, 'LeaderElection', {
    name: 'cert-manager:leaderelection',
    namespace: opts.leaderElectionNamespace,
    part,
    grantee,
    rules: [
      rule(
        ['coordination.k8s.io'],
        ['leases'],
        ['get', 'update', 'patch'],
        [CERT_MANAGER_NAMES.controllerLease],
      ),
      rule(['coordination.k8s.io'], ['leases'], ['create']),
    ],
  });
  // Route53 `auth.kubernetes.serviceAccountRef` (IRSA) with the controller's own account.
  role(scope, 'TokenRequest', {
    name: 'cert-manager-tokenrequest',
    namespace: opts.namespace,
    part,
    grantee,
    rules: [rule([CORE], ['serviceaccounts/token'], ['create'], [CERT_MANAGER_NAMES.controller])],
  });

  // The controller reads and writes issuer, certificate and ACME account Secrets in every
  // namespace: that is what a certificate manager does. No policy rule flags it today.
  const secretsReadWrite = ['get', 'list', 'watch', 'create', 'update', 'delete'];
  clusterRole(scope, 'Issuers', {
    name: 'cert-manager-controller-issuers',
    part,
    grantee,
    rules: [
      rule([CM], ['issuers', 'issuers/status'], WRITE_STATUS),
      rule([CM], ['issuers'], READ),
      rule([CORE], ['secrets'], secretsReadWrite),
      EVENTS,
    ],
  });
  clusterRole(scope, 'ClusterIssuers', {
    name: 'cert-manager-controller-clusterissuers',
    part,
    grantee,
    rules: [
      rule([CM], ['clusterissuers', 'clusterissuers/status'], WRITE_STATUS),
      rule([CM], ['clusterissuers'], READ),
      rule([CORE], ['secrets'], secretsReadWrite),
      EVENTS,
    ],
  });
  clusterRole(scope, 'Certificates', {
    name: 'cert-manager-controller-certificates',
    part,
    grantee,
    rules: [
      rule(
        [CM],
        [
          'certificates',
          'certificates/status',
          'certificaterequests',
          'certificaterequests/status',
        ],
        WRITE_STATUS,
      ),
      rule([CM], ['certificates', 'certificaterequests', 'clusterissuers', 'issuers'], READ),
      rule([CM], ['certificates/finalizers', 'certificaterequests/finalizers'], ['update']),
      rule([ACME], ['orders'], ['create', 'delete', 'get', 'list', 'watch']),
      rule([CORE], ['secrets'], [...secretsReadWrite, 'patch']),
      EVENTS,
    ],
  });
  clusterRole(scope, 'Orders', {
    name: 'cert-manager-controller-orders',
    part,
    grantee,
    rules: [
      rule([ACME], ['orders', 'orders/status'], WRITE_STATUS),
      rule([ACME], ['orders', 'challenges'], READ),
      rule([CM], ['clusterissuers', 'issuers'], READ),
      rule([ACME], ['challenges'], ['create', 'delete']),
      rule([ACME], ['orders/finalizers'], ['update']),
      // Since v1.20.1: an Order may carry an owner reference to its issuer (#8655).
      rule([CM], ['clusterissuers/finalizers', 'issuers/finalizers'], ['update']),
      rule([CORE], ['secrets'], READ),
      EVENTS,
    ],
  });
  clusterRole(scope, 'Challenges', {
    name: 'cert-manager-controller-challenges',
    part,
    grantee,
    rules: [
      rule([ACME], ['challenges', 'challenges/status'], WRITE_STATUS),
      rule([ACME], ['challenges'], READ),
      rule([CM], ['issuers', 'clusterissuers'], READ),
      rule([CORE], ['secrets'], READ),
      EVENTS,
      // HTTP-01 solver pods, Services and Ingresses/HTTPRoutes in the Certificate's namespace.
      rule([CORE], ['pods', 'services'], [...READ, 'create', 'delete']),
      rule([NETWORKING], ['ingresses'], [...READ, 'create', 'delete', 'update']),
      rule([GATEWAY], ['httproutes'], [...READ, 'create', 'delete', 'update']),
      rule(['route.openshift.io'], ['routes/custom-host'], ['create']),
      rule([ACME], ['challenges/finalizers'], ['update']),
      // Upstream repeats this grant for DNS-01 credentials; kept so the roles diff cleanly.
      rule([CORE], ['secrets'], READ),
    ],
  });
  clusterRole(scope, 'IngressShim', {
    name: 'cert-manager-controller-ingress-shim',
    part,
    grantee,
    rules: [
      rule([CM], ['certificates', 'certificaterequests'], ['create', 'update', 'delete']),
      rule([CM], ['certificates', 'certificaterequests', 'issuers', 'clusterissuers'], READ),
      rule([NETWORKING], ['ingresses'], READ),
      rule([NETWORKING], ['ingresses/finalizers'], ['update']),
      // ListenerSets since v1.20 (used only with the alpha `ListenerSets` feature gate).
      rule([GATEWAY], ['gateways', 'httproutes', 'listenersets'], READ),
      rule(
        [GATEWAY],
        ['gateways/finalizers', 'httproutes/finalizers', 'listenersets/finalizers'],
        ['update'],
      ),
      EVENTS,
    ],
  });
  clusterRole(scope, 'Approve', {
    name: 'cert-manager-controller-approve:cert-manager-io',
    part: 'cert-manager',
    grantee,
    rules: [rule([CM], ['signers'], ['approve'], CERT_MANAGER_SIGNERS)],
  });
  clusterRole(scope, 'CertificateSigningRequests', {
    name: 'cert-manager-controller-certificatesigningrequests',
    part: 'cert-manager',
    grantee,
    rules: [
      rule(['certificates.k8s.io'], ['certificatesigningrequests'], [...READ, 'update']),
      rule(['certificates.k8s.io'], ['certificatesigningrequests/status'], WRITE_STATUS),
      rule(['certificates.k8s.io'], ['signers'], ['sign'], CERT_MANAGER_SIGNERS),
      rule(['authorization.k8s.io'], ['subjectaccessreviews'], ['create']),
    ],
  });
}

/**
 * cainjector's grants: leader election, and reading Certificates and Secrets to patch the
 * caBundle of webhook configurations, API services and CRDs.
 * @internal
 */
export function cainjectorRbac(scope: Construct, opts: CertManagerRbacOptions): void {
  const grantee = { serviceAccount: CERT_MANAGER_NAMES.cainjector, namespace: opts.namespace };
  const part = 'cainjector';
  const patch = [...READ, 'update', 'patch'];
  role(scope, 'LeaderElection', {
    name: 'cert-manager-cainjector:leaderelection',
    namespace: opts.leaderElectionNamespace,
    part,
    grantee,
    rules: [
      rule(
        ['coordination.k8s.io'],
        ['leases'],
        ['get', 'update', 'patch'],
        [...CERT_MANAGER_NAMES.cainjectorLeases],
      ),
      rule(['coordination.k8s.io'], ['leases'], ['create']),
    ],
  });
  clusterRole(scope, 'Injector', {
    name: 'cert-manager-cainjector',
    part,
    grantee,
    rules: [
      rule([CM], ['certificates'], READ),
      rule([CORE], ['secrets'], READ),
      rule([CORE], ['events'], ['get', 'create', 'update', 'patch']),
      rule(
        ['admissionregistration.k8s.io'],
        ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations'],
        patch,
      ),
      rule(['apiregistration.k8s.io'], ['apiservices'], patch),
      rule(['apiextensions.k8s.io'], ['customresourcedefinitions'], patch),
    ],
  });
}

/**
 * The webhook's grants: its own serving CA Secret, and SubjectAccessReviews to check who may
 * use an issuer.
 * @internal
 */
export function webhookRbac(scope: Construct, opts: CertManagerRbacOptions): void {
  const grantee = { serviceAccount: CERT_MANAGER_NAMES.webhook, namespace: opts.namespace };
  const part = 'webhook';
  role(scope, 'DynamicServing', {
    name: 'cert-manager-webhook:dynamic-serving',
    namespace: opts.namespace,
    part,
    grantee,
    rules: [
      rule([CORE], ['secrets'], [...READ, 'update'], [CERT_MANAGER_NAMES.webhookCaSecret]),
      // create cannot be narrowed by resourceNames; the webhook only creates its CA Secret.
      rule([CORE], ['secrets'], ['create']),
    ],
  });
  clusterRole(scope, 'SubjectAccessReviews', {
    name: 'cert-manager-webhook:subjectaccessreviews',
    part,
    grantee,
    rules: [rule(['authorization.k8s.io'], ['subjectaccessreviews'], ['create'])],
  });
}

/**
 * The aggregated roles: Kubernetes' view, edit, admin and cluster-reader roles gain read (and
 * for edit/admin, write) access to certificates, requests, issuers and ACME objects. Bound to
 * nobody directly.
 * @internal
 */
export function aggregatedRoles(scope: Construct): void {
  const part = 'controller';
  const namespaced = ['certificates', 'certificaterequests', 'issuers'];
  const write = ['create', 'delete', 'deletecollection', 'patch', 'update'];
  clusterRole(scope, 'ClusterView', {
    name: 'cert-manager-cluster-view',
    part,
    aggregateTo: ['cluster-reader'],
    rules: [rule([CM], ['clusterissuers'], READ)],
  });
  clusterRole(scope, 'View', {
    name: 'cert-manager-view',
    part,
    aggregateTo: ['view', 'edit', 'admin', 'cluster-reader'],
    rules: [rule([CM], namespaced, READ), rule([ACME], ['challenges', 'orders'], READ)],
  });
  clusterRole(scope, 'Edit', {
    name: 'cert-manager-edit',
    part,
    aggregateTo: ['edit', 'admin'],
    rules: [
      rule([CM], namespaced, write),
      rule([CM], ['certificates/status'], ['update']),
      rule([ACME], ['challenges', 'orders'], write),
    ],
  });
}
