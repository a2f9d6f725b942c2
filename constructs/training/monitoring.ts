import { Construct } from 'constructs';
import { Alert, IMonitoring } from '../core/monitoring';
import { INamespace } from '../core/network';

/**
 * Metrics of JobSet v0.11.0 and Kubeflow Trainer v2.2.0 that the alerts read. JobSet registers its
 * own counters (`pkg/metrics/metrics.go`, subsystem `jobset` from `pkg/constants/constants.go`);
 * the Trainer registers none of its own at v2.2.0, so it has controller-runtime's reconcile
 * counters only (as every controller-runtime manager does).
 */
export const TRAINING_METRICS = {
  jobSetFailed: 'jobset_failed_total',
  jobSetCompleted: 'jobset_completed_total',
  reconcileErrors: 'controller_runtime_reconcile_errors_total',
  reconcileTotal: 'controller_runtime_reconcile_total',
} as const;

/** The scrape jobs of the two managers. */
export const TRAINING_JOBS = {
  jobSet: 'jobset-controller-manager',
  trainer: 'kubeflow-trainer-controller-manager',
} as const;

export interface TrainingMonitoringProps {
  readonly monitoring: IMonitoring;
  readonly namespace: INamespace;
  readonly jobSetPods: Readonly<Record<string, string>>;
  readonly trainerPods: Readonly<Record<string, string>>;
  /** The managers' metrics port (both serve HTTPS on 8443, container port `metrics`). */
  readonly jobSetPort: number;
  readonly trainerPort: number;
}

/** A manager that is not scraped or whose target is gone. */
function downAlert(name: string, job: string, what: string, deployment: string, ns: string): Alert {
  return {
    name,
    expr: `(sum(up{job="${job}",namespace="${ns}"}) or vector(0)) == 0`,
    for: '10m',
    severity: 'critical',
    summary: `${what} is down in ${ns}.`,
    description: `No ${what} pod has answered a scrape for 10 minutes. Its webhooks fail, so new train jobs are refused, and running ones are not reconciled.`,
    runbook: `Check the pods with \`kubectl -n ${ns} describe deployment ${deployment}\`. A pod that restarts: read \`kubectl -n ${ns} logs deployment/${deployment} --previous\`; a webhook or metrics certificate that is not ready shows in \`kubectl -n ${ns} get certificates\`. A pod that runs while the alert fires means Prometheus cannot reach port 8443: check the \`allow-prometheus-*\` NetworkPolicy in ${ns}.`,
    metrics: ['up'],
  };
}

/**
 * Scrapes both managers (HTTPS with Prometheus's token: each scrape is authenticated and
 * authorized by the manager, which the cluster Prometheus's `get /metrics` right passes) and adds
 * the alerts a platform team pages on.
 */
export function monitorTraining(scope: Construct, props: TrainingMonitoringProps): void {
  const { monitoring, namespace } = props;
  const ns = namespace.name;
  const tls =
    "the managers' serving certificates come from the platform's in-cluster CA, which Prometheus does not hold";
  monitoring.scrape(scope, {
    id: TRAINING_JOBS.jobSet,
    namespace,
    podLabels: props.jobSetPods,
    port: { name: 'metrics', number: props.jobSetPort },
    scheme: 'https',
    bearerToken: true,
    insecureTlsReason: tls,
    description: 'JobSet manager: JobSet outcomes and controller-runtime metrics',
  });
  monitoring.scrape(scope, {
    id: TRAINING_JOBS.trainer,
    namespace,
    podLabels: props.trainerPods,
    port: { name: 'metrics', number: props.trainerPort },
    scheme: 'https',
    bearerToken: true,
    insecureTlsReason: tls,
    description: 'Kubeflow Trainer manager: controller-runtime metrics',
  });
  const m = TRAINING_METRICS;
  monitoring.addAlerts(scope, {
    id: 'kubeflow-training',
    namespace: ns,
    component: 'training',
    alerts: [
      downAlert(
        'JobSetControllerDown',
        TRAINING_JOBS.jobSet,
        'The JobSet manager',
        TRAINING_JOBS.jobSet,
        ns,
      ),
      downAlert(
        'KubeflowTrainerControllerDown',
        TRAINING_JOBS.trainer,
        'The Kubeflow Trainer manager',
        TRAINING_JOBS.trainer,
        ns,
      ),
      {
        name: 'KubeflowTrainerReconcileErrors',
        expr: `sum by (job, controller) (rate(${m.reconcileErrors}{job=~"${TRAINING_JOBS.jobSet}|${TRAINING_JOBS.trainer}",namespace="${ns}"}[15m])) / sum by (job, controller) (rate(${m.reconcileTotal}{job=~"${TRAINING_JOBS.jobSet}|${TRAINING_JOBS.trainer}",namespace="${ns}"}[15m])) > 0.2`,
        for: '15m',
        severity: 'warning',
        summary: 'More than 20% of {{ $labels.controller }} reconciles fail ({{ $labels.job }}).',
        description:
          'The training controllers keep failing to reconcile: train jobs stay pending or their status is stale.',
        runbook: `Read the manager's log (\`kubectl -n ${ns} logs deployment/{{ $labels.job }}\` names the object and the error). Common causes: a TrainJob naming a runtime that no longer exists, a quota in the tenant's namespace that refuses the pods, or a missing right in the manager's ClusterRole after an upgrade.`,
        metrics: [m.reconcileErrors, m.reconcileTotal],
      },
      {
        name: 'JobSetFailureRateHigh',
        expr: `sum by (namespace) (increase(${m.jobSetFailed}[1h])) / (sum by (namespace) (increase(${m.jobSetFailed}[1h])) + sum by (namespace) (increase(${m.jobSetCompleted}[1h]))) > 0.5`,
        for: '30m',
        severity: 'warning',
        summary: 'More than half of the train jobs finishing in {{ $labels.namespace }} fail.',
        description:
          'Over the last hour most JobSets (the pods of train jobs) in this tenant ended Failed.',
        runbook:
          "List the failed jobs with `kubectl -n <tenant> get trainjobs` and `kubectl -n <tenant> get jobsets`, then read the failing node's pod log. Out-of-memory kills, an image that does not pull, and a rendezvous that times out (all nodes must start within the runtime's timeout) are the usual causes; a platform-wide rise after an upgrade points at a runtime image.",
        metrics: [m.jobSetFailed, m.jobSetCompleted],
      },
    ],
  });
}
