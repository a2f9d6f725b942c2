import { Testing } from 'cdk8s';
import { DatabaseBackup } from '../../../constructs/database/backup';
import { ExternalDatabase } from '../../../constructs/database/external';
import { findObject, Obj } from '../../helpers';
import { env, platform } from './helpers';

const S3_IN_MYSQL = {
  secretName: 'backup-s3',
  namespace: 'mysql',
  accessKeyKey: 'accesskey',
  secretKeyKey: 'secretkey',
};

describe('IDatabase.addDatabase: a client declares the database it keeps its tables in', () => {
  test('the managed server creates a database declared after it was built, and the backup dumps it', () => {
    const p = platform();
    new DatabaseBackup(p.chart, 'Backup', {
      database: p.mysql,
      namespace: p.mysqlNs,
      objectStore: p.minio,
      objectStoreCredentials: S3_IN_MYSQL,
    });
    // Katib is built after the database and the backup.
    p.mysql.addDatabase('katib');
    p.mysql.addDatabase('katib');
    const objects = p.synth();
    expect(p.mysql.databases).toEqual(['mlpipeline', 'metadb', 'cachedb', 'katib']);
    const init = findObject(objects, 'ConfigMap', 'mysql', 'mysql-init');
    const script = init.data['create-databases.sh'] as string;
    expect(script).toContain('CREATE DATABASE IF NOT EXISTS \\`katib\\`');
    expect(script).toContain("GRANT ALL ON \\`katib\\`.* TO '$MYSQL_USER'@'%'");
    expect(script.match(/CREATE DATABASE/g)).toHaveLength(4);
    const cron = findObject(objects, 'CronJob', 'mysql', 'mysql-backup');
    const c = cron.spec.jobTemplate.spec.template.spec.containers[0] as Obj;
    expect(env(c, 'DATABASES')?.value).toBe('mlpipeline metadb cachedb katib');
  });

  test('a backup given its databases keeps to them', () => {
    const p = platform();
    const backup = new DatabaseBackup(p.chart, 'Backup', {
      database: p.mysql,
      namespace: p.mysqlNs,
      objectStore: p.minio,
      objectStoreCredentials: S3_IN_MYSQL,
      databases: ['mlpipeline'],
    });
    p.mysql.addDatabase('katib');
    expect(backup.databases).toEqual(['mlpipeline']);
  });

  test('a name MySQL or the scripts cannot take is an error with its path', () => {
    const p = platform();
    expect(() => p.mysql.addDatabase('Katib-DB')).toThrow(
      /`databases\[3\]` is not a database name .*\(got "Katib-DB"\)/,
    );
    expect(() => p.mysql.addDatabase('mysql')).toThrow(/names a system schema of MySQL/);
  });

  test('an external database records what its clients need', () => {
    const db = new ExternalDatabase(Testing.chart(), 'Db', {
      version: '8.0',
      host: 'db.example.com',
      credentials: { secretName: 'db' },
    });
    db.addDatabase('katib');
    db.addDatabase('katib');
    expect(db.databases).toEqual(['katib']);
  });
});
