/**
 * `profiles.kubeflow.org` as kubeflow/dashboard v2.0.0 declares it, written down from
 * `components/profile-controller/manifests/kustomize/base/crd/kubeflow.org_profiles.yaml` and its
 * `profiles_trivial_conversion_patch.yaml` (the CRD Kubeflow's `applications/dashboard` installs).
 * The construct is checked against this table, not against itself.
 */
export const PROFILE_CRD_FACTS = {
  name: 'profiles.kubeflow.org',
  group: 'kubeflow.org',
  names: { kind: 'Profile', listKind: 'ProfileList', plural: 'profiles', singular: 'profile' },
  scope: 'Cluster',
  conversion: { strategy: 'None' },
  /** name, served, storage, status subresource. */
  versions: [
    ['v1', true, true, true],
    ['v1beta1', true, false, true],
  ],
} as const;

/** `[kind, path, value]`: every default, enum and required list of the schema. */
export type SchemaConstraint = ['default' | 'enum' | 'required', string, unknown];

/**
 * The schema's constraints, identical in v1 and v1beta1. Upstream declares no defaults and no
 * enums; these are all its `required` lists.
 */
export const PROFILE_SCHEMA_CONSTRAINTS: readonly SchemaConstraint[] = [
  ['required', 'spec.owner', ['kind', 'name']],
  [
    'required',
    'spec.resourceQuotaSpec.scopeSelector.matchExpressions[]',
    ['operator', 'scopeName'],
  ],
];

/**
 * Every object node with its fields and their types (`[?]` a list without a list type, `{}` a map
 * (`{}undefined`: its values have no `type`, the int-or-string quantity), `any` a preserved
 * subtree), as upstream's schema has them.
 */
export const PROFILE_SCHEMA_FIELDS: Readonly<Record<string, string>> = {
  '<root>': 'apiVersion:string kind:string metadata:object spec:object status:object',
  spec: 'owner:object plugins:[?]object resourceQuotaSpec:object',
  'spec.owner': 'apiGroup:string kind:string name:string namespace:string',
  'spec.plugins[]': 'apiVersion:string kind:string spec:object',
  'spec.resourceQuotaSpec': 'hard:{}undefined scopeSelector:object scopes:[?]string',
  'spec.resourceQuotaSpec.scopeSelector': 'matchExpressions:[?]object',
  'spec.resourceQuotaSpec.scopeSelector.matchExpressions[]':
    'operator:string scopeName:string values:[?]string',
  status: 'conditions:[?]object',
  'status.conditions[]': 'message:string status:string type:string',
};

/** Nodes with `x-kubernetes-map-type: atomic`. */
export const PROFILE_ATOMIC_MAPS = ['spec.owner', 'spec.resourceQuotaSpec.scopeSelector'];

/** Typed nodes kept whole (`x-kubernetes-preserve-unknown-fields`). */
export const PROFILE_PRESERVED = ['spec.plugins[].spec'];

/** The value schema of `spec.resourceQuotaSpec.hard` (a resource quantity). */
export const QUANTITY_FACT = {
  anyOf: [{ type: 'integer' }, { type: 'string' }],
  pattern:
    '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$',
  'x-kubernetes-int-or-string': true,
};
