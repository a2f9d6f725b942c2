import { z } from 'zod';
import { problem } from '../core/config/problems';
import {
  bucketName,
  dnsLabel,
  pinnedImage,
  positiveInt,
  resources,
  url,
} from '../core/config/patterns';
import { ConfigRule, PresetName, duplicates, presetDefault } from '../core/config/rules';
import { secretSource } from '../core/config/secrets';

/** The default bucket: Kubeflow Pipelines' artifact store. */
export const DEFAULT_BUCKET = 'mlpipeline';

const minioSchema = (preset: PresetName) =>
  z.strictObject({
    type: z.literal('minio'),
    storageGiB: positiveInt(100000, 'GiB').default(preset === 'dev' ? 10 : 100),
    storageClassName: dnsLabel().optional(),
    buckets: z
      .array(
        z.strictObject({
          name: bucketName(),
          versioning: z.boolean().optional(),
          /** Delete versions that are no longer current after this many days; needs versioning. */
          noncurrentVersionDays: positiveInt(36500, 'days').optional(),
        }),
      )
      .min(
        1,
        'needs at least one bucket|List the buckets the platform uses, e.g. - name: mlpipeline.',
      )
      .default([{ name: DEFAULT_BUCKET, versioning: true }]),
    rootCredentials: presetDefault(
      secretSource(['rootUser', 'rootPassword']),
      preset === 'dev' ? { type: 'generated' } : undefined,
      {
        what: 'is required for the prod preset',
        fix: 'Choose { type: existing, secretName: ... }, { type: pulumi, configKeys: ... } or, knowingly, { type: generated }.',
        rule: 'PROD-OBJECT-STORE-CREDENTIALS',
      },
    ),
    /**
     * The server and `mc` images, for an organisation that runs a maintained MinIO build: the
     * community images stopped at the pinned releases.
     */
    images: z
      .strictObject({ server: pinnedImage().optional(), client: pinnedImage().optional() })
      .optional(),
    /** Alerts on the store, when the platform has monitoring. */
    alerts: z
      .strictObject({
        /** Free space, in percent of the capacity, below which ObjectStoreNearlyFull fires. */
        freeSpacePercent: z.number().int().min(1).max(99).default(15),
      })
      .prefault({}),
    resources: resources().default(
      preset === 'dev'
        ? { cpu: { request: '100m', limit: '1' }, memory: { request: '256Mi', limit: '1Gi' } }
        : { cpu: { request: '500m', limit: '4' }, memory: { request: '2Gi', limit: '8Gi' } },
    ),
  });

const seaweedfsSchema = (preset: PresetName) =>
  z.strictObject({
    type: z.literal('seaweedfs'),
    storageGiB: positiveInt(100000, 'GiB').default(preset === 'dev' ? 10 : 100),
    storageClassName: dnsLabel().optional(),
    buckets: z
      .array(
        z.strictObject({
          name: bucketName(),
          versioning: z.boolean().optional(),
          /** Not implemented by SeaweedFS 4.00; the rule SEAWEEDFS-LIFECYCLE says so. */
          noncurrentVersionDays: positiveInt(36500, 'days').optional(),
        }),
      )
      .min(
        1,
        'needs at least one bucket|List the buckets the platform uses, e.g. - name: mlpipeline.',
      )
      .default([{ name: DEFAULT_BUCKET, versioning: true }]),
    /** The admin S3 identity (keys `accessKey`, `secretKey`); tenants get identities of their own. */
    adminCredentials: presetDefault(
      secretSource(['accessKey', 'secretKey']),
      preset === 'dev' ? { type: 'generated' } : undefined,
      {
        what: 'is required for the prod preset',
        fix: 'Choose { type: existing, secretName: ... }, { type: pulumi, configKeys: ... } or, knowingly, { type: generated }.',
        rule: 'PROD-OBJECT-STORE-CREDENTIALS',
      },
    ),
    /** The server image (`weed`) and the S3 client (`mc`) that sets bucket versioning. */
    images: z
      .strictObject({ server: pinnedImage().optional(), client: pinnedImage().optional() })
      .optional(),
    /** Alerts on the store, when the platform has monitoring. */
    alerts: z
      .strictObject({
        /** Free space, in percent of the capacity, below which ObjectStoreNearlyFull fires. */
        freeSpacePercent: z.number().int().min(1).max(99).default(15),
      })
      .prefault({}),
    resources: resources().default(
      preset === 'dev'
        ? { cpu: { request: '100m', limit: '1' }, memory: { request: '256Mi', limit: '1Gi' } }
        : { cpu: { request: '500m', limit: '4' }, memory: { request: '1Gi', limit: '8Gi' } },
    ),
  });

const s3Schema = z.strictObject({
  type: z.literal('s3'),
  endpoint: url('S3 endpoint'),
  region: z.string().min(1),
  bucket: bucketName(),
  extraBuckets: z.array(bucketName()).optional(),
  credentials: z.strictObject({
    secretName: dnsLabel(),
    namespace: dnsLabel(),
    accessKeyKey: z.string().min(1),
    secretKeyKey: z.string().min(1),
  }),
});

/** The key `objectStore` of the environment file. */
export const objectStoreShape = (preset: PresetName) => ({
  objectStore: z
    .discriminatedUnion('type', [minioSchema(preset), seaweedfsSchema(preset), s3Schema])
    .prefault({
      type: 'minio',
    }),
});

type Slice = z.output<z.ZodObject<ReturnType<typeof objectStoreShape>>>;
export type ObjectStoreConfig = Slice['objectStore'];

/** Rules the schema enforces while parsing; their messages carry these IDs. */
export const OBJECT_STORE_PARSE_RULES = [
  {
    id: 'PROD-OBJECT-STORE-CREDENTIALS',
    description:
      'Production states where the credentials of an in-cluster store (MinIO root, SeaweedFS admin) come from.',
  },
] as const;

export const OBJECT_STORE_RULES: readonly ConfigRule<Slice>[] = [
  {
    id: 'BUCKET-NAMES',
    description: 'Bucket names are unique.',
    check: ({ objectStore: store }) => {
      const inCluster = store.type !== 's3';
      const names = inCluster
        ? store.buckets.map((b) => b.name)
        : [store.bucket, ...(store.extraBuckets ?? [])];
      return [...duplicates(names)].flatMap(([name, idx]) =>
        idx
          .slice(1)
          .map((i) =>
            problem(
              inCluster
                ? `objectStore.buckets[${i}].name`
                : i === 0
                  ? 'objectStore.bucket'
                  : `objectStore.extraBuckets[${i - 1}]`,
              'names a bucket listed before',
              name,
              'List each bucket once.',
              'BUCKET-NAMES',
            ),
          ),
      );
    },
  },
  {
    id: 'BUCKET-LIFECYCLE',
    description: 'A bucket that expires noncurrent versions keeps versions (versioning on).',
    check: ({ objectStore: store }) =>
      store.type === 's3'
        ? []
        : store.buckets.flatMap((b, i) =>
            b.noncurrentVersionDays !== undefined && b.versioning === false
              ? [
                  problem(
                    `objectStore.buckets[${i}].noncurrentVersionDays`,
                    'expires versions of a bucket without versioning',
                    b.noncurrentVersionDays,
                    'Turn versioning on for the bucket, or leave noncurrentVersionDays out.',
                    'BUCKET-LIFECYCLE',
                  ),
                ]
              : [],
          ),
  },
  {
    id: 'SEAWEEDFS-LIFECYCLE',
    description:
      'SeaweedFS 4.00 keeps noncurrent versions until they are deleted: it has no lifecycle rule for them.',
    check: ({ objectStore: store }) =>
      store.type !== 'seaweedfs'
        ? []
        : store.buckets.flatMap((b, i) =>
            b.noncurrentVersionDays !== undefined
              ? [
                  problem(
                    `objectStore.buckets[${i}].noncurrentVersionDays`,
                    'is not implemented by SeaweedFS 4.00 (its lifecycle API maps only Expiration.Days to a TTL)',
                    b.noncurrentVersionDays,
                    'Leave noncurrentVersionDays out, or use type: minio, whose lifecycle rules expire noncurrent versions.',
                    'SEAWEEDFS-LIFECYCLE',
                  ),
                ]
              : [],
          ),
  },
];
