import { Construct } from 'constructs';
import { z } from 'zod';
import { dnsLabel, hostname, positiveInt } from '../core/config/patterns';
import { ExternalDatabase } from './external';

/**
 * An external MySQL in the environment file: where it is, its version, TLS and a Secret with the
 * client's user name and password (the same name in every namespace whose workloads connect).
 */
export const externalDatabaseSchema = z.strictObject({
  type: z.literal('external'),
  host: hostname(),
  port: positiveInt(65535, 'port').default(3306),
  /** The server version, e.g. 8.4. */
  version: z
    .string()
    .regex(/^\d+\.\d+$/, 'is not a major.minor version|Give the server version, e.g. 8.4.')
    .default('8.4'),
  tls: z
    .strictObject({
      required: z.boolean().default(true),
      /** Why plain connections are acceptable; required to turn TLS off in prod. */
      reason: z.string().min(10).optional(),
      /** A Secret key with the CA that signed the server certificate. */
      caSecret: z.strictObject({ name: dnsLabel(), key: z.string().min(1) }).optional(),
    })
    .prefault({}),
  /** A Secret the user creates in each client namespace (`kubeflow`) with the user name and password. */
  credentials: z.strictObject({
    secretName: dnsLabel(),
    usernameKey: z.string().min(1).default('username'),
    passwordKey: z.string().min(1).default('password'),
  }),
});

export type ExternalDatabaseConfig = z.output<typeof externalDatabaseSchema>;

/**
 * An external database of a client that speaks MySQL or PostgreSQL (MLflow, Kubeflow Hub): the
 * same settings with an `engine`, and the port defaulting to the engine's.
 */
export const externalAnyEngineDatabaseSchema = externalDatabaseSchema.extend({
  engine: z.enum(['mysql', 'postgresql']).default('mysql'),
  port: positiveInt(65535, 'port').optional(),
});

export type ExternalAnyEngineDatabaseConfig = z.output<typeof externalAnyEngineDatabaseSchema>;

/** The `ExternalDatabase` an environment file's `type: external` database describes. */
export function externalDatabaseFrom(
  scope: Construct,
  id: string,
  db: ExternalDatabaseConfig | ExternalAnyEngineDatabaseConfig,
): ExternalDatabase {
  return new ExternalDatabase(scope, id, {
    ...('engine' in db ? { engine: db.engine } : {}),
    version: db.version,
    host: db.host,
    ...(db.port !== undefined ? { port: db.port } : {}),
    tls: {
      required: db.tls.required,
      ...(db.tls.caSecret ? { caSecret: db.tls.caSecret } : {}),
    },
    credentials: {
      secretName: db.credentials.secretName,
      usernameKey: db.credentials.usernameKey,
      passwordKey: db.credentials.passwordKey,
    },
  });
}
