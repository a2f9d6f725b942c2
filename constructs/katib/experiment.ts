import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ImageRef, parseImageReference, resolveImage } from '../core/images';
import { standardLabels } from '../core/labels';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { throwIfProblems } from '../core/validation';
import {
  DEFAULT_METRICS_FILE,
  ISTIO_INJECT_KEY,
  JOB_TRIAL_CONTAINER,
  KATIB_EXPERIMENT_API_VERSION,
  TRAINJOB_NODE,
} from './private/experiment-facts';
import { TrialResources, trialResourcesJson } from './private/experiment-resources';
import { experimentProblemList } from './private/experiment-validation';

export { type TrialResources, DEFAULT_GPU_RESOURCE } from './private/experiment-resources';
export {
  KATIB_V0190_ALGORITHMS,
  KATIB_V0190_EARLY_STOPPING_ALGORITHMS,
  KATIB_V0190_TRIAL_RESOURCES,
} from './private/experiment-facts';

/** Requests and limits of a trial container that names none. */
export const TRIAL_DEFAULT_RESOURCES: TrialResources = {
  cpu: { request: '500m', limit: '1' },
  memory: { request: '1Gi', limit: '2Gi' },
};

/** The `manager` of the runtime patch a TrainJob trial carries (Trainer wants `domain/path`). */
export const EXPERIMENT_RUNTIME_PATCH_MANAGER = 'mlops-blueprint.dev/experiment';

/** How a search samples a numeric range (`feasibleSpace.distribution`). @default - Katib's uniform */
export type ParameterDistribution = 'uniform' | 'logUniform' | 'normal' | 'logNormal';

interface ParameterBase {
  /** The name the trial uses as `${trialParameters.<name>}` in its command, args or env. */
  readonly name: string;
  /** Shown in Katib's UI. @default - none */
  readonly description?: string;
}

/** A whole-number range, `min` to `max` inclusive. */
export interface IntParameter extends ParameterBase {
  readonly type: 'int';
  readonly min: number;
  readonly max: number;
  /** Grid spacing. @default - Katib's 1 */
  readonly step?: number;
  readonly distribution?: ParameterDistribution;
}

/** A real range, `min` to `max`. */
export interface DoubleParameter extends ParameterBase {
  readonly type: 'double';
  readonly min: number;
  readonly max: number;
  /** Grid spacing; the `grid` algorithm needs it. @default - continuous */
  readonly step?: number;
  readonly distribution?: ParameterDistribution;
}

/** One of a list of strings, e.g. optimizers. */
export interface CategoricalParameter extends ParameterBase {
  readonly type: 'categorical';
  readonly list: readonly string[];
}

/** One of a list of numbers, e.g. batch sizes. */
export interface DiscreteParameter extends ParameterBase {
  readonly type: 'discrete';
  readonly list: readonly number[];
}

/** One dimension of the search space (`spec.parameters[]`). */
export type ExperimentParameter =
  IntParameter | DoubleParameter | CategoricalParameter | DiscreteParameter;

/** What the search optimizes (`spec.objective`). */
export interface ExperimentObjective {
  readonly type: 'maximize' | 'minimize';
  /** The metric to optimize, e.g. `accuracy`. The trial must report it (`trial.reports`). */
  readonly metric: string;
  /** Stop once a trial reaches it. @default - run maxTrials trials */
  readonly goal?: number;
  /** Further metrics Katib records, each reported by the trial. @default [] */
  readonly additionalMetrics?: readonly string[];
  /**
   * Which value of a metric's series counts, per metric.
   * @default - Katib's: min for minimize, max for maximize
   */
  readonly metricStrategies?: Readonly<Record<string, 'min' | 'max' | 'latest'>>;
}

/** A suggestion or early-stopping algorithm with its settings (strings, as Katib takes them). */
export interface ExperimentAlgorithm {
  /** e.g. `random`, `tpe`, `grid`, `bayesianoptimization`. */
  readonly name: string;
  /** e.g. `{ random_state: '10' }`. @default {} */
  readonly settings?: Readonly<Record<string, string>>;
}

/**
 * How Katib learns the trial's metrics (`spec.metricsCollectorSpec`):
 * - `StdOut`: the trial prints `name=value` lines; Katib wraps the command in `sh -c` and reads
 *   its output, so the image needs `sh`.
 * - `File`: the trial writes the lines (TEXT) or JSON objects (JSON) to `path`.
 * - `TensorFlowEvent`: the trial writes TensorFlow summaries (tags are metric names) under the
 *   directory `path`.
 * - `Push`: the trial pushes metrics itself with the Katib SDK's `report_metrics` (it needs network
 *   access to katib-db-manager); nothing is injected into the pod.
 */
export type ExperimentMetricsCollector =
  | {
      readonly kind: 'StdOut';
      /** Regular expressions with two groups (name, value). @default - Katib's `name=value` */
      readonly filter?: readonly string[];
    }
  | {
      readonly kind: 'File';
      /** An absolute file path. @default '/var/log/katib/metrics.log' */
      readonly path?: string;
      /** @default 'TEXT' */
      readonly format?: 'TEXT' | 'JSON';
      /** TEXT only. @default - Katib's `name=value` */
      readonly filter?: readonly string[];
    }
  | {
      readonly kind: 'TensorFlowEvent';
      /** The absolute directory the event files are written under. */
      readonly path: string;
    }
  | { readonly kind: 'Push' };

interface TrialBase {
  /**
   * The metrics this trial prints, writes or pushes. The objective metric and every additional
   * metric must be among them: Katib fails a trial whose objective metric never appears.
   */
  readonly reports: readonly string[];
  /** The entrypoint, with `${trialParameters.<name>}` where a parameter goes. */
  readonly command: readonly string[];
  /** @default [] */
  readonly args?: readonly string[];
  /** Values may use `${trialParameters.<name>}` as well. @default {} */
  readonly env?: Readonly<Record<string, string>>;
  /** Keep the trial's job and pods after it finishes (`retain`). @default false */
  readonly retain?: boolean;
  /**
   * Mount the root filesystem read-only; `/tmp` is always a writable emptyDir. Turn off only for
   * an image that writes elsewhere.
   * @default true
   */
  readonly readOnlyRootFilesystem?: boolean;
  /** @default - the namespace's default service account */
  readonly serviceAccountName?: string;
}

/**
 * A trial as a batch Job (`batch/v1`): one pod with the container `training-container`. The pod
 * is outside the Istio mesh (Katib's metrics collector must see the trial end) and runs with
 * Pod Security "restricted": the image must run as a non-root user (uid 1000 is set) and needs
 * no capabilities.
 */
export interface ExperimentJobTrial extends TrialBase {
  readonly kind: 'Job';
  /** A pinned image: `registry/repository:tag[@sha256:...]`. */
  readonly image: ImageRef | string;
  /** @default TRIAL_DEFAULT_RESOURCES */
  readonly resources?: TrialResources;
}

/**
 * A trial as a Kubeflow Trainer TrainJob (`trainer.kubeflow.org/v1alpha1`) on a training runtime;
 * Katib v0.19.0 collects metrics from node 0 of its `node` job. The `node` pods get the same
 * mesh opt-out and restricted security context through a runtime patch.
 */
export interface ExperimentTrainJobTrial extends TrialBase {
  readonly kind: 'TrainJob';
  /** A ClusterTrainingRuntime, e.g. `torch-distributed`. */
  readonly runtime: string;
  /** @default - the runtime's */
  readonly image?: ImageRef | string;
  /** @default - the runtime's */
  readonly numNodes?: number;
  /** @default - the runtime's */
  readonly resourcesPerNode?: TrialResources;
}

export type ExperimentTrial = ExperimentJobTrial | ExperimentTrainJobTrial;

export interface ExperimentProps {
  /** The tenant namespace the experiment runs in. */
  readonly namespace: string;
  /** At most 40 characters, starting with a letter (Katib's rule). */
  readonly name: string;
  readonly objective: ExperimentObjective;
  readonly algorithm: ExperimentAlgorithm;
  /** @default - no early stopping */
  readonly earlyStopping?: ExperimentAlgorithm;
  readonly parameters: readonly ExperimentParameter[];
  /** Trials that run at the same time (`parallelTrialCount`). */
  readonly parallelTrials: number;
  /** Trials in all (`maxTrialCount`). */
  readonly maxTrials: number;
  /** Failed trials after which the experiment fails. @default - Katib's: no limit */
  readonly maxFailedTrials?: number;
  /** @default { kind: 'StdOut' } */
  readonly metricsCollector?: ExperimentMetricsCollector;
  readonly trial: ExperimentTrial;
  /** What happens when the experiment has finished. @default - Katib's Never */
  readonly resumePolicy?: 'Never' | 'LongRunning' | 'FromVolume';
  /** Extra labels on the Experiment (Katib copies them to its trials). @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** The suggestion algorithms the installed katib-config offers. @default KATIB_V0190_ALGORITHMS */
  readonly algorithms?: readonly string[];
  /** Its early-stopping algorithms. @default KATIB_V0190_EARLY_STOPPING_ALGORITHMS */
  readonly earlyStoppingAlgorithms?: readonly string[];
  /**
   * Its `trialResources` (`Kind.version.group`).
   * @default KATIB_V0190_TRIAL_RESOURCES
   */
  readonly trialResources?: readonly string[];
}

/**
 * Every problem of an experiment's props, in the house template; empty when it is valid. Pure:
 * config validation calls it before anything is built.
 */
export function experimentProblems(props: ExperimentProps): string[] {
  return experimentProblemList(props);
}

/**
 * A hyperparameter search by Katib (`kubeflow.org/v1beta1` Experiment) in a tenant namespace. The
 * trial parameters are derived from `parameters` (each named as itself), the trial pods run
 * outside the mesh and with a restricted security context.
 * @see https://www.kubeflow.org/docs/components/katib/user-guides/hp-tuning/configure-experiment/
 */
export class Experiment extends Construct {
  public readonly name: string;
  public readonly namespace: string;
  public readonly object: ApiObject;

  public constructor(scope: Construct, id: string, props: ExperimentProps) {
    super(scope, id);
    throwIfProblems(`Experiment ${props.namespace}/${props.name}`, experimentProblems(props));
    this.name = props.name;
    this.namespace = props.namespace;
    const o = props.objective;
    const alg = (a: ExperimentAlgorithm) => ({
      algorithmName: a.name,
      ...(a.settings && Object.keys(a.settings).length > 0
        ? {
            algorithmSettings: Object.entries(a.settings).map(([name, value]) => ({ name, value })),
          }
        : {}),
    });

    this.object = new ApiObject(this, 'Resource', {
      apiVersion: KATIB_EXPERIMENT_API_VERSION,
      kind: 'Experiment',
      metadata: {
        name: props.name,
        namespace: props.namespace,
        labels: {
          ...standardLabels({ name: 'katib', component: 'experiment', instance: props.name }),
          ...(props.labels ?? {}),
        },
      },
      spec: {
        objective: {
          type: o.type,
          objectiveMetricName: o.metric,
          ...(o.goal !== undefined ? { goal: o.goal } : {}),
          ...(o.additionalMetrics?.length
            ? { additionalMetricNames: [...o.additionalMetrics] }
            : {}),
          ...(o.metricStrategies
            ? {
                metricStrategies: Object.entries(o.metricStrategies).map(([name, value]) => ({
                  name,
                  value,
                })),
              }
            : {}),
        },
        algorithm: alg(props.algorithm),
        ...(props.earlyStopping ? { earlyStopping: alg(props.earlyStopping) } : {}),
        parallelTrialCount: props.parallelTrials,
        maxTrialCount: props.maxTrials,
        ...(props.maxFailedTrials !== undefined
          ? { maxFailedTrialCount: props.maxFailedTrials }
          : {}),
        ...(props.resumePolicy ? { resumePolicy: props.resumePolicy } : {}),
        metricsCollectorSpec: metricsCollectorJson(props.metricsCollector ?? { kind: 'StdOut' }),
        parameters: props.parameters.map(parameterJson),
        trialTemplate: {
          ...(props.trial.retain !== undefined ? { retain: props.trial.retain } : {}),
          primaryContainerName: props.trial.kind === 'Job' ? JOB_TRIAL_CONTAINER : TRAINJOB_NODE,
          trialParameters: props.parameters.map((p) => ({
            name: p.name,
            ...(p.description ? { description: p.description } : {}),
            reference: p.name,
          })),
          trialSpec:
            props.trial.kind === 'Job'
              ? this.jobTrialSpec(props.trial)
              : this.trainJobTrialSpec(props.trial),
        },
      },
    });
  }

  private jobTrialSpec(t: ExperimentJobTrial): Record<string, unknown> {
    return {
      apiVersion: 'batch/v1',
      kind: 'Job',
      spec: {
        template: {
          metadata: trialPodMetadata(),
          spec: {
            ...(t.serviceAccountName ? { serviceAccountName: t.serviceAccountName } : {}),
            restartPolicy: 'Never',
            securityContext: restrictedPodSecurityContext(),
            containers: [
              {
                name: JOB_TRIAL_CONTAINER,
                image: resolveImage(this, pinned(t.image)),
                ...containerCommand(t),
                resources: trialResourcesJson(t.resources ?? TRIAL_DEFAULT_RESOURCES),
                securityContext: trialContainerSecurity(t),
                volumeMounts: [TMP_MOUNT],
              },
            ],
            volumes: [TMP_VOLUME],
          },
        },
      },
    };
  }

  private trainJobTrialSpec(t: ExperimentTrainJobTrial): Record<string, unknown> {
    return {
      apiVersion: 'trainer.kubeflow.org/v1alpha1',
      kind: 'TrainJob',
      spec: {
        runtimeRef: { name: t.runtime },
        trainer: {
          ...(t.image ? { image: resolveImage(this, pinned(t.image)) } : {}),
          ...containerCommand(t),
          ...(t.numNodes !== undefined ? { numNodes: t.numNodes } : {}),
          ...(t.resourcesPerNode
            ? { resourcesPerNode: trialResourcesJson(t.resourcesPerNode) }
            : {}),
        },
        runtimePatches: [
          {
            manager: EXPERIMENT_RUNTIME_PATCH_MANAGER,
            trainingRuntimeSpec: {
              template: {
                spec: {
                  replicatedJobs: [
                    {
                      name: TRAINJOB_NODE,
                      template: {
                        spec: {
                          template: {
                            metadata: trialPodMetadata(),
                            spec: {
                              ...(t.serviceAccountName
                                ? { serviceAccountName: t.serviceAccountName }
                                : {}),
                              securityContext: restrictedPodSecurityContext(),
                              volumes: [TMP_VOLUME],
                              containers: [
                                {
                                  name: TRAINJOB_NODE,
                                  securityContext: trialContainerSecurity(t),
                                  volumeMounts: [TMP_MOUNT],
                                },
                              ],
                            },
                          },
                        },
                      },
                    },
                  ],
                },
              },
            },
          },
        ],
      },
    };
  }
}

const TMP_VOLUME = { name: 'tmp', emptyDir: {} };
const TMP_MOUNT = { name: 'tmp', mountPath: '/tmp' };

/** Outside the mesh: label as Katib's examples, annotation as Kubeflow's Katib test. */
function trialPodMetadata() {
  return {
    labels: { [ISTIO_INJECT_KEY]: 'false' },
    annotations: { [ISTIO_INJECT_KEY]: 'false' },
  };
}

function trialContainerSecurity(t: TrialBase) {
  return restrictedContainerSecurityContext({
    readOnlyRootFilesystem: t.readOnlyRootFilesystem ?? true,
  });
}

function containerCommand(t: TrialBase) {
  return {
    command: [...t.command],
    ...(t.args?.length ? { args: [...t.args] } : {}),
    ...(t.env && Object.keys(t.env).length > 0
      ? { env: Object.entries(t.env).map(([name, value]) => ({ name, value })) }
      : {}),
  };
}

/** An image as an `ImageRef` (validated before). */
function pinned(image: ImageRef | string): ImageRef {
  if (typeof image !== 'string') return image;
  const ref = parseImageReference(image);
  if (!ref) throw new Error(`Experiment: trial image "${image}" is not pinned.`);
  return ref;
}

function parameterJson(p: ExperimentParameter) {
  const space =
    p.type === 'int' || p.type === 'double'
      ? {
          min: String(p.min),
          max: String(p.max),
          ...(p.step !== undefined ? { step: String(p.step) } : {}),
          ...(p.distribution ? { distribution: p.distribution } : {}),
        }
      : { list: p.list.map(String) };
  return { name: p.name, parameterType: p.type, feasibleSpace: space };
}

function metricsCollectorJson(mc: ExperimentMetricsCollector) {
  const filter = (f?: readonly string[]) =>
    f?.length ? { filter: { metricsFormat: [...f] } } : {};
  switch (mc.kind) {
    case 'StdOut':
      return {
        collector: { kind: 'StdOut' },
        ...(mc.filter?.length ? { source: filter(mc.filter) } : {}),
      };
    case 'File':
      return {
        collector: { kind: 'File' },
        source: {
          fileSystemPath: {
            path: mc.path ?? DEFAULT_METRICS_FILE,
            kind: 'File',
            format: mc.format ?? 'TEXT',
          },
          ...filter(mc.filter),
        },
      };
    case 'TensorFlowEvent':
      return {
        collector: { kind: 'TensorFlowEvent' },
        source: { fileSystemPath: { path: mc.path, kind: 'Directory' } },
      };
    case 'Push':
      return { collector: { kind: 'Push' } };
  }
}
