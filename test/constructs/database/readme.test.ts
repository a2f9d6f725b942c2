import { readFileSync } from 'fs';
import { join } from 'path';
import { DatabaseBackup } from '../../../constructs/database/backup';
import { ExternalDatabase } from '../../../constructs/database/external';
import { databaseVersionTable } from '../../../constructs/database/versions';
import { externalS3, platform } from './helpers';

const readme = readFileSync(join(__dirname, '../../../constructs/database/README.md'), 'utf8');

/** The README's scenario: managed MySQL in mysql, MinIO in minio, the key pair in mysql. */
function managedBackup(): DatabaseBackup {
  const p = platform();
  return new DatabaseBackup(p.chart, 'Backup', {
    database: p.mysql,
    namespace: p.mysqlNs,
    objectStore: p.minio,
    objectStoreCredentials: {
      secretName: 'mysql-backup-s3',
      namespace: 'mysql',
      accessKeyKey: 'accessKey',
      secretKeyKey: 'secretKey',
    },
  });
}

describe('README', () => {
  test('carries the version table generated from versions.ts', () => {
    const table = databaseVersionTable();
    expect(table).toContain('`docker.io/library/mysql:8.4.10`');
    expect(readme).toContain(table);
  });

  test('carries the restore procedure restoreCommand() gives for its scenario', () => {
    const lines = managedBackup().restoreCommand();
    expect(readme).toContain(['```bash', ...lines, '```'].join('\n'));
  });
});

describe('restoreCommand()', () => {
  test('managed MySQL and in-cluster MinIO: port-forward, newest dump, root through the socket', () => {
    expect(managedBackup().restoreCommand()).toEqual([
      'set -euo pipefail',
      'export MC_CONFIG_DIR="$(mktemp -d)"',
      'kubectl -n minio port-forward svc/minio 19000:9000 >/dev/null &',
      'forward=$!',
      'trap \'kill "$forward"; rm -rf "$MC_CONFIG_DIR"\' EXIT',
      'sleep 3',
      `mc alias set backup http://127.0.0.1:19000 "$(kubectl -n mysql get secret mysql-backup-s3 -o jsonpath='{.data.accessKey}' | base64 -d)" "$(kubectl -n mysql get secret mysql-backup-s3 -o jsonpath='{.data.secretKey}' | base64 -d)" >/dev/null`,
      `DUMP="\${DUMP:-$(mc find backup/mlpipeline/database-backups/mysql-backup/ --name '*.sql.gz' | sort | tail -n 1)}"`,
      'echo "Restoring $DUMP"',
      'mc cat "$DUMP" | gunzip | kubectl -n mysql exec -i mysql-0 -c mysql -- \\',
      `  bash -c 'mysql --defaults-extra-file=<(printf "[client]\\nuser=root\\npassword=\\"%s\\"\\n" "$MYSQL_ROOT_PASSWORD") --socket=/var/run/mysqld/mysqld.sock'`,
    ]);
  });

  test('external database and S3: the endpoint as is, the user and CA from their Secrets', () => {
    const p = platform();
    const rds = new ExternalDatabase(p.chart, 'Rds', {
      version: '8.4',
      host: 'kfp.abc.eu-west-1.rds.amazonaws.com',
      tls: { required: true, caSecret: { name: 'rds-ca', key: 'ca.pem' } },
      credentials: { secretName: 'rds-kfp' },
    });
    for (const db of ['mlpipeline', 'metadb', 'cachedb']) rds.addDatabase(db);
    const backup = new DatabaseBackup(p.chart, 'Backup', {
      database: rds,
      namespace: p.mysqlNs,
      objectStore: externalS3(p.chart, 'mysql'),
      name: 'rds-backup',
    });
    const lines = backup.restoreCommand();
    expect(lines.slice(0, 3)).toEqual([
      'set -euo pipefail',
      'export MC_CONFIG_DIR="$(mktemp -d)"',
      'trap \'rm -rf "$MC_CONFIG_DIR"\' EXIT',
    ]);
    expect(lines.join('\n')).not.toContain('port-forward');
    expect(lines[3]).toMatch(/^mc alias set backup https:\/\/s3\.eu-west-1\.amazonaws\.com:443 /);
    expect(lines[4]).toContain('mc find backup/platform-backups/database-backups/rds-backup/');
    expect(lines.slice(-2)).toEqual([
      `mc cat "$DUMP" | gunzip | mysql --defaults-extra-file=<(printf '[client]\\nuser="%s"\\npassword="%s"\\n' "$(kubectl -n mysql get secret rds-kfp -o jsonpath='{.data.username}' | base64 -d)" "$(kubectl -n mysql get secret rds-kfp -o jsonpath='{.data.password}' | base64 -d)") \\`,
      // A key with a dot is escaped in the JSONPath.
      `  --host=kfp.abc.eu-west-1.rds.amazonaws.com --port=3306 --ssl-mode=VERIFY_CA --ssl-ca=<(kubectl -n mysql get secret rds-ca -o jsonpath='{.data.ca\\.pem}' | base64 -d)`,
    ]);
  });
});
