import { ImageRef } from '../core/images';
import { ResourceSpec } from '../core/resources';

/**
 * The KServe release whose ClusterServingRuntimes this table describes (Kubeflow 26.03.1).
 * Helper note: the component's `versions.ts` owns the KServe version; this is the same pin.
 */
export const KSERVE_SERVING_RUNTIMES_VERSION = 'v0.18.0';

/**
 * An inference protocol a runtime speaks (`protocolVersions`), as KServe names them in
 * `pkg/constants/constants.go` (`InferenceServiceProtocol`) at v0.18.0.
 */
export type KServeProtocolVersion = 'v1' | 'v2' | 'grpc-v1' | 'grpc-v2';

/** Every protocol name KServe v0.18.0 knows. */
export const KSERVE_PROTOCOL_VERSIONS: readonly KServeProtocolVersion[] = [
  'v1',
  'v2',
  'grpc-v1',
  'grpc-v2',
];

/**
 * One entry of a runtime's `supportedModelFormats` (`SupportedModelFormat` in
 * `pkg/apis/serving/v1alpha1/servingruntime_types.go`).
 */
export interface ServingRuntimeModelFormat {
  /** The format, matched exactly (case-sensitive) against an InferenceService's `modelFormat.name`. */
  readonly name: string;
  /** The format's version, matched exactly against `modelFormat.version` when the model sets one. */
  readonly version?: string;
  /**
   * The runtime may be chosen for a model of this format that names no runtime. A format without
   * it is served only when the InferenceService names the runtime (`predictor.model.runtime`).
   */
  readonly autoSelect?: boolean;
  /** Among auto-selectable runtimes of one format, the highest priority wins. */
  readonly priority?: number;
}

/** An environment variable of a runtime container (only the forms upstream uses). */
export type ServingRuntimeEnvVar =
  | { readonly name: string; readonly value: string }
  | { readonly name: string; readonly fieldPath: string };

/** An exec probe of a runtime container. */
export interface ServingRuntimeExecProbe {
  readonly command: readonly string[];
  readonly initialDelaySeconds?: number;
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
  readonly successThreshold: number;
  readonly failureThreshold: number;
}

/** An in-memory emptyDir the runtime mounts (shared memory for PyTorch/vLLM workers). */
export interface ServingRuntimeMemoryVolume {
  readonly name: string;
  readonly mountPath: string;
  /** @default - no size limit (the pod's memory limit applies) */
  readonly sizeLimit?: string;
}

/** One container of a runtime, as upstream defines it. */
export interface ServingRuntimeContainerFacts {
  readonly name: string;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly env?: readonly ServingRuntimeEnvVar[];
  readonly resources: ResourceSpec;
  readonly livenessProbe?: ServingRuntimeExecProbe;
  readonly readinessProbe?: ServingRuntimeExecProbe;
  readonly startupProbe?: ServingRuntimeExecProbe;
  readonly volumes?: readonly ServingRuntimeMemoryVolume[];
}

/**
 * How a runtime's container may be restricted. Upstream sets `runAsNonRoot`, `drop: [ALL]` and no
 * privilege escalation on every runtime but the multi-node one; where an image's default user is
 * root or a name, upstream pins `runAsUser` and we keep it.
 */
export interface ServingRuntimeSecurityFacts {
  /** The user to run as, where the image's own `USER` is root or not numeric. */
  readonly runAsUser?: number;
  /** Why `runAsNonRoot` holds for this image (its Dockerfile's `USER`, or upstream's `runAsUser`). */
  readonly nonRootBecause: string;
}

/** Everything one ClusterServingRuntime of the release states. */
export interface ServingRuntimeFacts {
  /** The object's name (`metadata.name`), which an InferenceService names in `runtime`. */
  readonly name: KServeRuntimeName;
  /** The `serving.kserve.io/server-type` annotation on the object. */
  readonly serverType: string;
  /** The image of `kserve-container` (and of the multi-node worker). */
  readonly image: KServeRuntimeImage;
  readonly supportedModelFormats: readonly ServingRuntimeModelFormat[];
  readonly protocolVersions: readonly KServeProtocolVersion[];
  /** Upstream states `multiModel: false` only on the predictive server. @default - unset */
  readonly multiModel?: boolean;
  /** Upstream states `hostIPC: false` only on the Hugging Face server. @default - unset */
  readonly hostIPC?: boolean;
  /**
   * Ports the server listens on, as its args or env set them; `undefined` where upstream leaves
   * the server's own default (the KServe Python server's is 8080 for HTTP). `metrics` is the
   * `prometheus.kserve.io/port` annotation. Upstream declares no `ports` on the containers: the
   * controller exposes 8080 by default.
   */
  readonly ports: { readonly http?: number; readonly grpc?: number; readonly metrics: number };
  /** The `prometheus.kserve.io/path` annotation. */
  readonly metricsPath: string;
  readonly container: ServingRuntimeContainerFacts;
  /** The Ray worker of the multi-node runtime (`workerSpec`). */
  readonly worker?: {
    readonly container: ServingRuntimeContainerFacts;
    readonly pipelineParallelSize: number;
    readonly tensorParallelSize: number;
  };
  readonly security: ServingRuntimeSecurityFacts;
}

/**
 * The images of the runtimes. Upstream's `config/runtimes/kustomization.yaml` (`images:`) names
 * them with `latest` for KServe's own servers; `hack/release/generate-install.sh` rewrites
 * `:latest` to the release tag, so the released `install/v0.18.0/kserve-cluster-resources.yaml`
 * (identical to Kubeflow 26.03.1's `applications/kserve/kserve/kserve-cluster-resources.yaml`)
 * runs `kserve/<server>:v0.18.0` and `kserve/huggingfaceserver:v0.18.0-gpu`. Third-party servers
 * keep the tags the kustomization sets. Upstream pins no digests.
 * @see https://github.com/kserve/kserve/blob/v0.18.0/config/runtimes/kustomization.yaml
 */
export const KSERVE_SERVING_RUNTIME_IMAGES = {
  huggingfaceserver: kserveImage('huggingfaceserver', KSERVE_SERVING_RUNTIMES_VERSION),
  /** `python/huggingface_server.Dockerfile` (CUDA), published with a `-gpu` suffix. */
  huggingfaceserverGpu: kserveImage('huggingfaceserver', `${KSERVE_SERVING_RUNTIMES_VERSION}-gpu`),
  lgbserver: kserveImage('lgbserver', KSERVE_SERVING_RUNTIMES_VERSION),
  mlserver: { registry: 'docker.io', repository: 'seldonio/mlserver', tag: '1.7.1' },
  paddleserver: kserveImage('paddleserver', KSERVE_SERVING_RUNTIMES_VERSION),
  pmmlserver: kserveImage('pmmlserver', KSERVE_SERVING_RUNTIMES_VERSION),
  predictiveserver: kserveImage('predictiveserver', KSERVE_SERVING_RUNTIMES_VERSION),
  sklearnserver: kserveImage('sklearnserver', KSERVE_SERVING_RUNTIMES_VERSION),
  tensorflowServing: { registry: 'docker.io', repository: 'tensorflow/serving', tag: '2.6.2' },
  torchserve: { registry: 'docker.io', repository: 'pytorch/torchserve-kfs', tag: '0.9.0' },
  tritonserver: { registry: 'nvcr.io', repository: 'nvidia/tritonserver', tag: '23.05-py3' },
  xgbserver: kserveImage('xgbserver', KSERVE_SERVING_RUNTIMES_VERSION),
} as const satisfies Record<string, ImageRef>;

export type KServeRuntimeImage = keyof typeof KSERVE_SERVING_RUNTIME_IMAGES;

function kserveImage(server: string, tag: string): ImageRef {
  return { registry: 'docker.io', repository: `kserve/${server}`, tag };
}

/**
 * The runtimes KServe v0.18.0 installs (`config/runtimes/kustomization.yaml` `resources:`; the
 * OpenVINO runtime file exists but is not listed) and Kubeflow 26.03.1 applies unchanged.
 */
export const KSERVE_RUNTIME_NAMES = [
  'kserve-huggingfaceserver',
  'kserve-huggingfaceserver-multinode',
  'kserve-lgbserver',
  'kserve-mlserver',
  'kserve-paddleserver',
  'kserve-pmmlserver',
  'kserve-predictiveserver',
  'kserve-sklearnserver',
  'kserve-tensorflow-serving',
  'kserve-torchserve',
  'kserve-tritonserver',
  'kserve-xgbserver',
] as const;

export type KServeRuntimeName = (typeof KSERVE_RUNTIME_NAMES)[number];

/** Upstream's requests and limits of a single-node runtime: one CPU and 2Gi, requests = limits. */
const ONE_CPU_2GI: ResourceSpec = {
  cpu: { request: '1', limit: '1' },
  memory: { request: '2Gi', limit: '2Gi' },
};

/** Upstream's requests and limits of the multi-node head and worker. */
const MULTINODE_RESOURCES: ResourceSpec = {
  cpu: { request: '2', limit: '4' },
  memory: { request: '6Gi', limit: '12Gi' },
};

/** The arguments of KServe's own Python servers: model name, model directory, HTTP port. */
const KSERVE_PYTHON_ARGS = [
  '--model_name={{.Name}}',
  '--model_dir=/mnt/models',
  '--http_port=8080',
];

const USER_1000 = 'the image runs as USER 1000 (kserve, created with -u 1000 in its Dockerfile)';

/** The shell script the multi-node head runs: a Ray head, then the server once workers joined. */
const MULTINODE_HEAD_SCRIPT = [
  // MODEL_DIR (set by the controller from storageUri) wins over MODEL_ID.
  'MODEL_DIR_ARG=""',
  '[[ -n ${MODEL_ID} ]] && MODEL_DIR_ARG="--model_dir=${MODEL_ID}"',
  '[[ -n ${MODEL_DIR} ]] && MODEL_DIR_ARG="--model_dir=${MODEL_DIR}"',
  'export MODEL_DIR_ARG',
  'export RAY_ADDRESS=${POD_IP}:${RAY_PORT}',
  'ray start --head --disable-usage-stats --include-dashboard false',
  'python ./huggingfaceserver/health_check.py registered_nodes --retries 200 --probe_name runtime_start',
  // `$0 $@` are the container args: `bash -c` binds the first to $0.
  'python -m huggingfaceserver ${MODEL_DIR_ARG} --tensor-parallel-size=${TENSOR_PARALLEL_SIZE} --pipeline-parallel-size=${PIPELINE_PARALLEL_SIZE} $0 $@',
  '',
].join('\n');

/**
 * The shell script a multi-node worker runs: wait for the head's Ray GCS (quietly for the first
 * four minutes), then join the cluster and block.
 */
const MULTINODE_WORKER_SCRIPT = [
  'export RAY_HEAD_ADDRESS=${HEAD_SVC}.${POD_NAMESPACE}.svc.cluster.local:6379',
  'SECONDS=0',
  'while true; do',
  '  if (( SECONDS <= 240 )); then out=/dev/null; else out=/dev/stderr; fi',
  '  if ray health-check --address "${RAY_HEAD_ADDRESS}" > "${out}" 2>&1; then',
  '    echo "Ray Global Control Service (GCS) is ready."',
  '    break',
  '  fi',
  '  echo "${SECONDS} seconds elapsed: waiting for the Ray Global Control Service (GCS) at ${RAY_HEAD_ADDRESS}."',
  '  sleep 5',
  'done',
  'ray start --address="${RAY_HEAD_ADDRESS}" --block',
  '',
].join('\n');

const healthCheck = (line: string): readonly string[] => ['bash', '-c', `${line}\n`];

/** Probe timings of the multi-node runtime's liveness and readiness probes. */
const FAST_PROBE = {
  periodSeconds: 5,
  timeoutSeconds: 15,
  successThreshold: 1,
  failureThreshold: 2,
};
/** Probe timings of its startup probes: up to 60 s + 40 x 30 s for a large model to load. */
const STARTUP_PROBE = {
  initialDelaySeconds: 60,
  periodSeconds: 30,
  timeoutSeconds: 30,
  successThreshold: 1,
  failureThreshold: 40,
};

const SHM_3GI: ServingRuntimeMemoryVolume = {
  name: 'shm',
  mountPath: '/dev/shm',
  sizeLimit: '3Gi',
};

/**
 * The ClusterServingRuntimes of KServe v0.18.0, one entry per file of `config/runtimes/` that the
 * kustomization installs (`config/runtimes/kserve-<name>.yaml`), with the images the release
 * resolves. Facts only: the construct adds the restricted security context.
 * @see https://github.com/kserve/kserve/tree/v0.18.0/config/runtimes
 */
export const KSERVE_SERVING_RUNTIMES: Readonly<Record<KServeRuntimeName, ServingRuntimeFacts>> = {
  /** `kserve-huggingfaceserver.yaml`: vLLM or Transformers backends, OpenAI-compatible routes. */
  'kserve-huggingfaceserver': {
    name: 'kserve-huggingfaceserver',
    serverType: 'huggingfaceserver',
    image: 'huggingfaceserver',
    supportedModelFormats: [{ name: 'huggingface', version: '1', autoSelect: true, priority: 1 }],
    protocolVersions: ['v2', 'v1'],
    hostIPC: false,
    ports: { metrics: 8080 },
    metricsPath: '/metrics',
    container: {
      name: 'kserve-container',
      args: ['--model_name={{.Name}}'],
      env: [{ name: 'LMCACHE_USE_EXPERIMENTAL', value: 'True' }],
      resources: ONE_CPU_2GI,
      volumes: [{ name: 'devshm', mountPath: '/dev/shm' }],
    },
    security: { nonRootBecause: `${USER_1000}: python/huggingface_server_cpu.Dockerfile` },
  },
  /**
   * `kserve-huggingfaceserver-multinode.yaml`: a Ray head running the server and Ray workers
   * (`workerSpec`); chosen only for an InferenceService with a `workerSpec`. Upstream sets no
   * security context here; the image (`python/huggingface_server.Dockerfile`) runs as USER 1000
   * and Ray, vLLM and the Hugging Face cache write under /tmp, so we restrict it like the others.
   */
  'kserve-huggingfaceserver-multinode': {
    name: 'kserve-huggingfaceserver-multinode',
    serverType: 'huggingfaceserver',
    image: 'huggingfaceserverGpu',
    supportedModelFormats: [{ name: 'huggingface', version: '1', autoSelect: true, priority: 2 }],
    protocolVersions: ['v2', 'v1'],
    ports: { metrics: 8080 },
    metricsPath: '/metrics',
    container: {
      name: 'kserve-container',
      command: ['bash', '-c', MULTINODE_HEAD_SCRIPT],
      args: ['--model_name={{.Name}}'],
      env: [
        { name: 'RAY_PORT', value: '6379' },
        { name: 'POD_NAMESPACE', fieldPath: 'metadata.namespace' },
        { name: 'POD_IP', fieldPath: 'status.podIP' },
        { name: 'VLLM_CONFIG_ROOT', value: '/tmp' },
        { name: 'HF_HUB_CACHE', value: '/tmp' },
      ],
      resources: MULTINODE_RESOURCES,
      livenessProbe: {
        command: healthCheck(
          'python ./huggingfaceserver/health_check.py registered_node_and_runtime_health --health_check_url http://localhost:8080 --probe_name head_liveness',
        ),
        ...FAST_PROBE,
      },
      readinessProbe: {
        command: healthCheck(
          'python ./huggingfaceserver/health_check.py runtime_health --health_check_url http://localhost:8080 --probe_name head_readiness',
        ),
        ...FAST_PROBE,
      },
      startupProbe: {
        command: healthCheck(
          'python ./huggingfaceserver/health_check.py registered_node_and_runtime_health --health_check_url http://localhost:8080 --probe_name head_startup',
        ),
        ...STARTUP_PROBE,
      },
      volumes: [SHM_3GI],
    },
    worker: {
      pipelineParallelSize: 1,
      tensorParallelSize: 1,
      container: {
        name: 'worker-container',
        command: ['bash', '-c', MULTINODE_WORKER_SCRIPT],
        env: [
          { name: 'POD_NAME', fieldPath: 'metadata.name' },
          { name: 'POD_NAMESPACE', fieldPath: 'metadata.namespace' },
        ],
        resources: MULTINODE_RESOURCES,
        livenessProbe: {
          command: healthCheck(
            [
              'export RAY_ADDRESS=${HEAD_SVC}.${POD_NAMESPACE}.svc.cluster.local:6379',
              'python ./huggingfaceserver/health_check.py registered_nodes --probe_name worker_liveness',
            ].join('\n'),
          ),
          ...FAST_PROBE,
        },
        startupProbe: {
          command: healthCheck(
            [
              'export RAY_HEAD_NODE=${HEAD_SVC}.${POD_NAMESPACE}.svc.cluster.local',
              'export RAY_ADDRESS=${RAY_HEAD_NODE}:6379',
              'python ./huggingfaceserver/health_check.py registered_node_and_runtime_models --runtime_url http://${RAY_HEAD_NODE}:8080/v1/models --probe_name worker_startup',
            ].join('\n'),
          ),
          ...STARTUP_PROBE,
        },
        volumes: [SHM_3GI],
      },
    },
    security: { nonRootBecause: `${USER_1000}: python/huggingface_server.Dockerfile` },
  },
  /** `kserve-lgbserver.yaml`. */
  'kserve-lgbserver': {
    name: 'kserve-lgbserver',
    serverType: 'lgbserver',
    image: 'lgbserver',
    supportedModelFormats: [{ name: 'lightgbm', version: '4', autoSelect: true, priority: 1 }],
    protocolVersions: ['v1', 'v2'],
    ports: { http: 8080, metrics: 8080 },
    metricsPath: '/metrics',
    container: {
      name: 'kserve-container',
      args: [...KSERVE_PYTHON_ARGS, '--nthread=1'],
      resources: ONE_CPU_2GI,
    },
    security: { nonRootBecause: `${USER_1000}: python/lgb.Dockerfile` },
  },
  /**
   * `kserve-mlserver.yaml`: Seldon MLServer; the model's implementation class comes from the
   * InferenceService label `modelClass`.
   */
  'kserve-mlserver': {
    name: 'kserve-mlserver',
    serverType: 'mlserver',
    image: 'mlserver',
    supportedModelFormats: [
      { name: 'sklearn', version: '0', autoSelect: true, priority: 2 },
      { name: 'sklearn', version: '1', autoSelect: true, priority: 2 },
      { name: 'xgboost', version: '1', autoSelect: true, priority: 2 },
      { name: 'xgboost', version: '2', autoSelect: true, priority: 2 },
      { name: 'lightgbm', version: '3', autoSelect: true, priority: 2 },
      { name: 'lightgbm', version: '4', autoSelect: true, priority: 2 },
      { name: 'mlflow', version: '1', autoSelect: true, priority: 1 },
      { name: 'mlflow', version: '2', autoSelect: true, priority: 1 },
    ],
    protocolVersions: ['v2'],
    ports: { http: 8080, grpc: 9000, metrics: 8080 },
    metricsPath: '/metrics',
    container: {
      name: 'kserve-container',
      env: [
        { name: 'MLSERVER_MODEL_IMPLEMENTATION', value: '{{.Labels.modelClass}}' },
        { name: 'MLSERVER_HTTP_PORT', value: '8080' },
        { name: 'MLSERVER_GRPC_PORT', value: '9000' },
      ],
      resources: ONE_CPU_2GI,
    },
    security: {
      nonRootBecause:
        'the image runs as USER 1000 (mlserver, created with -u 1000 in SeldonIO/MLServer Dockerfile)',
    },
  },
  /** `kserve-paddleserver.yaml`. */
  'kserve-paddleserver': {
    name: 'kserve-paddleserver',
    serverType: 'paddleserver',
    image: 'paddleserver',
    supportedModelFormats: [{ name: 'paddle', version: '2', autoSelect: true, priority: 1 }],
    protocolVersions: ['v1', 'v2'],
    ports: { http: 8080, metrics: 8080 },
    metricsPath: '/metrics',
    container: { name: 'kserve-container', args: KSERVE_PYTHON_ARGS, resources: ONE_CPU_2GI },
    security: { nonRootBecause: `${USER_1000}: python/paddle.Dockerfile` },
  },
  /** `kserve-pmmlserver.yaml`. */
  'kserve-pmmlserver': {
    name: 'kserve-pmmlserver',
    serverType: 'pmmlserver',
    image: 'pmmlserver',
    supportedModelFormats: [
      { name: 'pmml', version: '3', autoSelect: true, priority: 1 },
      { name: 'pmml', version: '4', autoSelect: true, priority: 1 },
    ],
    protocolVersions: ['v1', 'v2'],
    ports: { http: 8080, metrics: 8080 },
    metricsPath: '/metrics',
    container: { name: 'kserve-container', args: KSERVE_PYTHON_ARGS, resources: ONE_CPU_2GI },
    security: { nonRootBecause: 'the image runs as USER 1001 (python/pmml.Dockerfile)' },
  },
  /**
   * `kserve-predictiveserver.yaml`: one server for scikit-learn, XGBoost and LightGBM, chosen
   * only when an InferenceService names it (no format is auto-selected); the framework comes
   * from the InferenceService annotation `modelFormat`.
   */
  'kserve-predictiveserver': {
    name: 'kserve-predictiveserver',
    serverType: 'predictiveserver',
    image: 'predictiveserver',
    supportedModelFormats: [
      { name: 'sklearn', version: '1', autoSelect: false, priority: 3 },
      { name: 'xgboost', version: '2', autoSelect: false, priority: 3 },
      { name: 'lightgbm', version: '4', autoSelect: false, priority: 3 },
    ],
    protocolVersions: ['v1', 'v2'],
    multiModel: false,
    ports: { http: 8080, metrics: 8080 },
    metricsPath: '/metrics',
    container: {
      name: 'kserve-container',
      args: [...KSERVE_PYTHON_ARGS, '--framework={{.Annotations.modelFormat}}', '--nthread=1'],
      resources: ONE_CPU_2GI,
    },
    security: {
      nonRootBecause: 'the image runs as USER 1001 (python/predictiveserver.Dockerfile, UBI base)',
    },
  },
  /** `kserve-sklearnserver.yaml`. */
  'kserve-sklearnserver': {
    name: 'kserve-sklearnserver',
    serverType: 'sklearnserver',
    image: 'sklearnserver',
    supportedModelFormats: [{ name: 'sklearn', version: '1', autoSelect: true, priority: 1 }],
    protocolVersions: ['v1', 'v2'],
    ports: { http: 8080, metrics: 8080 },
    metricsPath: '/metrics',
    container: { name: 'kserve-container', args: KSERVE_PYTHON_ARGS, resources: ONE_CPU_2GI },
    security: { nonRootBecause: `${USER_1000}: python/sklearn.Dockerfile` },
  },
  /** `kserve-tensorflow-serving.yaml`: TensorFlow Serving, REST on 8080 and gRPC on 9000. */
  'kserve-tensorflow-serving': {
    name: 'kserve-tensorflow-serving',
    serverType: 'tensorflow-serving',
    image: 'tensorflowServing',
    supportedModelFormats: [
      { name: 'tensorflow', version: '1', autoSelect: true, priority: 2 },
      { name: 'tensorflow', version: '2', autoSelect: true, priority: 2 },
    ],
    protocolVersions: ['v1', 'grpc-v1'],
    ports: { http: 8080, grpc: 9000, metrics: 8080 },
    metricsPath: '/metrics',
    container: {
      name: 'kserve-container',
      command: ['/usr/bin/tensorflow_model_server'],
      args: [
        '--model_name={{.Name}}',
        '--port=9000',
        '--rest_api_port=8080',
        '--model_base_path=/mnt/models',
        '--rest_api_timeout_in_ms=60000',
      ],
      resources: ONE_CPU_2GI,
    },
    security: {
      runAsUser: 1000,
      nonRootBecause: 'the image defaults to root; upstream runs it as user 1000',
    },
  },
  /**
   * `kserve-torchserve.yaml`: TorchServe with the KServe wrapper; its ports come from the
   * model's `config/config.properties` (metrics on 8082 by upstream's annotation).
   */
  'kserve-torchserve': {
    name: 'kserve-torchserve',
    serverType: 'torchserve',
    image: 'torchserve',
    supportedModelFormats: [{ name: 'pytorch', version: '1', autoSelect: true, priority: 2 }],
    protocolVersions: ['v1', 'v2', 'grpc-v2'],
    ports: { metrics: 8082 },
    metricsPath: '/metrics',
    container: {
      name: 'kserve-container',
      args: [
        'torchserve',
        '--start',
        '--model-store=/mnt/models/model-store',
        '--ts-config=/mnt/models/config/config.properties',
      ],
      env: [{ name: 'TS_SERVICE_ENVELOPE', value: '{{.Labels.serviceEnvelope}}' }],
      resources: ONE_CPU_2GI,
    },
    security: {
      runAsUser: 1000,
      nonRootBecause:
        'the image runs as the named user model-server (uid 1000); upstream pins runAsUser 1000',
    },
  },
  /**
   * `kserve-tritonserver.yaml`: NVIDIA Triton, HTTP on 8080, gRPC on 9000, metrics on 8002. It
   * serves PyTorch (TorchScript) only when named: that format has no autoSelect upstream.
   */
  'kserve-tritonserver': {
    name: 'kserve-tritonserver',
    serverType: 'tritonserver',
    image: 'tritonserver',
    supportedModelFormats: [
      { name: 'tensorrt', version: '8', autoSelect: true, priority: 1 },
      { name: 'tensorflow', version: '1', autoSelect: true, priority: 1 },
      { name: 'tensorflow', version: '2', autoSelect: true, priority: 1 },
      { name: 'onnx', version: '1', autoSelect: true, priority: 1 },
      { name: 'pytorch', version: '1' },
      { name: 'triton', version: '2', autoSelect: true, priority: 1 },
    ],
    protocolVersions: ['v2', 'grpc-v2'],
    ports: { http: 8080, grpc: 9000, metrics: 8002 },
    metricsPath: '/metrics',
    container: {
      name: 'kserve-container',
      args: [
        'tritonserver',
        '--model-store=/mnt/models',
        '--grpc-port=9000',
        '--http-port=8080',
        '--allow-grpc=true',
        '--allow-http=true',
      ],
      resources: ONE_CPU_2GI,
    },
    security: {
      runAsUser: 1000,
      nonRootBecause:
        'the image defaults to root and ships the user triton-server (uid 1000); upstream runs it as 1000',
    },
  },
  /** `kserve-xgbserver.yaml`. */
  'kserve-xgbserver': {
    name: 'kserve-xgbserver',
    serverType: 'xgbserver',
    image: 'xgbserver',
    supportedModelFormats: [{ name: 'xgboost', version: '2', autoSelect: true, priority: 1 }],
    protocolVersions: ['v1', 'v2'],
    ports: { http: 8080, metrics: 8080 },
    metricsPath: '/metrics',
    container: {
      name: 'kserve-container',
      args: [...KSERVE_PYTHON_ARGS, '--nthread=1'],
      resources: ONE_CPU_2GI,
    },
    security: { nonRootBecause: `${USER_1000}: python/xgb.Dockerfile` },
  },
};
