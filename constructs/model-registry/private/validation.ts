import { DNS_LABEL, propProblem } from '../../core/validation';
import { ExternalHubDatabase, ModelRegistryDatabase } from '../database';

const HOST =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
/** A database name the DSNs carry unquoted. */
const DATABASE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** @internal */
export function namespaceProblems(path: string, namespace: string): string[] {
  return DNS_LABEL.test(namespace)
    ? []
    : [
        propProblem(
          path,
          'is not a namespace name',
          `"${namespace}"`,
          'Use a DNS label such as team-a.',
        ),
      ];
}

/** @internal */
export function wholeNumberProblems(
  path: string,
  value: number,
  min: number,
  example: string,
): string[] {
  return Number.isInteger(value) && value >= min
    ? []
    : [
        propProblem(
          path,
          `is not a whole number of at least ${min}`,
          String(value),
          `Use e.g. ${example}.`,
        ),
      ];
}

/** @internal */
export function databaseProblems(db: ModelRegistryDatabase, defaultGiB: number): string[] {
  const out: string[] = [];
  if (db.type === 'postgres') {
    out.push(...wholeNumberProblems('database.storageGiB', db.storageGiB ?? defaultGiB, 1, '10'));
    if (db.storageClassName !== undefined && !DNS_LABEL.test(db.storageClassName)) {
      out.push(
        propProblem(
          'database.storageClassName',
          'is not a StorageClass name',
          `"${db.storageClassName}"`,
          'Use e.g. standard, or leave it out for the default class.',
        ),
      );
    }
  } else if (db.type === 'external') {
    out.push(...externalProblems(db));
  } else if (db.databaseName !== undefined && !DATABASE_NAME.test(db.databaseName)) {
    out.push(nameProblem('database.databaseName', db.databaseName));
  }
  return out;
}

function nameProblem(path: string, name: string): string {
  return propProblem(
    path,
    'is not a database name of letters, digits and underscores',
    `"${name}"`,
    'Use e.g. model_registry.',
  );
}

function externalProblems(db: ExternalHubDatabase): string[] {
  const out: string[] = [];
  if (!HOST.test(db.host)) {
    out.push(
      propProblem(
        'database.host',
        'is not a host name or address',
        `"${db.host}"`,
        'Give the host alone, e.g. db.example.com, without scheme or port.',
      ),
    );
  }
  if (db.port !== undefined && (!Number.isInteger(db.port) || db.port < 1 || db.port > 65535)) {
    out.push(
      propProblem(
        'database.port',
        'is not a port number',
        String(db.port),
        'Use 1 to 65535, e.g. 5432.',
      ),
    );
  }
  if (!DATABASE_NAME.test(db.databaseName))
    out.push(nameProblem('database.databaseName', db.databaseName));
  return out;
}
