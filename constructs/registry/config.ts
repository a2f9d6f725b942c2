import { z } from 'zod';
import { dnsLabel, positiveInt } from '../core/config/patterns';
import { problem } from '../core/config/problems';
import { ConfigRule, PresetName, configGroup } from '../core/config/rules';
import { externalAnyEngineDatabaseSchema } from '../database/config';

/** The shared registry's database (schema) on the platform's or an external server. */
export const HUB_DATABASE_NAME = 'model_registry';

/** A PostgreSQL of the registry's own, in each tenant's namespace (per-tenant mode). */
const tenantDatabaseSchema = z.strictObject({
  storageGiB: positiveInt(1000, 'GiB').default(5),
  /** @default - the cluster's default storage class */
  storageClassName: dnsLabel().optional(),
});

const hubSchema = (preset: PresetName) =>
  z
    .strictObject({
      enabled: z.boolean().default(true),
      /**
       * `perTenant`: every tenant gets its own registry and database in its namespace, which only
       * its members reach (upstream's layout, and the isolating one). `shared`: one registry in
       * `kubeflow` on the platform's database, which every tenant member may read and write.
       */
      mode: z.enum(['perTenant', 'shared']).default('perTenant'),
      /** Each tenant's registry database (`perTenant` only). @default { storageGiB: 5 } */
      tenantDatabase: tenantDatabaseSchema.optional(),
      /** The shared registry's database (`shared` only). @default { type: platform } */
      database: z
        .discriminatedUnion('type', [
          z.strictObject({ type: z.literal('platform') }),
          // MySQL or PostgreSQL: Kubeflow Hub's embedded metadata store takes either.
          externalAnyEngineDatabaseSchema,
        ])
        .optional(),
      /** The registry UI at `/model-registry/`, on the dashboard's menu. */
      ui: z.strictObject({ enabled: z.boolean().default(true) }).prefault({}),
      /** The model catalog: one shared instance in `kubeflow`. */
      catalog: z.strictObject({ enabled: z.boolean().default(true) }).prefault({}),
      /** Replicas of the shared services (UI, catalog, the shared registry). */
      replicas: positiveInt(10, 'replicas').default(preset === 'prod' ? 2 : 1),
    })
    .prefault({});

/** `registry.hub` in the environment file: Kubeflow Hub, the model registry and catalog. */
export const registryShape = (preset: PresetName) => ({
  registry: configGroup({ hub: hubSchema(preset) }),
});

type RegistrySlice = z.output<z.ZodObject<ReturnType<typeof registryShape>>>;
export type HubConfig = RegistrySlice['registry']['hub'];

export const REGISTRY_RULES: readonly ConfigRule<RegistrySlice>[] = [
  {
    id: 'HUB-MODE-SETTINGS',
    description:
      'A registry setting applies to its mode: `tenantDatabase` to `perTenant`, `database` to `shared`; one given for the other mode would be ignored, so it is an error.',
    check: ({ registry }) => {
      const hub = registry.hub;
      if (hub.mode === 'perTenant' && hub.database) {
        return [
          problem(
            'registry.hub.database',
            "applies to mode shared, but mode is perTenant (each tenant's registry keeps its data in a PostgreSQL in the tenant's namespace)",
            hub.database,
            'Remove it, or set registry.hub.mode: shared. A per-tenant registry on one shared database server would give every tenant the same database user.',
            'HUB-MODE-SETTINGS',
          ),
        ];
      }
      if (hub.mode === 'shared' && hub.tenantDatabase) {
        return [
          problem(
            'registry.hub.tenantDatabase',
            'applies to mode perTenant, but mode is shared',
            hub.tenantDatabase,
            'Remove it (the shared registry uses registry.hub.database), or set registry.hub.mode: perTenant.',
            'HUB-MODE-SETTINGS',
          ),
        ];
      }
      return [];
    },
  },
  {
    id: 'HUB-DATABASE-TLS',
    description:
      'An external registry database reached without TLS is a stated choice: in prod a reason says why that network is trusted.',
    check: ({ registry }, ctx) => {
      const db = registry.hub.database;
      if (
        !db ||
        db.type !== 'external' ||
        db.tls.required ||
        ctx.preset !== 'prod' ||
        db.tls.reason
      ) {
        return [];
      }
      return [
        problem(
          'registry.hub.database.tls.reason',
          'is missing: the prod preset reaches an external database without TLS only for a stated reason',
          undefined,
          'Say why the network to the database is trusted, or set tls.required: true.',
          'HUB-DATABASE-TLS',
        ),
      ];
    },
  },
];
