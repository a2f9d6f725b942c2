import { Constraint, SchemaFacts } from '../poddefaults/schema-facts';

/**
 * `notebooks.kubeflow.org` as kubeflow/notebooks v1.11.0 installs it: the controller-gen file
 * `components/notebook-controller/config/crd/bases/kubeflow.org_notebooks.yaml` with the
 * kustomize patches of `config/crd` (conversion `None`; containers need a name and an image, and
 * at least one container), written down by hand. Every version has the same schema.
 */
export const NOTEBOOK_CRD_FACTS = {
  name: 'notebooks.kubeflow.org',
  group: 'kubeflow.org',
  names: { kind: 'Notebook', listKind: 'NotebookList', plural: 'notebooks', singular: 'notebook' },
  scope: 'Namespaced',
  conversion: { strategy: 'None' },
  versions: [
    { name: 'v1', served: true, storage: true, subresources: { status: {} } },
    { name: 'v1alpha1', served: true, storage: false, subresources: { status: {} } },
    { name: 'v1beta1', served: true, storage: false, subresources: { status: {} } },
  ],
  /** Per version, upstream's schema holds 150 required lists and 12 defaults, and no enum. */
  counts: { required: 150, default: 12, enum: 0 },
} as const;

const POD = 'spec.template.spec';

const containerDefaults = (list: string): Constraint[] => [
  ['default', `${POD}.${list}[].livenessProbe.grpc.service`, ''],
  ['default', `${POD}.${list}[].ports[].protocol`, 'TCP'],
  ['default', `${POD}.${list}[].readinessProbe.grpc.service`, ''],
  ['default', `${POD}.${list}[].startupProbe.grpc.service`, ''],
];

const containerRules = (list: string, required: string[]): Constraint[] => [
  ['required', `${POD}.${list}[]`, required],
  ['required', `${POD}.${list}[].livenessProbe.grpc`, ['port']],
  ['required', `${POD}.${list}[].ports[]`, ['containerPort']],
  ['required', `${POD}.${list}[].readinessProbe.grpc`, ['port']],
  ['required', `${POD}.${list}[].startupProbe.grpc`, ['port']],
];

export const NOTEBOOK_SCHEMA_FACTS: SchemaFacts = {
  defaults: [
    ...containerDefaults('containers'),
    ...containerDefaults('ephemeralContainers'),
    ...containerDefaults('initContainers'),
  ],
  rules: [
    ['required', POD, ['containers']],
    // The validation patch replaces controller-gen's ['name'].
    ...containerRules('containers', ['image', 'name']),
    ...containerRules('ephemeralContainers', ['name']),
    ...containerRules('initContainers', ['name']),
    ['required', 'status', ['conditions', 'containerState', 'readyReplicas']],
    ['required', 'status.conditions[]', ['status', 'type']],
  ],
  keptWhole: [POD, 'status.containerState'],
  fields: {
    '<root>': 'apiVersion kind metadata spec status',
    spec: 'template',
    'spec.template': 'spec',
    status: 'conditions containerState readyReplicas',
    'status.conditions[]': 'lastProbeTime lastTransitionTime message reason status type',
  },
};
