/**
 * cert-manager v1.20.2's CRD schemas, path by path, written down from `deploy/crds/*.yaml` at the
 * tag v1.20.2 (the same schemas as the release's static manifest `cert-manager.yaml`): every
 * `default`, `enum` and `required` upstream declares, and the fields of every object with their
 * types. The construct is checked against these tables, not against itself.
 *
 * Paths: `.` between properties, `[]` an array item, `{}` a map value, `<root>` the root of the
 * schema; in a shared fragment `''` is the fragment's own root.
 * Field types: `string`, `integer`, `boolean`, `object`, `any` (no type; upstream preserves it),
 * with `/format` appended; `[]T` an atomic list of T, `[k]T` a list map keyed by `k`, `[?]T` a
 * list without a list type, `{}T` a map of T.
 */

export type CrdConstraint =
  | readonly ['default', string, unknown]
  | readonly ['enum', string, readonly string[]]
  | readonly ['required', string, readonly string[]];

/** Object path -> its fields as `name:type`, separated by spaces. */
export type CrdFields = Readonly<Record<string, string>>;

export interface CrdSchemaFacts {
  /** Every `default`, `enum` and `required` of the upstream schema. */
  readonly constraints: readonly CrdConstraint[];
  /** Every object of the upstream schema outside `preserved`, with its fields. */
  readonly fields: CrdFields;
  /**
   * Where our schema keeps a subtree whole (`x-kubernetes-preserve-unknown-fields`) although
   * upstream models it: the Kubernetes core/v1 types inside an ACME solver's pod template. The
   * API server checks them when the controller creates the solver pod from the template.
   */
  readonly preserved: readonly string[];
}

/** `path` of a fragment moved under `prefix`. */
export function under(prefix: string, path: string): string {
  if (path === '') return prefix;
  return path.startsWith('[') || path.startsWith('{') ? `${prefix}${path}` : `${prefix}.${path}`;
}

function constraintsUnder(prefix: string, list: readonly CrdConstraint[]): CrdConstraint[] {
  return list.map(([kind, path, value]) => [kind, under(prefix, path), value] as CrdConstraint);
}

function fieldsUnder(prefix: string, fields: CrdFields): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).map(([path, v]) => [under(prefix, path), v]));
}

// `ACMEChallengeSolver.http01.{ingress,gatewayHTTPRoute}.podTemplate`: the solver pod's overrides.

const POD_TEMPLATE_CONSTRAINTS: readonly CrdConstraint[] = [
  [
    'required',
    'spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[]',
    ['preference', 'weight'],
  ],
  [
    'required',
    'spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[].preference.matchExpressions[]',
    ['key', 'operator'],
  ],
  [
    'required',
    'spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[].preference.matchFields[]',
    ['key', 'operator'],
  ],
  [
    'required',
    'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution',
    ['nodeSelectorTerms'],
  ],
  [
    'required',
    'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[].matchExpressions[]',
    ['key', 'operator'],
  ],
  [
    'required',
    'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[].matchFields[]',
    ['key', 'operator'],
  ],
  [
    'required',
    'spec.affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution[]',
    ['podAffinityTerm', 'weight'],
  ],
  [
    'required',
    'spec.affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution[].podAffinityTerm',
    ['topologyKey'],
  ],
  [
    'required',
    'spec.affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution[].podAffinityTerm.labelSelector.matchExpressions[]',
    ['key', 'operator'],
  ],
  [
    'required',
    'spec.affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution[].podAffinityTerm.namespaceSelector.matchExpressions[]',
    ['key', 'operator'],
  ],
  [
    'required',
    'spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[]',
    ['topologyKey'],
  ],
  [
    'required',
    'spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[].labelSelector.matchExpressions[]',
    ['key', 'operator'],
  ],
  [
    'required',
    'spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[].namespaceSelector.matchExpressions[]',
    ['key', 'operator'],
  ],
  [
    'required',
    'spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[]',
    ['podAffinityTerm', 'weight'],
  ],
  [
    'required',
    'spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[].podAffinityTerm',
    ['topologyKey'],
  ],
  [
    'required',
    'spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[].podAffinityTerm.labelSelector.matchExpressions[]',
    ['key', 'operator'],
  ],
  [
    'required',
    'spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[].podAffinityTerm.namespaceSelector.matchExpressions[]',
    ['key', 'operator'],
  ],
  [
    'required',
    'spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[]',
    ['topologyKey'],
  ],
  [
    'required',
    'spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[].labelSelector.matchExpressions[]',
    ['key', 'operator'],
  ],
  [
    'required',
    'spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[].namespaceSelector.matchExpressions[]',
    ['key', 'operator'],
  ],
  ['default', 'spec.imagePullSecrets[].name', ''],
  ['required', 'spec.securityContext.seccompProfile', ['type']],
  ['required', 'spec.securityContext.sysctls[]', ['name', 'value']],
];

const POD_TEMPLATE_FIELDS: CrdFields = {
  '': 'metadata:object spec:object',
  metadata: 'annotations:{}string labels:{}string',
  spec: 'affinity:object imagePullSecrets:[name]object nodeSelector:{}string priorityClassName:string resources:object securityContext:object serviceAccountName:string tolerations:[]object',
  'spec.imagePullSecrets[]': 'name:string',
};

const POD_TEMPLATE_PRESERVED = [
  'spec.affinity',
  'spec.resources',
  'spec.securityContext',
  'spec.tolerations[]',
];

const POD_TEMPLATES = ['http01.ingress.podTemplate', 'http01.gatewayHTTPRoute.podTemplate'];

// `ACMEChallengeSolver`: an item of an issuer's `spec.acme.solvers`, a Challenge's `spec.solver`.

const SOLVER_CONSTRAINTS: readonly CrdConstraint[] = [
  ['required', 'dns01.acmeDNS', ['accountSecretRef', 'host']],
  ['required', 'dns01.acmeDNS.accountSecretRef', ['name']],
  [
    'required',
    'dns01.akamai',
    [
      'accessTokenSecretRef',
      'clientSecretSecretRef',
      'clientTokenSecretRef',
      'serviceConsumerDomain',
    ],
  ],
  ['required', 'dns01.akamai.accessTokenSecretRef', ['name']],
  ['required', 'dns01.akamai.clientSecretSecretRef', ['name']],
  ['required', 'dns01.akamai.clientTokenSecretRef', ['name']],
  ['required', 'dns01.azureDNS', ['resourceGroupName', 'subscriptionID']],
  ['required', 'dns01.azureDNS.clientSecretSecretRef', ['name']],
  [
    'enum',
    'dns01.azureDNS.environment',
    ['AzurePublicCloud', 'AzureChinaCloud', 'AzureGermanCloud', 'AzureUSGovernmentCloud'],
  ],
  ['enum', 'dns01.azureDNS.zoneType', ['AzurePublicZone', 'AzurePrivateZone']],
  ['required', 'dns01.cloudDNS', ['project']],
  ['required', 'dns01.cloudDNS.serviceAccountSecretRef', ['name']],
  ['required', 'dns01.cloudflare.apiKeySecretRef', ['name']],
  ['required', 'dns01.cloudflare.apiTokenSecretRef', ['name']],
  ['enum', 'dns01.cnameStrategy', ['None', 'Follow']],
  ['required', 'dns01.digitalocean', ['tokenSecretRef']],
  ['required', 'dns01.digitalocean.tokenSecretRef', ['name']],
  ['required', 'dns01.rfc2136', ['nameserver']],
  ['enum', 'dns01.rfc2136.protocol', ['TCP', 'UDP']],
  ['required', 'dns01.rfc2136.tsigSecretSecretRef', ['name']],
  ['required', 'dns01.route53.accessKeyIDSecretRef', ['name']],
  ['required', 'dns01.route53.auth', ['kubernetes']],
  ['required', 'dns01.route53.auth.kubernetes', ['serviceAccountRef']],
  ['required', 'dns01.route53.auth.kubernetes.serviceAccountRef', ['name']],
  ['required', 'dns01.route53.secretAccessKeySecretRef', ['name']],
  ['required', 'dns01.webhook', ['groupName', 'solverName']],
  ['required', 'http01.gatewayHTTPRoute.parentRefs[]', ['name']],
  ['default', 'http01.gatewayHTTPRoute.parentRefs[].group', 'gateway.networking.k8s.io'],
  ['default', 'http01.gatewayHTTPRoute.parentRefs[].kind', 'Gateway'],
  ...POD_TEMPLATES.flatMap((p) => constraintsUnder(p, POD_TEMPLATE_CONSTRAINTS)),
];

const SOLVER_FIELDS: CrdFields = Object.assign(
  {
    '': 'dns01:object http01:object selector:object',
    dns01:
      'acmeDNS:object akamai:object azureDNS:object cloudDNS:object cloudflare:object cnameStrategy:string digitalocean:object rfc2136:object route53:object webhook:object',
    'dns01.acmeDNS': 'accountSecretRef:object host:string',
    'dns01.acmeDNS.accountSecretRef': 'key:string name:string',
    'dns01.akamai':
      'accessTokenSecretRef:object clientSecretSecretRef:object clientTokenSecretRef:object serviceConsumerDomain:string',
    'dns01.akamai.accessTokenSecretRef': 'key:string name:string',
    'dns01.akamai.clientSecretSecretRef': 'key:string name:string',
    'dns01.akamai.clientTokenSecretRef': 'key:string name:string',
    'dns01.azureDNS':
      'clientID:string clientSecretSecretRef:object environment:string hostedZoneName:string managedIdentity:object resourceGroupName:string subscriptionID:string tenantID:string zoneType:string',
    'dns01.azureDNS.clientSecretSecretRef': 'key:string name:string',
    'dns01.azureDNS.managedIdentity': 'clientID:string resourceID:string tenantID:string',
    'dns01.cloudDNS': 'hostedZoneName:string project:string serviceAccountSecretRef:object',
    'dns01.cloudDNS.serviceAccountSecretRef': 'key:string name:string',
    'dns01.cloudflare': 'apiKeySecretRef:object apiTokenSecretRef:object email:string',
    'dns01.cloudflare.apiKeySecretRef': 'key:string name:string',
    'dns01.cloudflare.apiTokenSecretRef': 'key:string name:string',
    'dns01.digitalocean': 'tokenSecretRef:object',
    'dns01.digitalocean.tokenSecretRef': 'key:string name:string',
    'dns01.rfc2136':
      'nameserver:string protocol:string tsigAlgorithm:string tsigKeyName:string tsigSecretSecretRef:object',
    'dns01.rfc2136.tsigSecretSecretRef': 'key:string name:string',
    'dns01.route53':
      'accessKeyID:string accessKeyIDSecretRef:object auth:object hostedZoneID:string region:string role:string secretAccessKeySecretRef:object',
    'dns01.route53.accessKeyIDSecretRef': 'key:string name:string',
    'dns01.route53.auth': 'kubernetes:object',
    'dns01.route53.auth.kubernetes': 'serviceAccountRef:object',
    'dns01.route53.auth.kubernetes.serviceAccountRef': 'audiences:[]string name:string',
    'dns01.route53.secretAccessKeySecretRef': 'key:string name:string',
    'dns01.webhook': 'config:any groupName:string solverName:string',
    http01: 'gatewayHTTPRoute:object ingress:object',
    'http01.gatewayHTTPRoute':
      'labels:{}string parentRefs:[]object podTemplate:object serviceType:string',
    'http01.gatewayHTTPRoute.parentRefs[]':
      'group:string kind:string name:string namespace:string port:integer/int32 sectionName:string',
    'http01.ingress':
      'class:string ingressClassName:string ingressTemplate:object name:string podTemplate:object serviceType:string',
    'http01.ingress.ingressTemplate': 'metadata:object',
    'http01.ingress.ingressTemplate.metadata': 'annotations:{}string labels:{}string',
    selector: 'dnsNames:[]string dnsZones:[]string matchLabels:{}string',
  },
  ...POD_TEMPLATES.map((p) => fieldsUnder(p, POD_TEMPLATE_FIELDS)),
) as CrdFields;

const SOLVER_PRESERVED = POD_TEMPLATES.flatMap((p) =>
  POD_TEMPLATE_PRESERVED.map((q) => under(p, q)),
);

function withSolver(
  at: string,
  own: { constraints: readonly CrdConstraint[]; fields: CrdFields },
): CrdSchemaFacts {
  return {
    constraints: [...own.constraints, ...constraintsUnder(at, SOLVER_CONSTRAINTS)],
    fields: { ...own.fields, ...fieldsUnder(at, SOLVER_FIELDS) },
    preserved: SOLVER_PRESERVED.map((p) => under(at, p)),
  };
}

/** Issuer and ClusterIssuer have the same schema. */
const ISSUER = withSolver('spec.acme.solvers[]', {
  constraints: [
    ['required', '<root>', ['spec']],
    ['required', 'spec.acme', ['privateKeySecretRef', 'server']],
    ['required', 'spec.acme.externalAccountBinding', ['keyID', 'keySecretRef']],
    ['enum', 'spec.acme.externalAccountBinding.keyAlgorithm', ['HS256', 'HS384', 'HS512']],
    ['required', 'spec.acme.externalAccountBinding.keySecretRef', ['name']],
    ['required', 'spec.acme.privateKeySecretRef', ['name']],
    ['required', 'spec.ca', ['secretName']],
    ['required', 'spec.vault', ['auth', 'path', 'server']],
    ['required', 'spec.vault.auth.appRole', ['path', 'roleId', 'secretRef']],
    ['required', 'spec.vault.auth.appRole.secretRef', ['name']],
    ['required', 'spec.vault.auth.kubernetes', ['role']],
    ['required', 'spec.vault.auth.kubernetes.secretRef', ['name']],
    ['required', 'spec.vault.auth.kubernetes.serviceAccountRef', ['name']],
    ['required', 'spec.vault.auth.tokenSecretRef', ['name']],
    ['required', 'spec.vault.caBundleSecretRef', ['name']],
    ['required', 'spec.vault.clientCertSecretRef', ['name']],
    ['required', 'spec.vault.clientKeySecretRef', ['name']],
    ['required', 'spec.venafi', ['zone']],
    ['required', 'spec.venafi.cloud', ['apiTokenSecretRef']],
    ['required', 'spec.venafi.cloud.apiTokenSecretRef', ['name']],
    ['required', 'spec.venafi.tpp', ['credentialsRef', 'url']],
    ['required', 'spec.venafi.tpp.caBundleSecretRef', ['name']],
    ['required', 'spec.venafi.tpp.credentialsRef', ['name']],
    ['required', 'status.conditions[]', ['status', 'type']],
    ['enum', 'status.conditions[].status', ['True', 'False', 'Unknown']],
  ],
  fields: {
    '<root>': 'apiVersion:string kind:string metadata:object spec:object status:object',
    spec: 'acme:object ca:object selfSigned:object vault:object venafi:object',
    'spec.acme':
      'caBundle:string/byte disableAccountKeyGeneration:boolean email:string enableDurationFeature:boolean externalAccountBinding:object preferredChain:string privateKeySecretRef:object profile:string server:string skipTLSVerify:boolean solvers:[]object',
    'spec.acme.externalAccountBinding': 'keyAlgorithm:string keyID:string keySecretRef:object',
    'spec.acme.externalAccountBinding.keySecretRef': 'key:string name:string',
    'spec.acme.privateKeySecretRef': 'key:string name:string',
    'spec.ca':
      'crlDistributionPoints:[]string issuingCertificateURLs:[]string ocspServers:[]string secretName:string',
    'spec.selfSigned': 'crlDistributionPoints:[]string',
    'spec.vault':
      'auth:object caBundle:string/byte caBundleSecretRef:object clientCertSecretRef:object clientKeySecretRef:object namespace:string path:string server:string serverName:string',
    'spec.vault.auth':
      'appRole:object clientCertificate:object kubernetes:object tokenSecretRef:object',
    'spec.vault.auth.appRole': 'path:string roleId:string secretRef:object',
    'spec.vault.auth.appRole.secretRef': 'key:string name:string',
    'spec.vault.auth.clientCertificate': 'mountPath:string name:string secretName:string',
    'spec.vault.auth.kubernetes':
      'mountPath:string role:string secretRef:object serviceAccountRef:object',
    'spec.vault.auth.kubernetes.secretRef': 'key:string name:string',
    'spec.vault.auth.kubernetes.serviceAccountRef': 'audiences:[]string name:string',
    'spec.vault.auth.tokenSecretRef': 'key:string name:string',
    'spec.vault.caBundleSecretRef': 'key:string name:string',
    'spec.vault.clientCertSecretRef': 'key:string name:string',
    'spec.vault.clientKeySecretRef': 'key:string name:string',
    'spec.venafi': 'cloud:object tpp:object zone:string',
    'spec.venafi.cloud': 'apiTokenSecretRef:object url:string',
    'spec.venafi.cloud.apiTokenSecretRef': 'key:string name:string',
    'spec.venafi.tpp':
      'caBundle:string/byte caBundleSecretRef:object credentialsRef:object url:string',
    'spec.venafi.tpp.caBundleSecretRef': 'key:string name:string',
    'spec.venafi.tpp.credentialsRef': 'name:string',
    status: 'acme:object conditions:[type]object',
    'status.acme': 'lastPrivateKeyHash:string lastRegisteredEmail:string uri:string',
    'status.conditions[]':
      'lastTransitionTime:string/date-time message:string observedGeneration:integer/int64 reason:string status:string type:string',
  },
});

/** By CRD name. */
export const CRD_SCHEMA_FACTS: Readonly<Record<string, CrdSchemaFacts>> = {
  'certificates.cert-manager.io': {
    constraints: [
      ['required', 'spec', ['issuerRef', 'secretName']],
      ['required', 'spec.additionalOutputFormats[]', ['type']],
      ['enum', 'spec.additionalOutputFormats[].type', ['DER', 'CombinedPEM']],
      ['required', 'spec.issuerRef', ['name']],
      ['required', 'spec.keystores.jks', ['create']],
      ['required', 'spec.keystores.jks.passwordSecretRef', ['name']],
      ['required', 'spec.keystores.pkcs12', ['create']],
      ['required', 'spec.keystores.pkcs12.passwordSecretRef', ['name']],
      ['enum', 'spec.keystores.pkcs12.profile', ['LegacyRC2', 'LegacyDES', 'Modern2023']],
      ['enum', 'spec.privateKey.algorithm', ['RSA', 'ECDSA', 'Ed25519']],
      ['enum', 'spec.privateKey.encoding', ['PKCS1', 'PKCS8']],
      ['enum', 'spec.privateKey.rotationPolicy', ['Never', 'Always']],
      [
        'enum',
        'spec.signatureAlgorithm',
        [
          'SHA256WithRSA',
          'SHA384WithRSA',
          'SHA512WithRSA',
          'ECDSAWithSHA256',
          'ECDSAWithSHA384',
          'ECDSAWithSHA512',
          'PureEd25519',
        ],
      ],
      [
        'enum',
        'spec.usages[]',
        [
          'signing',
          'digital signature',
          'content commitment',
          'key encipherment',
          'key agreement',
          'data encipherment',
          'cert sign',
          'crl sign',
          'encipher only',
          'decipher only',
          'any',
          'server auth',
          'client auth',
          'code signing',
          'email protection',
          's/mime',
          'ipsec end system',
          'ipsec tunnel',
          'ipsec user',
          'timestamping',
          'ocsp signing',
          'microsoft sgc',
          'netscape sgc',
        ],
      ],
      ['required', 'status.conditions[]', ['status', 'type']],
      ['enum', 'status.conditions[].status', ['True', 'False', 'Unknown']],
    ],
    fields: {
      '<root>': 'apiVersion:string kind:string metadata:object spec:object status:object',
      spec: 'additionalOutputFormats:[]object commonName:string dnsNames:[]string duration:string emailAddresses:[]string encodeUsagesInRequest:boolean ipAddresses:[]string isCA:boolean issuerRef:object keystores:object literalSubject:string nameConstraints:object otherNames:[]object privateKey:object renewBefore:string renewBeforePercentage:integer/int32 revisionHistoryLimit:integer/int32 secretName:string secretTemplate:object signatureAlgorithm:string subject:object uris:[]string usages:[]string',
      'spec.additionalOutputFormats[]': 'type:string',
      'spec.issuerRef': 'group:string kind:string name:string',
      'spec.keystores': 'jks:object pkcs12:object',
      'spec.keystores.jks': 'alias:string create:boolean password:string passwordSecretRef:object',
      'spec.keystores.jks.passwordSecretRef': 'key:string name:string',
      'spec.keystores.pkcs12':
        'create:boolean password:string passwordSecretRef:object profile:string',
      'spec.keystores.pkcs12.passwordSecretRef': 'key:string name:string',
      'spec.nameConstraints': 'critical:boolean excluded:object permitted:object',
      'spec.nameConstraints.excluded':
        'dnsDomains:[]string emailAddresses:[]string ipRanges:[]string uriDomains:[]string',
      'spec.nameConstraints.permitted':
        'dnsDomains:[]string emailAddresses:[]string ipRanges:[]string uriDomains:[]string',
      'spec.otherNames[]': 'oid:string utf8Value:string',
      'spec.privateKey': 'algorithm:string encoding:string rotationPolicy:string size:integer',
      'spec.secretTemplate': 'annotations:{}string labels:{}string',
      'spec.subject':
        'countries:[]string localities:[]string organizationalUnits:[]string organizations:[]string postalCodes:[]string provinces:[]string serialNumber:string streetAddresses:[]string',
      status:
        'conditions:[type]object failedIssuanceAttempts:integer lastFailureTime:string/date-time nextPrivateKeySecretName:string notAfter:string/date-time notBefore:string/date-time renewalTime:string/date-time revision:integer',
      'status.conditions[]':
        'lastTransitionTime:string/date-time message:string observedGeneration:integer/int64 reason:string status:string type:string',
    },
    preserved: [],
  },
  'certificaterequests.cert-manager.io': {
    constraints: [
      ['required', 'spec', ['issuerRef', 'request']],
      ['required', 'spec.issuerRef', ['name']],
      [
        'enum',
        'spec.usages[]',
        [
          'signing',
          'digital signature',
          'content commitment',
          'key encipherment',
          'key agreement',
          'data encipherment',
          'cert sign',
          'crl sign',
          'encipher only',
          'decipher only',
          'any',
          'server auth',
          'client auth',
          'code signing',
          'email protection',
          's/mime',
          'ipsec end system',
          'ipsec tunnel',
          'ipsec user',
          'timestamping',
          'ocsp signing',
          'microsoft sgc',
          'netscape sgc',
        ],
      ],
      ['required', 'status.conditions[]', ['status', 'type']],
      ['enum', 'status.conditions[].status', ['True', 'False', 'Unknown']],
    ],
    fields: {
      '<root>': 'apiVersion:string kind:string metadata:object spec:object status:object',
      spec: 'duration:string extra:{}[?]string groups:[]string isCA:boolean issuerRef:object request:string/byte uid:string usages:[]string username:string',
      'spec.issuerRef': 'group:string kind:string name:string',
      status:
        'ca:string/byte certificate:string/byte conditions:[type]object failureTime:string/date-time',
      'status.conditions[]':
        'lastTransitionTime:string/date-time message:string reason:string status:string type:string',
    },
    preserved: [],
  },
  'issuers.cert-manager.io': ISSUER,
  'clusterissuers.cert-manager.io': ISSUER,
  'orders.acme.cert-manager.io': {
    constraints: [
      ['required', '<root>', ['metadata', 'spec']],
      ['required', 'spec', ['issuerRef', 'request']],
      ['required', 'spec.issuerRef', ['name']],
      ['required', 'status.authorizations[]', ['url']],
      ['required', 'status.authorizations[].challenges[]', ['token', 'type', 'url']],
      [
        'enum',
        'status.authorizations[].initialState',
        ['valid', 'ready', 'pending', 'processing', 'invalid', 'expired', 'errored'],
      ],
      [
        'enum',
        'status.state',
        ['valid', 'ready', 'pending', 'processing', 'invalid', 'expired', 'errored'],
      ],
    ],
    fields: {
      '<root>': 'apiVersion:string kind:string metadata:object spec:object status:object',
      spec: 'commonName:string dnsNames:[]string duration:string ipAddresses:[]string issuerRef:object profile:string request:string/byte',
      'spec.issuerRef': 'group:string kind:string name:string',
      status:
        'authorizations:[]object certificate:string/byte failureTime:string/date-time finalizeURL:string reason:string state:string url:string',
      'status.authorizations[]':
        'challenges:[]object identifier:string initialState:string url:string wildcard:boolean',
      'status.authorizations[].challenges[]': 'token:string type:string url:string',
    },
    preserved: [],
  },
  'challenges.acme.cert-manager.io': withSolver('spec.solver', {
    constraints: [
      ['required', '<root>', ['metadata', 'spec']],
      [
        'required',
        'spec',
        ['authorizationURL', 'dnsName', 'issuerRef', 'key', 'solver', 'token', 'type', 'url'],
      ],
      ['required', 'spec.issuerRef', ['name']],
      ['enum', 'spec.type', ['HTTP-01', 'DNS-01']],
      [
        'enum',
        'status.state',
        ['valid', 'ready', 'pending', 'processing', 'invalid', 'expired', 'errored'],
      ],
    ],
    fields: {
      '<root>': 'apiVersion:string kind:string metadata:object spec:object status:object',
      spec: 'authorizationURL:string dnsName:string issuerRef:object key:string solver:object token:string type:string url:string wildcard:boolean',
      'spec.issuerRef': 'group:string kind:string name:string',
      status: 'presented:boolean processing:boolean reason:string state:string',
    },
  }),
};

/**
 * How many constraints of each kind (default, enum, required) upstream declares per CRD, counted
 * in the upstream files: a check on the tables above.
 */
export const UPSTREAM_CONSTRAINT_COUNTS: Readonly<
  Record<string, readonly [defaults: number, enums: number, required: number]>
> = {
  'certificates.cert-manager.io': [0, 8, 8],
  'certificaterequests.cert-manager.io': [0, 2, 3],
  'issuers.cert-manager.io': [4, 6, 90],
  'clusterissuers.cert-manager.io': [4, 6, 90],
  'orders.acme.cert-manager.io': [0, 2, 5],
  'challenges.acme.cert-manager.io': [4, 6, 70],
};
