import { z } from 'zod';
import {
  bucketName,
  dnsLabel,
  email,
  hostname,
  positiveInt,
  quantity,
  registry,
  secretKeyRef,
  url,
} from './patterns';

/**
 * One environment of the platform. This schema is the type and the check: every field is
 * validated, unknown keys are errors, and cross-field rules (rules.ts) run after it.
 * Presets (presets.ts) fill what a file leaves out.
 */

const resources = z.strictObject({
  cpu: z.strictObject({ request: quantity(), limit: quantity().optional() }),
  memory: z.strictObject({ request: quantity(), limit: quantity() }),
});

/** Where a credential comes from. There is deliberately no way to give a literal value. */
export const secretSourceSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('generated') }),
  z.strictObject({
    type: z.literal('existing'),
    secretName: dnsLabel(),
    /** Maps the keys the component reads to the keys of your Secret, where they differ. */
    keys: z.record(z.string(), z.string().min(1)).optional(),
  }),
  z.strictObject({
    type: z.literal('pulumi'),
    /** Maps each key the component reads to a Pulumi secret config key. */
    configKeys: z.record(z.string(), z.string().min(1)),
  }),
]);

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
    server: url('ACME directory').optional(),
    solver: z.discriminatedUnion('type', [
      /** Answered through the platform's ingress gateway on port 80. */
      z.strictObject({ type: z.literal('http01') }),
      z.strictObject({ type: z.literal('dns01'), provider: dns01ProviderSchema }),
    ]),
  }),
  /** A ClusterIssuer that already exists in the cluster. */
  z.strictObject({ type: z.literal('external'), clusterIssuer: dnsLabel() }),
]);

const managedOrExternal = z.enum(['managed', 'external']);

const istioSchema = z.strictObject({
  mode: managedOrExternal.optional(),
  /** The Istio revision whose injector and control plane the platform uses. */
  revision: dnsLabel().optional(),
  /** For an external Istio: its ingress gateway's namespace, pod selector and Gateway resource. */
  gateway: z
    .strictObject({
      namespace: dnsLabel(),
      selector: z.record(z.string(), z.string()),
      /** Name of the Istio `Gateway` (in `namespace`) that the platform's routes bind to. */
      name: dnsLabel(),
      /** Service account of the gateway pods, so that platform services admit only the gateway. */
      serviceAccount: dnsLabel().optional(),
    })
    .optional(),
  /** For a managed Istio: how the ingress gateway is exposed. */
  ingress: z
    .strictObject({
      /** @default LoadBalancer */
      serviceType: z.enum(['LoadBalancer', 'NodePort', 'ClusterIP']).optional(),
      /** Annotations for the cloud load balancer. */
      annotations: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
});

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
    ssoURL: url('SAML SSO URL'),
    caSecret: secretKeyRef(),
    usernameAttr: z.string().min(1),
    emailAttr: z.string().min(1),
    groupsAttr: z.string().min(1).optional(),
  }),
]);

const staticUserSchema = z.strictObject({
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
});

const identitySchema = z.strictObject({
  provider: z.enum(['dex', 'external']),
  /**
   * Let machines (pipelines, notebooks, CI) call platform APIs with Kubernetes service account
   * tokens minted for `audience`, verified at the gateway instead of a browser login.
   */
  machineToMachine: z
    .strictObject({
      /** The cluster's service account issuer (`--service-account-issuer`). @default https://kubernetes.default.svc.cluster.local */
      issuer: url('service account issuer').optional(),
      /** Tokens must be minted for this audience (`kubectl create token --audience`). */
      audience: z
        .string()
        .regex(/^\S+$/, 'is not an audience|Use a single word such as kubeflow-gateway.'),
      /** Where istiod reads the issuer's signing keys, anonymously. */
      jwksUri: url('JWKS URI'),
    })
    .optional(),
  dex: z
    .strictObject({
      connectors: z.array(connectorSchema).optional(),
      staticUsers: z.array(staticUserSchema).optional(),
      /** Production refuses static users unless this states why they are acceptable. */
      allowStaticUsers: z.strictObject({ reason: z.string().min(10) }).optional(),
    })
    .optional(),
  external: z
    .strictObject({
      /** Exactly as the provider's tokens state it (`iss`). */
      issuerUrl: url('OIDC issuer'),
      /** The provider's signing keys, which the gateway fetches to verify tokens. */
      jwksUri: url('JWKS URI'),
      clientId: z.string().min(1),
      /** In the oauth2-proxy namespace. */
      clientSecret: secretKeyRef(),
    })
    .optional(),
});

const toggle = z.strictObject({ enabled: z.boolean() });

const pipelinesSchema = z.strictObject({
  enabled: z.boolean(),
  database: z
    .discriminatedUnion('type', [
      z.strictObject({
        type: z.literal('managed'),
        storageGiB: positiveInt(10000, 'GiB').optional(),
      }),
      z.strictObject({
        type: z.literal('external'),
        host: hostname(),
        port: positiveInt(65535, 'port').optional(),
        credentials: secretSourceSchema,
      }),
    ])
    .optional(),
});

const servingSchema = z.strictObject({
  enabled: z.boolean(),
  deploymentMode: z.enum(['Serverless', 'RawDeployment']).optional(),
});

const minioSchema = z.strictObject({
  type: z.literal('minio'),
  storageGiB: positiveInt(100000, 'GiB').optional(),
  storageClassName: dnsLabel().optional(),
  buckets: z
    .array(z.strictObject({ name: bucketName(), versioning: z.boolean().optional() }))
    .min(
      1,
      'needs at least one bucket|List the buckets the platform uses, e.g. - name: mlpipeline.',
    )
    .optional(),
  rootCredentials: secretSourceSchema.optional(),
  resources: resources.optional(),
});

const s3Schema = z.strictObject({
  type: z.literal('s3'),
  endpoint: url('S3 endpoint'),
  region: z.string().min(1),
  bucket: bucketName(),
  extraBuckets: z.array(bucketName()).optional(),
  credentials: z.strictObject({
    secretName: dnsLabel(),
    namespace: dnsLabel(),
    accessKeyKey: z.string().min(1),
    secretKeyKey: z.string().min(1),
  }),
});

const role = z.enum(['admin', 'edit', 'view']);

const tenantSchema = z.strictObject({
  /** Also the name of the team's namespace. */
  name: dnsLabel(),
  owner: email(),
  members: z.array(z.strictObject({ user: email(), role })).optional(),
  groups: z.array(z.strictObject({ name: z.string().min(1), role })).optional(),
  quota: z
    .strictObject({
      cpu: quantity().optional(),
      memory: quantity().optional(),
      gpu: z.number().int().min(0).optional(),
      storageGiB: positiveInt(1000000, 'GiB').optional(),
      pods: positiveInt(100000, 'pods').optional(),
    })
    .optional(),
});

export const environmentSchema = z.strictObject({
  /** The environment's name, e.g. dev, staging, prod. */
  name: dnsLabel(),
  /** Defaults and strictness: `dev` fills everything; `prod` requires explicit choices. */
  preset: z.enum(['dev', 'prod']),
  /** The host users open, e.g. kubeflow.example.com. */
  domain: hostname().optional(),
  images: z
    .strictObject({
      registryMirror: registry().optional(),
    })
    .optional(),
  tls: z.strictObject({ issuer: issuerSchema }).optional(),
  certManager: z.strictObject({ mode: managedOrExternal }).optional(),
  mesh: z.strictObject({ istio: istioSchema }).optional(),
  identity: identitySchema.optional(),
  kubeflow: z
    .strictObject({
      dashboard: toggle.optional(),
      notebooks: toggle.optional(),
      katib: toggle.optional(),
      training: toggle.optional(),
      modelRegistry: toggle.optional(),
    })
    .optional(),
  pipelines: pipelinesSchema.optional(),
  serving: servingSchema.optional(),
  objectStore: z.discriminatedUnion('type', [minioSchema, s3Schema]).optional(),
  tenants: z.array(tenantSchema).optional(),
});

/** An environment as written in a file or in Pulumi stack config. */
export type EnvironmentConfig = z.infer<typeof environmentSchema>;
export type SecretSourceConfig = z.infer<typeof secretSourceSchema>;
export type IssuerConfig = z.infer<typeof issuerSchema>;
export type Dns01ProviderConfig = z.infer<typeof dns01ProviderSchema>;
export type TenantConfig = z.infer<typeof tenantSchema>;
export type ObjectStoreConfig = NonNullable<EnvironmentConfig['objectStore']>;
export type ResourcesConfig = z.infer<typeof resources>;
