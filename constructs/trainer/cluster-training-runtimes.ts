import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { resolveImage } from '../core/images';
import { Layer, scopeInLayer } from '../core/layers';
import { ResourceSpec, resourceRequirementsJson } from '../core/resources';
import { DEFAULT_UID, restrictedContainerSecurityContext } from '../core/security';
import { propProblem, throwIfProblems } from '../core/validation';
import { TRAINER_API_VERSION } from './crds';
import { TRAINER_KEYS } from './names';
import { TRAINER_LABELS } from './private/labels';
import {
  MpiRuntimeShape,
  ROOT_DEFAULT_IMAGES,
  TRAINING_RUNTIMES,
  TorchTuneRuntimeShape,
  TrainingRuntimeEntry,
  runtimeImages,
} from './runtime-table';
import { TRAINER_RUNTIME_IMAGES, TrainerRuntimeImage } from './versions';

type Json = Record<string, unknown>;

/**
 * Requests and limits of a training container when the TrainJob sets no `resourcesPerNode`
 * (upstream's runtimes set none; a TrainJob's `resourcesPerNode` replaces them).
 */
export const TRAINING_NODE_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '1', limit: '4' },
  memory: { request: '2Gi', limit: '16Gi' },
};

/** Requests and limits of the dataset and model initializers (upstream sets none). */
export const TRAINING_INITIALIZER_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '250m', limit: '2' },
  memory: { request: '512Mi', limit: '8Gi' },
};

/**
 * How the runtime containers are secured:
 * - `restricted`: Pod Security "restricted" on every container (non-root uid 1000, no privilege
 *   escalation, capabilities dropped, seccomp RuntimeDefault), a writable root filesystem
 *   because training frameworks write caches and scratch files into it. The MPI `node`
 *   containers add back `NET_BIND_SERVICE` (the one capability "restricted" allows): the v2.2.0
 *   deepspeed and mlx images give sshd that file capability (`setcap ... +eip`), and the kernel
 *   refuses to execute such a file when the capability is outside the bounding set, although
 *   sshd listens on 2222. Images that run as root by default get `HOME=/tmp`.
 * - `upstream`: the containers as upstream writes them (only `runAsUser: 1000` on MPI), for a
 *   namespace whose pod security is not restricted.
 */
export type RuntimeSecurityProfile = 'restricted' | 'upstream';

export interface ClusterTrainingRuntimesProps {
  /**
   * Which runtimes to install, by name.
   * @default - every runtime Kubeflow 26.03.1 installs (`TRAINING_RUNTIME_NAMES`)
   */
  readonly runtimes?: readonly string[];
  /** @default 'restricted' */
  readonly securityProfile?: RuntimeSecurityProfile;
  /** @default TRAINING_NODE_DEFAULT_RESOURCES */
  readonly nodeResources?: ResourceSpec;
  /** @default TRAINING_INITIALIZER_DEFAULT_RESOURCES */
  readonly initializerResources?: ResourceSpec;
  /**
   * Istio sidecars in training pods. `namespace`: as the TrainJob's namespace says (Kubeflow's
   * runtimes carry no annotation); `disabled`: `sidecar.istio.io/inject: "false"` on every pod.
   * @default 'namespace'
   */
  readonly sidecarInjection?: 'namespace' | 'disabled';
}

/**
 * The ClusterTrainingRuntimes of Kubeflow Trainer v2.2.0 that Kubeflow 26.03.1 installs, built
 * from our table (`TRAINING_RUNTIMES`) in the platform-resources layer, since the Trainer
 * webhook admits them. Every image is resolved into the bill of materials.
 * @see https://github.com/kubeflow/trainer/tree/v2.2.0/manifests/base/runtimes
 */
export class ClusterTrainingRuntimes extends Construct {
  /** Names of the installed runtimes. */
  public readonly runtimeNames: readonly string[];
  /** Every image a TrainJob of an installed runtime may pull, resolved (mirror applied). */
  public readonly images: Readonly<Partial<Record<TrainerRuntimeImage, string>>>;
  public readonly securityProfile: RuntimeSecurityProfile;
  public readonly runtimes: readonly ApiObject[];

  public constructor(scope: Construct, id: string, props: ClusterTrainingRuntimesProps = {}) {
    super(scope, id);
    const known = TRAINING_RUNTIMES.map((r) => r.name);
    const wanted = props.runtimes ?? known;
    throwIfProblems('ClusterTrainingRuntimes', validate(wanted, known));
    const entries = TRAINING_RUNTIMES.filter((r) => wanted.includes(r.name));
    this.runtimeNames = entries.map((r) => r.name);
    this.securityProfile = props.securityProfile ?? 'restricted';

    const images: Partial<Record<TrainerRuntimeImage, string>> = {};
    for (const key of [...new Set(entries.flatMap(runtimeImages))].sort()) {
      images[key] = resolveImage(this, TRAINER_RUNTIME_IMAGES[key]);
    }
    this.images = images;

    const ctx: BuildContext = {
      images,
      restricted: this.securityProfile === 'restricted',
      node: props.nodeResources ?? TRAINING_NODE_DEFAULT_RESOURCES,
      initializer: props.initializerResources ?? TRAINING_INITIALIZER_DEFAULT_RESOURCES,
      noSidecar: props.sidecarInjection === 'disabled',
    };
    const layer = scopeInLayer(this, Layer.PLATFORM_RESOURCES);
    this.runtimes = entries.map(
      (entry) =>
        new ApiObject(layer, `Runtime-${entry.name}`, {
          apiVersion: TRAINER_API_VERSION,
          kind: 'ClusterTrainingRuntime',
          metadata: {
            name: entry.name,
            labels: {
              ...TRAINER_LABELS.labels('runtime'),
              [TRAINER_KEYS.framework]: entry.framework,
            },
          },
          spec: runtimeSpec(entry, ctx),
        }),
    );
  }
}

interface BuildContext {
  readonly images: Partial<Record<TrainerRuntimeImage, string>>;
  readonly restricted: boolean;
  readonly node: ResourceSpec;
  readonly initializer: ResourceSpec;
  readonly noSidecar: boolean;
}

function runtimeSpec(entry: TrainingRuntimeEntry, ctx: BuildContext): Json {
  const s = entry.shape;
  const jobSet =
    s.kind === 'plain'
      ? { replicatedJobs: [replicatedJob('node', 'trainer', plainPod(s.image, ctx))] }
      : s.kind === 'mpi'
        ? mpiJobSet(s, ctx)
        : torchTuneJobSet(s, ctx);
  return {
    mlPolicy: { numNodes: entry.numNodes, ...entry.mlPolicy },
    template: { spec: jobSet },
  };
}

function replicatedJob(name: string, step: string | undefined, pod: Json, extra: Json = {}): Json {
  return {
    name,
    ...extra,
    template: {
      ...(step ? { metadata: { labels: { [TRAINER_KEYS.ancestorStep]: step } } } : {}),
      spec: { template: pod },
    },
  };
}

/** A pod template with the profile's pod security and the sidecar choice. */
function pod(ctx: BuildContext, spec: Json, opts: { fsGroup?: boolean } = {}): Json {
  return {
    ...(ctx.noSidecar ? { metadata: { annotations: { 'sidecar.istio.io/inject': 'false' } } } : {}),
    spec: {
      ...(ctx.restricted
        ? {
            securityContext: {
              runAsNonRoot: true,
              seccompProfile: { type: 'RuntimeDefault' },
              ...(opts.fsGroup
                ? { fsGroup: DEFAULT_UID, fsGroupChangePolicy: 'OnRootMismatch' }
                : {}),
            },
          }
        : {}),
      ...spec,
    },
  };
}

/** The container security of `image` under the profile; `upstream` is what upstream writes. */
function security(
  ctx: BuildContext,
  image: TrainerRuntimeImage,
  opts: { upstreamUser?: number; bindService?: boolean } = {},
): Json {
  if (!ctx.restricted) {
    return opts.upstreamUser !== undefined
      ? { securityContext: { runAsUser: opts.upstreamUser } }
      : {};
  }
  const base = restrictedContainerSecurityContext({
    readOnlyRootFilesystem: false,
    runAsUser: DEFAULT_UID,
    runAsGroup: DEFAULT_UID,
  });
  return {
    securityContext: {
      ...base,
      capabilities: { drop: ['ALL'], ...(opts.bindService ? { add: ['NET_BIND_SERVICE'] } : {}) },
    },
    ...(ROOT_DEFAULT_IMAGES.includes(image) ? { env: [{ name: 'HOME', value: '/tmp' }] } : {}),
  };
}

function imageOf(ctx: BuildContext, key: TrainerRuntimeImage): string {
  const image = ctx.images[key];
  if (!image) throw new Error(`image ${key} was not resolved`);
  return image;
}

function plainPod(image: TrainerRuntimeImage, ctx: BuildContext): Json {
  return pod(ctx, {
    containers: [
      {
        name: 'node',
        image: imageOf(ctx, image),
        ...security(ctx, image),
        resources: resourceRequirementsJson(ctx.node),
      },
    ],
  });
}

function mpiJobSet(s: MpiRuntimeShape, ctx: BuildContext): Json {
  const image = imageOf(ctx, s.image);
  const launcher = pod(ctx, {
    containers: [
      {
        name: 'node',
        image,
        ...security(ctx, s.image, { upstreamUser: s.runAsUser }),
        resources: resourceRequirementsJson(ctx.node),
      },
    ],
  });
  const node = pod(ctx, {
    containers: [
      {
        name: 'node',
        image,
        command: [...s.sshdCommand],
        args: [...s.sshdArgs],
        ...security(ctx, s.image, { upstreamUser: s.runAsUser, bindService: true }),
        readinessProbe: {
          tcpSocket: { port: s.sshPort },
          initialDelaySeconds: s.readinessInitialDelaySeconds,
        },
        resources: resourceRequirementsJson(ctx.node),
      },
    ],
  });
  return {
    network: { publishNotReadyAddresses: true },
    successPolicy: { operator: 'All', targetReplicatedJobs: ['launcher'] },
    replicatedJobs: [
      replicatedJob('launcher', 'trainer', launcher),
      replicatedJob('node', undefined, node),
    ],
  };
}

function torchTuneJobSet(s: TorchTuneRuntimeShape, ctx: BuildContext): Json {
  const mount = [{ name: 'initializer', mountPath: '/workspace' }];
  const initializer = (name: string, key: TrainerRuntimeImage, uri: string): Json => {
    const sec = security(ctx, key);
    const env = [{ name: 'STORAGE_URI', value: uri }, ...((sec.env as Json[] | undefined) ?? [])];
    return replicatedJob(
      name,
      name,
      pod(
        ctx,
        {
          containers: [
            {
              name,
              image: imageOf(ctx, key),
              ...sec,
              env,
              resources: resourceRequirementsJson(ctx.initializer),
              volumeMounts: mount,
            },
          ],
        },
        { fsGroup: true },
      ),
    );
  };
  const nodeRes = resourceRequirementsJson(ctx.node);
  const trainer = pod(
    ctx,
    {
      containers: [
        {
          name: 'node',
          image: imageOf(ctx, 'torchtune'),
          command: [...s.command],
          ...security(ctx, 'torchtune'),
          resources: {
            requests: nodeRes.requests,
            limits: { ...nodeRes.limits, 'nvidia.com/gpu': s.gpus },
          },
          volumeMounts: mount,
        },
      ],
    },
    { fsGroup: true },
  );
  return {
    volumeClaimPolicies: [
      {
        templates: [
          {
            metadata: { name: 'initializer' },
            spec: {
              accessModes: ['ReadWriteOnce'],
              resources: { requests: { storage: `${s.storageGiB}Gi` } },
            },
          },
        ],
      },
    ],
    replicatedJobs: [
      initializer('dataset-initializer', 'datasetInitializer', s.datasetUri),
      initializer('model-initializer', 'modelInitializer', s.modelUri),
      replicatedJob('node', 'trainer', trainer, {
        dependsOn: [
          { name: 'dataset-initializer', status: 'Complete' },
          { name: 'model-initializer', status: 'Complete' },
        ],
      }),
    ],
  };
}

function validate(wanted: readonly string[], known: readonly string[]): string[] {
  return wanted
    .map((name, i) =>
      known.includes(name)
        ? undefined
        : propProblem(
            `runtimes[${i}]`,
            'is not a runtime of Trainer v2.2.0 as Kubeflow 26.03.1 installs it',
            `"${name}"`,
            `Use one of ${known.join(', ')}.`,
          ),
    )
    .filter((p): p is string => p !== undefined);
}
