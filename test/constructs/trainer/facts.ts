/**
 * Upstream facts of Kubeflow Trainer v2.2.0 (kubeflow/trainer at the tag) as Kubeflow 26.03.1
 * installs it (kubeflow/community-distribution f09f3eea, applications/trainer: the same
 * manifests, built through `overlays/kubeflow-platform`), written out by hand so that a change in
 * the constructs that departs from them fails a test.
 */

/** `manifests/overlays/manager/kustomization.yaml` image tag, `manifests/base/manager/manager.yaml`. */
export const MANAGER_IMAGE = 'ghcr.io/kubeflow/trainer/trainer-controller-manager:v2.2.0';

/** `manifests/base/crds/*.yaml`: identity of each CRD. */
export const CRD_FACTS = [
  {
    name: 'trainjobs.trainer.kubeflow.org',
    kind: 'TrainJob',
    listKind: 'TrainJobList',
    singular: 'trainjob',
    scope: 'Namespaced',
    subresources: { status: {} },
    columns: [
      { name: 'State', type: 'string', jsonPath: '.status.conditions[-1:].type' },
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    ],
  },
  {
    name: 'trainingruntimes.trainer.kubeflow.org',
    kind: 'TrainingRuntime',
    listKind: 'TrainingRuntimeList',
    singular: 'trainingruntime',
    scope: 'Namespaced',
    subresources: undefined,
    columns: undefined,
  },
  {
    name: 'clustertrainingruntimes.trainer.kubeflow.org',
    kind: 'ClusterTrainingRuntime',
    listKind: 'ClusterTrainingRuntimeList',
    singular: 'clustertrainingruntime',
    scope: 'Cluster',
    subresources: undefined,
    columns: undefined,
  },
] as const;

/** `manifests/base/manager/manager.yaml` and `manager_config_patch.yaml`. */
export const MANAGER_FACTS = {
  args: ['--config=/controller_manager_config.yaml', '--zap-log-level=2'],
  ports: [
    ['health', 8081],
    ['metrics', 8443],
    ['webhook', 9443],
    ['status-server', 10443],
  ],
  liveness: {
    path: '/healthz',
    port: 'health',
    initialDelaySeconds: 15,
    periodSeconds: 20,
    timeoutSeconds: 3,
  },
  readiness: {
    path: '/readyz',
    port: 'health',
    initialDelaySeconds: 10,
    periodSeconds: 15,
    timeoutSeconds: 3,
  },
  certMount: '/tmp/k8s-webhook-server/serving-certs',
  certSecret: 'kubeflow-trainer-webhook-cert',
  configMap: 'kubeflow-trainer-config',
  /** Service `kubeflow-trainer-controller-manager`: name, port, target. */
  servicePorts: [
    ['monitoring-port', 8443, 'metrics'],
    ['webhook-server', 443, 'webhook'],
    ['status-server', 10443, 'status-server'],
  ],
  /** Kubeflow's `patches/trainer-manager-istio-and-selectors.yaml`. */
  excludeInboundPorts: '9443',
} as const;

/** `manifests/base/manager/controller_manager_config.yaml`. */
export const CONFIG_FACTS = {
  health: {
    healthProbeBindAddress: ':8081',
    readinessEndpointName: 'readyz',
    livenessEndpointName: 'healthz',
  },
  metrics: { bindAddress: ':8443', secureServing: true },
  webhook: { port: 9443, host: '' },
  leaderElection: {
    leaderElect: true,
    resourceName: 'trainer.kubeflow.org',
    resourceNamespace: '',
    leaseDuration: '15s',
    renewDeadline: '10s',
    retryPeriod: '2s',
  },
  groupKindConcurrency: {
    'TrainJob.trainer.kubeflow.org': 5,
    'TrainingRuntime.trainer.kubeflow.org': 1,
    'ClusterTrainingRuntime.trainer.kubeflow.org': 1,
  },
  webhookServiceName: 'kubeflow-trainer-controller-manager',
  webhookSecretName: 'kubeflow-trainer-webhook-cert',
  clientConnection: { qps: 50, burst: 100 },
  statusServer: { port: 10443, qps: 5, burst: 10 },
} as const;

/**
 * `manifests/base/webhook/manifests.yaml` with `patch_mutating.yaml`/`patch_validating.yaml`:
 * configuration, webhook name, path, resource. All `Fail`, `sideEffects: None`, reviews `v1`,
 * CREATE and UPDATE on `trainer.kubeflow.org/v1alpha1`.
 */
export const WEBHOOK_FACTS = [
  [
    'MutatingWebhookConfiguration',
    'defaulter.trainer.kubeflow.org',
    'defaulter.trainjob.trainer.kubeflow.org',
    '/mutate-trainer-kubeflow-org-v1alpha1-trainjob',
    'trainjobs',
  ],
  [
    'ValidatingWebhookConfiguration',
    'validator.trainer.kubeflow.org',
    'validator.clustertrainingruntime.trainer.kubeflow.org',
    '/validate-trainer-kubeflow-org-v1alpha1-clustertrainingruntime',
    'clustertrainingruntimes',
  ],
  [
    'ValidatingWebhookConfiguration',
    'validator.trainer.kubeflow.org',
    'validator.trainingruntime.trainer.kubeflow.org',
    '/validate-trainer-kubeflow-org-v1alpha1-trainingruntime',
    'trainingruntimes',
  ],
  [
    'ValidatingWebhookConfiguration',
    'validator.trainer.kubeflow.org',
    'validator.trainjob.trainer.kubeflow.org',
    '/validate-trainer-kubeflow-org-v1alpha1-trainjob',
    'trainjobs',
  ],
] as const;

/** `manifests/base/rbac/role.yaml` (resources -> verbs), less the webhook-configuration rule. */
export const MANAGER_RULE_FACTS: readonly [string[], string[], string[]][] = [
  [[''], ['configmaps', 'secrets'], ['create', 'get', 'list', 'patch', 'update', 'watch']],
  [[''], ['limitranges'], ['get', 'list', 'watch']],
  [['', 'events.k8s.io'], ['events'], ['create', 'patch', 'update', 'watch']],
  [['coordination.k8s.io'], ['leases'], ['create', 'get', 'list', 'update']],
  [
    ['jobset.x-k8s.io'],
    ['jobsets'],
    ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  ],
  [['node.k8s.io'], ['runtimeclasses'], ['get', 'list', 'watch']],
  [
    ['scheduling.volcano.sh', 'scheduling.x-k8s.io'],
    ['podgroups'],
    ['create', 'get', 'list', 'patch', 'update', 'watch'],
  ],
  [
    ['trainer.kubeflow.org'],
    ['clustertrainingruntimes', 'trainingruntimes', 'trainjobs'],
    ['get', 'list', 'patch', 'update', 'watch'],
  ],
  [
    ['trainer.kubeflow.org'],
    [
      'clustertrainingruntimes/finalizers',
      'trainingruntimes/finalizers',
      'trainjobs/finalizers',
      'trainjobs/status',
    ],
    ['get', 'patch', 'update'],
  ],
];

/**
 * `manifests/base/runtimes/**` with `manifests/overlays/runtimes/kustomization.yaml` (tags):
 * name, framework label, mlPolicy, images of the pods.
 */
export const RUNTIME_FACTS = [
  {
    name: 'deepspeed-distributed',
    framework: 'deepspeed',
    mlPolicy: {
      numNodes: 1,
      mpi: {
        numProcPerNode: 1,
        mpiImplementation: 'OpenMPI',
        sshAuthMountPath: '/home/mpiuser/.ssh',
        runLauncherAsNode: true,
      },
    },
    jobs: ['launcher', 'node'],
    images: ['ghcr.io/kubeflow/trainer/deepspeed-runtime:v2.2.0'],
  },
  {
    name: 'mlx-distributed',
    framework: 'mlx',
    mlPolicy: {
      numNodes: 1,
      mpi: {
        numProcPerNode: 1,
        mpiImplementation: 'OpenMPI',
        sshAuthMountPath: '/home/mpiuser/.ssh',
        runLauncherAsNode: true,
      },
    },
    jobs: ['launcher', 'node'],
    images: ['ghcr.io/kubeflow/trainer/mlx-runtime:v2.2.0'],
  },
  {
    name: 'torch-distributed',
    framework: 'torch',
    mlPolicy: { numNodes: 1, torch: {} },
    jobs: ['node'],
    images: ['docker.io/pytorch/pytorch:2.10.0-cuda12.8-cudnn9-runtime'],
  },
  {
    name: 'jax-distributed',
    framework: 'jax',
    mlPolicy: { numNodes: 1, jax: {} },
    jobs: ['node'],
    images: ['nvcr.io/nvidia/jax:25.10-py3'],
  },
  {
    name: 'xgboost-distributed',
    framework: 'xgboost',
    mlPolicy: { numNodes: 1, xgboost: {} },
    jobs: ['node'],
    images: ['ghcr.io/kubeflow/trainer/xgboost-runtime:v2.2.0'],
  },
  ...(
    [
      ['torchtune-llama3.2-1b', 'hf://meta-llama/Llama-3.2-1B-Instruct', 'llama3_2/1B_full'],
      ['torchtune-llama3.2-3b', 'hf://meta-llama/Llama-3.2-3B-Instruct', 'llama3_2/3B_full'],
      ['torchtune-qwen2.5-1.5b', 'hf://Qwen/Qwen2.5-1.5B-Instruct', 'qwen2_5/1.5B_full'],
    ] as const
  ).map(([name, model, config]) => ({
    name,
    framework: 'torchtune',
    mlPolicy: { numNodes: 1, torch: {} },
    jobs: ['dataset-initializer', 'model-initializer', 'node'],
    images: [
      'ghcr.io/kubeflow/trainer/dataset-initializer:v2.2.0',
      'ghcr.io/kubeflow/trainer/model-initializer:v2.2.0',
      'ghcr.io/kubeflow/trainer/torchtune-trainer:v2.2.0',
    ],
    model,
    config,
  })),
] as const;

/** The MPI `node` container (`deepspeed_distributed.yaml`, `mlx_distributed.yaml`). */
export const MPI_NODE_FACTS = {
  command: ['/usr/sbin/sshd'],
  args: ['-De', '-f', '/home/mpiuser/.sshd_config'],
  readinessProbe: { tcpSocket: { port: 2222 }, initialDelaySeconds: 5 },
  runAsUser: 1000,
} as const;

/** `manifests/overlays/kubeflow-platform/kubeflow-trainer-roles.yaml`. */
export const ROLE_FACTS = {
  adminLabels: { 'rbac.authorization.kubeflow.org/aggregate-to-kubeflow-admin': 'true' },
  adminSelector: { 'rbac.authorization.kubeflow.org/aggregate-to-kubeflow-trainer-admin': 'true' },
  editLabels: {
    'rbac.authorization.kubeflow.org/aggregate-to-kubeflow-edit': 'true',
    'rbac.authorization.kubeflow.org/aggregate-to-kubeflow-trainer-admin': 'true',
  },
  viewLabels: {
    'rbac.authorization.kubeflow.org/aggregate-to-kubeflow-view': 'true',
    'rbac.authorization.kubeflow.org/aggregate-to-kubeflow-trainer-view': 'true',
  },
  editRules: [
    [['trainer.kubeflow.org'], ['trainingruntimes'], ['get', 'list', 'watch']],
    [
      ['trainer.kubeflow.org'],
      ['trainjobs'],
      ['create', 'patch', 'get', 'list', 'watch', 'delete'],
    ],
    [[''], ['pods', 'pods/log', 'events'], ['get', 'list', 'watch']],
  ],
  viewRules: [
    [['trainer.kubeflow.org'], ['trainingruntimes', 'trainjobs'], ['get', 'list', 'watch']],
  ],
  clusterRuntimeRules: [
    [['trainer.kubeflow.org'], ['clustertrainingruntimes'], ['get', 'list', 'watch']],
  ],
} as const;
