import { Contracts, defineComponent } from '../core/component';
import { secretSourceFrom } from '../core/config/secrets';
import { ImageRef, parseImageReference } from '../core/images';
import { Layer } from '../core/layers';
import { ComponentVersion } from '../core/release-set';
import { OBJECT_STORE_PARSE_RULES, OBJECT_STORE_RULES, objectStoreShape } from './config';
import { MINIO_VERSIONS } from '../minio/versions';
import { ObjectStore } from './object-store';
import { SEAWEEDFS_VERSIONS } from '../seaweedfs/versions';

/** Image settings as `ImageRef`s (the schema has checked that each one parses). */
function storeImages(images: { server?: string; client?: string }): {
  server?: ImageRef;
  client?: ImageRef;
} {
  const parse = (ref: string | undefined): ImageRef | undefined =>
    ref === undefined ? undefined : parseImageReference(ref);
  const server = parse(images.server);
  const client = parse(images.client);
  return { ...(server ? { server } : {}), ...(client ? { client } : {}) };
}

/** The namespace of the in-cluster MinIO. */
export const OBJECT_STORE_NAMESPACE = 'minio';
/** The namespace of the in-cluster SeaweedFS. */
export const SEAWEEDFS_NAMESPACE = 'seaweedfs';

/**
 * The platform's object store in the platform-controllers layer: MinIO in the cluster or an
 * external S3 endpoint, offered as `IObjectStore`.
 */
export const objectStoreComponent = defineComponent({
  key: 'object-store',
  description: 'the S3-compatible object store: MinIO, SeaweedFS or an external S3',
  config: {
    shape: objectStoreShape,
    rules: OBJECT_STORE_RULES,
    parseRules: OBJECT_STORE_PARSE_RULES,
  },
  namespaces: [OBJECT_STORE_NAMESPACE, SEAWEEDFS_NAMESPACE],
  needs: (config) => (config.objectStore.type === 's3' ? [] : [Contracts.mesh]),
  offers: [Contracts.objectStore],
  uses: [Contracts.monitoring],
  versions: (config): readonly ComponentVersion[] => {
    const store = config.objectStore;
    if (store.type === 'minio') {
      return [
        {
          name: 'minio',
          version: storeImages(store.images ?? {}).server?.tag ?? MINIO_VERSIONS.server.tag,
          outsideReleaseSet:
            "The release set's object store is SeaweedFS 4.00; the platform defaults to MinIO, and either S3-compatible store stands behind IObjectStore.",
        },
      ];
    }
    if (store.type === 'seaweedfs') {
      return [
        {
          project: 'seaweedfs',
          version: storeImages(store.images ?? {}).server?.tag ?? SEAWEEDFS_VERSIONS.server.tag,
        },
      ];
    }
    return [];
  },
  build(ctx) {
    const store = ctx.config.objectStore;
    const scope = ctx.chart(Layer.PLATFORM_CONTROLLERS);
    const monitoring = ctx.tryGet(Contracts.monitoring);
    // An external S3 is watched by whoever runs it; the in-cluster stores are scraped.
    const monitoringProps = (freeSpaceAlertPercent: number) =>
      monitoring ? { monitoring, freeSpaceAlertPercent } : {};
    const bindContext = {
      namespace: () =>
        store.type === 'seaweedfs'
          ? ctx.namespace(SEAWEEDFS_NAMESPACE, { owner: 'seaweedfs', mesh: true })
          : ctx.namespace(OBJECT_STORE_NAMESPACE, { owner: 'minio', mesh: true }),
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
            ...(store.images ? { images: storeImages(store.images) } : {}),
            ...monitoringProps(store.alerts.freeSpacePercent),
          }).bind(scope, 'ObjectStore', bindContext)
        : store.type === 'seaweedfs'
          ? ObjectStore.seaweedfs({
              buckets: store.buckets.map((b) => ({
                name: b.name,
                ...(b.versioning === undefined ? {} : { versioning: b.versioning }),
              })),
              storageGiB: store.storageGiB,
              ...(store.storageClassName ? { storageClassName: store.storageClassName } : {}),
              adminCredentials: secretSourceFrom(store.adminCredentials),
              resources: store.resources,
              ...(store.images ? { images: storeImages(store.images) } : {}),
              ...monitoringProps(store.alerts.freeSpacePercent),
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
