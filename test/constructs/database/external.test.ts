import { NetworkPeer } from '../../../constructs/core/network';
import { Prerequisites } from '../../../constructs/core/prerequisites';
import { ExternalDatabase } from '../../../constructs/database/external';
import { testChart } from '../../helpers';

describe('ExternalDatabase', () => {
  test('defaults: mysql on 3306, TLS required, username/password keys; creates nothing', () => {
    const { chart, synth } = testChart();
    const db = new ExternalDatabase(chart, 'Db', {
      version: '8.4',
      host: 'kfp.abc.eu-west-1.rds.amazonaws.com',
      credentials: { secretName: 'kfp-database' },
    });
    expect(db.engine).toBe('mysql');
    expect(db.version).toBe('8.4');
    expect(db.port).toBe(3306);
    expect(db.tls).toEqual({ required: true });
    db.grantAccess('x', NetworkPeer.namespace('kubeflow'));
    expect(synth()).toEqual([]);
    expect(Prerequisites.of(chart).secrets()).toEqual([]);
  });

  test('postgresql defaults to 5432', () => {
    const { chart } = testChart();
    const db = new ExternalDatabase(chart, 'Db', {
      engine: 'postgresql',
      version: '16',
      host: '10.0.0.12',
      credentials: { secretName: 'pg' },
    });
    expect(db.port).toBe(5432);
  });

  test('credentials(namespace): the Secret (and CA) become prerequisites of that namespace', () => {
    const { chart } = testChart();
    const db = new ExternalDatabase(chart, 'Db', {
      version: '8.0',
      host: 'mysql.corp.example',
      port: 3307,
      tls: { required: true, caSecret: { name: 'corp-ca', key: 'ca.crt' } },
      credentials: { secretName: 'kfp-db', usernameKey: 'user', passwordKey: 'pass' },
    });
    expect(db.credentials('kubeflow')).toEqual({
      username: { name: 'kfp-db', key: 'user' },
      password: { name: 'kfp-db', key: 'pass' },
    });
    db.credentials('katib');
    expect(
      Prerequisites.of(chart)
        .secrets()
        .map((s) => `${s.namespace}/${s.name}: ${s.keys.join(',')} (${s.purpose})`),
    ).toEqual([
      'katib/corp-ca: ca.crt (CA of the mysql database mysql.corp.example)',
      'katib/kfp-db: pass,user (mysql database mysql.corp.example clients)',
      'kubeflow/corp-ca: ca.crt (CA of the mysql database mysql.corp.example)',
      'kubeflow/kfp-db: pass,user (mysql database mysql.corp.example clients)',
    ]);
  });

  test('invalid props: every problem in one error', () => {
    const { chart } = testChart();
    expect(
      () =>
        new ExternalDatabase(chart, 'Db', {
          version: ' ',
          host: 'mysql://db.example.com:3306',
          port: 70000,
          tls: { required: false, caSecret: { name: 'Corp_CA', key: 'ca.crt' } },
          credentials: { secretName: 'KFP DB' },
        }),
    ).toThrow(
      [
        'ExternalDatabase "Db": ',
        '- `host` is not a host name or address (got "mysql://db.example.com:3306"). Give the host alone, e.g. kfp.abc123.eu-west-1.rds.amazonaws.com, without scheme or port.',
        '- `port` is not a TCP port (got 70000). Use a port from 1 to 65535.',
        '- `version` is empty. Give the server version, e.g. 8.4.',
        '- `credentials.secretName` is not a Secret name (got "KFP DB"). Use a DNS subdomain such as kfp-database.',
        '- `tls.caSecret.name` is not a Secret name (got "Corp_CA"). Use a DNS subdomain such as kfp-database-ca.',
        '- `tls.caSecret` is set while TLS is not required. Set tls.required to true, or leave caSecret out.',
      ].join('\n'),
    );
  });
});
