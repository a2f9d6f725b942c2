/**
 * Upstream facts of the ClusterServingRuntimes, written down by hand from:
 * - kserve/kserve v0.18.0 `install/v0.18.0/kserve-cluster-resources.yaml` (the released render of
 *   `config/runtimes/*.yaml` with `:latest` replaced by the tag, `hack/release/generate-install.sh`);
 * - kubeflow/community-distribution f09f3eeaa25c (26.03.1)
 *   `applications/kserve/kserve/kserve-cluster-resources.yaml`, identical in its runtimes.
 * Images are as upstream writes them (no registry means docker.io).
 */

interface FormatFact {
  name: string;
  version: string;
  autoSelect?: boolean;
  priority?: number;
}

export interface RuntimeFact {
  image: string;
  serverType: string;
  metricsPort: string;
  formats: FormatFact[];
  protocols: string[];
  command?: string[];
  args?: string[];
  env?: Record<string, string>;
  /** Upstream's `runAsUser` (only where the image's user is root or a name). */
  runAsUser?: number;
  resources: { requests: Record<string, string>; limits: Record<string, string> };
}

const STD = { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '1', memory: '2Gi' } };
const PY = ['--model_name={{.Name}}', '--model_dir=/mnt/models', '--http_port=8080'];
const auto = (name: string, version: string, priority: number): FormatFact => ({
  name,
  version,
  autoSelect: true,
  priority,
});

export const RUNTIME_FACTS: Record<string, RuntimeFact> = {
  'kserve-huggingfaceserver': {
    image: 'kserve/huggingfaceserver:v0.18.0',
    serverType: 'huggingfaceserver',
    metricsPort: '8080',
    formats: [auto('huggingface', '1', 1)],
    protocols: ['v2', 'v1'],
    args: ['--model_name={{.Name}}'],
    env: { LMCACHE_USE_EXPERIMENTAL: 'True' },
    resources: STD,
  },
  'kserve-huggingfaceserver-multinode': {
    image: 'kserve/huggingfaceserver:v0.18.0-gpu',
    serverType: 'huggingfaceserver',
    metricsPort: '8080',
    formats: [auto('huggingface', '1', 2)],
    protocols: ['v2', 'v1'],
    args: ['--model_name={{.Name}}'],
    env: { RAY_PORT: '6379', VLLM_CONFIG_ROOT: '/tmp', HF_HUB_CACHE: '/tmp' },
    resources: { requests: { cpu: '2', memory: '6Gi' }, limits: { cpu: '4', memory: '12Gi' } },
  },
  'kserve-lgbserver': {
    image: 'kserve/lgbserver:v0.18.0',
    serverType: 'lgbserver',
    metricsPort: '8080',
    formats: [auto('lightgbm', '4', 1)],
    protocols: ['v1', 'v2'],
    args: [...PY, '--nthread=1'],
    resources: STD,
  },
  'kserve-mlserver': {
    image: 'docker.io/seldonio/mlserver:1.7.1',
    serverType: 'mlserver',
    metricsPort: '8080',
    formats: [
      auto('sklearn', '0', 2),
      auto('sklearn', '1', 2),
      auto('xgboost', '1', 2),
      auto('xgboost', '2', 2),
      auto('lightgbm', '3', 2),
      auto('lightgbm', '4', 2),
      auto('mlflow', '1', 1),
      auto('mlflow', '2', 1),
    ],
    protocols: ['v2'],
    env: {
      MLSERVER_MODEL_IMPLEMENTATION: '{{.Labels.modelClass}}',
      MLSERVER_HTTP_PORT: '8080',
      MLSERVER_GRPC_PORT: '9000',
    },
    resources: STD,
  },
  'kserve-paddleserver': {
    image: 'kserve/paddleserver:v0.18.0',
    serverType: 'paddleserver',
    metricsPort: '8080',
    formats: [auto('paddle', '2', 1)],
    protocols: ['v1', 'v2'],
    args: PY,
    resources: STD,
  },
  'kserve-pmmlserver': {
    image: 'kserve/pmmlserver:v0.18.0',
    serverType: 'pmmlserver',
    metricsPort: '8080',
    formats: [auto('pmml', '3', 1), auto('pmml', '4', 1)],
    protocols: ['v1', 'v2'],
    args: PY,
    resources: STD,
  },
  'kserve-predictiveserver': {
    image: 'kserve/predictiveserver:v0.18.0',
    serverType: 'predictiveserver',
    metricsPort: '8080',
    formats: [
      { name: 'sklearn', version: '1', autoSelect: false, priority: 3 },
      { name: 'xgboost', version: '2', autoSelect: false, priority: 3 },
      { name: 'lightgbm', version: '4', autoSelect: false, priority: 3 },
    ],
    protocols: ['v1', 'v2'],
    args: [...PY, '--framework={{.Annotations.modelFormat}}', '--nthread=1'],
    resources: STD,
  },
  'kserve-sklearnserver': {
    image: 'kserve/sklearnserver:v0.18.0',
    serverType: 'sklearnserver',
    metricsPort: '8080',
    formats: [auto('sklearn', '1', 1)],
    protocols: ['v1', 'v2'],
    args: PY,
    resources: STD,
  },
  'kserve-tensorflow-serving': {
    image: 'tensorflow/serving:2.6.2',
    serverType: 'tensorflow-serving',
    metricsPort: '8080',
    formats: [auto('tensorflow', '1', 2), auto('tensorflow', '2', 2)],
    protocols: ['v1', 'grpc-v1'],
    command: ['/usr/bin/tensorflow_model_server'],
    args: [
      '--model_name={{.Name}}',
      '--port=9000',
      '--rest_api_port=8080',
      '--model_base_path=/mnt/models',
      '--rest_api_timeout_in_ms=60000',
    ],
    runAsUser: 1000,
    resources: STD,
  },
  'kserve-torchserve': {
    image: 'pytorch/torchserve-kfs:0.9.0',
    serverType: 'torchserve',
    metricsPort: '8082',
    formats: [auto('pytorch', '1', 2)],
    protocols: ['v1', 'v2', 'grpc-v2'],
    args: [
      'torchserve',
      '--start',
      '--model-store=/mnt/models/model-store',
      '--ts-config=/mnt/models/config/config.properties',
    ],
    env: { TS_SERVICE_ENVELOPE: '{{.Labels.serviceEnvelope}}' },
    runAsUser: 1000,
    resources: STD,
  },
  'kserve-tritonserver': {
    image: 'nvcr.io/nvidia/tritonserver:23.05-py3',
    serverType: 'tritonserver',
    metricsPort: '8002',
    formats: [
      auto('tensorrt', '8', 1),
      auto('tensorflow', '1', 1),
      auto('tensorflow', '2', 1),
      auto('onnx', '1', 1),
      { name: 'pytorch', version: '1' },
      auto('triton', '2', 1),
    ],
    protocols: ['v2', 'grpc-v2'],
    args: [
      'tritonserver',
      '--model-store=/mnt/models',
      '--grpc-port=9000',
      '--http-port=8080',
      '--allow-grpc=true',
      '--allow-http=true',
    ],
    runAsUser: 1000,
    resources: STD,
  },
  'kserve-xgbserver': {
    image: 'kserve/xgbserver:v0.18.0',
    serverType: 'xgbserver',
    metricsPort: '8080',
    formats: [auto('xgboost', '2', 1)],
    protocols: ['v1', 'v2'],
    args: [...PY, '--nthread=1'],
    resources: STD,
  },
};

/** `image` as a container runtime resolves it: no registry host means docker.io. */
export function fullImage(image: string): string {
  const first = image.split('/')[0];
  return first.includes('.') || first.includes(':') ? image : `docker.io/${image}`;
}
