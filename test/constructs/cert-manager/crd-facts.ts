/**
 * The identity of cert-manager v1.20.2's CRDs, written down from `deploy/crds/*.yaml` at the tag
 * v1.20.2 (the same as the CRDs of the release manifest `cert-manager.yaml`). The construct is
 * checked against this table, not against itself. Their schemas, path by path, are in
 * `crd-constraints.ts`.
 */
export interface CrdFact {
  readonly name: string;
  readonly group: string;
  readonly kind: string;
  readonly listKind: string;
  readonly plural: string;
  readonly singular: string;
  readonly shortNames?: readonly string[];
  readonly categories: readonly string[];
  readonly scope: 'Namespaced' | 'Cluster';
  /** Every CRD has exactly this one version. */
  readonly version: { name: 'v1'; served: true; storage: true };
  readonly statusSubresource: true;
  /** Printer columns without Age (every CRD ends with it): name, jsonPath, priority. */
  readonly columns: readonly [string, string, number][];
  /** `required` of the root and of `spec`. */
  readonly rootRequired?: readonly string[];
  readonly specRequired?: readonly string[];
  /** `selectableFields` of the version (new in v1.20), as JSON paths. */
  readonly selectableFields?: readonly string[];
}

const V1 = { name: 'v1', served: true, storage: true } as const;
const READY = '.status.conditions[?(@.type == "Ready")]';
const ISSUER_REF = ['.spec.issuerRef.group', '.spec.issuerRef.kind', '.spec.issuerRef.name'];

export const CRD_FACTS: readonly CrdFact[] = [
  {
    name: 'certificates.cert-manager.io',
    group: 'cert-manager.io',
    kind: 'Certificate',
    listKind: 'CertificateList',
    plural: 'certificates',
    singular: 'certificate',
    shortNames: ['cert', 'certs'],
    categories: ['cert-manager'],
    scope: 'Namespaced',
    version: V1,
    statusSubresource: true,
    columns: [
      ['Ready', `${READY}.status`, 0],
      ['Secret', '.spec.secretName', 0],
      ['Issuer', '.spec.issuerRef.name', 1],
      ['Status', `${READY}.message`, 1],
    ],
    specRequired: ['issuerRef', 'secretName'],
    selectableFields: ISSUER_REF,
  },
  {
    name: 'certificaterequests.cert-manager.io',
    group: 'cert-manager.io',
    kind: 'CertificateRequest',
    listKind: 'CertificateRequestList',
    plural: 'certificaterequests',
    singular: 'certificaterequest',
    shortNames: ['cr', 'crs'],
    categories: ['cert-manager'],
    scope: 'Namespaced',
    version: V1,
    statusSubresource: true,
    columns: [
      ['Approved', '.status.conditions[?(@.type == "Approved")].status', 0],
      ['Denied', '.status.conditions[?(@.type == "Denied")].status', 0],
      ['Ready', `${READY}.status`, 0],
      ['Issuer', '.spec.issuerRef.name', 0],
      ['Requester', '.spec.username', 0],
      ['Status', `${READY}.message`, 1],
    ],
    specRequired: ['issuerRef', 'request'],
    selectableFields: ISSUER_REF,
  },
  {
    name: 'issuers.cert-manager.io',
    group: 'cert-manager.io',
    kind: 'Issuer',
    listKind: 'IssuerList',
    plural: 'issuers',
    singular: 'issuer',
    shortNames: ['iss'],
    categories: ['cert-manager'],
    scope: 'Namespaced',
    version: V1,
    statusSubresource: true,
    columns: [
      ['Ready', `${READY}.status`, 0],
      ['Status', `${READY}.message`, 1],
    ],
    rootRequired: ['spec'],
  },
  {
    name: 'clusterissuers.cert-manager.io',
    group: 'cert-manager.io',
    kind: 'ClusterIssuer',
    listKind: 'ClusterIssuerList',
    plural: 'clusterissuers',
    singular: 'clusterissuer',
    shortNames: ['ciss'],
    categories: ['cert-manager'],
    scope: 'Cluster',
    version: V1,
    statusSubresource: true,
    columns: [
      ['Ready', `${READY}.status`, 0],
      ['Status', `${READY}.message`, 1],
    ],
    rootRequired: ['spec'],
  },
  {
    name: 'orders.acme.cert-manager.io',
    group: 'acme.cert-manager.io',
    kind: 'Order',
    listKind: 'OrderList',
    plural: 'orders',
    singular: 'order',
    categories: ['cert-manager', 'cert-manager-acme'],
    scope: 'Namespaced',
    version: V1,
    statusSubresource: true,
    columns: [
      ['State', '.status.state', 0],
      ['Issuer', '.spec.issuerRef.name', 1],
      ['Reason', '.status.reason', 1],
    ],
    rootRequired: ['metadata', 'spec'],
    specRequired: ['issuerRef', 'request'],
    selectableFields: ISSUER_REF,
  },
  {
    name: 'challenges.acme.cert-manager.io',
    group: 'acme.cert-manager.io',
    kind: 'Challenge',
    listKind: 'ChallengeList',
    plural: 'challenges',
    singular: 'challenge',
    categories: ['cert-manager', 'cert-manager-acme'],
    scope: 'Namespaced',
    version: V1,
    statusSubresource: true,
    columns: [
      ['State', '.status.state', 0],
      ['Domain', '.spec.dnsName', 0],
      ['Reason', '.status.reason', 1],
    ],
    rootRequired: ['metadata', 'spec'],
    specRequired: [
      'authorizationURL',
      'dnsName',
      'issuerRef',
      'key',
      'solver',
      'token',
      'type',
      'url',
    ],
    selectableFields: ISSUER_REF,
  },
];

/** The standard description of the Age column, as every cert-manager CRD carries it. */
export const AGE_DESCRIPTION =
  'CreationTimestamp is a timestamp representing the server time when this object was created. ' +
  'It is not guaranteed to be set in happens-before order across separate operations. Clients ' +
  'may not set this value. It is represented in RFC3339 form and is in UTC.';
