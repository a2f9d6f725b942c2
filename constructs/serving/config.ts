import { z } from 'zod';
import { problem } from '../core/config/problems';
import { dnsLabel, pinnedImage, positiveInt, resources, url } from '../core/config/patterns';
import { ConfigRule, PresetName, duplicates } from '../core/config/rules';
import { TenantEntry } from '../core/component';
import { tenantArtifactPrefixes } from '../core/object-store';
import {
  KSERVE_MODEL_FORMATS,
  isKnownModelFormat,
  runtimeProtocolVersions,
  runtimeSupports,
  runtimesServing,
} from '../kserve/serving-runtime-formats';
import {
  KSERVE_PROTOCOL_VERSIONS,
  KSERVE_RUNTIME_NAMES,
  KServeRuntimeName,
} from '../kserve/serving-runtime-table';

/** Where KServe runs: `kubeflow` as in 26.03.1, `kserve` as upstream's next release has it. */
export const KSERVE_NAMESPACES = ['kubeflow', 'kserve'] as const;

/**
 * `Serverless` runs models as Knative services (scale to zero, revisions, canaries); `Standard`
 * (KServe's `RawDeployment`, renamed in 0.18) as Deployments with an HPA and no Knative at all.
 */
export const SERVING_MODES = ['Serverless', 'Standard', 'RawDeployment'] as const;
export type ServingMode = (typeof SERVING_MODES)[number];

/** `RawDeployment` and `Standard` are one mode (KServe 0.18 renamed it). */
export const isServerless = (mode: ServingMode): boolean => mode === 'Serverless';

/**
 * The longest model name: Knative names the revision `<name>-predictor-00001` and its private
 * Service `<name>-predictor-00001-private`, both DNS labels (63).
 */
export const MAX_MODEL_NAME = 40;

/** The thresholds of a model's alerts unless its `alerts` says otherwise. */
export const MODEL_ALERT_DEFAULTS = { errorRatePercent: 5, latencyP95Ms: 1000 } as const;

const servingSchema = (preset: PresetName) =>
  z
    .strictObject({
      enabled: z.boolean().default(true),
      namespace: z.enum(KSERVE_NAMESPACES).default('kubeflow'),
      deploymentMode: z.enum(SERVING_MODES).default('Serverless'),
      /** The ClusterServingRuntimes installed. @default - every runtime of the release */
      runtimes: z
        .array(z.enum(KSERVE_RUNTIME_NAMES))
        .min(1, 'lists no runtime|Leave runtimes out to install all, or list at least one.')
        .optional(),
      /** Knative's autoscaler (Serverless only). */
      autoscaling: z
        .strictObject({
          /** Models with `replicas.min: 0` stop when idle; off in prod, where a cold start costs. */
          scaleToZero: z.boolean().default(preset === 'dev'),
          /** How long the last pod stays after the last request. */
          scaleToZeroGracePeriodSeconds: positiveInt(3600, 'seconds').default(30),
        })
        .prefault({}),
      modelsWebApp: z.strictObject({ enabled: z.boolean().default(true) }).prefault({}),
      /**
       * A Prometheus of your own in the cluster, inside the mesh, that scrapes model servers,
       * KServe and Knative: its namespace (and pod labels) is admitted to their metrics ports.
       * Leave it out when the platform's monitoring is on: that Prometheus is admitted by the
       * monitoring component (both together are refused).
       */
      metrics: z
        .strictObject({
          scraper: z
            .strictObject({
              namespace: dnsLabel(),
              podLabels: z.record(z.string(), z.string()).optional(),
            })
            .optional(),
        })
        .prefault({}),
    })
    .prefault({});

/** The key `serving` of the environment file. */
export const servingShape = (preset: PresetName) => ({ serving: servingSchema(preset) });

/** The storage URIs KServe's storage initializers read (the registry's initializer included). */
const STORAGE_URI_PATTERN = /^(s3|gs|hf|oci|https|pvc|model-registry):\/\/\S+$/;
const STORAGE_URI_MESSAGE =
  'is not a storage URI|Give s3://bucket/key (in the tenant prefix), model-registry://model/version, gs://, hf://, oci://, pvc:// or https://.';

const modelSchema = z.strictObject({
  /** The InferenceService's name; its URL is `/serving/<tenant>/<name>/` on the gateway. */
  name: dnsLabel().max(
    MAX_MODEL_NAME,
    `is too long|Use at most ${MAX_MODEL_NAME} characters: Knative appends -predictor-00001-private.`,
  ),
  format: z.strictObject({ name: z.string().min(1), version: z.string().min(1).optional() }),
  /** A ClusterServingRuntime by name. @default - the runtime KServe picks for the format */
  runtime: z.string().min(1).optional(),
  protocolVersion: z.enum(KSERVE_PROTOCOL_VERSIONS as [string, ...string[]]).optional(),
  /**
   * Where the model is: `s3://<bucket>/<key>` under the tenant's own prefixes
   * (`private/<tenant>/` or `private-artifacts/<tenant>/`), read with the tenant's keys; a
   * registered version as `model-registry://<model>/<version>`; or a public `https://`, `hf://`,
   * `oci://` or `gs://` location. Give this or `registeredModel`.
   */
  storageUri: z.string().regex(STORAGE_URI_PATTERN, STORAGE_URI_MESSAGE).optional(),
  /**
   * A version registered in the tenant's model registry (Kubeflow Hub), served by reference: KServe's
   * storage initializer asks the registry where its artifact is. Give this or `storageUri`.
   */
  registeredModel: z
    .strictObject({ name: z.string().min(1), version: z.string().min(1) })
    .optional(),
  resources: resources().optional(),
  replicas: z
    .strictObject({
      min: z.number().int().min(0).max(1000).default(1),
      max: positiveInt(1000, 'replicas').default(1),
    })
    .prefault({}),
  /** Per pod: concurrent requests (`concurrency`), requests per second (`rps`), or % of `cpu`/`memory`. */
  scaleTarget: positiveInt(100000, 'units').optional(),
  scaleMetric: z.enum(['concurrency', 'rps', 'cpu', 'memory']).optional(),
  /**
   * A new version next to the one in `storageUri`, which keeps serving the rest: the stable
   * version must already run (Serverless only).
   */
  canary: z
    .strictObject({
      storageUri: z.string().regex(STORAGE_URI_PATTERN, STORAGE_URI_MESSAGE),
      trafficPercent: z.number().int().min(1).max(99),
    })
    .optional(),
  /** A pre/post-processing container in front of the predictor. */
  transformer: z
    .strictObject({
      image: pinnedImage(),
      args: z.array(z.string()).optional(),
      env: z.record(z.string(), z.string()).optional(),
      resources: resources().optional(),
    })
    .optional(),
  /** Log what the model saw and answered to the tenant's `payloadLogging` sink. */
  logger: z
    .strictObject({ mode: z.enum(['all', 'request', 'response']).default('all') })
    .optional(),
  /** Namespaces besides the tenant's own whose pods may call the model inside the cluster. */
  allowFrom: z.array(dnsLabel()).default([]),
  /**
   * When the platform's monitoring pages on this model (`InferenceServiceErrorRateHigh`,
   * `InferenceServiceLatencyHigh`); read only when monitoring is on.
   */
  alerts: z
    .strictObject({
      /** Share of requests answered with a 5xx over 5 minutes, in percent. */
      errorRatePercent: z
        .number()
        .gt(0, 'must be above 0|Give a percentage above 0 and at most 100, e.g. 5.')
        .max(100, 'is above 100|Give a percentage above 0 and at most 100, e.g. 5.')
        .default(MODEL_ALERT_DEFAULTS.errorRatePercent),
      /** The 95th percentile of request latency over 5 minutes, in milliseconds. */
      latencyP95Ms: positiveInt(600000, 'milliseconds').default(MODEL_ALERT_DEFAULTS.latencyP95Ms),
    })
    .prefault({}),
});

export type ModelConfig = z.output<typeof modelSchema>;

/** What `serving` adds to every tenant: its models and where their payloads are logged. */
export const servingTenantShape = () => ({
  models: z.array(modelSchema).default([]),
  /** A CloudEvents sink for the payload logs of the tenant's models, for drift monitoring. */
  payloadLogging: z.strictObject({ url: url('payload log sink') }).optional(),
});

type Slice = z.output<z.ZodObject<ReturnType<typeof servingShape>>> & {
  readonly tenants: readonly (TenantEntry &
    z.output<z.ZodObject<ReturnType<typeof servingTenantShape>>>)[];
};

/** Every model of every tenant, with its config path. */
function models(config: Slice): { model: ModelConfig; tenant: string; path: string }[] {
  return config.tenants.flatMap((t, i) =>
    t.models.map((model, j) => ({ model, tenant: t.name, path: `tenants[${i}].models[${j}]` })),
  );
}

const installed = (config: Slice): readonly string[] =>
  config.serving.runtimes ?? KSERVE_RUNTIME_NAMES;

export const SERVING_RULES: readonly ConfigRule<Slice>[] = [
  {
    id: 'SERVING-OFF',
    description: 'A tenant declares models only when serving is on.',
    check: (config) =>
      config.serving.enabled
        ? []
        : config.tenants.flatMap((t, i) =>
            t.models.length === 0
              ? []
              : [
                  problem(
                    `tenants[${i}].models`,
                    'declares models, but serving is off (serving.enabled: false), so nothing would serve them',
                    t.models,
                    'Turn serving on, or remove the models.',
                    'SERVING-OFF',
                  ),
                ],
          ),
  },
  {
    id: 'SERVING-MODEL-NAMES',
    description: "A tenant's models have distinct names.",
    check: (config) =>
      config.tenants.flatMap((t, i) =>
        [...duplicates(t.models.map((m) => m.name))].flatMap(([name, idx]) =>
          idx
            .slice(1)
            .map((j) =>
              problem(
                `tenants[${i}].models[${j}].name`,
                'names a model listed before in this tenant',
                name,
                'Give each model of a tenant its own name.',
                'SERVING-MODEL-NAMES',
              ),
            ),
        ),
      ),
  },
  {
    id: 'SERVING-MODEL-RUNTIME',
    description:
      'A model names a format that an installed runtime serves, and a runtime that serves it with its protocol.',
    check: (config) =>
      models(config).flatMap(({ model, path }) => {
        const { name: format, version } = model.format;
        if (!isKnownModelFormat(format)) {
          return [
            problem(
              `${path}.format.name`,
              'is not a model format any KServe runtime serves',
              format,
              `Use one of ${KSERVE_MODEL_FORMATS.join(', ')} (names are case-sensitive).`,
              'SERVING-MODEL-RUNTIME',
            ),
          ];
        }
        const protocol = model.protocolVersion ?? 'v1';
        if (model.runtime !== undefined) {
          if (!installed(config).includes(model.runtime)) {
            return [
              problem(
                `${path}.runtime`,
                'is not an installed serving runtime',
                model.runtime,
                `Use one of ${installed(config).join(', ')}, or add it to serving.runtimes.`,
                'SERVING-MODEL-RUNTIME',
              ),
            ];
          }
          const problems = [];
          if (!runtimeSupports(model.runtime, format, version)) {
            const serving = installed(config).filter((r) => runtimeSupports(r, format, version));
            problems.push(
              problem(
                `${path}.runtime`,
                `does not serve ${format}${version ? ` version ${version}` : ''}`,
                model.runtime,
                serving.length > 0
                  ? `Use ${serving.join(' or ')}, or leave runtime out and let KServe pick.`
                  : 'No installed runtime serves it; change the format or serving.runtimes.',
                'SERVING-MODEL-RUNTIME',
              ),
            );
          } else if (
            !runtimeProtocolVersions(model.runtime as KServeRuntimeName).includes(protocol as never)
          ) {
            problems.push(
              problem(
                `${path}.protocolVersion`,
                `is not a protocol ${model.runtime} speaks`,
                protocol,
                `Use ${runtimeProtocolVersions(model.runtime as KServeRuntimeName).join(' or ')}.`,
                'SERVING-MODEL-RUNTIME',
              ),
            );
          }
          return problems;
        }
        if (
          runtimesServing(format, version, {
            protocolVersion: protocol as never,
            installed: installed(config),
          }).length > 0
        ) {
          return [];
        }
        const named = installed(config).filter((r) => runtimeSupports(r, format, version));
        return [
          problem(
            `${path}.format`,
            `has no installed runtime that KServe would pick for it with protocol ${protocol}`,
            `${format}${version ? ` ${version}` : ''}`,
            named.length > 0
              ? `Name the runtime (${named.join(' or ')}) or change protocolVersion.`
              : 'Install a runtime that serves it (serving.runtimes) or change the format.',
            'SERVING-MODEL-RUNTIME',
          ),
        ];
      }),
  },
  {
    id: 'SERVING-SCALING',
    description:
      'Replicas are min <= max; scale to zero needs Serverless with serving.autoscaling.scaleToZero; the metric suits the mode (Knative: concurrency, rps; Standard: cpu, memory).',
    check: (config) => {
      const mode = config.serving.deploymentMode;
      return models(config).flatMap(({ model, path }) => {
        const out = [];
        if (model.replicas.min > model.replicas.max) {
          out.push(
            problem(
              `${path}.replicas.min`,
              `is above replicas.max (${model.replicas.max})`,
              model.replicas.min,
              'Lower min or raise max.',
              'SERVING-SCALING',
            ),
          );
        }
        if (model.replicas.min === 0 && !isServerless(mode)) {
          out.push(
            problem(
              `${path}.replicas.min`,
              `scales to zero, which serving.deploymentMode ${mode} cannot (no Knative)`,
              0,
              'Set min to 1 or more, or serving.deploymentMode: Serverless.',
              'SERVING-SCALING',
            ),
          );
        } else if (model.replicas.min === 0 && !config.serving.autoscaling.scaleToZero) {
          out.push(
            problem(
              `${path}.replicas.min`,
              'scales to zero, but serving.autoscaling.scaleToZero is false',
              0,
              'Set min to 1 or more, or serving.autoscaling.scaleToZero: true.',
              'SERVING-SCALING',
            ),
          );
        }
        const metric = model.scaleMetric;
        if (metric && isServerless(mode) !== ['concurrency', 'rps'].includes(metric)) {
          out.push(
            problem(
              `${path}.scaleMetric`,
              `is not a metric the ${isServerless(mode) ? 'Knative' : 'HPA'} autoscaler of ${mode} scales on`,
              metric,
              isServerless(mode) ? 'Use concurrency or rps.' : 'Use cpu or memory.',
              'SERVING-SCALING',
            ),
          );
        }
        if (
          model.scaleTarget !== undefined &&
          ['cpu', 'memory'].includes(metric ?? '') &&
          model.scaleTarget > 100
        ) {
          out.push(
            problem(
              `${path}.scaleTarget`,
              'is a percentage of the request above 100',
              model.scaleTarget,
              'Give the utilization in percent, 1 to 100.',
              'SERVING-SCALING',
            ),
          );
        }
        return out;
      });
    },
  },
  {
    id: 'SERVING-CANARY',
    description:
      'A canary rolls out next to a different, running version, which only Knative revisions keep (Serverless).',
    check: (config) =>
      models(config).flatMap(({ model, path }) => {
        if (!model.canary) return [];
        if (!isServerless(config.serving.deploymentMode)) {
          return [
            problem(
              `${path}.canary`,
              `needs a previous revision, which serving.deploymentMode ${config.serving.deploymentMode} does not keep`,
              model.canary.trafficPercent,
              'Use serving.deploymentMode: Serverless, or roll out by changing storageUri.',
              'SERVING-CANARY',
            ),
          ];
        }
        if (model.canary.storageUri === model.storageUri) {
          return [
            problem(
              `${path}.canary.storageUri`,
              'is the stable version itself: the canary has no previous revision to split traffic with',
              model.canary.storageUri,
              'Point canary.storageUri at the new version and keep storageUri at the version that runs now.',
              'SERVING-CANARY',
            ),
          ];
        }
        return [];
      }),
  },
  {
    id: 'SERVING-MODEL-STORAGE',
    description:
      "A model in the object store lies under its tenant's own prefixes, the only keys its credentials read.",
    check: (config) =>
      models(config).flatMap(({ model, tenant, path }) =>
        [
          ['storageUri', model.storageUri],
          ['canary.storageUri', model.canary?.storageUri],
        ].flatMap(([field, uri]) => {
          const m = uri === undefined ? null : /^s3:\/\/[^/]+\/(.*)$/.exec(uri);
          if (!uri?.startsWith('s3://')) return [];
          const key = m?.[1] ?? '';
          return tenantArtifactPrefixes(tenant).some((p) => key.startsWith(p))
            ? []
            : [
                problem(
                  `${path}.${field}`,
                  "is outside the tenant's prefixes of the object store, which its keys cannot read",
                  uri,
                  `Put the model under s3://<bucket>/${tenantArtifactPrefixes(tenant).join(' or s3://<bucket>/')}.`,
                  'SERVING-MODEL-STORAGE',
                ),
              ];
        }),
      ),
  },
  {
    id: 'SERVING-MODEL-SOURCE',
    description:
      'A model names where it is in one way: a storageUri or a registeredModel of the model registry.',
    check: (config) =>
      models(config).flatMap(({ model, path }) => {
        if (model.storageUri !== undefined && model.registeredModel !== undefined) {
          return [
            problem(
              `${path}.registeredModel`,
              'is given next to storageUri; the two name where the model is in two ways',
              model.registeredModel,
              'Keep one: registeredModel to serve a registered version by reference, or storageUri.',
              'SERVING-MODEL-SOURCE',
            ),
          ];
        }
        if (model.storageUri === undefined && model.registeredModel === undefined) {
          return [
            problem(
              `${path}.storageUri`,
              'is missing, and so is registeredModel: nothing says where the model is',
              undefined,
              'Give storageUri (e.g. s3://mlpipeline/private-artifacts/<tenant>/models/iris/1/) or registeredModel { name, version }.',
              'SERVING-MODEL-SOURCE',
            ),
          ];
        }
        return [];
      }),
  },
  {
    id: 'SERVING-PAYLOAD-LOGGING',
    description: "A model that logs its payloads has its tenant's payloadLogging sink.",
    check: (config) =>
      config.tenants.flatMap((t, i) =>
        t.payloadLogging
          ? []
          : t.models.flatMap((m, j) =>
              m.logger
                ? [
                    problem(
                      `tenants[${i}].models[${j}].logger`,
                      'logs payloads, but the tenant has no payloadLogging sink',
                      m.logger.mode,
                      `Set tenants[${i}].payloadLogging.url to the CloudEvents endpoint that receives them.`,
                      'SERVING-PAYLOAD-LOGGING',
                    ),
                  ]
                : [],
            ),
      ),
  },
];
