/**
 * The upstream identity of the Istio 1.30.1 CRDs, written from the fact sheet (crd-all.gen.yaml)
 * independently of constructs/istio/crd-data.ts, so that a slip in either shows up.
 * Versions are `name:served:storage`; printer columns are `Name=jsonPath` in order.
 */
export interface CrdFact {
  readonly name: string;
  readonly kind: string;
  readonly shortNames: string[];
  readonly versions: string[];
  readonly columns: string[];
  readonly topRequired: boolean;
  readonly specRequired: string[];
}

const NET3 = ['v1:true:true', 'v1alpha3:true:false', 'v1beta1:true:false'];
const SEC2 = ['v1:true:true', 'v1beta1:true:false'];
const AGE = 'Age=.metadata.creationTimestamp';

export const CRD_FACTS: CrdFact[] = [
  {
    name: 'trafficextensions.extensions.istio.io',
    kind: 'TrafficExtension',
    shortNames: [],
    versions: ['v1alpha1:true:true'],
    columns: [AGE],
    topRequired: true,
    specRequired: [],
  },
  {
    name: 'wasmplugins.extensions.istio.io',
    kind: 'WasmPlugin',
    shortNames: [],
    versions: ['v1alpha1:true:true'],
    columns: [AGE],
    topRequired: true,
    specRequired: ['url'],
  },
  {
    name: 'destinationrules.networking.istio.io',
    kind: 'DestinationRule',
    shortNames: ['dr'],
    versions: NET3,
    columns: ['Host=.spec.host', AGE],
    topRequired: false,
    specRequired: ['host'],
  },
  {
    name: 'envoyfilters.networking.istio.io',
    kind: 'EnvoyFilter',
    shortNames: [],
    versions: ['v1alpha3:true:true'],
    columns: [],
    topRequired: false,
    specRequired: [],
  },
  {
    name: 'gateways.networking.istio.io',
    kind: 'Gateway',
    shortNames: ['gw'],
    versions: NET3,
    columns: [],
    topRequired: false,
    specRequired: [],
  },
  {
    name: 'proxyconfigs.networking.istio.io',
    kind: 'ProxyConfig',
    shortNames: [],
    versions: ['v1beta1:true:true'],
    columns: [],
    topRequired: false,
    specRequired: [],
  },
  {
    name: 'serviceentries.networking.istio.io',
    kind: 'ServiceEntry',
    shortNames: ['se'],
    versions: NET3,
    columns: ['Hosts=.spec.hosts', 'Location=.spec.location', 'Resolution=.spec.resolution', AGE],
    topRequired: true,
    specRequired: ['hosts'],
  },
  {
    name: 'sidecars.networking.istio.io',
    kind: 'Sidecar',
    shortNames: [],
    versions: NET3,
    columns: [],
    topRequired: false,
    specRequired: [],
  },
  {
    name: 'virtualservices.networking.istio.io',
    kind: 'VirtualService',
    shortNames: ['vs'],
    versions: NET3,
    columns: ['Gateways=.spec.gateways', 'Hosts=.spec.hosts', AGE],
    topRequired: false,
    specRequired: [],
  },
  {
    name: 'workloadentries.networking.istio.io',
    kind: 'WorkloadEntry',
    shortNames: ['we'],
    versions: NET3,
    columns: [AGE, 'Address=.spec.address'],
    topRequired: true,
    specRequired: [],
  },
  {
    name: 'workloadgroups.networking.istio.io',
    kind: 'WorkloadGroup',
    shortNames: ['wg'],
    versions: NET3,
    columns: [AGE],
    topRequired: true,
    specRequired: ['template'],
  },
  {
    name: 'authorizationpolicies.security.istio.io',
    kind: 'AuthorizationPolicy',
    shortNames: ['ap'],
    versions: SEC2,
    columns: ['Action=.spec.action', AGE],
    topRequired: false,
    specRequired: [],
  },
  {
    name: 'peerauthentications.security.istio.io',
    kind: 'PeerAuthentication',
    shortNames: ['pa'],
    versions: SEC2,
    columns: ['Mode=.spec.mtls.mode', AGE],
    topRequired: false,
    specRequired: [],
  },
  {
    name: 'requestauthentications.security.istio.io',
    kind: 'RequestAuthentication',
    shortNames: ['ra'],
    versions: SEC2,
    columns: [],
    topRequired: false,
    specRequired: [],
  },
  {
    name: 'telemetries.telemetry.istio.io',
    kind: 'Telemetry',
    shortNames: ['telemetry'],
    versions: ['v1:true:false', 'v1alpha1:true:true'],
    columns: [AGE],
    topRequired: false,
    specRequired: [],
  },
];
