import { k8s } from 'cdk8s-plus-27';
import { Schema } from '../../core/crd';
import { KEY_USAGES } from '../certificate';
import { acmeSolverSchema } from './acme-solver-schema';
import { parts } from './schema-parts';

type Props = k8s.JsonSchemaProps;
const { strings, stringMap, secretKeySelector, localReference, serviceAccountRef } = parts;

const ACME_STATES = ['valid', 'ready', 'pending', 'processing', 'invalid', 'expired', 'errored'];

/**
 * `{name, kind?, group?}`, as Certificates, CertificateRequests, Orders and Challenges name
 * their issuer. `kind` and `group` have no schema default: the controllers default them in
 * memory (`Issuer`, `cert-manager.io`), and upstream reverted the schema defaults in v1.20.
 */
const issuerRef = (): Props =>
  Schema.object(
    { group: Schema.string(), kind: Schema.string(), name: Schema.string() },
    { required: ['name'] },
  );

/** `status.conditions`: a list map keyed by `type`, as upstream declares it. */
const conditions = (opts: { observedGeneration: boolean }): Props =>
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

const nameConstraintItems = (): Props =>
  Schema.object({
    dnsDomains: strings(),
    emailAddresses: strings(),
    ipRanges: strings(),
    uriDomains: strings(),
  });

/** @internal */
export const certificateSpec = (): Props =>
  Schema.object(
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
      keystores: Schema.object({
        jks: Schema.object(
          {
            alias: Schema.string(),
            create: Schema.boolean(),
            password: Schema.string(),
            passwordSecretRef: secretKeySelector(),
          },
          { required: ['create'] },
        ),
        pkcs12: Schema.object(
          {
            create: Schema.boolean(),
            password: Schema.string(),
            passwordSecretRef: secretKeySelector(),
            profile: Schema.oneOf(['LegacyRC2', 'LegacyDES', 'Modern2023']),
          },
          { required: ['create'] },
        ),
      }),
      literalSubject: Schema.string(),
      nameConstraints: Schema.object({
        critical: Schema.boolean(),
        excluded: nameConstraintItems(),
        permitted: nameConstraintItems(),
      }),
      otherNames: Schema.list(Schema.object({ oid: Schema.string(), utf8Value: Schema.string() })),
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
      secretTemplate: Schema.object({ annotations: stringMap(), labels: stringMap() }),
      signatureAlgorithm: Schema.oneOf([
        'SHA256WithRSA',
        'SHA384WithRSA',
        'SHA512WithRSA',
        'ECDSAWithSHA256',
        'ECDSAWithSHA384',
        'ECDSAWithSHA512',
        'PureEd25519',
      ]),
      subject: Schema.object({
        countries: strings(),
        localities: strings(),
        organizationalUnits: strings(),
        organizations: strings(),
        postalCodes: strings(),
        provinces: strings(),
        serialNumber: Schema.string(),
        streetAddresses: strings(),
      }),
      uris: strings(),
      usages: Schema.list(Schema.oneOf(KEY_USAGES)),
    },
    { required: ['issuerRef', 'secretName'] },
  );

/** @internal */
export const certificateStatus = (): Props =>
  Schema.object({
    conditions: conditions({ observedGeneration: true }),
    failedIssuanceAttempts: Schema.integer(),
    lastFailureTime: Schema.dateTime(),
    nextPrivateKeySecretName: Schema.string(),
    notAfter: Schema.dateTime(),
    notBefore: Schema.dateTime(),
    renewalTime: Schema.dateTime(),
    revision: Schema.integer(),
  });

/** @internal */
export const certificateRequestSpec = (): Props =>
  Schema.object(
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

/** @internal */
export const certificateRequestStatus = (): Props =>
  Schema.object({
    ca: Schema.bytes(),
    certificate: Schema.bytes(),
    conditions: conditions({ observedGeneration: false }),
    failureTime: Schema.dateTime(),
  });

const vault = (): Props =>
  Schema.object(
    {
      auth: Schema.object({
        appRole: Schema.object(
          { path: Schema.string(), roleId: Schema.string(), secretRef: secretKeySelector() },
          { required: ['path', 'roleId', 'secretRef'] },
        ),
        clientCertificate: Schema.object({
          mountPath: Schema.string(),
          name: Schema.string(),
          secretName: Schema.string(),
        }),
        kubernetes: Schema.object(
          {
            mountPath: Schema.string(),
            role: Schema.string(),
            secretRef: secretKeySelector(),
            serviceAccountRef: serviceAccountRef(),
          },
          { required: ['role'] },
        ),
        tokenSecretRef: secretKeySelector(),
      }),
      caBundle: Schema.bytes(),
      caBundleSecretRef: secretKeySelector(),
      clientCertSecretRef: secretKeySelector(),
      clientKeySecretRef: secretKeySelector(),
      namespace: Schema.string(),
      path: Schema.string(),
      server: Schema.string(),
      serverName: Schema.string(),
    },
    { required: ['auth', 'path', 'server'] },
  );

/** `venafi`: CyberArk Certificate Manager (formerly Venafi), SaaS (`cloud`) or self-hosted (`tpp`). */
const venafi = (): Props =>
  Schema.object(
    {
      cloud: Schema.object(
        { apiTokenSecretRef: secretKeySelector(), url: Schema.string() },
        { required: ['apiTokenSecretRef'] },
      ),
      tpp: Schema.object(
        {
          caBundle: Schema.bytes(),
          caBundleSecretRef: secretKeySelector(),
          credentialsRef: localReference(),
          url: Schema.string(),
        },
        { required: ['credentialsRef', 'url'] },
      ),
      zone: Schema.string(),
    },
    { required: ['zone'] },
  );

/** Issuer and ClusterIssuer share one spec: `acme`, `ca`, `selfSigned`, `vault`, `venafi`. @internal */
export const issuerSpec = (): Props =>
  Schema.object({
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
        solvers: Schema.list(acmeSolverSchema()),
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
    vault: vault(),
    venafi: venafi(),
  });

/** @internal */
export const issuerStatus = (): Props =>
  Schema.object({
    acme: Schema.object({
      lastPrivateKeyHash: Schema.string(),
      lastRegisteredEmail: Schema.string(),
      uri: Schema.string(),
    }),
    conditions: conditions({ observedGeneration: true }),
  });

/** @internal */
export const orderSpec = (): Props =>
  Schema.object(
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

/** @internal */
export const orderStatus = (): Props =>
  Schema.object({
    authorizations: Schema.list(
      Schema.object(
        {
          challenges: Schema.list(
            Schema.object(
              { token: Schema.string(), type: Schema.string(), url: Schema.string() },
              { required: ['token', 'type', 'url'] },
            ),
          ),
          identifier: Schema.string(),
          initialState: Schema.oneOf(ACME_STATES),
          url: Schema.string(),
          wildcard: Schema.boolean(),
        },
        { required: ['url'] },
      ),
    ),
    certificate: Schema.bytes(),
    failureTime: Schema.dateTime(),
    finalizeURL: Schema.string(),
    reason: Schema.string(),
    state: Schema.oneOf(ACME_STATES),
    url: Schema.string(),
  });

/** @internal */
export const challengeSpec = (): Props =>
  Schema.object(
    {
      authorizationURL: Schema.string(),
      dnsName: Schema.string(),
      issuerRef: issuerRef(),
      key: Schema.string(),
      solver: acmeSolverSchema(),
      token: Schema.string(),
      type: Schema.oneOf(['HTTP-01', 'DNS-01']),
      url: Schema.string(),
      wildcard: Schema.boolean(),
    },
    {
      required: [
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
  );

/** @internal */
export const challengeStatus = (): Props =>
  Schema.object({
    presented: Schema.boolean(),
    processing: Schema.boolean(),
    reason: Schema.string(),
    state: Schema.oneOf(ACME_STATES),
  });
