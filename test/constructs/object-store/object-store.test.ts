import { NetworkPeer } from '../../../constructs/core/network';
import { PlatformNamespace } from '../../../constructs/namespaces/namespace';
import { ExternalS3 } from '../../../constructs/object-store/external-s3';
import { ObjectStore } from '../../../constructs/object-store/object-store';
import { testChart } from '../../helpers';

const credentials = {
  secretName: 's3-creds',
  namespace: 'kubeflow',
  accessKeyKey: 'AWS_ACCESS_KEY_ID',
  secretKeyKey: 'AWS_SECRET_ACCESS_KEY',
};

describe('ObjectStore', () => {
  test('s3: parses the endpoint and creates nothing, not even a namespace', () => {
    const { chart, synth } = testChart();
    let asked = false;
    const store = ObjectStore.s3({
      endpoint: 'https://s3.eu-west-1.amazonaws.com',
      region: 'eu-west-1',
      bucket: 'ml-artifacts',
      extraBuckets: ['datasets'],
      credentials,
    }).bind(chart, 'Store', {
      namespace: () => {
        asked = true;
        return new PlatformNamespace(chart, 'Ns', { name: 'unused' });
      },
    });
    store.grantAccess('x', NetworkPeer.sameNamespace());
    expect(asked).toBe(false);
    expect(synth()).toEqual([]);
    expect(store).toMatchObject({
      implementation: 's3',
      host: 's3.eu-west-1.amazonaws.com',
      port: 443,
      secure: true,
      endpointUrl: 'https://s3.eu-west-1.amazonaws.com:443',
      region: 'eu-west-1',
      buckets: ['ml-artifacts', 'datasets'],
      credentials,
    });
  });

  test('s3: an explicit port and plain http are kept', () => {
    const { chart } = testChart();
    const s = new ExternalS3(chart, 'S', {
      endpoint: 'http://rgw.storage:7480',
      region: 'default',
      bucket: 'b1b',
      credentials,
    });
    expect([s.host, s.port, s.secure]).toEqual(['rgw.storage', 7480, false]);
    expect(
      () =>
        new ExternalS3(chart, 'T', {
          endpoint: 'ftp://x',
          region: 'r',
          bucket: 'bbb',
          credentials,
        }),
    ).toThrow('S3 endpoint "ftp://x" must use http or https.');
    expect(
      () =>
        new ExternalS3(chart, 'U', {
          endpoint: 'not a url',
          region: 'r',
          bucket: 'bbb',
          credentials,
        }),
    ).toThrow('S3 endpoint "not a url" is not a URL.');
  });

  test('minio: runs in the namespace the platform provides', () => {
    const { chart, synth } = testChart();
    const store = ObjectStore.minio({ buckets: [{ name: 'data' }] }).bind(chart, 'Store', {
      namespace: () => new PlatformNamespace(chart, 'Ns', { name: 'objects' }),
    });
    expect(store.implementation).toBe('minio');
    expect(store.buckets).toEqual(['data']);
    expect(
      synth().some((o) => o.kind === 'StatefulSet' && o.metadata.namespace === 'objects'),
    ).toBe(true);
  });
});
