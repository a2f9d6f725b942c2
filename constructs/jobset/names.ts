/**
 * Names of the JobSet objects: upstream's (`config/default` at v0.11.0 builds them with
 * `namePrefix: jobset-`), which is also what Kubeflow's install of Trainer v2.2.0 creates, so that
 * upstream docs, `kubectl` habits and the upgrade step find them.
 */
export const JOBSET_NAMES = {
  deployment: 'jobset-controller-manager',
  /** The manager's container (`config/components/manager/manager.yaml`). */
  container: 'manager',
  serviceAccount: 'jobset-controller-manager',
  /** The manager's configuration (`configMapGenerator` without a hash suffix). */
  configMap: 'jobset-manager-config',
  /** The key the ConfigMap holds and the file the manager reads (`--config`). */
  configFile: 'controller_manager_config.yaml',
  clusterRole: 'jobset-manager-role',
  clusterRoleBinding: 'jobset-manager-rolebinding',
  leaderElectionRole: 'jobset-leader-election-role',
  leaderElectionRoleBinding: 'jobset-leader-election-rolebinding',
  /** TokenReviews and SubjectAccessReviews for the metrics endpoint's authentication. */
  metricsAuthClusterRole: 'jobset-proxy-role',
  metricsAuthClusterRoleBinding: 'jobset-proxy-rolebinding',
  /** For scrapers: `get` on `/metrics` (bind it to the scraper's service account). */
  metricsReaderClusterRole: 'jobset-metrics-reader',
  webhookService: 'jobset-webhook-service',
  metricsService: 'jobset-controller-manager-metrics-service',
  mutatingWebhookConfiguration: 'jobset-mutating-webhook-configuration',
  validatingWebhookConfiguration: 'jobset-validating-webhook-configuration',
  /** cert-manager's Certificate for the webhook (upstream's `serving-cert`, prefixed). */
  webhookCertificate: 'jobset-serving-cert',
  /** The webhook's TLS Secret: the name of upstream's default (`DefaultWebhookSecretName`). */
  webhookCertificateSecret: 'jobset-webhook-server-cert',
  /** cert-manager's Certificate for the metrics endpoint (upstream's `metrics-cert`, prefixed). */
  metricsCertificate: 'jobset-metrics-cert',
  metricsCertificateSecret: 'jobset-metrics-server-cert',
  /** The Lease replicas elect a leader with (`DefaultLeaderElectionID`). */
  leaderElectionLease: '6d4f6a47.jobset.x-k8s.io',
} as const;

/** Where Kubeflow 26.03.1 runs JobSet (with Trainer, `kubeflow-system`). */
export const JOBSET_KUBEFLOW_NAMESPACE = 'kubeflow-system';

export const JOBSET_PORTS = {
  /** The webhook server (`DefaultWebhookPort`), container port `webhook-server`. */
  webhook: 9443,
  /** The webhook Service's port (`config/components/webhook/service.yaml`). */
  webhookService: 443,
  /** Metrics over TLS with authentication (`DefaultMetricsBindAddress` `:8443`), port `metrics`. */
  metrics: 8443,
  /** `/healthz` and `/readyz` (`DefaultHealthProbeBindAddress` `:8081`). */
  health: 8081,
} as const;

/** Where controller-runtime reads the certificates (`tls.crt`, `tls.key`). */
export const JOBSET_CERT_DIRS = {
  /** The webhook server's default (`certDir` of `pkg/util/cert/cert.go`). */
  webhook: '/tmp/k8s-webhook-server/serving-certs',
  /** The metrics server's, once internal certificates are off (`pkg/config/config.go`). */
  metrics: '/tmp/k8s-metrics-server/serving-certs',
} as const;

/** Admission paths the manager serves (`+kubebuilder:webhook` markers in `pkg/webhooks`). */
export const JOBSET_WEBHOOK_PATHS = {
  jobSetDefaulter: '/mutate-jobset-x-k8s-io-v1alpha2-jobset',
  jobSetValidator: '/validate-jobset-x-k8s-io-v1alpha2-jobset',
  podMutator: '/mutate--v1-pod',
  podValidator: '/validate--v1-pod',
  /** The CRD's conversion path (`config/components/crd/patches/webhook_in_jobsets.yaml`). */
  conversion: '/convert',
} as const;

/**
 * The label the controller puts on every pod of a JobSet; the pod webhooks see only pods that
 * carry it (`objectSelector` of `config/components/webhook/patches/*.yaml`).
 */
export const JOBSET_NAME_LABEL = 'jobset.sigs.k8s.io/jobset-name';

/**
 * The manager Deployment's `spec.selector.matchLabels` up to v0.10.x: the one label of
 * `config/components/manager/manager.yaml`, as `config/default` had no common labels.
 */
export const JOBSET_SELECTOR_V0_10: Readonly<Record<string, string>> = {
  'control-plane': 'controller-manager',
};

/**
 * The selector from v0.11.0 on: `config/default/kustomization.yaml` adds `commonLabels` (name,
 * instance, managed-by), and kustomize adds common labels to selectors too. A Deployment's
 * selector is immutable, so a Deployment from v0.10.x cannot be updated to it in place.
 * These are also the labels of our manager pods and what the Services select on, so that the
 * objects match an upstream or Kubeflow install of v0.11.0 (Kubeflow's `jobset-webhook`
 * NetworkPolicy selects `app.kubernetes.io/name: jobset` and `control-plane: controller-manager`).
 */
export const JOBSET_SELECTOR: Readonly<Record<string, string>> = {
  'app.kubernetes.io/instance': 'jobset',
  'app.kubernetes.io/managed-by': 'kustomize',
  'app.kubernetes.io/name': 'jobset',
  'control-plane': 'controller-manager',
};

/**
 * The labels of the manager pods that selectors (Services, NetworkPolicies, a ServiceMonitor)
 * may use: the Deployment's selector. The pods also carry the platform's standard labels.
 */
export const JOBSET_POD_LABELS: Readonly<Record<string, string>> = JOBSET_SELECTOR;
