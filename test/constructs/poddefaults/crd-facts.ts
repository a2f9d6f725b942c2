import { Constraint, SchemaFacts } from './schema-facts';

/**
 * `poddefaults.kubeflow.org` as kubeflow/dashboard v2.0.0 declares it
 * (`components/poddefaults-webhooks/manifests/kustomize/base/crd.yaml`, controller-gen v0.16.4),
 * written down by hand from that file. The construct is checked against this, not against itself.
 */
export const POD_DEFAULT_CRD_FACTS = {
  name: 'poddefaults.kubeflow.org',
  group: 'kubeflow.org',
  names: {
    kind: 'PodDefault',
    listKind: 'PodDefaultList',
    plural: 'poddefaults',
    singular: 'poddefault',
  },
  scope: 'Namespaced',
  versions: [{ name: 'v1alpha1', served: true, storage: true, subresources: { status: {} } }],
  /** Upstream's whole schema holds 105 required lists and 8 defaults, and no enum. */
  counts: { required: 105, default: 8, enum: 0 },
} as const;

const CONTAINER_DEFAULTS = (at: string): Constraint[] => [
  ['default', `${at}.livenessProbe.grpc.service`, ''],
  ['default', `${at}.ports[].protocol`, 'TCP'],
  ['default', `${at}.readinessProbe.grpc.service`, ''],
  ['default', `${at}.startupProbe.grpc.service`, ''],
];

const CONTAINER_RULES = (at: string): Constraint[] => [
  ['required', at, ['name']],
  ['required', `${at}.livenessProbe.grpc`, ['port']],
  ['required', `${at}.ports[]`, ['containerPort']],
  ['required', `${at}.readinessProbe.grpc`, ['port']],
  ['required', `${at}.startupProbe.grpc`, ['port']],
];

export const POD_DEFAULT_SCHEMA_FACTS: SchemaFacts = {
  defaults: [
    ...CONTAINER_DEFAULTS('spec.initContainers[]'),
    ...CONTAINER_DEFAULTS('spec.sidecars[]'),
  ],
  rules: [
    ['required', 'spec', ['selector']],
    ['required', 'spec.env[]', ['name']],
    ...CONTAINER_RULES('spec.initContainers[]'),
    ['required', 'spec.selector.matchExpressions[]', ['key', 'operator']],
    ...CONTAINER_RULES('spec.sidecars[]'),
    ['required', 'spec.volumeMounts[]', ['mountPath', 'name']],
    ['required', 'spec.volumes[]', ['name']],
  ],
  keptWhole: [
    'spec.env[]',
    'spec.envFrom[]',
    'spec.imagePullSecrets[]',
    'spec.initContainers[]',
    'spec.sidecars[]',
    'spec.tolerations[]',
    'spec.volumeMounts[]',
    'spec.volumes[]',
  ],
  fields: {
    '<root>': 'apiVersion kind metadata spec status',
    spec: 'annotations args automountServiceAccountToken command desc env envFrom imagePullSecrets initContainers labels selector serviceAccountName sidecars tolerations volumeMounts volumes',
    'spec.selector': 'matchExpressions matchLabels',
    'spec.selector.matchExpressions[]': 'key operator values',
  },
};
