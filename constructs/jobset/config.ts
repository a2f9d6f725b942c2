import { stringify } from 'yaml';

/** What the platform may tune in the manager's configuration (`config.jobset.x-k8s.io/v1alpha1`). */
export interface JobSetSettings {
  /**
   * Requests per second to the API server (`clientConnection.qps`).
   * @default 500 - upstream's `DefaultClientConnectionQPS`
   */
  readonly qps?: number;
  /**
   * Burst above `qps` (`clientConnection.burst`).
   * @default 500 - upstream's `DefaultClientConnectionBurst`
   */
  readonly burst?: number;
  /**
   * zap log verbosity (`--zap-log-level`); higher is more verbose.
   * @default 2 - upstream's `config/default/manager_config_patch.yaml`
   */
  readonly logLevel?: number;
}

/** Upstream's defaults (`api/config/v1alpha1/defaults.go`, `config/default`). */
export const JOBSET_SETTINGS_DEFAULTS = {
  qps: 500,
  burst: 500,
  logLevel: 2,
} as const satisfies Required<JobSetSettings>;

/**
 * The manager's `Configuration` (`config/components/manager/controller_manager_config.yaml`):
 * leader election on, as upstream; built-in certificate management off, because cert-manager
 * issues the webhook and metrics certificates (`internalCertManagement.enable: false`). With it
 * off, the manager rotates nothing, patches no webhook configuration and reads no Secret, and the
 * metrics server reads its certificate from `/tmp/k8s-metrics-server/serving-certs`
 * (`pkg/config/config.go`). The other fields keep upstream's defaults unless set.
 */
export function jobSetManagerConfig(settings: JobSetSettings = {}): Record<string, unknown> {
  const d = JOBSET_SETTINGS_DEFAULTS;
  return {
    apiVersion: 'config.jobset.x-k8s.io/v1alpha1',
    kind: 'Configuration',
    leaderElection: { leaderElect: true },
    internalCertManagement: { enable: false },
    clientConnection: { qps: settings.qps ?? d.qps, burst: settings.burst ?? d.burst },
  };
}

/** The manager's configuration file as the ConfigMap holds it. */
export function jobSetManagerConfigYaml(settings: JobSetSettings = {}): string {
  return stringify(jobSetManagerConfig(settings));
}
