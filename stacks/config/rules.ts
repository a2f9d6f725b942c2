import { PLATFORM_NAMESPACES } from '../names';
import { ConfigProblem, NO_VALUE, problem } from './problems';
import { EnvironmentConfig } from './schema';

/** A cross-field rule: a pure check over a schema-valid environment. */
export interface ConfigRule {
  readonly id: string;
  readonly description: string;
  check(env: EnvironmentConfig): ConfigProblem[];
}

/** Namespaces the platform owns; no tenant may take one of these names. */
export const RESERVED_NAMESPACES: readonly string[] = [
  'default',
  'kube-system',
  'kube-public',
  'kube-node-lease',
  ...Object.values(PLATFORM_NAMESPACES),
];

const isProd = (env: EnvironmentConfig): boolean => env.preset === 'prod';
const isLocal = (domain: string): boolean =>
  domain === 'localhost' || domain.endsWith('.localhost');

function duplicates(values: readonly string[]): Map<string, number[]> {
  const seen = new Map<string, number[]>();
  values.forEach((v, i) => seen.set(v, [...(seen.get(v) ?? []), i]));
  return new Map([...seen].filter(([, idx]) => idx.length > 1));
}

export const CONFIG_RULES: readonly ConfigRule[] = [
  {
    id: 'PROD-DOMAIN',
    description: 'A production environment names the public host of its gateway.',
    check: (env) =>
      isProd(env) && !env.domain
        ? [
            problem(
              'domain',
              'is required for the prod preset',
              NO_VALUE,
              'Set it to the host users open, such as kubeflow.example.com.',
              'PROD-DOMAIN',
            ),
          ]
        : isProd(env) && env.domain && isLocal(env.domain)
          ? [
              problem(
                'domain',
                'must be a public host name for the prod preset',
                env.domain,
                'Use the DNS name users reach the platform by.',
                'PROD-DOMAIN',
              ),
            ]
          : [],
  },
  {
    id: 'PROD-TLS-ISSUER',
    description:
      'A production environment chooses how its certificates are issued, and not self-signed.',
    check: (env) => {
      if (!isProd(env)) return [];
      const issuer = env.tls?.issuer;
      if (!issuer) {
        return [
          problem(
            'tls.issuer',
            'is required for the prod preset',
            NO_VALUE,
            'Choose type acme, ca or external.',
            'PROD-TLS-ISSUER',
          ),
        ];
      }
      return issuer.type === 'selfSigned'
        ? [
            problem(
              'tls.issuer.type',
              'must not be selfSigned for the prod preset',
              issuer.type,
              'Browsers reject a self-signed gateway certificate; choose acme, ca or external.',
              'PROD-TLS-ISSUER',
            ),
          ]
        : [];
    },
  },
  {
    id: 'PROD-IDENTITY',
    description: 'A production environment chooses its identity provider.',
    check: (env) =>
      isProd(env) && !env.identity
        ? [
            problem(
              'identity',
              'is required for the prod preset',
              NO_VALUE,
              'Set identity.provider to dex (with connectors) or external.',
              'PROD-IDENTITY',
            ),
          ]
        : [],
  },
  {
    id: 'PROD-STATIC-USERS',
    description: 'Production refuses static Dex users unless a reason is given.',
    check: (env) =>
      isProd(env) &&
      (env.identity?.dex?.staticUsers?.length ?? 0) > 0 &&
      !env.identity?.dex?.allowStaticUsers
        ? [
            problem(
              'identity.dex.staticUsers',
              'are not allowed for the prod preset',
              env.identity?.dex?.staticUsers,
              'Log in through a connector, or set identity.dex.allowStaticUsers.reason to say why static users are acceptable.',
              'PROD-STATIC-USERS',
            ),
          ]
        : [],
  },
  {
    id: 'PROD-OBJECT-STORE-CREDENTIALS',
    description: 'Production states where the MinIO root credentials come from.',
    check: (env) =>
      isProd(env) &&
      env.objectStore?.type !== 's3' &&
      !(env.objectStore?.type === 'minio' && env.objectStore.rootCredentials)
        ? [
            problem(
              'objectStore.rootCredentials',
              'is required for the prod preset',
              NO_VALUE,
              'Choose { type: existing, secretName: ... }, { type: pulumi, configKeys: ... } or, knowingly, { type: generated }.',
              'PROD-OBJECT-STORE-CREDENTIALS',
            ),
          ]
        : [],
  },
  {
    id: 'IDENTITY-PROVIDER-MATCH',
    description:
      'The identity settings match the chosen provider, so nothing of the other one is left behind.',
    check: (env) => {
      const id = env.identity;
      if (!id) return [];
      const out: ConfigProblem[] = [];
      if (id.provider === 'external' && !id.external) {
        out.push(
          problem(
            'identity.external',
            'is required when identity.provider is external',
            NO_VALUE,
            'Give issuerUrl, clientId and clientSecret of your OIDC provider.',
            'IDENTITY-PROVIDER-MATCH',
          ),
        );
      }
      if (id.provider === 'external' && id.dex) {
        out.push(
          problem(
            'identity.dex',
            'must not be set when identity.provider is external',
            id.dex,
            'Remove it; an external provider replaces Dex entirely.',
            'IDENTITY-PROVIDER-MATCH',
          ),
        );
      }
      if (id.provider === 'dex' && id.external) {
        out.push(
          problem(
            'identity.external',
            'must not be set when identity.provider is dex',
            id.external,
            'Remove it, or set identity.provider to external.',
            'IDENTITY-PROVIDER-MATCH',
          ),
        );
      }
      return out;
    },
  },
  {
    id: 'STATIC-USER-PASSWORD',
    description: 'Each static user has exactly one password source.',
    check: (env) =>
      (env.identity?.dex?.staticUsers ?? []).flatMap((u, i) =>
        (u.passwordHash ? 1 : 0) + (u.passwordSecret ? 1 : 0) + (u.generatedPassword ? 1 : 0) === 1
          ? []
          : [
              problem(
                `identity.dex.staticUsers[${i}]`,
                'needs exactly one of passwordHash, passwordSecret and generatedPassword',
                NO_VALUE,
                'Give a bcrypt passwordHash, a passwordSecret reference or generatedPassword: true.',
                'STATIC-USER-PASSWORD',
              ),
            ],
      ),
  },
  {
    id: 'DEX-LOGIN',
    description: 'Dex offers at least one way to log in: a connector or a static user.',
    check: (env) => {
      const id = env.identity;
      const dex = id?.dex;
      return id?.provider === 'dex' &&
        (dex?.connectors?.length ?? 0) + (dex?.staticUsers?.length ?? 0) === 0
        ? [
            problem(
              'identity.dex',
              'offers no way to log in',
              NO_VALUE,
              'Add a connector (oidc, github, google, microsoft, ldap, saml) or a static user.',
              'DEX-LOGIN',
            ),
          ]
        : [];
    },
  },
  {
    id: 'IDENTITY-HTTPS',
    description:
      'Identity traffic leaves the cluster only over TLS: an external issuer and its keys use https.',
    check: (env) => {
      const ext = env.identity?.provider === 'external' ? env.identity.external : undefined;
      if (!ext) return [];
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
  {
    id: 'ROUTE53-KEY-PAIR',
    description: 'Route 53 credentials are given as a pair or not at all (ambient identity).',
    check: (env) => {
      const issuer = env.tls?.issuer;
      if (issuer?.type !== 'acme' || issuer.solver.type !== 'dns01') return [];
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
  {
    id: 'ISTIO-MODE-SETTINGS',
    description:
      'An external Istio names the gateway the platform routes through; a managed one is configured by ingress instead.',
    check: (env) => {
      const istio = env.mesh?.istio;
      if (!istio) return [];
      const out: ConfigProblem[] = [];
      if (istio.mode === 'external' && !istio.gateway) {
        out.push(
          problem(
            'mesh.istio.gateway',
            'is required when mesh.istio.mode is external',
            NO_VALUE,
            'Give the namespace, pod selector and Gateway name of the ingress gateway the platform routes through.',
            'ISTIO-MODE-SETTINGS',
          ),
        );
      }
      if (istio.mode !== 'external' && istio.gateway) {
        out.push(
          problem(
            'mesh.istio.gateway',
            'is only used with mode external',
            istio.gateway,
            'Remove it, or set mesh.istio.mode to external.',
            'ISTIO-MODE-SETTINGS',
          ),
        );
      }
      if (istio.mode === 'external' && istio.ingress) {
        out.push(
          problem(
            'mesh.istio.ingress',
            'is only used when the platform installs Istio',
            istio.ingress,
            'Remove it; configure the exposure of your own gateway where it is installed.',
            'ISTIO-MODE-SETTINGS',
          ),
        );
      }
      return out;
    },
  },
  {
    id: 'TENANT-NAMES',
    description: 'Tenant names are unique and do not take a platform namespace.',
    check: (env) => {
      const tenants = env.tenants ?? [];
      const out: ConfigProblem[] = [];
      for (const [name, idx] of duplicates(tenants.map((t) => t.name))) {
        for (const i of idx.slice(1)) {
          out.push(
            problem(
              `tenants[${i}].name`,
              `repeats the name of tenants[${idx[0]}]`,
              name,
              'Give every tenant its own name.',
              'TENANT-NAMES',
            ),
          );
        }
      }
      tenants.forEach((t, i) => {
        if (RESERVED_NAMESPACES.includes(t.name) || t.name.startsWith('kube-')) {
          out.push(
            problem(
              `tenants[${i}].name`,
              'is a namespace the platform or Kubernetes owns',
              t.name,
              'Choose another name for the team.',
              'TENANT-NAMES',
            ),
          );
        }
      });
      return out;
    },
  },
  {
    id: 'TENANT-MEMBERS',
    description: 'A tenant lists each member once and not its owner again.',
    check: (env) =>
      (env.tenants ?? []).flatMap((t, i) => {
        const users = (t.members ?? []).map((m) => m.user);
        const out: ConfigProblem[] = [];
        for (const [user, idx] of duplicates(users)) {
          for (const j of idx.slice(1)) {
            out.push(
              problem(
                `tenants[${i}].members[${j}].user`,
                `repeats tenants[${i}].members[${idx[0]}]`,
                user,
                'List each member once with one role.',
                'TENANT-MEMBERS',
              ),
            );
          }
        }
        users.forEach((u, j) => {
          if (u === t.owner) {
            out.push(
              problem(
                `tenants[${i}].members[${j}].user`,
                'is the tenant owner, who is already admin',
                u,
                'Remove the owner from members.',
                'TENANT-MEMBERS',
              ),
            );
          }
        });
        return out;
      }),
  },
  {
    id: 'BUCKET-NAMES',
    description: 'Bucket names are unique.',
    check: (env) => {
      const store = env.objectStore;
      if (!store) return [];
      const names =
        store.type === 'minio'
          ? (store.buckets ?? []).map((b) => b.name)
          : [store.bucket, ...(store.extraBuckets ?? [])];
      const out: ConfigProblem[] = [];
      for (const [name, idx] of duplicates(names)) {
        for (const i of idx.slice(1)) {
          const path =
            store.type === 'minio'
              ? `objectStore.buckets[${i}].name`
              : i === 0
                ? 'objectStore.bucket'
                : `objectStore.extraBuckets[${i - 1}]`;
          out.push(
            problem(
              path,
              'names a bucket listed before',
              name,
              'List each bucket once.',
              'BUCKET-NAMES',
            ),
          );
        }
      }
      return out;
    },
  },
];

export function checkRules(
  env: EnvironmentConfig,
  rules: readonly ConfigRule[] = CONFIG_RULES,
): ConfigProblem[] {
  return rules.flatMap((r) => r.check(env));
}
