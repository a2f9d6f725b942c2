import { Chart } from 'cdk8s';
import { ExternalS3 } from '../../../constructs/object-store/external-s3';
import { Minio } from '../../../constructs/minio/minio';
import { PlatformNamespace } from '../../../constructs/namespaces/namespace';
import { ManagedMysql, ManagedMysqlProps } from '../../../constructs/database/mysql';
import { Obj, testChart } from '../../helpers';

/** A managed MySQL in namespace `mysql`, with MinIO in `minio` as the platform builds them. */
export function platform(props: Partial<ManagedMysqlProps> = {}) {
  const { app, chart, synth } = testChart();
  const mysqlNs = new PlatformNamespace(chart, 'MysqlNs', { name: 'mysql' });
  const minioNs = new PlatformNamespace(chart, 'MinioNs', { name: 'minio' });
  const mysql = new ManagedMysql(chart, 'Mysql', { namespace: mysqlNs, ...props });
  const minio = new Minio(chart, 'Minio', { namespace: minioNs });
  return { app, chart, synth, mysql, minio, mysqlNs, minioNs };
}

/** An external S3 endpoint whose credentials live in `namespace`. */
export function externalS3(chart: Chart, namespace: string): ExternalS3 {
  return new ExternalS3(chart, 'S3', {
    endpoint: 'https://s3.eu-west-1.amazonaws.com',
    region: 'eu-west-1',
    bucket: 'platform-backups',
    extraBuckets: ['mlpipeline'],
    credentials: {
      secretName: 'backup-s3',
      namespace,
      accessKeyKey: 'AWS_ACCESS_KEY_ID',
      secretKeyKey: 'AWS_SECRET_ACCESS_KEY',
    },
  });
}

export const env = (c: Obj, name: string): Obj | undefined =>
  (c.env as Obj[]).find((e) => e.name === name);
