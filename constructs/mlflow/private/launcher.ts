import { k8s } from 'cdk8s-plus-27';
import { IDatabase } from '../../core/database';

/**
 * The SQLAlchemy URL scheme per engine. `mysql+pymysql`: PyMySQL is the MySQL driver the image's
 * `mlflow[db]` extra brings; `postgresql` is SQLAlchemy's default driver for it, psycopg2
 * (`psycopg2-binary` in the same extra). @internal
 */
export const BACKEND_SCHEMES: Readonly<Record<IDatabase['engine'], string>> = {
  mysql: 'mysql+pymysql',
  postgresql: 'postgresql',
};

/**
 * Python that sets `MLFLOW_BACKEND_STORE_URI` from the `DB_*` variables. User and password are
 * percent-encoded with `quote(..., safe="")` (every reserved character, and a space as `%20`:
 * SQLAlchemy decodes them with `unquote`, so `quote_plus`'s `+` would stay a `+`). @internal
 */
const SET_URI = [
  'import os, sys',
  'from urllib.parse import quote',
  'e = os.environ',
  'e["MLFLOW_BACKEND_STORE_URI"] = "%s://%s:%s@%s:%s/%s" % (e["DB_SCHEME"], quote(e["DB_USER"], safe=""), quote(e["DB_PASSWORD"], safe=""), e["DB_HOST"], e["DB_PORT"], e["DB_NAME"])',
];

/**
 * `python -c LAUNCH_SERVER mlflow-args...`: builds the URI, then replaces itself with `mlflow`
 * and the arguments, so that MLflow is PID 1 and reads the URI from its environment (the
 * `--backend-store-uri` option's variable), never from its command line. @internal
 */
export const LAUNCH_SERVER = [...SET_URI, 'os.execvp("mlflow", ["mlflow"] + sys.argv[1:])'].join(
  '\n',
);

/**
 * The schema migration, with MLflow's own functions (`mlflow/store/db/utils.py`), as upstream's
 * `charts/mlflow/scripts/db_migrate.py` decides it: a database without an Alembic revision is
 * empty, so MLflow's initial tables are created and then migrated to the head
 * (`_initialize_tables`); a database with one is migrated (`_upgrade_db`, what `mlflow db upgrade`
 * runs: `mlflow db upgrade` alone fails on an empty database, its first migration alters tables
 * that do not exist yet). Last, the revision must be the head of this MLflow (`_verify_schema`,
 * the same check the server makes as it starts). The engine retries the first connection
 * (`create_sqlalchemy_engine_with_retry`: 10 attempts over about 100 s). @internal
 */
export const MIGRATE = [
  ...SET_URI,
  'from mlflow.store.db import utils',
  'engine = utils.create_sqlalchemy_engine_with_retry(e["MLFLOW_BACKEND_STORE_URI"])',
  'if utils._get_schema_version(engine) is None:',
  '    utils._initialize_tables(engine)',
  'else:',
  '    utils._upgrade_db(engine)',
  'utils._verify_schema(engine)',
  'print("MLflow schema at revision", utils._get_schema_version(engine))',
].join('\n');

/** Where the CA of a TLS database is mounted. @internal */
export const DATABASE_CA_DIR = '/etc/mlflow/database-ca';
const DATABASE_CA_FILE = 'ca.crt';
/** The system roots of the image (python:3.12-slim, Debian's ca-certificates). @internal */
export const SYSTEM_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

/** The environment, volume and mount that connect a container to the database. @internal */
export interface DatabaseConnection {
  readonly env: k8s.EnvVar[];
  readonly volumes: k8s.Volume[];
  readonly mounts: k8s.VolumeMount[];
}

/**
 * `DB_*` for the launchers, and TLS where the database requires it: PyMySQL through MLflow's
 * `MLFLOW_MYSQL_SSL_CA` (`create_sqlalchemy_engine` passes it as `ssl_ca`; PyMySQL then verifies
 * the certificate and the host name), psycopg2 through libpq's `PGSSLMODE=verify-full` and
 * `PGSSLROOTCERT`. Without a CA Secret the image's system roots are the CA. @internal
 */
export function databaseConnection(
  db: IDatabase,
  databaseName: string,
  namespace: string,
): DatabaseConnection {
  const creds = db.credentials(namespace);
  const env: k8s.EnvVar[] = [
    { name: 'DB_SCHEME', value: BACKEND_SCHEMES[db.engine] },
    { name: 'DB_HOST', value: db.host },
    { name: 'DB_PORT', value: String(db.port) },
    { name: 'DB_NAME', value: databaseName },
    { name: 'DB_USER', valueFrom: { secretKeyRef: { ...creds.username } } },
    { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { ...creds.password } } },
  ];
  if (!db.tls.required) return { env, volumes: [], mounts: [] };
  const ca = db.tls.caSecret;
  const caPath = ca ? `${DATABASE_CA_DIR}/${DATABASE_CA_FILE}` : SYSTEM_CA_BUNDLE;
  env.push(
    ...(db.engine === 'mysql'
      ? [{ name: 'MLFLOW_MYSQL_SSL_CA', value: caPath }]
      : [
          { name: 'PGSSLMODE', value: 'verify-full' },
          { name: 'PGSSLROOTCERT', value: caPath },
        ]),
  );
  if (!ca) return { env, volumes: [], mounts: [] };
  return {
    env,
    volumes: [
      {
        name: 'database-ca',
        secret: { secretName: ca.name, items: [{ key: ca.key, path: DATABASE_CA_FILE }] },
      },
    ],
    mounts: [{ name: 'database-ca', mountPath: DATABASE_CA_DIR, readOnly: true }],
  };
}

/** Env values by name, Secret references as `secret:<name>/<key>`. @internal */
export function envSettings(env: readonly k8s.EnvVar[]): Record<string, string> {
  return Object.fromEntries(
    env.map((e) => [
      e.name,
      e.value ??
        (e.valueFrom?.secretKeyRef
          ? `secret:${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`
          : `field:${e.valueFrom?.fieldRef?.fieldPath}`),
    ]),
  );
}
