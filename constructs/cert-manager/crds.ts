import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { CustomResourceDefinition } from '../core/crd';
import { KEY_USAGES } from './certificate';
import { CERT_MANAGER_API } from './names';
import { labelOptions } from './private/labels';
import { T } from './private/schema';

const CATEGORY = 'cert-manager';
const ACME_CATEGORY = 'cert-manager-acme';

const READY = '.status.conditions[?(@.type == "Ready")]';

function column(
  name: string,
  jsonPath: string,
  priority?: number,
): k8s.CustomResourceColumnDefinition {
  return { name, type: 'string', jsonPath, ...(priority ? { priority } : {}) };
}

/** Every cert-manager CRD ends with this column; the description is the Kubernetes one. */
const AGE: k8s.CustomResourceColumnDefinition = {
  name: 'Age',
  type: 'date',
  jsonPath: '.metadata.creationTimestamp',
  description:
    'CreationTimestamp is a timestamp representing the server time when this object was created. ' +
    'It is not guaranteed to be set in happens-before order across separate operations. ' +
    'Clients may not set this value. It is represented in RFC3339 form and is in UTC.',
};

const ACME_STATES = ['valid', 'ready', 'pending', 'processing', 'invalid', 'expired', 'errored'];

const certificateSpec = T.object(
  {
    additionalOutputFormats: T.list(T.object({ type: T.oneOf(['DER', 'CombinedPEM']) }, ['type'])),
    commonName: T.string(),
    dnsNames: T.strings(),
    duration: T.string(),
    emailAddresses: T.strings(),
    encodeUsagesInRequest: T.boolean(),
    ipAddresses: T.strings(),
    isCA: T.boolean(),
    issuerRef: T.issuerRef(),
    keystores: T.preserve(),
    literalSubject: T.string(),
    nameConstraints: T.preserve(),
    otherNames: T.list(T.preserve()),
    privateKey: T.object({
      algorithm: T.oneOf(['RSA', 'ECDSA', 'Ed25519']),
      encoding: T.oneOf(['PKCS1', 'PKCS8']),
      rotationPolicy: T.oneOf(['Never', 'Always']),
      size: T.integer(),
    }),
    renewBefore: T.string(),
    renewBeforePercentage: T.int32(),
    revisionHistoryLimit: T.int32(),
    secretName: T.string(),
    secretTemplate: T.object({ annotations: T.stringMap(), labels: T.stringMap() }),
    signatureAlgorithm: T.oneOf([
      'SHA256WithRSA',
      'SHA384WithRSA',
      'SHA512WithRSA',
      'ECDSAWithSHA256',
      'ECDSAWithSHA384',
      'ECDSAWithSHA512',
      'PureEd25519',
    ]),
    subject: T.preserve(),
    uris: T.strings(),
    usages: T.list(T.oneOf(KEY_USAGES)),
  },
  ['issuerRef', 'secretName'],
);

const certificateStatus = T.object({
  conditions: T.conditions({ observedGeneration: true }),
  failedIssuanceAttempts: T.integer(),
  lastFailureTime: T.dateTime(),
  nextPrivateKeySecretName: T.string(),
  notAfter: T.dateTime(),
  notBefore: T.dateTime(),
  renewalTime: T.dateTime(),
  revision: T.integer(),
});

const certificateRequestSpec = T.object(
  {
    duration: T.string(),
    extra: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
    groups: T.strings(),
    isCA: T.boolean(),
    issuerRef: T.issuerRef(),
    request: T.bytes(),
    uid: T.string(),
    usages: T.list(T.oneOf(KEY_USAGES)),
    username: T.string(),
  },
  ['issuerRef', 'request'],
);

const certificateRequestStatus = T.object({
  ca: T.bytes(),
  certificate: T.bytes(),
  conditions: T.conditions({ observedGeneration: false }),
  failureTime: T.dateTime(),
});

/** Issuer and ClusterIssuer share one spec: every upstream field of `acme`, `ca`, `selfSigned`. */
const issuerSpec = T.object({
  acme: T.object(
    {
      caBundle: T.bytes(),
      disableAccountKeyGeneration: T.boolean(),
      email: T.string(),
      enableDurationFeature: T.boolean(),
      externalAccountBinding: T.object(
        {
          keyAlgorithm: T.oneOf(['HS256', 'HS384', 'HS512']),
          keyID: T.string(),
          keySecretRef: T.secretKeySelector(),
        },
        ['keyID', 'keySecretRef'],
      ),
      preferredChain: T.string({ maxLength: 64 }),
      privateKeySecretRef: T.secretKeySelector(),
      profile: T.string(),
      server: T.string(),
      skipTLSVerify: T.boolean(),
      // Each solver (selector, http01, dns01 with a dozen providers) is kept whole.
      solvers: T.list(T.preserve()),
    },
    ['privateKeySecretRef', 'server'],
  ),
  ca: T.object(
    {
      crlDistributionPoints: T.strings(),
      issuingCertificateURLs: T.strings(),
      ocspServers: T.strings(),
      secretName: T.string(),
    },
    ['secretName'],
  ),
  selfSigned: T.object({ crlDistributionPoints: T.strings() }),
  vault: T.preserve(),
  venafi: T.preserve(),
});

const issuerStatus = T.object({
  acme: T.object({
    lastPrivateKeyHash: T.string(),
    lastRegisteredEmail: T.string(),
    uri: T.string(),
  }),
  conditions: T.conditions({ observedGeneration: true }),
});

const orderSpec = T.object(
  {
    commonName: T.string(),
    dnsNames: T.strings(),
    duration: T.string(),
    ipAddresses: T.strings(),
    issuerRef: T.issuerRef(),
    profile: T.string(),
    request: T.bytes(),
  },
  ['issuerRef', 'request'],
);

const orderStatus = T.object({
  authorizations: T.list(T.preserve()),
  certificate: T.bytes(),
  failureTime: T.dateTime(),
  finalizeURL: T.string(),
  reason: T.string(),
  state: T.oneOf(ACME_STATES),
  url: T.string(),
});

const CHALLENGE_REQUIRED = [
  'authorizationURL',
  'dnsName',
  'issuerRef',
  'key',
  'solver',
  'token',
  'type',
  'url',
];

const challengeSpec = T.object(
  {
    authorizationURL: T.string(),
    dnsName: T.string(),
    issuerRef: T.issuerRef(),
    key: T.string(),
    solver: T.preserve(),
    token: T.string(),
    type: T.oneOf(['HTTP-01', 'DNS-01']),
    url: T.string(),
    wildcard: T.boolean(),
  },
  CHALLENGE_REQUIRED,
);

const challengeStatus = T.object({
  presented: T.boolean(),
  processing: T.boolean(),
  reason: T.string(),
  state: T.oneOf(ACME_STATES),
});

/**
 * The six cert-manager CRDs with upstream's identity (group, names, short names, categories,
 * scope, the single served and stored version `v1`, the status subresource, the printer
 * columns) and a structural schema. Spec and status fields are modelled to upstream's top level;
 * deep subtrees (solvers, keystores, subject, vault, venafi) are preserved whole.
 * @see https://cert-manager.io/docs/reference/api-docs/
 */
export class CertManagerCrds extends Construct {
  public readonly certificates: CustomResourceDefinition;
  public readonly certificateRequests: CustomResourceDefinition;
  public readonly issuers: CustomResourceDefinition;
  public readonly clusterIssuers: CustomResourceDefinition;
  public readonly orders: CustomResourceDefinition;
  public readonly challenges: CustomResourceDefinition;

  public constructor(scope: Construct, id: string) {
    super(scope, id);
    const labels = labelOptions('crds');
    const v1 = (
      schema: k8s.JsonSchemaProps,
      printerColumns: k8s.CustomResourceColumnDefinition[],
    ) => [
      {
        name: CERT_MANAGER_API.version,
        served: true,
        storage: true,
        statusSubresource: true,
        schema,
        printerColumns: [...printerColumns, AGE],
      },
    ];
    const { group, acmeGroup } = CERT_MANAGER_API;

    this.certificates = new CustomResourceDefinition(this, 'Certificates', {
      group,
      kind: 'Certificate',
      plural: 'certificates',
      shortNames: ['cert', 'certs'],
      categories: [CATEGORY],
      scope: 'Namespaced',
      labels,
      versions: v1(T.root(certificateSpec, certificateStatus), [
        column('Ready', `${READY}.status`),
        column('Secret', '.spec.secretName'),
        column('Issuer', '.spec.issuerRef.name', 1),
        column('Status', `${READY}.message`, 1),
      ]),
    });
    this.certificateRequests = new CustomResourceDefinition(this, 'CertificateRequests', {
      group,
      kind: 'CertificateRequest',
      plural: 'certificaterequests',
      shortNames: ['cr', 'crs'],
      categories: [CATEGORY],
      scope: 'Namespaced',
      labels,
      versions: v1(T.root(certificateRequestSpec, certificateRequestStatus), [
        column('Approved', '.status.conditions[?(@.type == "Approved")].status'),
        column('Denied', '.status.conditions[?(@.type == "Denied")].status'),
        column('Ready', `${READY}.status`),
        column('Issuer', '.spec.issuerRef.name'),
        column('Requester', '.spec.username'),
        column('Status', `${READY}.message`, 1),
      ]),
    });
    const issuerColumns = [
      column('Ready', `${READY}.status`),
      column('Status', `${READY}.message`, 1),
    ];
    this.issuers = new CustomResourceDefinition(this, 'Issuers', {
      group,
      kind: 'Issuer',
      plural: 'issuers',
      shortNames: ['iss'],
      categories: [CATEGORY],
      scope: 'Namespaced',
      labels,
      versions: v1(T.root(issuerSpec, issuerStatus, ['spec']), issuerColumns),
    });
    this.clusterIssuers = new CustomResourceDefinition(this, 'ClusterIssuers', {
      group,
      kind: 'ClusterIssuer',
      plural: 'clusterissuers',
      shortNames: ['ciss'],
      categories: [CATEGORY],
      scope: 'Cluster',
      labels,
      versions: v1(T.root(issuerSpec, issuerStatus, ['spec']), issuerColumns),
    });
    this.orders = new CustomResourceDefinition(this, 'Orders', {
      group: acmeGroup,
      kind: 'Order',
      plural: 'orders',
      categories: [CATEGORY, ACME_CATEGORY],
      scope: 'Namespaced',
      labels,
      versions: v1(T.root(orderSpec, orderStatus, ['metadata', 'spec']), [
        column('State', '.status.state'),
        column('Issuer', '.spec.issuerRef.name', 1),
        column('Reason', '.status.reason', 1),
      ]),
    });
    this.challenges = new CustomResourceDefinition(this, 'Challenges', {
      group: acmeGroup,
      kind: 'Challenge',
      plural: 'challenges',
      categories: [CATEGORY, ACME_CATEGORY],
      scope: 'Namespaced',
      labels,
      versions: v1(T.root(challengeSpec, challengeStatus, ['metadata', 'spec']), [
        column('State', '.status.state'),
        column('Domain', '.spec.dnsName'),
        column('Reason', '.status.reason', 1),
      ]),
    });
  }

  /** All six, in upstream's order. */
  public all(): readonly CustomResourceDefinition[] {
    return [
      this.certificateRequests,
      this.certificates,
      this.challenges,
      this.clusterIssuers,
      this.issuers,
      this.orders,
    ];
  }
}
