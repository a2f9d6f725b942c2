/**
 * Names of the Trainer controller manager's objects as upstream has them at v2.2.0
 * (`manifests/base/manager`, `manifests/base/rbac`, `manifests/base/webhook` with its patches),
 * so that the SDK, upstream's docs and an existing install find them.
 */
export const TRAINER_NAMES = {
  deployment: 'kubeflow-trainer-controller-manager',
  container: 'manager',
  serviceAccount: 'kubeflow-trainer-controller-manager',
  clusterRole: 'kubeflow-trainer-controller-manager',
  clusterRoleBinding: 'kubeflow-trainer-controller-manager',
  /**
   * One Service for the webhook, metrics and status server; its name is also
   * `certManagement.webhookServiceName`, which the status-server URL in training pods uses.
   */
  service: 'kubeflow-trainer-controller-manager',
  /** The manager's config file (`manifests/base/manager/kustomization.yaml` generator). */
  configMap: 'kubeflow-trainer-config',
  configFile: 'controller_manager_config.yaml',
  /** `certManagement.webhookSecretName`: the serving certificate (and its `ca.crt`). */
  certificateSecret: 'kubeflow-trainer-webhook-cert',
  /** Our cert-manager Certificate that writes `certificateSecret`. */
  certificate: 'kubeflow-trainer-webhook-cert',
  /** Names the manager looks up (`cmd/trainer-controller-manager/main.go` constants). */
  mutatingWebhook: 'defaulter.trainer.kubeflow.org',
  validatingWebhook: 'validator.trainer.kubeflow.org',
  /** `leaderElection.resourceName` in upstream's config file. */
  leaderElectionLease: 'trainer.kubeflow.org',
  /** The SDK reads the installed version from it (`manifests/overlays/manager/kustomization.yaml`). */
  publicConfigMap: 'kubeflow-trainer-public',
  /** `manifests/base/rbac/public_configmap_role*.yaml`. */
  publicRole: 'kubeflow-trainer-public',
  publicRoleBinding: 'kubeflow-trainer-public',
} as const;

/** Ports of the manager (`manifests/base/manager/*.yaml`, `pkg/apis/config/v1alpha1`). */
export const TRAINER_PORTS = {
  /** `health.healthProbeBindAddress` `:8081`, container port `health`: `/healthz`, `/readyz`. */
  health: 8081,
  /** `metrics.bindAddress` `:8443` with `secureServing: true`, container port `metrics`. */
  metrics: 8443,
  /** `webhook.port` 9443, container port `webhook`. */
  webhook: 9443,
  /** The Service port of the webhooks (`webhook-server`, target `webhook`). */
  webhookService: 443,
  /**
   * `statusServer.port` 10443 (container port and Service port `status-server`): HTTPS that
   * training pods call with progress, served only when the alpha `TrainJobStatus` feature gate
   * is on (off by default and in Kubeflow 26.03.1).
   */
  statusServer: 10443,
} as const;

/** Where controller-runtime reads the serving certificate (`pkg/util/cert/cert.go` `certDir`). */
export const TRAINER_CERT_DIR = '/tmp/k8s-webhook-server/serving-certs';
/** Where upstream mounts the config file (`manager_config_patch.yaml`). */
export const TRAINER_CONFIG_PATH = '/controller_manager_config.yaml';

/** Admission paths the manager serves (`manifests/base/webhook/manifests.yaml`). */
export const TRAINER_WEBHOOK_PATHS = {
  trainJobDefaulter: '/mutate-trainer-kubeflow-org-v1alpha1-trainjob',
  clusterTrainingRuntimeValidator: '/validate-trainer-kubeflow-org-v1alpha1-clustertrainingruntime',
  trainingRuntimeValidator: '/validate-trainer-kubeflow-org-v1alpha1-trainingruntime',
  trainJobValidator: '/validate-trainer-kubeflow-org-v1alpha1-trainjob',
} as const;

/** Webhook names inside the two configurations (`manifests/base/webhook/manifests.yaml`). */
export const TRAINER_WEBHOOKS = {
  trainJobDefaulter: 'defaulter.trainjob.trainer.kubeflow.org',
  clusterTrainingRuntimeValidator: 'validator.clustertrainingruntime.trainer.kubeflow.org',
  trainingRuntimeValidator: 'validator.trainingruntime.trainer.kubeflow.org',
  trainJobValidator: 'validator.trainjob.trainer.kubeflow.org',
} as const;

/** Label and annotation keys of runtimes and TrainJobs (`pkg/constants/constants.go`). */
export const TRAINER_KEYS = {
  /** Runtime label naming its framework; the SDK lists runtimes by it. */
  framework: 'trainer.kubeflow.org/framework',
  /** Label of a replicated Job saying which step it is: `trainer`, `dataset-initializer`, `model-initializer`. */
  ancestorStep: 'trainer.kubeflow.org/trainjob-ancestor-step',
  /** Runtime label `deprecated` marks a runtime as going away. */
  support: 'trainer.kubeflow.org/support',
  /** JobSet's label on every pod of a TrainJob (the JobSet has the TrainJob's name). */
  jobSetName: 'jobset.sigs.k8s.io/jobset-name',
} as const;

/**
 * What pods of one TrainJob open to each other (`pkg/constants`, `pkg/runtime/framework/plugins`
 * at v2.2.0, the MPI runtime images). Tenant network policies must allow these between pods of
 * the same JobSet; collective libraries (NCCL, Gloo, OpenMPI's TCP transport) also open
 * ephemeral ports between the same pods, so an allow by port alone is not enough for
 * multi-node jobs.
 */
export const TRAINING_POD_PORTS = {
  /**
   * `ContainerTrainerPort`: torch rendezvous (`PET_MASTER_PORT`), the JAX coordinator and the
   * XGBoost tracker (`DMLC_TRACKER_PORT`) on node 0.
   */
  trainer: 29500,
  /** sshd of the MPI runtimes' `node` pods (mpioperator/base's `.sshd_config`, readiness probe). */
  mpiSsh: 2222,
} as const;

/** The `managedBy` values a TrainJob may carry (`TrainJobSpec.ManagedBy`). */
export const TRAINJOB_MANAGERS = [
  'trainer.kubeflow.org/trainjob-controller',
  'kueue.x-k8s.io/multikueue',
] as const;
