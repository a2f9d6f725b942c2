/**
 * Names of the PodDefaults objects, upstream's (kubeflow/dashboard v2.0.0,
 * `components/poddefaults-webhooks/manifests/kustomize`), so that an install next to or after
 * upstream's finds the same objects.
 */
export const POD_DEFAULTS_NAMES = {
  deployment: 'poddefaults-webhook-deployment',
  container: 'poddefaults-webhook',
  serviceAccount: 'poddefaults-webhook-service-account',
  service: 'poddefaults-webhook-service',
  clusterRole: 'poddefaults-webhook-cluster-role',
  clusterRoleBinding: 'poddefaults-webhook-cluster-role-binding',
  webhookConfiguration: 'poddefaults-webhook-mutating-webhook-configuration',
  /** `<deployment>.kubeflow.org`, as upstream's replacement builds it. */
  webhook: 'poddefaults-webhook-deployment.kubeflow.org',
  certificate: 'poddefaults-webhook-cert',
  certificateSecret: 'poddefaults-webhook-certs',
  /** The aggregated user roles (admin, edit, view) that Kubeflow's roles pick up. */
  userRoles: {
    admin: 'poddefaults-webhook-kubeflow-poddefaults-admin',
    edit: 'poddefaults-webhook-kubeflow-poddefaults-edit',
    view: 'poddefaults-webhook-kubeflow-poddefaults-view',
  },
} as const;

export const POD_DEFAULTS_PORTS = {
  /** The container's TLS port (`--webhookPort`, upstream's default), named `https-webhook`. */
  webhook: 4443,
  /** The Service port the API server calls. */
  service: 443,
} as const;

/** The path the webhook serves (`main.go`). */
export const POD_DEFAULTS_PATH = '/apply-poddefault';

/** Where the serving certificate is mounted; the flags name its files. */
export const POD_DEFAULTS_CERT_DIR = '/etc/webhook/certs';

/**
 * The label the profile controller puts on every profile namespace; upstream's webhook admits
 * pods only there.
 */
export const POD_DEFAULTS_PROFILE_NAMESPACE_LABELS: Readonly<Record<string, string>> = {
  'app.kubernetes.io/part-of': 'kubeflow-profile',
};
