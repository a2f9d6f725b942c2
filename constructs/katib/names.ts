/**
 * Names of Katib's core objects: upstream's (`manifests/v1beta1/components/{controller,webhook}`
 * and `installs/katib-cert-manager` at v0.19.0). Several are looked up by the controller itself
 * (the ConfigMap, its key, the Secret's mount path), so they are fixed, not configurable.
 */
export const KATIB_NAMES = {
  deployment: 'katib-controller',
  container: 'katib-controller',
  serviceAccount: 'katib-controller',
  /** The webhook Service; the API server calls `katib-controller.<ns>.svc:443`. */
  service: 'katib-controller',
  clusterRole: 'katib-controller',
  clusterRoleBinding: 'katib-controller',
  /**
   * Read by name from the controller's namespace (`KatibConfigMapName` in
   * `pkg/controller.v1beta1/consts/const.go`; `pkg/util/v1beta1/katibconfig/config.go`).
   */
  configMap: 'katib-config',
  /** The ConfigMap key holding the KatibConfig document (`LabelKatibConfigTag`). */
  configKey: 'katib-config.yaml',
  certificate: 'katib-webhook-cert',
  /** The serving certificate's Secret, mounted at `KATIB_CERT_DIR` (upstream's `cert` volume). */
  certificateSecret: 'katib-webhook-cert',
  /** Both webhook configurations carry this name upstream. */
  webhookConfiguration: 'katib.kubeflow.org',
  /**
   * Role and RoleBinding on Leases when leader election is on (upstream's overlay calls them
   * `leader-election`, too generic for a shared namespace).
   */
  leaderElection: 'katib-controller-leader-election',
  /** The DB manager's Service, which the controller and metrics collectors dial (`katib-db-manager`). */
  dbManagerService: 'katib-db-manager',
} as const;

/** The three webhooks: names and paths (`manifests/v1beta1/components/webhook/webhooks.yaml`, `pkg/webhook/v1beta1/webhook.go`). */
export const KATIB_WEBHOOKS = {
  validateExperiment: {
    name: 'validator.experiment.katib.kubeflow.org',
    path: '/validate-experiment',
  },
  mutateExperiment: { name: 'defaulter.experiment.katib.kubeflow.org', path: '/mutate-experiment' },
  mutatePod: { name: 'mutator.pod.katib.kubeflow.org', path: '/mutate-pod' },
} as const;

export const KATIB_PORTS = {
  /** The webhook server (`init.controller.webhookPort`, default 8443). */
  webhook: 8443,
  /** The webhook Service's port: the API server calls 443 (upstream's Service). */
  webhookService: 443,
  /** Prometheus metrics (`init.controller.metricsAddr`, default `:8080`). */
  metrics: 8080,
  /** `/healthz` and `/readyz` (`init.controller.healthzAddr`, default `:18080`). */
  healthz: 18080,
  /** gRPC of every suggestion Service the controller creates (`DefaultSuggestionPort`). */
  suggestion: 6789,
  /** gRPC of the early-stopping container of a suggestion (`DefaultEarlyStoppingPort`). */
  earlyStopping: 6788,
  /** gRPC of the DB manager (`KATIB_DB_MANAGER_SERVICE_PORT` default). */
  dbManager: 6789,
} as const;

/** Where the controller reads its serving certificate (`CertDir` in `consts/const.go`). */
export const KATIB_CERT_DIR = '/tmp/cert';
/** Where upstream mounts `katib-config.yaml` for the controller's `--katib-config` flag. */
export const KATIB_CONFIG_FILE = '/katib-config.yaml';

/**
 * Namespace label: the pod webhook injects metrics collectors into trial pods only in namespaces
 * that carry it (`namespaceSelector` of `mutator.pod.katib.kubeflow.org`). Kubeflow's profile
 * controller sets it on every profile namespace; tenants that run experiments need it.
 */
export const KATIB_METRICS_COLLECTOR_INJECTION_LABEL = {
  'katib.kubeflow.org/metrics-collector-injection': 'enabled',
} as const;

/** Upstream's own pod label of each Katib service (`katib.kubeflow.org/component: controller`). */
export const KATIB_COMPONENT_LABEL = 'katib.kubeflow.org/component';

/**
 * Labels the controller writes on what it creates in tenant namespaces
 * (`pkg/controller.v1beta1/consts/const.go`, `util/labels.go`): suggestion pods carry
 * `katib.kubeflow.org/suggestion` and `katib.kubeflow.org/experiment` (and
 * `sidecar.istio.io/inject: "false"`), trial pods `katib.kubeflow.org/trial` and
 * `katib.kubeflow.org/experiment`. Network allows select on them.
 */
export const KATIB_RUNTIME_LABELS = {
  experiment: 'katib.kubeflow.org/experiment',
  suggestion: 'katib.kubeflow.org/suggestion',
  trial: 'katib.kubeflow.org/trial',
  deployment: 'katib.kubeflow.org/deployment',
} as const;
