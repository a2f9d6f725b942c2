import { k8s } from 'cdk8s-plus-27';
import { DatabaseTls, IDatabase } from '../core/database';
import { ImageRef } from '../core/images';
import { ResourceSpec } from '../core/resources';
import { SecretSource } from '../core/secrets';

/**
 * A PostgreSQL of the registry's (or catalog's) own, in its namespace: upstream's
 * `overlays/postgres` (a registry) and `options/catalog/base/postgres-*` (the catalog), as a
 * StatefulSet with a volume claim template, hardened.
 */
export interface OwnPostgresDatabase {
  readonly type: 'postgres';
  /** @default 10 for a registry (upstream's `metadata-postgres`), 5 for the catalog */
  readonly storageGiB?: number;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /**
   * The database user's password (key `password`).
   * @default SecretSource.generated()
   */
  readonly password?: SecretSource;
  /** @default HUB_POSTGRES_DEFAULT_RESOURCES */
  readonly resources?: ResourceSpec;
  /** @default HUB_IMAGES.registryPostgres (a registry), HUB_IMAGES.catalogPostgres (the catalog) */
  readonly image?: ImageRef;
}

/** A database server the organisation runs, named by host, with credentials in Secrets. */
export interface ExternalHubDatabase {
  readonly type: 'external';
  /** The catalog takes only `postgresql`. */
  readonly engine: 'mysql' | 'postgresql';
  /** Host name or address, without scheme or port. */
  readonly host: string;
  /** @default 3306 for mysql, 5432 for postgresql */
  readonly port?: number;
  /** The database (schema); the server must have it, the registry creates its tables in it. */
  readonly databaseName: string;
  /**
   * Secret keys in the component's namespace. A PostgreSQL password goes into a URL DSN, so it must
   * not hold `@`, `/`, `:` or `?`.
   */
  readonly username: k8s.SecretKeySelector;
  readonly password: k8s.SecretKeySelector;
  /**
   * @default { required: true } - verified TLS against the system roots, as for any database
   * outside the cluster
   */
  readonly tls?: DatabaseTls;
}

/** A database on the platform's server (`IDatabase`), e.g. for the shared registry. */
export interface PlatformHubDatabase {
  readonly type: 'platform';
  readonly database: IDatabase;
  /**
   * The database (schema), declared with `database.addDatabase`.
   * @default 'model_registry'
   */
  readonly databaseName?: string;
}

/** Where a registry keeps its metadata. */
export type ModelRegistryDatabase = OwnPostgresDatabase | ExternalHubDatabase | PlatformHubDatabase;

/** Upstream sets none; a small PostgreSQL for metadata. */
export const HUB_POSTGRES_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '50m', limit: '1' },
  memory: { request: '128Mi', limit: '512Mi' },
};

/** The database name of a registry on the platform's server, when none is given. */
export const MODEL_REGISTRY_PLATFORM_DATABASE_NAME = 'model_registry';

/** What a registry or the catalog connects to, resolved. @internal */
export interface ResolvedConnection {
  readonly engine: 'mysql' | 'postgresql';
  readonly host: string;
  readonly port: number;
  readonly databaseName: string;
  readonly username: { readonly value: string } | { readonly secret: k8s.SecretKeySelector };
  readonly password: k8s.SecretKeySelector;
  /** Whether the client must use verified TLS, and with which CA. */
  readonly tls: DatabaseTls;
  /** Whether the server is the component's own PostgreSQL (reached through the mesh). */
  readonly own: boolean;
}

/** @internal */
export const DEFAULT_DB_PORTS: Record<'mysql' | 'postgresql', number> = {
  mysql: 3306,
  postgresql: 5432,
};
