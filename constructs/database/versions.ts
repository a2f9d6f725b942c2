import { ImageRef, imageTable } from '../core/images';

/**
 * Images of the managed MySQL and its backup.
 *
 * `mysql` is the Docker official image of the MySQL 8.4 LTS series, pinned to its newest patch
 * release (8.4.10: docker-library/mysql commit 99f090f, "Update 8.4 to 8.4.10"). KFP 2.16.1 runs
 * the floating tag `mysql:8.4`; a patch tag makes the output reproducible. The same image runs the
 * backup's `mysqldump`.
 *
 * `mc` is the MinIO client of the release the MinIO component pins (the same tag and digest; a
 * test keeps them equal). The backup copies its static binary next to `mysqldump`, so that the
 * dump streams to the object store without a disk and without a third image.
 */
export const DATABASE_VERSIONS = {
  mysql: {
    registry: 'docker.io',
    repository: 'library/mysql',
    tag: '8.4.10',
  },
  mc: {
    registry: 'quay.io',
    repository: 'minio/mc',
    tag: 'RELEASE.2025-08-13T08-35-41Z',
    digest: 'sha256:a7fe349ef4bd8521fb8497f55c6042871b2ae640607cf99d9bede5e9bdf11727',
  },
  /**
   * prometheus/mysqld_exporter's newest release (tag v0.20.0 of the repository), the image its
   * README names on quay.io; runs only with monitoring on. No digest: none could be read
   * without the registry.
   */
  mysqldExporter: {
    registry: 'quay.io',
    repository: 'prometheus/mysqld-exporter',
    tag: 'v0.20.0',
  },
} as const satisfies Record<string, ImageRef>;

/** The server version clients may rely on (`IDatabase.version`): the LTS series. */
export const MYSQL_SERIES = '8.4';

const USED_BY: Record<keyof typeof DATABASE_VERSIONS, string> = {
  mysql: 'StatefulSet `mysql`; CronJob `<name>` of `DatabaseBackup` (`mysqldump`)',
  mc: 'CronJob `<name>` of `DatabaseBackup` (init container copying `mc`)',
  mysqldExporter: 'StatefulSet `mysql`, container `mysqld-exporter` (with monitoring only)',
};

/** The README's version table (see `imageTable`). */
export function databaseVersionTable(): string {
  return imageTable(DATABASE_VERSIONS, USED_BY);
}
