import { ResourceSpec } from '../../constructs/core/resources';
import {
  EnvironmentConfig,
  IssuerConfig,
  ObjectStoreConfig,
  SecretSourceConfig,
  TenantConfig,
} from './schema';

type Toggles = Record<'dashboard' | 'notebooks' | 'katib' | 'training' | 'modelRegistry', boolean>;

/** An environment with every default filled in by its preset. */
export interface ResolvedEnvironment {
  readonly name: string;
  readonly preset: 'dev' | 'prod';
  readonly domain: string;
  readonly registryMirror?: string;
  readonly tls: { readonly issuer: IssuerConfig };
  readonly certManager: { readonly mode: 'managed' | 'external' };
  readonly istio: NonNullable<NonNullable<EnvironmentConfig['mesh']>['istio']> & {
    readonly mode: 'managed' | 'external';
  };
  readonly identity: NonNullable<EnvironmentConfig['identity']>;
  readonly kubeflow: Toggles;
  readonly pipelines: {
    readonly enabled: boolean;
    readonly database: NonNullable<NonNullable<EnvironmentConfig['pipelines']>['database']>;
  };
  readonly serving: {
    readonly enabled: boolean;
    readonly deploymentMode: 'Serverless' | 'RawDeployment';
  };
  readonly objectStore: ResolvedObjectStore;
  readonly tenants: readonly TenantConfig[];
}

export type ResolvedObjectStore =
  | (Extract<ObjectStoreConfig, { type: 'minio' }> & {
      readonly storageGiB: number;
      readonly buckets: readonly { readonly name: string; readonly versioning?: boolean }[];
      readonly rootCredentials: SecretSourceConfig;
      readonly resources: ResourceSpec;
    })
  | Extract<ObjectStoreConfig, { type: 's3' }>;

interface Preset {
  readonly domain?: string;
  readonly issuer?: IssuerConfig;
  readonly minioStorageGiB: number;
  readonly minioCredentials?: SecretSourceConfig;
  readonly minioResources: ResourceSpec;
  readonly pipelineDatabaseGiB: number;
  readonly identity?: (domain: string) => NonNullable<EnvironmentConfig['identity']>;
}

/**
 * What each preset fills in. `prod` leaves out what a production install cannot guess; the rules
 * in rules.ts make those fields required.
 */
export const PRESETS: Record<'dev' | 'prod', Preset> = {
  dev: {
    domain: 'kubeflow.localhost',
    issuer: { type: 'selfSigned' },
    minioStorageGiB: 10,
    minioCredentials: { type: 'generated' },
    minioResources: {
      cpu: { request: '100m', limit: '1' },
      memory: { request: '256Mi', limit: '1Gi' },
    },
    pipelineDatabaseGiB: 10,
    // One admin whose password is generated in the cluster (see README, "Logging in").
    identity: (domain) => ({
      provider: 'dex',
      dex: { staticUsers: [{ email: `admin@${domain}`, generatedPassword: true }] },
    }),
  },
  prod: {
    minioStorageGiB: 100,
    minioResources: {
      cpu: { request: '500m', limit: '4' },
      memory: { request: '2Gi', limit: '8Gi' },
    },
    pipelineDatabaseGiB: 50,
  },
};

/** The default bucket: Kubeflow Pipelines' artifact store. */
export const DEFAULT_BUCKET = 'mlpipeline';

/** The dev environment that runs when no file is given. */
export const DEFAULT_ENVIRONMENT: EnvironmentConfig = { name: 'dev', preset: 'dev' };

function required<T>(value: T | undefined, what: string): T {
  // The rules have already required these for presets that do not fill them.
  if (value === undefined) throw new Error(`internal: ${what} should have been validated`);
  return value;
}

/** Fills an already validated environment with its preset's defaults. Pure. */
export function resolveEnvironment(env: EnvironmentConfig): ResolvedEnvironment {
  const preset = PRESETS[env.preset];
  const store = env.objectStore ?? { type: 'minio' as const };
  const objectStore: ResolvedObjectStore =
    store.type === 's3'
      ? store
      : {
          ...store,
          storageGiB: store.storageGiB ?? preset.minioStorageGiB,
          buckets: store.buckets ?? [{ name: DEFAULT_BUCKET, versioning: true }],
          rootCredentials: required(
            store.rootCredentials ?? preset.minioCredentials,
            'objectStore.rootCredentials',
          ),
          resources: store.resources ?? preset.minioResources,
        };
  const kf = env.kubeflow ?? {};
  const domain = required(env.domain ?? preset.domain, 'domain');
  return {
    name: env.name,
    preset: env.preset,
    domain,
    ...(env.images?.registryMirror ? { registryMirror: env.images.registryMirror } : {}),
    tls: { issuer: required(env.tls?.issuer ?? preset.issuer, 'tls.issuer') },
    certManager: { mode: env.certManager?.mode ?? 'managed' },
    istio: { ...(env.mesh?.istio ?? {}), mode: env.mesh?.istio.mode ?? 'managed' },
    identity: required(env.identity ?? preset.identity?.(domain), 'identity'),
    kubeflow: {
      dashboard: kf.dashboard?.enabled ?? true,
      notebooks: kf.notebooks?.enabled ?? true,
      katib: kf.katib?.enabled ?? true,
      training: kf.training?.enabled ?? true,
      modelRegistry: kf.modelRegistry?.enabled ?? false,
    },
    pipelines: {
      enabled: env.pipelines?.enabled ?? true,
      database: env.pipelines?.database ?? {
        type: 'managed',
        storageGiB: preset.pipelineDatabaseGiB,
      },
    },
    serving: {
      enabled: env.serving?.enabled ?? true,
      deploymentMode: env.serving?.deploymentMode ?? 'Serverless',
    },
    objectStore,
    tenants: env.tenants ?? [],
  };
}
