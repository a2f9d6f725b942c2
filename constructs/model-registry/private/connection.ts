import { k8s } from 'cdk8s-plus-27';
import { DEFAULT_DB_PORTS, ResolvedConnection } from '../database';

/** Where a database CA is mounted for the server's `--embedmd-database-ssl-root-cert`. @internal */
export const DATABASE_CA_DIR = '/etc/model-registry/database-ca';
export const DATABASE_CA_FILE = 'ca.crt';

/** Env names the DSN refers to (upstream base's `DBCONFIG_USER`, `DBCONFIG_PASSWORD`). @internal */
export const DSN_ENV = { user: 'DBCONFIG_USER', password: 'DBCONFIG_PASSWORD' } as const;

/**
 * The registry server's database flags and env (`cmd/proxy.go` flags at v0.3.8): the DSN names the
 * credentials as `$(VAR)` so that Kubernetes expands them from the Secret and no value appears in
 * the manifest.
 * - MySQL, as `base/model-registry-deployment.yaml`: `user:password@tcp(host:port)/db?charset=utf8mb4`;
 * - PostgreSQL, as `overlays/postgres/patches/model-registry-deployment.yaml`:
 *   `--embedmd-database-type=postgres` and `postgresql://user:password@host:port/db?sslmode=...`.
 * TLS: `--embedmd-database-ssl-verify-server-cert=true` (PostgreSQL: `sslmode=verify-full`; MySQL:
 * a registered TLS config) with `--embedmd-database-ssl-root-cert` for a private CA
 * (`internal/datastore/embedmd/{mysql,postgres}/connect.go`). @internal
 */
export function registryDatabaseArgs(c: ResolvedConnection): {
  args: string[];
  env: k8s.EnvVar[];
  caVolume?: k8s.Volume;
  caMount?: k8s.VolumeMount;
} {
  const user = `$(${DSN_ENV.user})`;
  const password = `$(${DSN_ENV.password})`;
  const verify = c.tls.required;
  const dsn =
    c.engine === 'mysql'
      ? `${user}:${password}@tcp(${c.host}:${c.port})/${c.databaseName}?charset=utf8mb4`
      : `postgresql://${user}:${password}@${c.host}:${c.port}/${c.databaseName}` +
        // With TLS the server sets sslmode itself (verify-full); without, the own database is
        // reached through the mesh's mTLS, an external one opportunistically.
        (verify ? '' : `?sslmode=${c.own ? 'disable' : 'prefer'}`);
  const args = [
    `--embedmd-database-type=${c.engine === 'mysql' ? 'mysql' : 'postgres'}`,
    `--embedmd-database-dsn=${dsn}`,
  ];
  const ca = verify ? c.tls.caSecret : undefined;
  if (verify) args.push('--embedmd-database-ssl-verify-server-cert=true');
  if (ca) args.push(`--embedmd-database-ssl-root-cert=${DATABASE_CA_DIR}/${DATABASE_CA_FILE}`);
  const env: k8s.EnvVar[] = [
    'value' in c.username
      ? { name: DSN_ENV.user, value: c.username.value }
      : { name: DSN_ENV.user, valueFrom: { secretKeyRef: { ...c.username.secret } } },
    { name: DSN_ENV.password, valueFrom: { secretKeyRef: { ...c.password } } },
  ];
  return {
    args,
    env,
    ...(ca
      ? {
          caVolume: {
            name: 'database-ca',
            secret: { secretName: ca.name, items: [{ key: ca.key, path: DATABASE_CA_FILE }] },
          },
          caMount: { name: 'database-ca', mountPath: DATABASE_CA_DIR, readOnly: true },
        }
      : {}),
  };
}

/** The port of an external server: given, else the engine's. @internal */
export function externalPort(engine: 'mysql' | 'postgresql', port?: number): number {
  return port ?? DEFAULT_DB_PORTS[engine];
}
