import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ImageRef, parseImageReference, resolveImage } from '../core/images';
import { standardLabels } from '../core/labels';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { throwIfProblems } from '../core/validation';
import { TRAINER_API_VERSION, TRAINER_NODE, TrainingRuntimeKind } from './private/train-job-facts';
import { TrainingResources, trainingResourcesJson } from './private/train-job-resources';
import { trainJobProblemList } from './private/train-job-validation';

export { type TrainingResources, DEFAULT_GPU_RESOURCE } from './private/train-job-resources';
export {
  type TrainingRuntimeKind,
  TRAINER_API_VERSION,
  TRAINER_TRAINJOB_VERSION,
  TRAINER_V220_CLUSTER_RUNTIMES,
  RESERVED_TRAINER_ENV,
} from './private/train-job-facts';

/** The `manager` of the runtime patch this construct writes (Trainer wants `domain/path`). */
export const TRAIN_JOB_RUNTIME_PATCH_MANAGER = 'mlops-blueprint.dev/train-job';

/**
 * The training runtime a TrainJob runs on (`spec.runtimeRef`): a cluster-wide
 * ClusterTrainingRuntime, or a TrainingRuntime in the job's own namespace.
 */
export class TrainingRuntimeRef {
  /** A ClusterTrainingRuntime, e.g. `torch-distributed`. */
  public static cluster(name: string): TrainingRuntimeRef {
    return new TrainingRuntimeRef(name, 'ClusterTrainingRuntime');
  }

  /** A TrainingRuntime in the TrainJob's namespace. */
  public static namespaced(name: string): TrainingRuntimeRef {
    return new TrainingRuntimeRef(name, 'TrainingRuntime');
  }

  private constructor(
    public readonly name: string,
    public readonly kind: TrainingRuntimeKind,
  ) {}
}

/** What overrides the runtime's trainer (`spec.trainer`); each field defaults to the runtime's. */
export interface TrainJobTrainer {
  /** A pinned image. @default - the runtime's */
  readonly image?: ImageRef | string;
  /** @default - the runtime's */
  readonly command?: readonly string[];
  /** @default - the runtime's */
  readonly args?: readonly string[];
  /** Merged with the runtime's; the runtime's own torchrun/XGBoost variables are refused. @default {} */
  readonly env?: Readonly<Record<string, string>>;
  /** @default - the runtime's */
  readonly numNodes?: number;
  /** Processes per node (GPUs per pod for torch). @default - the runtime's */
  readonly numProcPerNode?: number;
  /** @default - the runtime's */
  readonly resourcesPerNode?: TrainingResources;
}

/** Where an initializer downloads from (`spec.initializer.dataset` / `.model`). */
export interface TrainJobInitializerSource {
  /** `hf://org/name`, `s3://bucket/key` (datasets also `cache://`). */
  readonly storageUri: string;
  /** Merged with the runtime's initializer environment. @default {} */
  readonly env?: Readonly<Record<string, string>>;
  /** A Secret in the job's namespace with the credentials (`secretRef`). @default - none */
  readonly secretName?: string;
}

export interface TrainJobInitializer {
  readonly dataset?: TrainJobInitializerSource;
  readonly model?: TrainJobInitializerSource;
}

/** A pod toleration, as Kubernetes has it. */
export interface TrainJobToleration {
  readonly key?: string;
  /** @default 'Equal' */
  readonly operator?: 'Equal' | 'Exists';
  readonly value?: string;
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  /** NoExecute only. */
  readonly tolerationSeconds?: number;
}

/**
 * What a team may change in the pods of one replicated job of the runtime (`node`,
 * `dataset-initializer`, `model-initializer`, `launcher` ...), written as a Trainer 2.2
 * `runtimePatches` entry.
 */
export interface TrainJobReplicatedJobPatch {
  /** @default - the runtime's */
  readonly serviceAccountName?: string;
  /** @default {} */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** @default [] */
  readonly tolerations?: readonly TrainJobToleration[];
  /** Pod labels. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** Pod annotations. @default {} */
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface TrainJobProps {
  /** The tenant namespace the job runs in. */
  readonly namespace: string;
  /** An RFC 1035 label (a letter first), at most 63 characters. */
  readonly name: string;
  /** A ClusterTrainingRuntime by name, or a `TrainingRuntimeRef`. */
  readonly runtime: string | TrainingRuntimeRef;
  /**
   * The runtimes installed; when given, a runtime outside it is an error that lists them.
   * @default - not checked
   */
  readonly knownRuntimes?: readonly string[];
  /** @default - the runtime's trainer as it is */
  readonly trainer?: TrainJobTrainer;
  /** @default - the runtime's initializers as they are */
  readonly initializer?: TrainJobInitializer;
  /** Labels on the TrainJob. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** Annotations on the TrainJob. @default {} */
  readonly annotations?: Readonly<Record<string, string>>;
  /** Create it suspended (e.g. for a queue to admit). @default - Trainer's false */
  readonly suspend?: boolean;
  /** Fail the job after this long active. @default - no deadline */
  readonly activeDeadlineSeconds?: number;
  /** Pod changes per replicated job name, e.g. `{ node: { tolerations: [...] } }`. @default {} */
  readonly runtimePatches?: Readonly<Record<string, TrainJobReplicatedJobPatch>>;
  /**
   * Give the trainer's `node` pods Pod Security "restricted" (non-root uid 1000, no capabilities,
   * seccomp RuntimeDefault) with a read-only root and a writable `/tmp`. The trainer image must
   * run as non-root. Turn off only for a runtime that sets its own (an MPI runtime whose sshd
   * needs its user), and say why.
   * @default true
   */
  readonly restricted?: boolean;
  /** With `restricted`: mount the root filesystem read-only. @default true */
  readonly readOnlyRootFilesystem?: boolean;
}

/**
 * Every problem of a TrainJob's props, in the house template; empty when it is valid. Pure:
 * config validation calls it before anything is built.
 */
export function trainJobProblems(props: TrainJobProps): string[] {
  return trainJobProblemList(props);
}

/** The runtime reference of the props as a `TrainingRuntimeRef`. */
export function runtimeRefOf(runtime: string | TrainingRuntimeRef): TrainingRuntimeRef {
  return typeof runtime === 'string' ? TrainingRuntimeRef.cluster(runtime) : runtime;
}

/**
 * A training job by Kubeflow Trainer v2.2 (`trainer.kubeflow.org/v1alpha1` TrainJob) on a
 * training runtime, in a tenant namespace.
 * @see https://www.kubeflow.org/docs/components/trainer/user-guides/
 */
export class TrainJob extends Construct {
  public readonly name: string;
  public readonly namespace: string;
  public readonly runtime: TrainingRuntimeRef;
  public readonly object: ApiObject;

  public constructor(scope: Construct, id: string, props: TrainJobProps) {
    super(scope, id);
    throwIfProblems(`TrainJob ${props.namespace}/${props.name}`, trainJobProblems(props));
    this.name = props.name;
    this.namespace = props.namespace;
    this.runtime = runtimeRefOf(props.runtime);
    const t = props.trainer;
    const init = props.initializer;
    const trainer = t
      ? {
          ...(t.image ? { image: resolveImage(this, pinned(t.image)) } : {}),
          ...(t.command ? { command: [...t.command] } : {}),
          ...(t.args ? { args: [...t.args] } : {}),
          ...envJson(t.env),
          ...(t.numNodes !== undefined ? { numNodes: t.numNodes } : {}),
          ...(t.numProcPerNode !== undefined ? { numProcPerNode: t.numProcPerNode } : {}),
          ...(t.resourcesPerNode
            ? { resourcesPerNode: trainingResourcesJson(t.resourcesPerNode) }
            : {}),
        }
      : undefined;
    const patches = replicatedJobPatches(props);

    this.object = new ApiObject(this, 'Resource', {
      apiVersion: TRAINER_API_VERSION,
      kind: 'TrainJob',
      metadata: {
        name: props.name,
        namespace: props.namespace,
        labels: {
          ...standardLabels({ name: 'trainer', component: 'train-job', instance: props.name }),
          ...(props.labels ?? {}),
        },
        ...(props.annotations && Object.keys(props.annotations).length > 0
          ? { annotations: { ...props.annotations } }
          : {}),
      },
      spec: {
        runtimeRef: { name: this.runtime.name, kind: this.runtime.kind },
        ...(init?.dataset || init?.model
          ? {
              initializer: {
                ...(init.dataset ? { dataset: initializerJson(init.dataset) } : {}),
                ...(init.model ? { model: initializerJson(init.model) } : {}),
              },
            }
          : {}),
        ...(trainer && Object.keys(trainer).length > 0 ? { trainer } : {}),
        ...(patches.length > 0
          ? {
              runtimePatches: [
                {
                  manager: TRAIN_JOB_RUNTIME_PATCH_MANAGER,
                  trainingRuntimeSpec: { template: { spec: { replicatedJobs: patches } } },
                },
              ],
            }
          : {}),
        ...(props.suspend !== undefined ? { suspend: props.suspend } : {}),
        ...(props.activeDeadlineSeconds !== undefined
          ? { activeDeadlineSeconds: props.activeDeadlineSeconds }
          : {}),
      },
    });
  }
}

function envJson(env: Readonly<Record<string, string>> | undefined) {
  return env && Object.keys(env).length > 0
    ? { env: Object.entries(env).map(([name, value]) => ({ name, value })) }
    : {};
}

function initializerJson(s: TrainJobInitializerSource) {
  return {
    storageUri: s.storageUri,
    ...envJson(s.env),
    ...(s.secretName ? { secretRef: { name: s.secretName } } : {}),
  };
}

const nonEmpty = (r: Readonly<Record<string, string>> | undefined) =>
  r && Object.keys(r).length > 0 ? { ...r } : undefined;

/** One `replicatedJobs[]` patch per job named in props, and the `node` security when restricted. */
function replicatedJobPatches(props: TrainJobProps): Record<string, unknown>[] {
  const restricted = props.restricted ?? true;
  const names = new Set(Object.keys(props.runtimePatches ?? {}));
  if (restricted) names.add(TRAINER_NODE);
  return [...names].sort().map((name) => {
    const p = props.runtimePatches?.[name] ?? {};
    const secure = restricted && name === TRAINER_NODE;
    const labels = nonEmpty(p.labels);
    const annotations = nonEmpty(p.annotations);
    const nodeSelector = nonEmpty(p.nodeSelector);
    const metadata =
      labels || annotations
        ? { ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) }
        : undefined;
    const spec = {
      ...(p.serviceAccountName ? { serviceAccountName: p.serviceAccountName } : {}),
      ...(secure
        ? {
            securityContext: restrictedPodSecurityContext(),
            volumes: [{ name: 'tmp', emptyDir: {} }],
            containers: [
              {
                name: TRAINER_NODE,
                securityContext: restrictedContainerSecurityContext({
                  readOnlyRootFilesystem: props.readOnlyRootFilesystem ?? true,
                }),
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
              },
            ],
          }
        : {}),
      ...(nodeSelector ? { nodeSelector } : {}),
      ...(p.tolerations?.length ? { tolerations: p.tolerations.map((x) => ({ ...x })) } : {}),
    };
    return {
      name,
      template: {
        spec: {
          template: {
            ...(metadata ? { metadata } : {}),
            ...(Object.keys(spec).length > 0 ? { spec } : {}),
          },
        },
      },
    };
  });
}

/** An image as an `ImageRef` (validated before). */
function pinned(image: ImageRef | string): ImageRef {
  if (typeof image !== 'string') return image;
  const ref = parseImageReference(image);
  if (!ref) throw new Error(`TrainJob: trainer.image "${image}" is not pinned.`);
  return ref;
}
