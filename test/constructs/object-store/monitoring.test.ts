import { FakeMonitoring } from '../../fakes';
import { platformWithMonitoring } from '../../monitoring-checks';

describe('object store monitoring in the platform', () => {
  test('MinIO: scraped, with objectStore.alerts.freeSpacePercent', () => {
    const monitoring = new FakeMonitoring();
    platformWithMonitoring(monitoring, {
      name: 'e',
      preset: 'dev',
      objectStore: { type: 'minio', alerts: { freeSpacePercent: 20 } },
    });
    expect(monitoring.targets.find((t) => t.id === 'minio')?.namespace.name).toBe('minio');
    expect(monitoring.alert('ObjectStoreNearlyFull')?.expr).toMatch(/< 20$/);
  });

  test('SeaweedFS: scraped, default threshold 15 %', () => {
    const monitoring = new FakeMonitoring();
    platformWithMonitoring(monitoring, {
      name: 'e',
      preset: 'dev',
      objectStore: { type: 'seaweedfs' },
    });
    expect(monitoring.targets.find((t) => t.id === 'seaweedfs')?.namespace.name).toBe('seaweedfs');
    expect(monitoring.alert('ObjectStoreNearlyFull')?.expr).toMatch(/< 15$/);
  });

  test('an external S3 is not scraped and has no object store alerts', () => {
    const monitoring = new FakeMonitoring();
    platformWithMonitoring(monitoring, {
      name: 'e',
      preset: 'dev',
      objectStore: {
        type: 's3',
        endpoint: 'https://s3.eu-west-1.amazonaws.com',
        region: 'eu-west-1',
        bucket: 'ml-artifacts',
        credentials: {
          secretName: 's3-creds',
          namespace: 'kubeflow',
          accessKeyKey: 'AWS_ACCESS_KEY_ID',
          secretKeyKey: 'AWS_SECRET_ACCESS_KEY',
        },
      },
    });
    expect(monitoring.targets.filter((t) => ['minio', 'seaweedfs'].includes(t.id))).toEqual([]);
    expect(monitoring.alertGroups.filter((g) => g.id === 'object-store')).toEqual([]);
  });
});
