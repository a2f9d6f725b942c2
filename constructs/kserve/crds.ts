import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { CustomResourceDefinition, ICustomResourceType, Schema } from '../core/crd';
import { KSERVE_LABELS } from './private/labels';

type Props = k8s.JsonSchemaProps;

/** The group of every KServe resource. */
export const KSERVE_API_GROUP = 'serving.kserve.io';

/** A Kubernetes quantity, as controller-gen writes one (`resources`, `memory`). */
function quantity(): Props {
  return {
    anyOf: [{ type: 'integer' }, { type: 'string' }],
    pattern:
      '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$',
    xKubernetesIntOrString: true,
  };
}

/** A container: `name` required (as upstream), the rest kept whole. */
function container(): Props {
  return Schema.preserve({ properties: { name: Schema.string() }, required: ['name'] });
}

function int32(): Props {
  return Schema.integer('int32');
}

/**
 * The parts of a predictor, transformer or explainer our constructs set (`ComponentExtensionSpec`
 * of `pkg/apis/serving/v1beta1/component.go`); the pod spec fields beside them are kept whole.
 */
function componentFields(): Record<string, Props> {
  return {
    minReplicas: int32(),
    maxReplicas: int32(),
    scaleTarget: int32(),
    scaleMetric: Schema.oneOf(['cpu', 'memory', 'concurrency', 'rps']),
    scaleMetricType: Schema.oneOf(['Utilization', 'Value', 'AverageValue']),
    canaryTrafficPercent: Schema.integer('int64'),
    containerConcurrency: Schema.integer('int64'),
    timeout: Schema.integer('int64'),
    serviceAccountName: Schema.string(),
    annotations: Schema.map(Schema.string()),
    labels: Schema.map(Schema.string()),
    logger: Schema.preserve({
      properties: {
        mode: Schema.oneOf(['all', 'request', 'response']),
        url: Schema.string(),
      },
    }),
    containers: Schema.array(container()),
  };
}

/** `predictor.model` (`ModelSpec`): the model to serve, with the container fields around it. */
function modelSpec(): Props {
  return Schema.preserve({
    properties: {
      name: Schema.string(),
      modelFormat: Schema.object(
        { name: Schema.string(), version: Schema.string() },
        { required: ['name'] },
      ),
      runtime: Schema.string(),
      runtimeVersion: Schema.string(),
      storageUri: Schema.string(),
      protocolVersion: Schema.string(),
      resources: Schema.preserve({
        properties: { limits: Schema.map(quantity()), requests: Schema.map(quantity()) },
      }),
    },
  });
}

function inferenceServiceSchema(): Props {
  return Schema.resource(
    Schema.preserve({
      properties: {
        predictor: Schema.preserve({ properties: { ...componentFields(), model: modelSpec() } }),
        transformer: Schema.preserve({ properties: componentFields() }),
        explainer: Schema.preserve({ properties: componentFields() }),
      },
      required: ['predictor'],
    }),
  );
}

/** `ServingRuntimeSpec`: what the InferenceService controller matches a model against. */
function servingRuntimeSchema(): Props {
  return Schema.resource(
    Schema.preserve({
      properties: {
        supportedModelFormats: Schema.array(
          Schema.object(
            {
              autoSelect: Schema.boolean(),
              name: Schema.string(),
              priority: { type: 'integer', format: 'int32', minimum: 1 },
              version: Schema.string(),
            },
            { required: ['name'] },
          ),
        ),
        protocolVersions: Schema.array(Schema.string()),
        multiModel: Schema.boolean(),
        disabled: Schema.boolean(),
        annotations: Schema.map(Schema.string()),
        labels: Schema.map(Schema.string()),
        nodeSelector: Schema.map(Schema.string()),
        replicas: Schema.integer(),
        hostIPC: Schema.boolean(),
        containers: Schema.array(container()),
      },
      required: ['containers'],
    }),
  );
}

function trainedModelSchema(): Props {
  return Schema.resource(
    Schema.object(
      {
        inferenceService: Schema.string(),
        model: Schema.object(
          { framework: Schema.string(), memory: quantity(), storageUri: Schema.string() },
          { required: ['framework', 'memory', 'storageUri'] },
        ),
      },
      { required: ['inferenceService', 'model'] },
    ),
  );
}

function inferenceGraphSchema(): Props {
  return Schema.resource(
    Schema.preserve({
      properties: {
        nodes: Schema.map(
          Schema.preserve({
            properties: {
              routerType: Schema.oneOf(['Sequence', 'Splitter', 'Ensemble', 'Switch']),
              steps: Schema.array(
                Schema.preserve({
                  properties: { dependency: Schema.oneOf(['Soft', 'Hard']) },
                }),
              ),
            },
            required: ['routerType'],
          }),
        ),
        minReplicas: int32(),
        maxReplicas: int32(),
        scaleTarget: int32(),
        scaleMetric: Schema.oneOf(['cpu', 'memory', 'concurrency', 'rps']),
        serviceAccountName: Schema.string(),
      },
      required: ['nodes'],
    }),
  );
}

/** Upstream's top level has `disabled` beside `spec` and no `status`. */
function clusterStorageContainerSchema(): Props {
  return Schema.object({
    apiVersion: Schema.string(),
    kind: Schema.string(),
    metadata: { type: 'object' },
    disabled: Schema.boolean(),
    spec: Schema.object(
      {
        container: container(),
        supportedUriFormats: Schema.array(
          Schema.object({ prefix: Schema.string(), regex: Schema.string() }),
        ),
        supportsMultiModelDownload: { type: 'boolean', default: false },
        workloadType: { type: 'string', default: 'initContainer' },
      },
      { required: ['container', 'supportedUriFormats'] },
    ),
  });
}

const READY: k8s.CustomResourceColumnDefinition = {
  jsonPath: ".status.conditions[?(@.type=='Ready')].status",
  name: 'Ready',
  type: 'string',
};
const AGE: k8s.CustomResourceColumnDefinition = {
  jsonPath: '.metadata.creationTimestamp',
  name: 'Age',
  type: 'date',
};
const URL: k8s.CustomResourceColumnDefinition = {
  jsonPath: '.status.url',
  name: 'URL',
  type: 'string',
};
const RUNTIME_COLUMNS: readonly k8s.CustomResourceColumnDefinition[] = [
  { jsonPath: '.spec.disabled', name: 'Disabled', type: 'boolean' },
  { jsonPath: '.spec.supportedModelFormats[*].name', name: 'ModelType', type: 'string' },
  { jsonPath: '.spec.containers[*].name', name: 'Containers', type: 'string' },
  AGE,
];

/** One KServe custom resource type, as upstream declares it. */
export interface KServeCrdFacts {
  readonly kind: string;
  readonly plural: string;
  readonly shortNames: readonly string[];
  readonly scope: 'Namespaced' | 'Cluster';
  readonly version: string;
  readonly statusSubresource: boolean;
  readonly printerColumns?: readonly k8s.CustomResourceColumnDefinition[];
  readonly schema: () => Props;
}

/**
 * The CRDs the KServe v0.18.0 controller watches or reads (`config/crd/full` at the tag, the six
 * Kubeflow 26.03.1 installs in `applications/kserve/kserve/kserve-crds.yaml`): one version each,
 * served and stored, no conversion, no categories. ServingRuntime and ClusterServingRuntime
 * declare `subresources: {}` upstream (no status subresource). LLMInferenceService and the
 * local-model CRDs belong to the llmisvc and localmodel controllers and are not here; the
 * InferenceService defaulter lists LocalModelCaches only when `localModel.enabled` is true.
 */
export const KSERVE_CRDS = {
  inferenceServices: {
    kind: 'InferenceService',
    plural: 'inferenceservices',
    shortNames: ['isvc'],
    scope: 'Namespaced',
    version: 'v1beta1',
    statusSubresource: true,
    printerColumns: [
      URL,
      READY,
      {
        jsonPath: ".status.components.predictor.traffic[?(@.tag=='prev')].percent",
        name: 'Prev',
        type: 'integer',
      },
      {
        jsonPath: '.status.components.predictor.traffic[?(@.latestRevision==true)].percent',
        name: 'Latest',
        type: 'integer',
      },
      {
        jsonPath: ".status.components.predictor.traffic[?(@.tag=='prev')].revisionName",
        name: 'PrevRolledoutRevision',
        type: 'string',
      },
      {
        jsonPath: '.status.components.predictor.traffic[?(@.latestRevision==true)].revisionName',
        name: 'LatestReadyRevision',
        type: 'string',
      },
      AGE,
    ],
    schema: inferenceServiceSchema,
  },
  servingRuntimes: {
    kind: 'ServingRuntime',
    plural: 'servingruntimes',
    shortNames: [],
    scope: 'Namespaced',
    version: 'v1alpha1',
    statusSubresource: false,
    printerColumns: RUNTIME_COLUMNS,
    schema: servingRuntimeSchema,
  },
  clusterServingRuntimes: {
    kind: 'ClusterServingRuntime',
    plural: 'clusterservingruntimes',
    shortNames: [],
    scope: 'Cluster',
    version: 'v1alpha1',
    statusSubresource: false,
    printerColumns: RUNTIME_COLUMNS,
    schema: servingRuntimeSchema,
  },
  trainedModels: {
    kind: 'TrainedModel',
    plural: 'trainedmodels',
    shortNames: ['tm'],
    scope: 'Namespaced',
    version: 'v1alpha1',
    statusSubresource: true,
    printerColumns: [URL, READY, AGE],
    schema: trainedModelSchema,
  },
  inferenceGraphs: {
    kind: 'InferenceGraph',
    plural: 'inferencegraphs',
    shortNames: ['ig'],
    scope: 'Namespaced',
    version: 'v1alpha1',
    statusSubresource: true,
    printerColumns: [URL, READY, AGE],
    schema: inferenceGraphSchema,
  },
  clusterStorageContainers: {
    kind: 'ClusterStorageContainer',
    plural: 'clusterstoragecontainers',
    shortNames: [],
    scope: 'Cluster',
    version: 'v1alpha1',
    statusSubresource: false,
    schema: clusterStorageContainerSchema,
  },
} as const satisfies Record<string, KServeCrdFacts>;

export type KServeCrdKey = keyof typeof KSERVE_CRDS;

/** `apiVersion` of each type, for constructs that create KServe objects. */
export const KSERVE_API_VERSIONS = {
  v1beta1: `${KSERVE_API_GROUP}/v1beta1`,
  v1alpha1: `${KSERVE_API_GROUP}/v1alpha1`,
} as const;

/**
 * The KServe CRDs with upstream's identity (group, names, short names, scope, version,
 * subresources, printer columns) and the structural schemas described at `KSERVE_CRDS`.
 * @see https://github.com/kserve/kserve/tree/v0.18.0/config/crd/full
 */
export class KServeCrds extends Construct {
  /** Each type, by the key of `KSERVE_CRDS`. */
  public readonly types: Readonly<Record<KServeCrdKey, ICustomResourceType>>;

  public constructor(scope: Construct, id: string) {
    super(scope, id);
    const types: Partial<Record<KServeCrdKey, ICustomResourceType>> = {};
    for (const [key, facts] of Object.entries(KSERVE_CRDS) as [KServeCrdKey, KServeCrdFacts][]) {
      types[key] = new CustomResourceDefinition(this, facts.kind, {
        group: KSERVE_API_GROUP,
        kind: facts.kind,
        plural: facts.plural,
        shortNames: facts.shortNames,
        scope: facts.scope,
        labels: KSERVE_LABELS.options('crds'),
        versions: [
          {
            name: facts.version,
            served: true,
            storage: true,
            statusSubresource: facts.statusSubresource,
            printerColumns: facts.printerColumns,
            schema: facts.schema(),
          },
        ],
      });
    }
    this.types = types as Record<KServeCrdKey, ICustomResourceType>;
  }
}
