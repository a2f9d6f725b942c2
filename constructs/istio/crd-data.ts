import { ISTIO_VERSION } from './versions';

/**
 * Identity of every Istio custom resource type of the pinned release: group, names, versions
 * (served and storage), printer columns and the few spec fields we model for server-side
 * validation. Everything else in a spec is preserved as is (see crds.ts).
 *
 * Facts from `manifests/charts/base/files/crd-all.gen.yaml` at Istio 1.30.1. Upstream's schemas
 * declare no `default` anywhere; the enums and required fields of what we model are upstream's
 * (test/constructs/istio/crd-constraints.ts compares them path by path).
 */

export type IstioApiGroup =
  'extensions.istio.io' | 'networking.istio.io' | 'security.istio.io' | 'telemetry.istio.io';

/** A spec field we model; its siblings and children stay preserved. */
export type SpecField =
  | { readonly type: 'string'; readonly enum?: readonly string[] }
  | { readonly type: 'string-array' }
  | { readonly type: 'object'; readonly fields?: Readonly<Record<string, SpecField>> };

export interface CrdVersionData {
  readonly name: string;
  readonly served: boolean;
  readonly storage: boolean;
}

export interface PrinterColumnData {
  readonly name: string;
  readonly jsonPath: string;
  readonly type: 'string' | 'date';
}

export interface IstioCrdData {
  readonly group: IstioApiGroup;
  readonly kind: string;
  readonly plural: string;
  readonly shortNames: readonly string[];
  /** In upstream file order. */
  readonly versions: readonly CrdVersionData[];
  /** The same on every version, in upstream order. */
  readonly printerColumns: readonly PrinterColumnData[];
  /** The top-level schema requires `spec`. */
  readonly specRequired: boolean;
  /** Fields of `spec` that upstream requires. */
  readonly requiredSpecFields: readonly string[];
  /** Spec fields we model (types and enums); the rest of the spec is preserved. */
  readonly specFields: Readonly<Record<string, SpecField>>;
}

/** Every Istio CRD is namespaced and lists itself in these categories. */
export function crdCategories(group: IstioApiGroup): string[] {
  return ['istio-io', group.replace(/\./g, '-')];
}

const AGE: PrinterColumnData = {
  name: 'Age',
  jsonPath: '.metadata.creationTimestamp',
  type: 'date',
};

const only = (name: string): CrdVersionData[] => [{ name, served: true, storage: true }];
/** v1 stored; the older v1alpha3 and v1beta1 are still served. */
const V1_WITH_ALPHA3_BETA1: CrdVersionData[] = [
  { name: 'v1', served: true, storage: true },
  { name: 'v1alpha3', served: true, storage: false },
  { name: 'v1beta1', served: true, storage: false },
];
const V1_WITH_BETA1: CrdVersionData[] = [
  { name: 'v1', served: true, storage: true },
  { name: 'v1beta1', served: true, storage: false },
];

const column = (name: string, jsonPath: string): PrinterColumnData => ({
  name,
  jsonPath,
  type: 'string',
});

const crd = (
  data: Omit<IstioCrdData, 'specRequired' | 'requiredSpecFields' | 'specFields' | 'shortNames'> &
    Partial<
      Pick<IstioCrdData, 'specRequired' | 'requiredSpecFields' | 'specFields' | 'shortNames'>
    >,
): IstioCrdData => ({
  shortNames: [],
  specRequired: false,
  requiredSpecFields: [],
  specFields: {},
  ...data,
});

/** The 15 CRDs of Istio 1.30.1, in upstream order. */
export const ISTIO_CRDS: readonly IstioCrdData[] = [
  crd({
    // New in 1.30: one API for Wasm and Lua extensions, meant to replace WasmPlugin. Its spec
    // requires nothing unconditionally (exactly one of wasm or lua, checked by CEL upstream and
    // by istiod's validating webhook here).
    group: 'extensions.istio.io',
    kind: 'TrafficExtension',
    plural: 'trafficextensions',
    versions: only('v1alpha1'),
    printerColumns: [AGE],
    specRequired: true,
  }),
  crd({
    group: 'extensions.istio.io',
    kind: 'WasmPlugin',
    plural: 'wasmplugins',
    versions: only('v1alpha1'),
    printerColumns: [AGE],
    specRequired: true,
    requiredSpecFields: ['url'],
    specFields: { url: { type: 'string' } },
  }),
  crd({
    group: 'networking.istio.io',
    kind: 'DestinationRule',
    plural: 'destinationrules',
    shortNames: ['dr'],
    versions: V1_WITH_ALPHA3_BETA1,
    printerColumns: [column('Host', '.spec.host'), AGE],
    requiredSpecFields: ['host'],
    specFields: { host: { type: 'string' } },
  }),
  crd({
    group: 'networking.istio.io',
    kind: 'EnvoyFilter',
    plural: 'envoyfilters',
    versions: only('v1alpha3'),
    printerColumns: [],
  }),
  crd({
    group: 'networking.istio.io',
    kind: 'Gateway',
    plural: 'gateways',
    shortNames: ['gw'],
    versions: V1_WITH_ALPHA3_BETA1,
    printerColumns: [],
  }),
  crd({
    group: 'networking.istio.io',
    kind: 'ProxyConfig',
    plural: 'proxyconfigs',
    versions: only('v1beta1'),
    printerColumns: [],
  }),
  crd({
    group: 'networking.istio.io',
    kind: 'ServiceEntry',
    plural: 'serviceentries',
    shortNames: ['se'],
    versions: V1_WITH_ALPHA3_BETA1,
    printerColumns: [
      column('Hosts', '.spec.hosts'),
      column('Location', '.spec.location'),
      column('Resolution', '.spec.resolution'),
      AGE,
    ],
    specRequired: true,
    requiredSpecFields: ['hosts'],
    specFields: { hosts: { type: 'string-array' } },
  }),
  crd({
    group: 'networking.istio.io',
    kind: 'Sidecar',
    plural: 'sidecars',
    versions: V1_WITH_ALPHA3_BETA1,
    printerColumns: [],
  }),
  crd({
    group: 'networking.istio.io',
    kind: 'VirtualService',
    plural: 'virtualservices',
    shortNames: ['vs'],
    versions: V1_WITH_ALPHA3_BETA1,
    printerColumns: [column('Gateways', '.spec.gateways'), column('Hosts', '.spec.hosts'), AGE],
  }),
  crd({
    group: 'networking.istio.io',
    kind: 'WorkloadEntry',
    plural: 'workloadentries',
    shortNames: ['we'],
    versions: V1_WITH_ALPHA3_BETA1,
    // Upstream lists Age before Address here.
    printerColumns: [AGE, column('Address', '.spec.address')],
    specRequired: true,
  }),
  crd({
    group: 'networking.istio.io',
    kind: 'WorkloadGroup',
    plural: 'workloadgroups',
    shortNames: ['wg'],
    versions: V1_WITH_ALPHA3_BETA1,
    printerColumns: [AGE],
    specRequired: true,
    requiredSpecFields: ['template'],
    specFields: { template: { type: 'object' } },
  }),
  crd({
    group: 'security.istio.io',
    kind: 'AuthorizationPolicy',
    plural: 'authorizationpolicies',
    shortNames: ['ap'],
    versions: V1_WITH_BETA1,
    printerColumns: [column('Action', '.spec.action'), AGE],
    specFields: { action: { type: 'string', enum: ['ALLOW', 'DENY', 'AUDIT', 'CUSTOM'] } },
  }),
  crd({
    group: 'security.istio.io',
    kind: 'PeerAuthentication',
    plural: 'peerauthentications',
    shortNames: ['pa'],
    versions: V1_WITH_BETA1,
    printerColumns: [column('Mode', '.spec.mtls.mode'), AGE],
    specFields: {
      mtls: {
        type: 'object',
        fields: { mode: { type: 'string', enum: ['UNSET', 'DISABLE', 'PERMISSIVE', 'STRICT'] } },
      },
    },
  }),
  crd({
    group: 'security.istio.io',
    kind: 'RequestAuthentication',
    plural: 'requestauthentications',
    shortNames: ['ra'],
    versions: V1_WITH_BETA1,
    printerColumns: [],
  }),
  crd({
    group: 'telemetry.istio.io',
    kind: 'Telemetry',
    plural: 'telemetries',
    shortNames: ['telemetry'],
    // v1 is served but v1alpha1 is still the storage version in 1.30.
    versions: [
      { name: 'v1', served: true, storage: false },
      { name: 'v1alpha1', served: true, storage: true },
    ],
    printerColumns: [AGE],
  }),
];

/** Looks up the identity of one Istio kind; throws for a kind this release does not define. */
export function istioCrd(kind: string): IstioCrdData {
  const found = ISTIO_CRDS.find((c) => c.kind === kind);
  if (!found) throw new Error(`Istio ${ISTIO_VERSION} defines no custom resource kind "${kind}".`);
  return found;
}

/** `group/version` of the storage version: what the custom resources we write declare. */
export function istioApiVersion(kind: string): string {
  const data = istioCrd(kind);
  const storage = data.versions.find((v) => v.storage);
  return `${data.group}/${storage?.name ?? data.versions[0].name}`;
}
