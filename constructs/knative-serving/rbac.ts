import { k8s } from 'cdk8s-plus-27';
import { KNATIVE_SERVING_NAMES } from './names';

type Rule = k8s.PolicyRule;

const RW = ['get', 'list', 'create', 'update', 'delete', 'patch', 'watch'];
const READ = ['get', 'list', 'watch'];
const KNATIVE_INTERNAL = [
  'networking.internal.knative.dev',
  'autoscaling.internal.knative.dev',
  'caching.internal.knative.dev',
];
const W = KNATIVE_SERVING_NAMES.webhook;

/**
 * The webhook configurations of the Knative webhooks that run as the `controller`
 * ServiceAccount and keep them up to date: Serving's three (`config/core/webhooks/*.yaml`) and
 * net-istio's two (its `config/500-webhook-configuration.yaml` at knative-v1.22.0, as
 * Kubeflow 26.03.1 vendors it in `upstream/net-istio.yaml`), which upstream's broad rule covers.
 */
export const KNATIVE_WEBHOOK_CONFIGURATIONS = {
  mutating: [W.defaulting, 'webhook.istio.networking.internal.knative.dev'],
  validating: [
    W.validation,
    W.configValidation,
    'config.webhook.istio.networking.internal.knative.dev',
  ],
} as const;

/**
 * `knative-serving-core` (`config/core/200-roles/clusterrole.yaml`), aggregated into
 * `knative-serving-admin` and so held by the `controller` ServiceAccount that the autoscaler,
 * controller and webhook (and net-istio) run as. Kept as upstream where the code needs it
 * cluster-wide, which is most of it:
 * - pods, services, endpoints(lices), deployments, HPAs, secrets, configmaps, serviceaccounts in
 *   every namespace: revisions, their Services and autoscaling live in user namespaces; pods are
 *   created with dry-run to validate a revision's pod spec (`pkg/webhook/podspec_dryrun.go`);
 *   secrets and serviceaccounts are read for image pull credentials (digest resolution) and
 *   written for per-namespace TLS certificates;
 * - `*\/scale` patch on any group: a PodAutoscaler scales whatever its `scaleTargetRef` names;
 * - cert-manager objects: only used when a TLS mode of `config-network` is on.
 *
 * Narrowed (the upstream rule granted create/update/delete/patch on every object):
 * - webhook configurations: read all (the webhook's informers list them), update and patch only
 *   `KNATIVE_WEBHOOK_CONFIGURATIONS` by name; the webhooks only reconcile their rules and
 *   caBundle, they never create or delete them (knative.dev/pkg `webhook/resourcesemantics`,
 *   `webhook/configmaps`).
 * - CustomResourceDefinitions: read only; no code of cmd/ or pkg/ at the tag writes them (the
 *   webhook serves no conversion).
 */
export const KNATIVE_SERVING_CORE_RULES: readonly Rule[] = [
  {
    apiGroups: [''],
    resources: [
      'pods',
      'namespaces',
      'secrets',
      'configmaps',
      'endpoints',
      'services',
      'events',
      'serviceaccounts',
    ],
    verbs: RW,
  },
  { apiGroups: [''], resources: ['endpoints/restricted'], verbs: ['create'] },
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices/restricted'], verbs: ['create'] },
  { apiGroups: [''], resources: ['namespaces/finalizers'], verbs: ['update'] },
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: RW },
  { apiGroups: ['apps'], resources: ['deployments', 'deployments/finalizers'], verbs: RW },
  {
    apiGroups: ['admissionregistration.k8s.io'],
    resources: ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations'],
    verbs: READ,
  },
  {
    apiGroups: ['admissionregistration.k8s.io'],
    resources: ['mutatingwebhookconfigurations'],
    resourceNames: [...KNATIVE_WEBHOOK_CONFIGURATIONS.mutating],
    verbs: ['update', 'patch'],
  },
  {
    apiGroups: ['admissionregistration.k8s.io'],
    resources: ['validatingwebhookconfigurations'],
    resourceNames: [...KNATIVE_WEBHOOK_CONFIGURATIONS.validating],
    verbs: ['update', 'patch'],
  },
  {
    apiGroups: ['apiextensions.k8s.io'],
    resources: ['customresourcedefinitions', 'customresourcedefinitions/status'],
    verbs: READ,
  },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: RW },
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: RW },
  // Upstream grants `*`, `*/status` and `*/finalizers` of its three groups; these are every
  // resource those groups have at 1.22.0 (the CRDs of crds.ts), so the rights are the same.
  ...(
    [
      [
        'serving.knative.dev',
        ['services', 'configurations', 'revisions', 'routes', 'domainmappings'],
      ],
      ['autoscaling.internal.knative.dev', ['podautoscalers', 'metrics']],
      [
        'networking.internal.knative.dev',
        ['certificates', 'clusterdomainclaims', 'ingresses', 'serverlessservices'],
      ],
    ] as const
  ).map(([group, kinds]) => ({
    apiGroups: [group],
    resources: kinds.flatMap((k) => [k, `${k}/status`, `${k}/finalizers`]),
    verbs: ['get', 'list', 'create', 'update', 'delete', 'deletecollection', 'patch', 'watch'],
  })),
  { apiGroups: ['caching.internal.knative.dev'], resources: ['images'], verbs: RW },
  {
    apiGroups: ['cert-manager.io'],
    resources: ['certificates', 'clusterissuers', 'certificaterequests', 'issuers'],
    verbs: RW,
  },
  { apiGroups: ['acme.cert-manager.io'], resources: ['challenges'], verbs: RW },
  {
    apiGroups: ['rbac.authorization.k8s.io'],
    resources: ['clusterroles'],
    resourceNames: ['knative-serving-certmanager'],
    verbs: ['delete'],
  },
  { apiGroups: ['*'], resources: ['*/scale'], verbs: ['patch'] },
];

/** `knative-serving-activator` Role in the system namespace (`config/core/200-roles/activator.yaml`). */
export const ACTIVATOR_NAMESPACE_RULES: readonly Rule[] = [
  { apiGroups: [''], resources: ['configmaps', 'secrets'], verbs: READ },
  {
    apiGroups: [''],
    resources: ['secrets'],
    resourceNames: ['routing-serving-certs', 'knative-serving-certs'],
    verbs: READ,
  },
];

/** `knative-serving-activator-cluster`: the activator follows Services and revisions everywhere. */
export const ACTIVATOR_CLUSTER_RULES: readonly Rule[] = [
  { apiGroups: [''], resources: ['services', 'endpoints'], verbs: READ },
  { apiGroups: ['serving.knative.dev'], resources: ['revisions'], verbs: READ },
];

/** `knative-serving-addressable-resolver` (`200-roles/addressable-resolvers-clusterrole.yaml`). */
export const ADDRESSABLE_RESOLVER_RULES: readonly Rule[] = [
  {
    apiGroups: ['serving.knative.dev'],
    resources: ['routes', 'routes/status', 'services', 'services/status'],
    verbs: READ,
  },
];

/** `knative-serving-podspecable-binding` (`200-roles/podspecable-bindings-clusterrole.yaml`). */
export const PODSPECABLE_BINDING_RULES: readonly Rule[] = [
  {
    apiGroups: ['serving.knative.dev'],
    resources: ['configurations', 'services'],
    verbs: ['list', 'watch', 'patch'],
  },
];

/** One role aggregated into Kubernetes' (and Kubeflow's) admin, edit or view. */
export interface KnativeAggregatedRole {
  readonly name: string;
  readonly aggregateTo: 'admin' | 'edit' | 'view';
  readonly rules: readonly Rule[];
}

/**
 * `knative-serving-namespaced-admin/edit/view` (`200-roles/clusterrole-namespaced.yaml`):
 * users of a namespace manage Knative Services there and read the internal objects. Kubeflow
 * 26.03.1 adds `rbac.authorization.kubeflow.org/aggregate-to-kubeflow-<role>` to them
 * (`common/knative/knative-serving/base/patches/knative-serving-namespaced-*.yaml`).
 */
export const KNATIVE_AGGREGATED_ROLES: readonly KnativeAggregatedRole[] = [
  {
    name: KNATIVE_SERVING_NAMES.clusterRoles.namespacedAdmin,
    aggregateTo: 'admin',
    rules: [
      { apiGroups: ['serving.knative.dev'], resources: ['*'], verbs: ['*'] },
      { apiGroups: KNATIVE_INTERNAL, resources: ['*'], verbs: READ },
    ],
  },
  {
    name: KNATIVE_SERVING_NAMES.clusterRoles.namespacedEdit,
    aggregateTo: 'edit',
    rules: [
      {
        apiGroups: ['serving.knative.dev'],
        resources: ['*'],
        verbs: ['create', 'update', 'patch', 'delete'],
      },
      { apiGroups: KNATIVE_INTERNAL, resources: ['*'], verbs: READ },
    ],
  },
  {
    name: KNATIVE_SERVING_NAMES.clusterRoles.namespacedView,
    aggregateTo: 'view',
    rules: [
      { apiGroups: ['serving.knative.dev', ...KNATIVE_INTERNAL], resources: ['*'], verbs: READ },
    ],
  },
];
