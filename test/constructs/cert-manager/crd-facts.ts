/**
 * The identity of cert-manager v1.19.4's CRDs, written down from the release manifest
 * (`cert-manager.yaml` of the v1.19.4 release, the same as `deploy/crds/` at the tag). The
 * construct is checked against this table, not against itself.
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
}

const V1 = { name: 'v1', served: true, storage: true } as const;
const READY = '.status.conditions[?(@.type == "Ready")]';

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
  },
];

/** Top-level spec fields upstream defines, per kind: none may be pruned. */
export const SPEC_FIELDS: Readonly<Record<string, readonly string[]>> = {
  Certificate: [
    'additionalOutputFormats',
    'commonName',
    'dnsNames',
    'duration',
    'emailAddresses',
    'encodeUsagesInRequest',
    'ipAddresses',
    'isCA',
    'issuerRef',
    'keystores',
    'literalSubject',
    'nameConstraints',
    'otherNames',
    'privateKey',
    'renewBefore',
    'renewBeforePercentage',
    'revisionHistoryLimit',
    'secretName',
    'secretTemplate',
    'signatureAlgorithm',
    'subject',
    'uris',
    'usages',
  ],
  CertificateRequest: [
    'duration',
    'extra',
    'groups',
    'isCA',
    'issuerRef',
    'request',
    'uid',
    'usages',
    'username',
  ],
  Issuer: ['acme', 'ca', 'selfSigned', 'vault', 'venafi'],
  ClusterIssuer: ['acme', 'ca', 'selfSigned', 'vault', 'venafi'],
  Order: ['commonName', 'dnsNames', 'duration', 'ipAddresses', 'issuerRef', 'profile', 'request'],
  Challenge: [
    'authorizationURL',
    'dnsName',
    'issuerRef',
    'key',
    'solver',
    'token',
    'type',
    'url',
    'wildcard',
  ],
};

/** Top-level status fields upstream defines, per kind. */
export const STATUS_FIELDS: Readonly<Record<string, readonly string[]>> = {
  Certificate: [
    'conditions',
    'failedIssuanceAttempts',
    'lastFailureTime',
    'nextPrivateKeySecretName',
    'notAfter',
    'notBefore',
    'renewalTime',
    'revision',
  ],
  CertificateRequest: ['ca', 'certificate', 'conditions', 'failureTime'],
  Issuer: ['acme', 'conditions'],
  ClusterIssuer: ['acme', 'conditions'],
  Order: ['authorizations', 'certificate', 'failureTime', 'finalizeURL', 'reason', 'state', 'url'],
  Challenge: ['presented', 'processing', 'reason', 'state'],
};

/** The standard description of the Age column, as every cert-manager CRD carries it. */
export const AGE_DESCRIPTION =
  'CreationTimestamp is a timestamp representing the server time when this object was created. ' +
  'It is not guaranteed to be set in happens-before order across separate operations. Clients ' +
  'may not set this value. It is represented in RFC3339 form and is in UTC.';
