import { z } from 'zod';
import { NO_VALUE, problem } from '../core/config/problems';
import { dnsLabel, email, httpsUrl, secretKeyRef } from '../core/config/patterns';
import { ConfigRule, PresetName, presetDefault } from '../core/config/rules';

/**
 * DNS providers for ACME DNS-01, with the upstream field names. Credentials are references to
 * Secrets in cert-manager's namespace; omitted credentials mean ambient cloud identity.
 */
const dns01ProviderSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('cloudflare'), apiToken: secretKeyRef() }),
  z.strictObject({
    type: z.literal('route53'),
    region: z.string().min(1).optional(),
    hostedZoneID: z.string().min(1).optional(),
    role: z.string().min(1).optional(),
    accessKeyID: secretKeyRef().optional(),
    secretAccessKey: secretKeyRef().optional(),
  }),
  z.strictObject({
    type: z.literal('clouddns'),
    project: z.string().min(1),
    hostedZoneName: z.string().min(1).optional(),
    serviceAccount: secretKeyRef().optional(),
  }),
  z.strictObject({
    type: z.literal('azuredns'),
    subscriptionID: z.string().min(1),
    resourceGroupName: z.string().min(1),
    hostedZoneName: z.string().min(1).optional(),
    auth: z.discriminatedUnion('type', [
      z.strictObject({
        type: z.literal('managedIdentity'),
        clientID: z.string().min(1).optional(),
      }),
      z.strictObject({
        type: z.literal('servicePrincipal'),
        clientID: z.string().min(1),
        tenantID: z.string().min(1),
        clientSecret: secretKeyRef(),
      }),
    ]),
  }),
]);

const issuerSchema = z.discriminatedUnion('type', [
  /** A root CA generated inside the cluster that signs the platform's certificates (development). */
  z.strictObject({ type: z.literal('selfSigned') }),
  /** A CA whose key pair you provide in a `kubernetes.io/tls` Secret of the cert-manager namespace. */
  z.strictObject({ type: z.literal('ca'), secretName: dnsLabel() }),
  z.strictObject({
    type: z.literal('acme'),
    email: email(),
    /** @default Let's Encrypt production */
    server: httpsUrl('ACME directory').optional(),
    solver: z.discriminatedUnion('type', [
      /** Answered through the platform's ingress gateway on port 80. */
      z.strictObject({ type: z.literal('http01') }),
      z.strictObject({ type: z.literal('dns01'), provider: dns01ProviderSchema }),
    ]),
  }),
  /** A ClusterIssuer that already exists in the cluster. */
  z.strictObject({ type: z.literal('external'), clusterIssuer: dnsLabel() }),
]);

export type IssuerConfig = z.infer<typeof issuerSchema>;
export type Dns01ProviderConfig = z.infer<typeof dns01ProviderSchema>;

/** The keys `tls` and `certManager` of the environment file. */
export const certManagerShape = (preset: PresetName) => ({
  /** How the platform's certificates are issued. */
  tls: z
    .strictObject({
      issuer: presetDefault(issuerSchema, preset === 'dev' ? { type: 'selfSigned' } : undefined, {
        what: 'is required for the prod preset',
        fix: 'Choose type acme, ca or external.',
        rule: 'PROD-TLS-ISSUER',
      }),
    })
    .prefault({}),
  /** `managed`: installed here; `external`: the cluster's own cert-manager. */
  certManager: z
    .strictObject({
      mode: z.enum(['managed', 'external']).default('managed'),
      /** Alerts on the platform's certificates, when the platform has monitoring. */
      alerts: z
        .strictObject({
          /** Days before a certificate expires at which it alerts (cert-manager renews at 2/3 of its life). */
          expiryWarningDays: z.number().int().min(1).max(365).default(14),
        })
        .prefault({}),
    })
    .prefault({}),
});

/** Rules the schema enforces while parsing; their messages carry these IDs. */
export const CERT_MANAGER_PARSE_RULES = [
  {
    id: 'PROD-TLS-ISSUER',
    description:
      'A production environment chooses how its certificates are issued, and not self-signed.',
  },
] as const;

type Slice = z.output<z.ZodObject<ReturnType<typeof certManagerShape>>>;

export const CERT_MANAGER_RULES: readonly ConfigRule<Slice>[] = [
  {
    id: 'PROD-TLS-ISSUER',
    description:
      'A production environment chooses how its certificates are issued, and not self-signed.',
    check: (c, ctx) =>
      ctx.preset === 'prod' && c.tls.issuer.type === 'selfSigned'
        ? [
            problem(
              'tls.issuer.type',
              'must not be selfSigned for the prod preset',
              c.tls.issuer.type,
              'Browsers reject a self-signed gateway certificate; choose acme, ca or external.',
              'PROD-TLS-ISSUER',
            ),
          ]
        : [],
  },
  {
    id: 'ROUTE53-KEY-PAIR',
    description: 'Route 53 credentials are given as a pair or not at all (ambient identity).',
    check: (c) => {
      const issuer = c.tls.issuer;
      if (issuer.type !== 'acme' || issuer.solver.type !== 'dns01') return [];
      const p = issuer.solver.provider;
      return p.type === 'route53' && Boolean(p.accessKeyID) !== Boolean(p.secretAccessKey)
        ? [
            problem(
              'tls.issuer.solver.provider',
              'has only one of accessKeyID and secretAccessKey',
              NO_VALUE,
              'Give both Secret references, or neither to use the ambient AWS identity.',
              'ROUTE53-KEY-PAIR',
            ),
          ]
        : [];
    },
  },
];
