import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { CustomResourceDefinition, ICustomResourceType, Schema } from '../core/crd';
import { KATIB_LABELS } from './private/labels';

type Props = k8s.JsonSchemaProps;

/** Katib's API: one version, served and stored, no conversion (upstream's). */
export const KATIB_API = {
  group: 'kubeflow.org',
  version: 'v1beta1',
  apiVersion: 'kubeflow.org/v1beta1',
} as const;

/** `ObjectiveType` (`pkg/apis/controller/common/v1beta1/common_types.go`); the validator accepts only these. */
export const KATIB_OBJECTIVE_TYPES = ['minimize', 'maximize'] as const;
/** `ParameterType` (`experiment_types.go`), every value the validator accepts. */
export const KATIB_PARAMETER_TYPES = [
  'int',
  'double',
  'categorical',
  'discrete',
  'unknown',
] as const;
/** `Distribution` of a feasible space; the validator also accepts an empty one. */
export const KATIB_DISTRIBUTIONS = [
  'uniform',
  'logUniform',
  'normal',
  'logNormal',
  'unknown',
] as const;
/** `ResumePolicyType`; empty is defaulted to `Never` by the mutating webhook. */
export const KATIB_RESUME_POLICIES = ['Never', 'LongRunning', 'FromVolume'] as const;
/**
 * `CollectorKind`, every kind the validator accepts. StdOut, File and TensorFlowEvent need an
 * entry in `katib-config` (`KATIB_CONFIGURED_COLLECTOR_KINDS`); PrometheusMetric too, which
 * upstream's config does not list; Custom brings its own container and Push injects none.
 */
export const KATIB_METRICS_COLLECTOR_KINDS = [
  'StdOut',
  'File',
  'TensorFlowEvent',
  'PrometheusMetric',
  'Custom',
  'Push',
] as const;
/** `MetricStrategyType`: which value of a metric a trial reports. */
export const KATIB_METRIC_STRATEGIES = ['min', 'max', 'latest'] as const;

const str = (): Props => Schema.string();
const int32 = (): Props => Schema.integer('int32');
const strings = (): Props => Schema.array(str());

/** `{name, value}` pairs: algorithm settings, early-stopping settings, parameter assignments. */
function nameValue(): Props {
  return Schema.object({ name: str(), value: str() });
}

function algorithm(): Props {
  return Schema.object({ algorithmName: str(), algorithmSettings: Schema.array(nameValue()) });
}

function objective(): Props {
  return Schema.object({
    type: Schema.oneOf(KATIB_OBJECTIVE_TYPES),
    goal: { type: 'number', format: 'double' },
    objectiveMetricName: str(),
    additionalMetricNames: strings(),
    metricStrategies: Schema.array(
      Schema.object({ name: str(), value: Schema.oneOf(KATIB_METRIC_STRATEGIES) }),
    ),
  });
}

/**
 * `MetricsCollectorSpec`: `httpGet` (a core `HTTPGetAction`) and `customCollector` (a core
 * `Container`) are kept whole; the rest is Katib's own.
 */
function metricsCollector(): Props {
  return Schema.object({
    collector: Schema.object({
      kind: Schema.oneOf(KATIB_METRICS_COLLECTOR_KINDS),
      customCollector: Schema.preserve(),
    }),
    source: Schema.object({
      httpGet: Schema.preserve(),
      fileSystemPath: Schema.object({
        path: str(),
        kind: Schema.oneOf(['Directory', 'File']),
        format: Schema.oneOf(['TEXT', 'JSON']),
      }),
      filter: Schema.object({ metricsFormat: strings() }),
    }),
  });
}

/**
 * `ParameterSpec`. Bounds and steps are strings in the Go type (`min: "0.01"`): a number is
 * refused here as the webhook's decoder would refuse it.
 */
function parameter(): Props {
  return Schema.object({
    name: str(),
    parameterType: Schema.oneOf(KATIB_PARAMETER_TYPES),
    feasibleSpace: Schema.object({
      min: str(),
      max: str(),
      step: str(),
      list: strings(),
      distribution: Schema.oneOf(['', ...KATIB_DISTRIBUTIONS]),
    }),
  });
}

/** `TrialTemplate`: the trial's own resource (`trialSpec`, any kind) is kept whole. */
function trialTemplate(): Props {
  return Schema.object({
    retain: Schema.boolean(),
    trialSpec: Schema.preserve(),
    configMap: Schema.object({
      configMapName: str(),
      configMapNamespace: str(),
      templatePath: str(),
    }),
    trialParameters: Schema.array(
      Schema.object({ name: str(), description: str(), reference: str() }),
    ),
    primaryPodLabels: Schema.map(str()),
    primaryContainerName: str(),
    successCondition: str(),
    failureCondition: str(),
  });
}

/** `NasConfig` of neural architecture search (ENAS, DARTS). */
function nasConfig(): Props {
  return Schema.object({
    graphConfig: Schema.object({
      numLayers: int32(),
      inputSizes: Schema.array(int32()),
      outputSizes: Schema.array(int32()),
    }),
    operations: Schema.array(
      Schema.object({ operationType: str(), parameters: Schema.array(parameter()) }),
    ),
  });
}

/** `ExperimentSpec`, field by field as `experiment_types.go`. */
function experimentSpec(): Props {
  return Schema.object({
    parameters: Schema.array(parameter()),
    objective: objective(),
    algorithm: algorithm(),
    earlyStopping: algorithm(),
    trialTemplate: trialTemplate(),
    parallelTrialCount: int32(),
    maxTrialCount: int32(),
    maxFailedTrialCount: int32(),
    metricsCollectorSpec: metricsCollector(),
    nasConfig: nasConfig(),
    resumePolicy: Schema.oneOf(['', ...KATIB_RESUME_POLICIES]),
  });
}

/** `TrialSpec` (`trial_types.go`): the controller writes it from the experiment. */
function trialSpec(): Props {
  return Schema.object({
    objective: objective(),
    parameterAssignments: Schema.array(nameValue()),
    earlyStoppingRules: Schema.array(
      Schema.object({
        name: str(),
        value: str(),
        comparison: Schema.oneOf(['equal', 'less', 'greater']),
        startStep: Schema.integer(),
      }),
    ),
    runSpec: Schema.preserve(),
    retainRun: Schema.boolean(),
    metricsCollector: metricsCollector(),
    primaryPodLabels: Schema.map(str()),
    primaryContainerName: str(),
    successCondition: str(),
    failureCondition: str(),
    labels: Schema.map(str()),
  });
}

/** `SuggestionSpec` (`suggestion_types.go`). */
function suggestionSpec(): Props {
  return Schema.object({
    algorithm: algorithm(),
    earlyStopping: algorithm(),
    requests: int32(),
    resumePolicy: Schema.oneOf(['', ...KATIB_RESUME_POLICIES]),
  });
}

/** Status is the controller's: kept whole. */
function resource(spec: Props): Props {
  return Schema.resource(spec, Schema.preserve());
}

const lastCondition = (name: 'Type' | 'Status'): k8s.CustomResourceColumnDefinition => ({
  name,
  type: 'string',
  jsonPath: `.status.conditions[-1:].${name.toLowerCase()}`,
});
const AGE: k8s.CustomResourceColumnDefinition = {
  name: 'Age',
  type: 'date',
  jsonPath: '.metadata.creationTimestamp',
};

/** One custom resource type of Katib, as upstream declares it. */
export interface KatibCrdFacts {
  readonly kind: string;
  readonly plural: string;
  readonly printerColumns: readonly k8s.CustomResourceColumnDefinition[];
  readonly schema: () => Props;
}

/**
 * The three CRDs of `manifests/v1beta1/components/crd` at v0.19.0: namespaced, `v1beta1` served
 * and stored, status subresource, categories `all`, `kubeflow`, `katib`, no short names.
 * Upstream's schemas are a bare `x-kubernetes-preserve-unknown-fields` object; ours models each
 * spec from the Go types (`pkg/apis/controller/*` at v0.19.0) with the enums the validating
 * webhook enforces (`pkg/webhook/v1beta1/experiment/validator`), so `kubectl apply` and offline
 * checks catch a wrong `parameterType` before the webhook does. Nothing is required in the
 * schema: the mutating webhook fills defaults (collector, resume policy, parallelism, success
 * conditions) before the API server validates, and the validator reports what is missing with
 * its own messages. Core Kubernetes types inside (a trial's resource, `httpGet`, a custom
 * collector container) and every status are kept whole.
 */
export const KATIB_CRDS = {
  experiments: {
    kind: 'Experiment',
    plural: 'experiments',
    printerColumns: [lastCondition('Type'), lastCondition('Status'), AGE],
    schema: () => resource(experimentSpec()),
  },
  suggestions: {
    kind: 'Suggestion',
    plural: 'suggestions',
    printerColumns: [
      lastCondition('Type'),
      lastCondition('Status'),
      { name: 'Requested', type: 'string', jsonPath: '.spec.requests' },
      { name: 'Assigned', type: 'string', jsonPath: '.status.suggestionCount' },
      AGE,
    ],
    schema: () => resource(suggestionSpec()),
  },
  trials: {
    kind: 'Trial',
    plural: 'trials',
    printerColumns: [lastCondition('Type'), lastCondition('Status'), AGE],
    schema: () => resource(trialSpec()),
  },
} as const satisfies Record<string, KatibCrdFacts>;

export type KatibCrdKey = keyof typeof KATIB_CRDS;

/** Upstream's categories: `kubectl get katib` lists all three. */
export const KATIB_CRD_CATEGORIES = ['all', 'kubeflow', 'katib'] as const;

/**
 * Experiments, Suggestions and Trials of Katib v0.19.0 (`kubeflow.org/v1beta1`), with
 * upstream's identity and the schemas described at `KATIB_CRDS`.
 * @see https://github.com/kubeflow/katib/tree/v0.19.0/manifests/v1beta1/components/crd
 */
export class KatibCrds extends Construct {
  /** Each type, by the key of `KATIB_CRDS`, for constructs that create such objects. */
  public readonly types: Readonly<Record<KatibCrdKey, ICustomResourceType>>;

  public constructor(scope: Construct, id: string) {
    super(scope, id);
    const types: Partial<Record<KatibCrdKey, ICustomResourceType>> = {};
    for (const [key, facts] of Object.entries(KATIB_CRDS) as [KatibCrdKey, KatibCrdFacts][]) {
      types[key] = new CustomResourceDefinition(this, facts.kind, {
        group: KATIB_API.group,
        kind: facts.kind,
        plural: facts.plural,
        categories: KATIB_CRD_CATEGORIES,
        scope: 'Namespaced',
        labels: KATIB_LABELS.options('crds'),
        versions: [
          {
            name: KATIB_API.version,
            served: true,
            storage: true,
            statusSubresource: true,
            printerColumns: facts.printerColumns,
            schema: facts.schema(),
          },
        ],
      });
    }
    this.types = types as Record<KatibCrdKey, ICustomResourceType>;
  }
}
