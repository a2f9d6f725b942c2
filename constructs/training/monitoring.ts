import { Construct } from 'constructs';
import { Alert, IMonitoring, ScrapeJob } from '../core/monitoring';
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
  /** The JobSet metrics certificate's Secret (with `ca.crt`) and the name it is issued to. */
  readonly jobSetTls: {
    readonly caSecret: { readonly name: string; readonly key: string };
    readonly serverName: string;
  };
  readonly trainerPods: Readonly<Record<string, string>>;
  /** The managers' metrics port (both serve HTTPS on 8443, container port `metrics`). */
  readonly jobSetPort: number;
  readonly trainerPort: number;
}

/** JobSets whose outcome series appeared within the last hour, by tenant namespace. */
function newJobSets(metric: string, job: string): string {
  return `count by (exported_namespace) (${metric}{job="${job}"} unless ${metric}{job="${job}"} offset 1h)`;
}

/** A manager that is not scraped or whose target is gone. */
function downAlert(
  name: string,
  job: ScrapeJob,
  what: string,
  deployment: string,
  ns: string,
): Alert {
  return {
    name,
    expr: job.down,
    for: '10m',
    severity: 'critical',
    summary: `${what[0].toUpperCase()}${what.slice(1)} is down in ${ns}.`,
    description: `For 10 minutes no pod of ${what} has answered a scrape. Its webhooks fail, so new train jobs are refused, and running ones are not reconciled.`,
    runbook: `Check the pods with \`kubectl -n ${ns} describe deployment ${deployment}\`. A pod that restarts: read \`kubectl -n ${ns} logs deployment/${deployment} --previous\`; a webhook or metrics certificate that is not ready shows in \`kubectl -n ${ns} get certificates\`. A pod that runs while the alert fires means Prometheus cannot reach port 8443: check the \`allow-prometheus-*\` NetworkPolicy in ${ns}.`,
    metrics: [...job.downMetrics],
  };
}

/**
 * Scrapes both managers over HTTPS and adds the alerts a platform team pages on. JobSet's
 * manager authenticates and authorizes each scrape (controller-runtime's filter: a TokenReview
 * and a SubjectAccessReview for `get` on `/metrics`), so Prometheus sends a token; the Trainer's
 * v2.2.0 manager serves HTTPS without that filter (`pkg/config/config.go` sets no
 * `FilterProvider`), so it gets none.
 */
export function monitorTraining(scope: Construct, props: TrainingMonitoringProps): void {
  const { monitoring, namespace } = props;
  const ns = namespace.name;
  const trainerTls =
    "the Trainer's manager serves metrics with a certificate controller-runtime generates itself";
  const jobSet = monitoring.scrape(scope, {
    id: TRAINING_JOBS.jobSet,
    namespace,
    podLabels: props.jobSetPods,
    port: { name: 'metrics', number: props.jobSetPort },
    scheme: 'https',
    bearerToken: true,
    // The metrics certificate comes from the platform's in-cluster CA; its Secret holds the CA.
    tls: props.jobSetTls,
    description: 'JobSet manager: JobSet outcomes and controller-runtime metrics',
  });
  const trainer = monitoring.scrape(scope, {
    id: TRAINING_JOBS.trainer,
    namespace,
    podLabels: props.trainerPods,
    port: { name: 'metrics', number: props.trainerPort },
    scheme: 'https',
    insecureTlsReason: trainerTls,
    description: 'Kubeflow Trainer manager: controller-runtime metrics',
  });
  const m = TRAINING_METRICS;
  monitoring.addAlerts(scope, {
    id: 'kubeflow-training',
    namespace: ns,
    component: 'training',
    alerts: [
      downAlert('JobSetControllerDown', jobSet, 'the JobSet manager', TRAINING_JOBS.jobSet, ns),
      downAlert(
        'KubeflowTrainerControllerDown',
        trainer,
        'the Kubeflow Trainer manager',
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
        // Each JobSet increments its own series (jobset_name, namespace) once, so a series that
        // is new in the window is a JobSet that ended in it; `increase` would see none. The
        // metric's own namespace label arrives as exported_namespace (the target's wins).
        expr: `${newJobSets(m.jobSetFailed, TRAINING_JOBS.jobSet)} / (${newJobSets(m.jobSetFailed, TRAINING_JOBS.jobSet)} + (${newJobSets(m.jobSetCompleted, TRAINING_JOBS.jobSet)} or ${newJobSets(m.jobSetFailed, TRAINING_JOBS.jobSet)} * 0)) > 0.5 and ${newJobSets(m.jobSetFailed, TRAINING_JOBS.jobSet)} >= 3`,
        for: '15m',
        severity: 'warning',
        summary:
          'More than half of the train jobs that ended in {{ $labels.exported_namespace }} in the last hour failed.',
        description:
          'Over the last hour most JobSets (the pods of train jobs) in this tenant ended Failed, and at least three did.',
        runbook:
          "List the failed jobs with `kubectl -n <tenant> get trainjobs` and `kubectl -n <tenant> get jobsets`, then read the failing node's pod log. Out-of-memory kills, an image that does not pull, and a rendezvous that times out (all nodes must start within the runtime's timeout) are the usual causes; a platform-wide rise after an upgrade points at a runtime image. The counts restart with the JobSet manager.",
        metrics: [m.jobSetFailed, m.jobSetCompleted],
      },
    ],
  });
}
