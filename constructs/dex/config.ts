import { z } from 'zod';
import { NO_VALUE, problem } from '../core/config/problems';
import { dnsLabel, email, hostname, httpsUrl, secretKeyRef, url } from '../core/config/patterns';
import { ConfigRule, PresetName, presetDefault } from '../core/config/rules';
import { dexConnectorIdProblems, dexStaticUserProblems } from './checks';

const connectorBase = {
  id: dnsLabel(),
  name: z.string().min(1),
};
const connectorSchema = z.discriminatedUnion('type', [
  z.strictObject({
    ...connectorBase,
    type: z.literal('oidc'),
    issuer: url('issuer'),
    clientId: z.string().min(1),
    clientSecret: secretKeyRef(),
  }),
  z.strictObject({
    ...connectorBase,
    type: z.literal('github'),
    clientId: z.string().min(1),
    clientSecret: secretKeyRef(),
    orgs: z.array(z.string().min(1)).optional(),
  }),
  z.strictObject({
    ...connectorBase,
    type: z.literal('google'),
    clientId: z.string().min(1),
    clientSecret: secretKeyRef(),
    hostedDomains: z.array(hostname()).optional(),
  }),
  z.strictObject({
    ...connectorBase,
    type: z.literal('microsoft'),
    clientId: z.string().min(1),
    clientSecret: secretKeyRef(),
    tenant: z.string().min(1).optional(),
  }),
  z.strictObject({
    ...connectorBase,
    type: z.literal('ldap'),
    /** `host:port` of the directory. */
    host: z.string().min(1),
    bindDN: z.string().min(1),
    bindPassword: secretKeyRef(),
    startTLS: z.boolean().optional(),
    /** CA of the directory's certificate. */
    rootCA: secretKeyRef().optional(),
    userSearch: z.strictObject({
      baseDN: z.string().min(1),
      filter: z.string().min(1).optional(),
      /** @default uid */
      username: z.string().min(1).optional(),
      idAttr: z.string().min(1).optional(),
      emailAttr: z.string().min(1).optional(),
      nameAttr: z.string().min(1).optional(),
    }),
    groupSearch: z
      .strictObject({
        baseDN: z.string().min(1),
        filter: z.string().min(1).optional(),
        userMatchers: z
          .array(z.strictObject({ userAttr: z.string().min(1), groupAttr: z.string().min(1) }))
          .min(1, 'needs at least one matcher|Give e.g. - { userAttr: DN, groupAttr: member }.'),
        nameAttr: z.string().min(1),
      })
      .optional(),
  }),
  z.strictObject({
    ...connectorBase,
    type: z.literal('saml'),
    ssoURL: httpsUrl('SAML SSO URL'),
    caSecret: secretKeyRef(),
    usernameAttr: z.string().min(1),
    emailAttr: z.string().min(1),
    groupsAttr: z.string().min(1).optional(),
  }),
]);

/**
 * A static user as written: an email and exactly one password source. It is parsed into a
 * discriminated `password`, so nothing downstream has to decide which of three fields was meant.
 */
const staticUserSchema = z
  .strictObject({
    email: email(),
    /** A bcrypt hash; plain-text passwords are refused. */
    passwordHash: z
      .string()
      .regex(
        /^\$2[aby]?\$[0-9]{2}\$[./A-Za-z0-9]{53}$/,
        'is not a bcrypt hash|Hash the password first, e.g. with htpasswd -nbBC 10 "" PASSWORD | tr -d ":\\n", or use passwordSecret.',
      )
      .optional(),
    passwordSecret: secretKeyRef().optional(),
    /** Generate the password in the cluster; the README says how to read it. */
    generatedPassword: z.literal(true).optional(),
  })
  .superRefine((u, ctx) => {
    const sources = [u.passwordHash, u.passwordSecret, u.generatedPassword].filter(
      (s) => s !== undefined,
    );
    if (sources.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          'needs exactly one of passwordHash, passwordSecret and generatedPassword|Give a bcrypt passwordHash, a passwordSecret reference or generatedPassword: true.|STATIC-USER-PASSWORD',
        input: u,
      });
    }
  })
  .transform((u) => ({
    email: u.email,
    password: u.passwordHash
      ? { type: 'hash' as const, hash: u.passwordHash }
      : u.passwordSecret
        ? { type: 'secret' as const, secret: u.passwordSecret }
        : { type: 'generated' as const },
  }));

/**
 * Let machines (pipelines, notebooks, CI) call platform APIs with Kubernetes service account
 * tokens minted for `audience`, verified at the gateway instead of a browser login.
 */
const machineToMachineSchema = z
  .strictObject({
    /** The cluster's service account issuer (`--service-account-issuer`). @default https://kubernetes.default.svc.cluster.local */
    issuer: httpsUrl('service account issuer').optional(),
    /** Tokens must be minted for this audience (`kubectl create token --audience`). */
    audience: z
      .string()
      .regex(/^\S+$/, 'is not an audience|Use a single word such as kubeflow-gateway.'),
    /** Where istiod reads the issuer's signing keys, anonymously. */
    jwksUri: url('JWKS URI'),
  })
  .optional();

const dexSchema = z.strictObject({
  provider: z.literal('dex'),
  machineToMachine: machineToMachineSchema,
  dex: z
    .strictObject({
      connectors: z.array(connectorSchema).default([]),
      staticUsers: z.array(staticUserSchema).default([]),
      /** Production refuses static users unless this states why they are acceptable. */
      allowStaticUsers: z.strictObject({ reason: z.string().min(10) }).optional(),
    })
    .prefault({}),
});

const externalSchema = z.strictObject({
  provider: z.literal('external'),
  machineToMachine: machineToMachineSchema,
  external: z.strictObject(
    {
      /** Exactly as the provider's tokens state it (`iss`). */
      issuerUrl: url('OIDC issuer'),
      /** The provider's signing keys, which the gateway fetches to verify tokens. */
      jwksUri: url('JWKS URI'),
      clientId: z.string().min(1),
      /** In the oauth2-proxy namespace. */
      clientSecret: secretKeyRef(),
      /**
       * The claim that names a user: what the gateway passes on as `kubeflow-userid` and what
       * tenants list as owners and members. Dex always names users by `email`.
       */
      userClaim: z
        .string()
        .regex(
          /^[A-Za-z_][A-Za-z0-9_.:-]*$/,
          'is not a claim name|Use the claim as the provider writes it, e.g. email, preferred_username or upn.',
        )
        .default('email'),
    },
    {
      error: (issue) =>
        issue.input === undefined
          ? 'is required when identity.provider is external|Give issuerUrl, jwksUri, clientId and clientSecret of your OIDC provider.|IDENTITY-PROVIDER-MATCH'
          : undefined,
    },
  ),
});

const identitySchema = z.discriminatedUnion('provider', [dexSchema, externalSchema]);

export type IdentityConfig = z.output<typeof identitySchema>;
export type ConnectorConfig = z.output<typeof connectorSchema>;
export type StaticUserConfig = z.output<typeof staticUserSchema>;

/** The key `identity` of the environment file. */
export const identityShape = (preset: PresetName, domain: string) => ({
  identity: presetDefault(
    identitySchema,
    preset === 'dev'
      ? // One admin whose password is generated in the cluster (see README, "Logging in").
        {
          provider: 'dex',
          dex: { staticUsers: [{ email: `admin@${domain}`, generatedPassword: true }] },
        }
      : undefined,
    {
      what: 'is required for the prod preset',
      fix: 'Set identity.provider to dex (with connectors) or external.',
      rule: 'PROD-IDENTITY',
    },
  ),
});

type Slice = z.output<z.ZodObject<ReturnType<typeof identityShape>>>;

/** Rules the schema enforces while parsing; their messages carry these IDs. */
export const IDENTITY_PARSE_RULES = [
  { id: 'PROD-IDENTITY', description: 'A production environment chooses its identity provider.' },
  {
    id: 'IDENTITY-PROVIDER-MATCH',
    description:
      'The identity settings match the chosen provider, so nothing of the other one is left behind.',
  },
  {
    id: 'STATIC-USER-PASSWORD',
    description: 'Each static user has exactly one password source.',
  },
] as const;

export const IDENTITY_RULES: readonly ConfigRule<Slice>[] = [
  {
    id: 'PROD-STATIC-USERS',
    description: 'Production refuses static Dex users unless a reason is given.',
    check: ({ identity: id }, ctx) =>
      ctx.preset === 'prod' &&
      id.provider === 'dex' &&
      id.dex.staticUsers.length > 0 &&
      !id.dex.allowStaticUsers
        ? [
            problem(
              'identity.dex.staticUsers',
              'are not allowed for the prod preset',
              id.dex.staticUsers,
              'Log in through a connector, or set identity.dex.allowStaticUsers.reason to say why static users are acceptable.',
              'PROD-STATIC-USERS',
            ),
          ]
        : [],
  },
  {
    id: 'DEX-CONNECTOR-IDS',
    description:
      "Dex connector IDs are unique and do not take `local`, the ID of Dex's password database.",
    check: ({ identity: id }) =>
      id.provider !== 'dex'
        ? []
        : dexConnectorIdProblems(
            id.dex.connectors.map((c) => c.id),
            (i) => `identity.dex.connectors[${i}]`,
          ).map((p) => problem(p.path, p.what, p.got ?? NO_VALUE, p.fix, 'DEX-CONNECTOR-IDS')),
  },
  {
    id: 'DEX-STATIC-USERS',
    description:
      'Each static Dex user is listed once, with an e-mail address whose derived names do not collide with another; production reads password hashes from a Secret.',
    check: ({ identity: id }, ctx) =>
      id.provider !== 'dex'
        ? []
        : dexStaticUserProblems(id.dex.staticUsers, {
            at: (i) => `identity.dex.staticUsers[${i}]`,
            production: ctx.preset === 'prod',
          }).map((p) => problem(p.path, p.what, p.got ?? NO_VALUE, p.fix, 'DEX-STATIC-USERS')),
  },
  {
    id: 'DEX-LOGIN',
    description: 'Dex offers at least one way to log in: a connector or a static user.',
    check: ({ identity: id }) =>
      id.provider === 'dex' && id.dex.connectors.length + id.dex.staticUsers.length === 0
        ? [
            problem(
              'identity.dex',
              'offers no way to log in',
              NO_VALUE,
              'Add a connector (oidc, github, google, microsoft, ldap, saml) or a static user.',
              'DEX-LOGIN',
            ),
          ]
        : [],
  },
  {
    id: 'IDENTITY-HTTPS',
    description:
      'Identity traffic leaves the cluster only over TLS: an external issuer and its keys use https.',
    check: ({ identity: id }) => {
      if (id.provider !== 'external') return [];
      const ext = id.external;
      return (['issuerUrl', 'jwksUri'] as const)
        .filter((k) => !ext[k].startsWith('https://'))
        .map((k) =>
          problem(
            `identity.external.${k}`,
            'must use https',
            ext[k],
            'Tokens and keys carry identities; give the https:// URL of your provider.',
            'IDENTITY-HTTPS',
          ),
        );
    },
  },
];
