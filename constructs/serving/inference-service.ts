import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ImageRef, parseImageReference, resolveImage } from '../core/images';
import { standardLabels } from '../core/labels';
import { ResourceSpec, resourceRequirementsJson } from '../core/resources';
import { restrictedContainerSecurityContext } from '../core/security';
import { DNS_LABEL, propProblem, throwIfProblems } from '../core/validation';
import { KSERVE_API_GROUP } from '../kserve/crds';
import { KSERVE_KEYS } from '../kserve/names';
import { runtimeSupports } from '../kserve/serving-runtime-formats';

/** The predictor's requests and limits when a model names none. */
export const MODEL_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '100m', limit: '1' },
  memory: { request: '256Mi', limit: '1Gi' },
};

/** Requests and limits of a transformer that names none. */
export const TRANSFORMER_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '100m', limit: '1' },
  memory: { request: '128Mi', limit: '512Mi' },
};

/** The annotation that records which version a canary splits traffic with. */
export const STABLE_STORAGE_URI_ANNOTATION = 'mlops-blueprint.dev/stable-storage-uri';

export interface InferenceServiceModel {
  /** e.g. `{ name: 'sklearn', version: '1' }`. */
  readonly format: { readonly name: string; readonly version?: string };
  /** A ClusterServingRuntime by name. @default - KServe picks one for the format */
  readonly runtime?: string;
  /** `v1`, `v2` or `grpc-v2`. @default - the runtime's */
  readonly protocolVersion?: string;
  /**
   * Where the model is, e.g. `s3://mlpipeline/private/team-a/models/iris/1/`, or a registered
   * version by reference, `model-registry://iris/1` (see `IModelRegistry.storageUri`).
   */
  readonly storageUri: string;
}

export interface InferenceServiceProps {
  /** The tenant namespace the model serves in. */
  readonly namespace: string;
  /** A DNS label of at most 40 characters (Knative appends `-predictor-00001-private`). */
  readonly name: string;
  readonly model: InferenceServiceModel;
  /**
   * Whose object-store keys the storage initializer reads the model with: the tenant's model
   * service account, which carries the tenant's scoped Secret and never the store's root keys.
   */
  readonly serviceAccountName: string;
  /** `Serverless` (Knative) or `Standard` (`RawDeployment`). @default 'Serverless' */
  readonly deploymentMode?: 'Serverless' | 'Standard' | 'RawDeployment';
  /** @default MODEL_DEFAULT_RESOURCES */
  readonly resources?: ResourceSpec;
  /** @default { min: 1, max: 1 } */
  readonly replicas?: { readonly min: number; readonly max: number };
  /** Target per pod of `scaleMetric`. @default - KServe's */
  readonly scaleTarget?: number;
  /** `concurrency` or `rps` (Knative), `cpu` or `memory` (Standard). @default - KServe's */
  readonly scaleMetric?: 'concurrency' | 'rps' | 'cpu' | 'memory';
  /**
   * A new version that gets `trafficPercent` of the requests while the running revision (the
   * model's `storageUri`) keeps the rest. Serverless only.
   */
  readonly canary?: { readonly storageUri: string; readonly trafficPercent: number };
  /** A pre/post-processing container in front of the predictor. */
  readonly transformer?: {
    readonly image: ImageRef | string;
    readonly args?: readonly string[];
    readonly env?: Readonly<Record<string, string>>;
    readonly resources?: ResourceSpec;
  };
  /** Log requests and/or responses as CloudEvents to `url` (KServe's agent). */
  readonly logger?: { readonly url: string; readonly mode: 'all' | 'request' | 'response' };
  /** Let Prometheus scrape the model server (KServe's annotations). @default true */
  readonly metrics?: boolean;
  /** Extra labels on the InferenceService (KServe copies them to its objects). */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Name the model's pods for the mesh's telemetry (`service.istio.io/canonical-name`, which Istio
   * prefers over `app`): the component callers reach (the transformer, or the predictor) is the
   * model's name, a predictor behind a transformer `<name>.predictor`. The sidecars' request
   * metrics then carry the model in `destination_canonical_service` (and, for what the pods send,
   * `source_canonical_service`), whatever the mode or revision.
   * @default false
   */
  readonly meshTelemetryNames?: boolean;
}

/** Istio's canonical service label (pkg/kube/labels/labels.go, Istio 1.30.1). */
export const ISTIO_CANONICAL_NAME_LABEL = 'service.istio.io/canonical-name';

/** The canonical service of a predictor that sits behind its model's transformer. */
export const innerPredictorTelemetryName = (model: string): string => `${model}.predictor`;

/** KServe 0.18's name of a mode (`Serverless` and `RawDeployment` are its deprecated spellings). */
export function kserveModeName(mode: InferenceServiceProps['deploymentMode']): string {
  return mode === 'Standard' || mode === 'RawDeployment' ? 'Standard' : 'Knative';
}

/**
 * A model served by KServe (`serving.kserve.io/v1beta1` InferenceService) in a tenant namespace,
 * read from the object store with the tenant's own keys. Its URL on the platform gateway is
 * `/serving/<namespace>/<name>/`; who may call it is the tenant's serving access, not this object.
 */
export class InferenceService extends Construct {
  public readonly name: string;
  public readonly namespace: string;
  public readonly serverless: boolean;
  public readonly object: ApiObject;

  public constructor(scope: Construct, id: string, props: InferenceServiceProps) {
    super(scope, id);
    validate(props);
    this.name = props.name;
    this.namespace = props.namespace;
    this.serverless = kserveModeName(props.deploymentMode) === 'Knative';
    const replicas = props.replicas ?? { min: 1, max: 1 };
    const model = props.model;
    const storageUri = props.canary?.storageUri ?? model.storageUri;
    const metrics = props.metrics ?? true;

    const t = props.transformer;
    // KServe copies a component's `labels` onto its pods (components/predictor.go, transformer.go).
    const telemetry = (name: string) =>
      props.meshTelemetryNames ? { labels: { [ISTIO_CANONICAL_NAME_LABEL]: name } } : {};
    const transformer = t
      ? {
          ...telemetry(props.name),
          containers: [
            {
              name: 'kserve-container',
              image: resolveImage(this, transformerImage(t.image)),
              ...(t.args ? { args: [...t.args] } : {}),
              ...(t.env
                ? { env: Object.entries(t.env).map(([name, value]) => ({ name, value })) }
                : {}),
              resources: resourceRequirementsJson(t.resources ?? TRANSFORMER_DEFAULT_RESOURCES),
              securityContext: restrictedContainerSecurityContext(),
            },
          ],
        }
      : undefined;

    this.object = new ApiObject(this, 'Resource', {
      apiVersion: `${KSERVE_API_GROUP}/v1beta1`,
      kind: 'InferenceService',
      metadata: {
        name: props.name,
        namespace: props.namespace,
        labels: {
          ...standardLabels({ name: 'model-serving', component: 'model', instance: props.name }),
          ...(props.labels ?? {}),
        },
        annotations: {
          [KSERVE_KEYS.deploymentMode]: kserveModeName(props.deploymentMode),
          ...(metrics ? { [KSERVE_KEYS.enablePrometheusScraping]: 'true' } : {}),
          ...(this.serverless ? {} : { [KSERVE_KEYS.autoscalerClass]: 'hpa' }),
          ...(props.canary ? { [STABLE_STORAGE_URI_ANNOTATION]: model.storageUri } : {}),
        },
      },
      spec: {
        predictor: {
          ...telemetry(t ? innerPredictorTelemetryName(props.name) : props.name),
          serviceAccountName: props.serviceAccountName,
          minReplicas: replicas.min,
          maxReplicas: replicas.max,
          ...(props.scaleTarget !== undefined ? { scaleTarget: props.scaleTarget } : {}),
          ...(props.scaleMetric ? { scaleMetric: props.scaleMetric } : {}),
          ...(props.canary ? { canaryTrafficPercent: props.canary.trafficPercent } : {}),
          ...(props.logger ? { logger: { mode: props.logger.mode, url: props.logger.url } } : {}),
          model: {
            modelFormat: {
              name: model.format.name,
              ...(model.format.version ? { version: model.format.version } : {}),
            },
            ...(model.runtime ? { runtime: model.runtime } : {}),
            ...(model.protocolVersion ? { protocolVersion: model.protocolVersion } : {}),
            storageUri,
            resources: resourceRequirementsJson(props.resources ?? MODEL_DEFAULT_RESOURCES),
          },
        },
        ...(transformer
          ? {
              transformer: {
                ...transformer,
                minReplicas: replicas.min,
                maxReplicas: replicas.max,
              },
            }
          : {}),
      },
    });
  }
}

/** A transformer image as an `ImageRef` (validated before). */
function transformerImage(image: ImageRef | string): ImageRef {
  if (typeof image !== 'string') return image;
  const ref = parseImageReference(image);
  if (!ref) throw new Error(`InferenceService: transformer.image "${image}" is not pinned.`);
  return ref;
}

const STORAGE_URI = /^(s3|gs|hf|oci|https|pvc|model-registry):\/\/\S+$/;

function validate(props: InferenceServiceProps): void {
  const problems: string[] = [];
  const serverless = kserveModeName(props.deploymentMode) === 'Knative';
  if (!DNS_LABEL.test(props.name) || props.name.length > 40) {
    problems.push(
      propProblem(
        'name',
        'is not a DNS label of at most 40 characters',
        `"${props.name}"`,
        'Use lower-case letters, digits and hyphens, such as iris.',
      ),
    );
  }
  for (const [field, uri] of [
    ['model.storageUri', props.model.storageUri],
    ['canary.storageUri', props.canary?.storageUri],
  ] as const) {
    if (uri !== undefined && !STORAGE_URI.test(uri)) {
      problems.push(
        propProblem(
          field,
          'is not a storage URI',
          `"${uri}"`,
          'Give s3://bucket/key, model-registry://model/version, gs://, hf://, oci://, pvc:// or https://.',
        ),
      );
    }
  }
  if (
    props.model.runtime &&
    !runtimeSupports(props.model.runtime, props.model.format.name, props.model.format.version)
  ) {
    problems.push(
      propProblem(
        'model.runtime',
        `does not serve model format ${props.model.format.name}`,
        `"${props.model.runtime}"`,
        'Name a runtime that serves the format, or leave runtime out.',
      ),
    );
  }
  const image = props.transformer?.image;
  if (typeof image === 'string' && !parseImageReference(image)) {
    problems.push(
      propProblem(
        'transformer.image',
        'is not a pinned image reference',
        `"${image}"`,
        'Give registry/repository:tag, optionally @sha256:digest, with a release tag.',
      ),
    );
  }
  const r = props.replicas;
  if (
    r &&
    (!Number.isInteger(r.min) ||
      !Number.isInteger(r.max) ||
      r.min < 0 ||
      r.max < 1 ||
      r.min > r.max)
  ) {
    problems.push(
      propProblem(
        'replicas',
        'is not 0 <= min <= max with max >= 1',
        JSON.stringify(r),
        'Give whole numbers, e.g. { min: 1, max: 3 }.',
      ),
    );
  }
  if (r?.min === 0 && !serverless) {
    problems.push(
      propProblem(
        'replicas.min',
        'scales to zero, which Standard (raw) deployments cannot',
        '0',
        'Set min to 1 or more, or deploymentMode: Serverless.',
      ),
    );
  }
  if (props.scaleMetric && serverless !== ['concurrency', 'rps'].includes(props.scaleMetric)) {
    problems.push(
      propProblem(
        'scaleMetric',
        `is not a metric the ${serverless ? 'Knative' : 'HPA'} autoscaler scales on`,
        `"${props.scaleMetric}"`,
        serverless ? 'Use concurrency or rps.' : 'Use cpu or memory.',
      ),
    );
  }
  if (props.canary) {
    if (!serverless) {
      problems.push(
        propProblem(
          'canary',
          'needs a previous revision, which Standard (raw) deployments do not keep',
          `${props.canary.trafficPercent}%`,
          'Use deploymentMode: Serverless, or roll out by changing model.storageUri.',
        ),
      );
    } else if (props.canary.storageUri === props.model.storageUri) {
      problems.push(
        propProblem(
          'canary.storageUri',
          'is the running version itself, so the canary has no previous revision',
          `"${props.canary.storageUri}"`,
          'Point canary.storageUri at the new version; model.storageUri stays the running one.',
        ),
      );
    }
    const p = props.canary.trafficPercent;
    if (!Number.isInteger(p) || p < 1 || p > 99) {
      problems.push(
        propProblem(
          'canary.trafficPercent',
          'is not a whole percent from 1 to 99',
          String(p),
          'Use e.g. 10.',
        ),
      );
    }
  }
  throwIfProblems(`InferenceService ${props.namespace}/${props.name}`, problems);
}
