import { Construct } from 'constructs';
import { Testing } from 'cdk8s';
import {
  BillOfMaterials,
  REGISTRY_MIRROR_CONTEXT,
  imageReference,
  resolveImage,
} from '../../../constructs/core/images';

const ref = {
  registry: 'quay.io',
  repository: 'minio/minio',
  tag: 'RELEASE.X',
  digest: 'sha256:abc',
};

describe('images', () => {
  test('an image is registry/repository:tag@digest', () => {
    expect(imageReference(ref)).toBe('quay.io/minio/minio:RELEASE.X@sha256:abc');
    expect(imageReference({ ...ref, digest: undefined })).toBe('quay.io/minio/minio:RELEASE.X');
  });

  test('a mirror replaces the registry host and keeps the path', () => {
    expect(imageReference(ref, 'mirror.local:5000/kf/')).toBe(
      'mirror.local:5000/kf/minio/minio:RELEASE.X@sha256:abc',
    );
  });

  test('resolveImage applies the mirror from context and records the bill of materials per tree', () => {
    const app = Testing.app();
    app.node.setContext(REGISTRY_MIRROR_CONTEXT, 'mirror.local');
    const scope = new Construct(app, 'Scope');
    expect(resolveImage(scope, ref)).toBe('mirror.local/minio/minio:RELEASE.X@sha256:abc');
    resolveImage(scope, { registry: 'a.io', repository: 'b', tag: '1' });
    expect(BillOfMaterials.of(scope).images()).toEqual([
      'mirror.local/b:1',
      'mirror.local/minio/minio:RELEASE.X@sha256:abc',
    ]);
    expect(BillOfMaterials.of(new Construct(Testing.app(), 'Other')).images()).toEqual([]);
  });
});
