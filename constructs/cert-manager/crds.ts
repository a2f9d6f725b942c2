import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { CustomResourceDefinition, Schema } from '../core/crd';
import { KEY_USAGES } from './certificate';
import { CERT_MANAGER_API } from './names';
import { labelOptions } from './private/labels';

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

/** A list of strings, atomic as upstream declares its lists. */
const strings = (): k8s.JsonSchemaProps => Schema.list(Schema.string());

/** `{name, kind?, group?}`, as Certificates, Orders and Challenges name their issuer. */
const issuerRef = (): k8s.JsonSchemaProps =>
  Schema.object(
    { group: Schema.string(), kind: Schema.string(), name: Schema.string() },
    { required: ['name'] },
  );

/** `{name, key?}` of a Secret in the issuer's (or cluster resource) namespace. */
const secretKeySelector = (): k8s.JsonSchemaProps =>
  Schema.object({ key: Schema.string(), name: Schema.string() }, { required: ['name'] });

/** `status.conditions`: a list map keyed by `type`, as upstream declares it. */
const conditions = (opts: { observedGeneration: boolean }): k8s.JsonSchemaProps =>
  Schema.listMap(
    Schema.object(
      {
        lastTransitionTime: Schema.dateTime(),
        message: Schema.string(),
        ...(opts.observedGeneration ? { observedGeneration: Schema.integer('int64') } : {}),
        reason: Schema.string(),
        status: Schema.oneOf(['True', 'False', 'Unknown']),
        type: Schema.string(),
      },
      { required: ['status', 'type'] },
    ),
    ['type'],
  );

const certificateSpec = Schema.object(
  {
    additionalOutputFormats: Schema.list(
      Schema.object({ type: Schema.oneOf(['DER', 'CombinedPEM']) }, { required: ['type'] }),
    ),
    commonName: Schema.string(),
    dnsNames: strings(),
    duration: Schema.string(),
    emailAddresses: strings(),
    encodeUsagesInRequest: Schema.boolean(),
    ipAddresses: strings(),
    isCA: Schema.boolean(),
    issuerRef: issuerRef(),
    keystores: Schema.preserve(),
    literalSubject: Schema.string(),
    nameConstraints: Schema.preserve(),
    otherNames: Schema.list(Schema.preserve()),
    privateKey: Schema.object({
      algorithm: Schema.oneOf(['RSA', 'ECDSA', 'Ed25519']),
      encoding: Schema.oneOf(['PKCS1', 'PKCS8']),
      rotationPolicy: Schema.oneOf(['Never', 'Always']),
      size: Schema.integer(),
    }),
    renewBefore: Schema.string(),
    renewBeforePercentage: Schema.integer('int32'),
    revisionHistoryLimit: Schema.integer('int32'),
    secretName: Schema.string(),
    secretTemplate: Schema.object({
      annotations: Schema.map(Schema.string()),
      labels: Schema.map(Schema.string()),
    }),
    signatureAlgorithm: Schema.oneOf([
      'SHA256WithRSA',
      'SHA384WithRSA',
      'SHA512WithRSA',
      'ECDSAWithSHA256',
      'ECDSAWithSHA384',
      'ECDSAWithSHA512',
      'PureEd25519',
    ]),
    subject: Schema.preserve(),
    uris: strings(),
    usages: Schema.list(Schema.oneOf(KEY_USAGES)),
  },
  { required: ['issuerRef', 'secretName'] },
);

const certificateStatus = Schema.object({
  conditions: conditions({ observedGeneration: true }),
  failedIssuanceAttempts: Schema.integer(),
  lastFailureTime: Schema.dateTime(),
  nextPrivateKeySecretName: Schema.string(),
  notAfter: Schema.dateTime(),
  notBefore: Schema.dateTime(),
  renewalTime: Schema.dateTime(),
  revision: Schema.integer(),
});

const certificateRequestSpec = Schema.object(
  {
    duration: Schema.string(),
    extra: Schema.map(Schema.array(Schema.string())),
    groups: strings(),
    isCA: Schema.boolean(),
    issuerRef: issuerRef(),
    request: Schema.bytes(),
    uid: Schema.string(),
    usages: Schema.list(Schema.oneOf(KEY_USAGES)),
    username: Schema.string(),
  },
  { required: ['issuerRef', 'request'] },
);

const certificateRequestStatus = Schema.object({
  ca: Schema.bytes(),
  certificate: Schema.bytes(),
  conditions: conditions({ observedGeneration: false }),
  failureTime: Schema.dateTime(),
});

/** Issuer and ClusterIssuer share one spec: every upstream field of `acme`, `ca`, `selfSigned`. */
const issuerSpec = Schema.object({
  acme: Schema.object(
    {
      caBundle: Schema.bytes(),
      disableAccountKeyGeneration: Schema.boolean(),
      email: Schema.string(),
      enableDurationFeature: Schema.boolean(),
      externalAccountBinding: Schema.object(
        {
          keyAlgorithm: Schema.oneOf(['HS256', 'HS384', 'HS512']),
          keyID: Schema.string(),
          keySecretRef: secretKeySelector(),
        },
        { required: ['keyID', 'keySecretRef'] },
      ),
      preferredChain: Schema.string({ maxLength: 64 }),
      privateKeySecretRef: secretKeySelector(),
      profile: Schema.string(),
      server: Schema.string(),
      skipTLSVerify: Schema.boolean(),
      // Each solver (selector, http01, dns01 with a dozen providers) is kept whole.
      solvers: Schema.list(Schema.preserve()),
    },
    { required: ['privateKeySecretRef', 'server'] },
  ),
  ca: Schema.object(
    {
      crlDistributionPoints: strings(),
      issuingCertificateURLs: strings(),
      ocspServers: strings(),
      secretName: Schema.string(),
    },
    { required: ['secretName'] },
  ),
  selfSigned: Schema.object({ crlDistributionPoints: strings() }),
  vault: Schema.preserve(),
  venafi: Schema.preserve(),
});

const issuerStatus = Schema.object({
  acme: Schema.object({
    lastPrivateKeyHash: Schema.string(),
    lastRegisteredEmail: Schema.string(),
    uri: Schema.string(),
  }),
  conditions: conditions({ observedGeneration: true }),
});

const orderSpec = Schema.object(
  {
    commonName: Schema.string(),
    dnsNames: strings(),
    duration: Schema.string(),
    ipAddresses: strings(),
    issuerRef: issuerRef(),
    profile: Schema.string(),
    request: Schema.bytes(),
  },
  { required: ['issuerRef', 'request'] },
);

const orderStatus = Schema.object({
  authorizations: Schema.list(Schema.preserve()),
  certificate: Schema.bytes(),
  failureTime: Schema.dateTime(),
  finalizeURL: Schema.string(),
  reason: Schema.string(),
  state: Schema.oneOf(ACME_STATES),
  url: Schema.string(),
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

const challengeSpec = Schema.object(
  {
    authorizationURL: Schema.string(),
    dnsName: Schema.string(),
    issuerRef: issuerRef(),
    key: Schema.string(),
    solver: Schema.preserve(),
    token: Schema.string(),
    type: Schema.oneOf(['HTTP-01', 'DNS-01']),
    url: Schema.string(),
    wildcard: Schema.boolean(),
  },
  { required: CHALLENGE_REQUIRED },
);

const challengeStatus = Schema.object({
  presented: Schema.boolean(),
  processing: Schema.boolean(),
  reason: Schema.string(),
  state: Schema.oneOf(ACME_STATES),
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
      versions: v1(Schema.resource(certificateSpec, certificateStatus), [
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
      versions: v1(Schema.resource(certificateRequestSpec, certificateRequestStatus), [
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
      versions: v1(
        Schema.resource(issuerSpec, issuerStatus, { required: ['spec'] }),
        issuerColumns,
      ),
    });
    this.clusterIssuers = new CustomResourceDefinition(this, 'ClusterIssuers', {
      group,
      kind: 'ClusterIssuer',
      plural: 'clusterissuers',
      shortNames: ['ciss'],
      categories: [CATEGORY],
      scope: 'Cluster',
      labels,
      versions: v1(
        Schema.resource(issuerSpec, issuerStatus, { required: ['spec'] }),
        issuerColumns,
      ),
    });
    this.orders = new CustomResourceDefinition(this, 'Orders', {
      group: acmeGroup,
      kind: 'Order',
      plural: 'orders',
      categories: [CATEGORY, ACME_CATEGORY],
      scope: 'Namespaced',
      labels,
      versions: v1(Schema.resource(orderSpec, orderStatus, { required: ['metadata', 'spec'] }), [
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
      versions: v1(
        Schema.resource(challengeSpec, challengeStatus, { required: ['metadata', 'spec'] }),
        [
          column('State', '.status.state'),
          column('Domain', '.spec.dnsName'),
          column('Reason', '.status.reason', 1),
        ],
      ),
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
