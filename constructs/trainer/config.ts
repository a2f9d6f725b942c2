import { stringify } from 'yaml';
import { TRAINER_NAMES, TRAINER_PORTS } from './names';

/** Feature gates of the v2.2.0 manager (`pkg/features/kube_features.go`), all alpha and off. */
export const TRAINER_FEATURE_GATES = ['TrainJobStatus'] as const;
export type TrainerFeatureGate = (typeof TRAINER_FEATURE_GATES)[number];

/** What the manager's config file may differ in from upstream's. */
export interface TrainerConfigOptions {
  /** `certManagement.enable`: the manager generates and rotates its own serving certificate. */
  readonly internalCertManagement: boolean;
  /** @default - none: every gate at its default */
  readonly featureGates?: Partial<Record<TrainerFeatureGate, boolean>>;
}

/**
 * The `config.trainer.kubeflow.org/v1alpha1` Configuration the manager reads with `--config`,
 * with the values of upstream's `manifests/base/manager/controller_manager_config.yaml` at
 * v2.2.0 (health `:8081` readyz/healthz, secure metrics `:8443`, webhook 9443, leader election
 * on lease `trainer.kubeflow.org` 15s/10s/2s, reconcile concurrency 5/1/1, client 50 QPS burst
 * 100, status server 10443 at 5 QPS burst 10). Only `certManagement.enable` and the feature
 * gates are ours to choose.
 * @see https://github.com/kubeflow/trainer/blob/v2.2.0/pkg/apis/config/v1alpha1/configuration_types.go
 */
export function trainerConfiguration(opts: TrainerConfigOptions): Record<string, unknown> {
  const gates = Object.entries(opts.featureGates ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return {
    apiVersion: 'config.trainer.kubeflow.org/v1alpha1',
    kind: 'Configuration',
    health: {
      healthProbeBindAddress: `:${TRAINER_PORTS.health}`,
      readinessEndpointName: 'readyz',
      livenessEndpointName: 'healthz',
    },
    metrics: { bindAddress: `:${TRAINER_PORTS.metrics}`, secureServing: true },
    webhook: { port: TRAINER_PORTS.webhook, host: '' },
    leaderElection: {
      leaderElect: true,
      resourceName: TRAINER_NAMES.leaderElectionLease,
      resourceNamespace: '',
      leaseDuration: '15s',
      renewDeadline: '10s',
      retryPeriod: '2s',
    },
    controller: {
      groupKindConcurrency: {
        'TrainJob.trainer.kubeflow.org': 5,
        'TrainingRuntime.trainer.kubeflow.org': 1,
        'ClusterTrainingRuntime.trainer.kubeflow.org': 1,
      },
    },
    certManagement: {
      enable: opts.internalCertManagement,
      webhookServiceName: TRAINER_NAMES.service,
      webhookSecretName: TRAINER_NAMES.certificateSecret,
    },
    clientConnection: { qps: 50, burst: 100 },
    statusServer: { port: TRAINER_PORTS.statusServer, qps: 5, burst: 10 },
    ...(gates.length > 0 ? { featureGates: Object.fromEntries(gates) } : {}),
  };
}

/** The config file as the ConfigMap carries it. */
export function trainerConfigFile(opts: TrainerConfigOptions): string {
  return stringify(trainerConfiguration(opts));
}
