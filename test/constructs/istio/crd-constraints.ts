/**
 * Defaults, enums and required lists of the Istio 1.30.1 CRDs
 * (istio/istio@1.30.1 `manifests/charts/base/files/crd-all.gen.yaml`), at the schema paths our
 * CRDs model, per version (versions listed together have identical facts). Generated once from the
 * upstream YAML and cross-checked against the fact sheet's constraint table; independent of
 * constructs/istio/crd-data.ts, so that a slip in either shows up in crd-constraints.test.ts.
 *
 * Paths: `<root>` is the top level, `a.b` a property, `a[]` an array item, `a{*}` a map value.
 * `paths` lists every path our schema models; `apiVersion`, `kind` and `metadata` are not in
 * upstream's schemas and carry nothing there. Upstream declares no `default` anywhere (a search of
 * the whole file finds none), so every `defaults` is empty. Constraints that upstream states only
 * inside a `oneOf` alternative (e.g. TrafficExtension's "wasm or lua") and CEL rules are not
 * listed: neither is an unconditional required field, and istiod's validating webhook checks them.
 */
export interface CrdConstraintFact {
  readonly crd: string;
  readonly versions: readonly string[];
  readonly paths: readonly string[];
  readonly required: Readonly<Record<string, readonly string[]>>;
  readonly enums: Readonly<Record<string, readonly string[]>>;
  readonly defaults: Readonly<Record<string, unknown>>;
}

const STANDARD = ['<root>', 'apiVersion', 'kind', 'metadata', 'spec'];

export const CRD_CONSTRAINT_FACTS: readonly CrdConstraintFact[] = [
  {
    crd: 'trafficextensions.extensions.istio.io',
    versions: ['v1alpha1'],
    paths: [...STANDARD, 'status'],
    required: { '<root>': ['spec'] },
    enums: {},
    defaults: {},
  },
  {
    crd: 'wasmplugins.extensions.istio.io',
    versions: ['v1alpha1'],
    paths: [...STANDARD, 'spec.url', 'status'],
    required: { '<root>': ['spec'], spec: ['url'] },
    enums: {},
    defaults: {},
  },
  {
    crd: 'destinationrules.networking.istio.io',
    versions: ['v1', 'v1alpha3', 'v1beta1'],
    paths: [...STANDARD, 'spec.host', 'status'],
    required: { spec: ['host'] },
    enums: {},
    defaults: {},
  },
  {
    crd: 'envoyfilters.networking.istio.io',
    versions: ['v1alpha3'],
    paths: [...STANDARD, 'status'],
    required: {},
    enums: {},
    defaults: {},
  },
  {
    crd: 'gateways.networking.istio.io',
    versions: ['v1', 'v1alpha3', 'v1beta1'],
    paths: [...STANDARD, 'status'],
    required: {},
    enums: {},
    defaults: {},
  },
  {
    crd: 'proxyconfigs.networking.istio.io',
    versions: ['v1beta1'],
    paths: [...STANDARD, 'status'],
    required: {},
    enums: {},
    defaults: {},
  },
  {
    crd: 'serviceentries.networking.istio.io',
    versions: ['v1', 'v1alpha3', 'v1beta1'],
    paths: [...STANDARD, 'spec.hosts', 'spec.hosts[]', 'status'],
    required: { '<root>': ['spec'], spec: ['hosts'] },
    enums: {},
    defaults: {},
  },
  {
    crd: 'sidecars.networking.istio.io',
    versions: ['v1', 'v1alpha3', 'v1beta1'],
    paths: [...STANDARD, 'status'],
    required: {},
    enums: {},
    defaults: {},
  },
  {
    crd: 'virtualservices.networking.istio.io',
    versions: ['v1', 'v1alpha3', 'v1beta1'],
    paths: [...STANDARD, 'status'],
    required: {},
    enums: {},
    defaults: {},
  },
  {
    crd: 'workloadentries.networking.istio.io',
    versions: ['v1', 'v1alpha3', 'v1beta1'],
    paths: [...STANDARD, 'status'],
    required: { '<root>': ['spec'] },
    enums: {},
    defaults: {},
  },
  {
    crd: 'workloadgroups.networking.istio.io',
    versions: ['v1', 'v1alpha3', 'v1beta1'],
    paths: [...STANDARD, 'spec.template', 'status'],
    required: { '<root>': ['spec'], spec: ['template'] },
    enums: {},
    defaults: {},
  },
  {
    crd: 'authorizationpolicies.security.istio.io',
    versions: ['v1', 'v1beta1'],
    paths: [...STANDARD, 'spec.action', 'status'],
    required: {},
    enums: { 'spec.action': ['ALLOW', 'DENY', 'AUDIT', 'CUSTOM'] },
    defaults: {},
  },
  {
    crd: 'peerauthentications.security.istio.io',
    versions: ['v1', 'v1beta1'],
    paths: [...STANDARD, 'spec.mtls', 'spec.mtls.mode', 'status'],
    required: {},
    enums: { 'spec.mtls.mode': ['UNSET', 'DISABLE', 'PERMISSIVE', 'STRICT'] },
    defaults: {},
  },
  {
    crd: 'requestauthentications.security.istio.io',
    versions: ['v1', 'v1beta1'],
    paths: [...STANDARD, 'status'],
    required: {},
    enums: {},
    defaults: {},
  },
  {
    crd: 'telemetries.telemetry.istio.io',
    versions: ['v1', 'v1alpha1'],
    paths: [...STANDARD, 'status'],
    required: {},
    enums: {},
    defaults: {},
  },
];
