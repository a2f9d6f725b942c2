import { Contracts, defineComponent } from '../core/component';
import { secretSourceFrom } from '../core/config/secrets';
import { ImageRef, parseImageReference } from '../core/images';
import { Layer } from '../core/layers';
import { OBJECT_STORE_PARSE_RULES, OBJECT_STORE_RULES, objectStoreShape } from './config';
import { MINIO_VERSIONS } from '../minio/versions';
import { ObjectStore } from './object-store';

/** Image settings as `ImageRef`s (the schema has checked that each one parses). */
function minioImages(images: { server?: string; client?: string }): {
  server?: ImageRef;
  client?: ImageRef;
} {
  const parse = (ref: string | undefined): ImageRef | undefined =>
    ref === undefined ? undefined : parseImageReference(ref);
  const server = parse(images.server);
  const client = parse(images.client);
  return { ...(server ? { server } : {}), ...(client ? { client } : {}) };
}

/** The namespace of the in-cluster object store. */
export const OBJECT_STORE_NAMESPACE = 'minio';

/**
 * The platform's object store in the platform-controllers layer: MinIO in the cluster or an
 * external S3 endpoint, offered as `IObjectStore`.
 */
export const objectStoreComponent = defineComponent({
  key: 'object-store',
  description: 'the S3-compatible object store: MinIO or an external S3',
  config: {
    shape: objectStoreShape,
    rules: OBJECT_STORE_RULES,
    parseRules: OBJECT_STORE_PARSE_RULES,
  },
  namespaces: [OBJECT_STORE_NAMESPACE],
  needs: (config) => (config.objectStore.type === 'minio' ? [Contracts.mesh] : []),
  offers: [Contracts.objectStore],
  versions: (config) =>
    config.objectStore.type === 'minio'
      ? [
          {
            name: 'minio',
            version:
              minioImages(config.objectStore.images ?? {}).server?.tag ?? MINIO_VERSIONS.server.tag,
            outsideReleaseSet:
              "The release set's object store is SeaweedFS 4.00; the platform defaults to MinIO, and either S3-compatible store stands behind IObjectStore.",
          },
        ]
      : [],
  build(ctx) {
    const store = ctx.config.objectStore;
    const scope = ctx.chart(Layer.PLATFORM_CONTROLLERS);
    const bindContext = {
      namespace: () => ctx.namespace(OBJECT_STORE_NAMESPACE, { owner: 'minio', mesh: true }),
    };
    ctx.offer(
      Contracts.objectStore,
      store.type === 'minio'
        ? ObjectStore.minio({
            buckets: store.buckets,
            storageGiB: store.storageGiB,
            ...(store.storageClassName ? { storageClassName: store.storageClassName } : {}),
            rootCredentials: secretSourceFrom(store.rootCredentials),
            resources: store.resources,
            ...(store.images ? { images: minioImages(store.images) } : {}),
          }).bind(scope, 'ObjectStore', bindContext)
        : ObjectStore.s3({
            endpoint: store.endpoint,
            region: store.region,
            bucket: store.bucket,
            ...(store.extraBuckets ? { extraBuckets: store.extraBuckets } : {}),
            credentials: store.credentials,
          }).bind(scope, 'ObjectStore', bindContext),
    );
  },
});
