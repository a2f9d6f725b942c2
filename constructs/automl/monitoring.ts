import { Construct } from 'constructs';
import { IMonitoring } from '../core/monitoring';
import { INamespace } from '../core/network';

/**
 * Metrics of Katib v0.19.0's controller that the alerts read: its experiment and trial counters
 * (`pkg/controller.v1beta1/experiment/util/prometheus_metrics.go` and
 * `pkg/controller.v1beta1/trial/util/prometheus_metrics.go`), served with controller-runtime's on
 * the plain metrics port (`init.controller.metricsAddr`, `:8080`).
 */
export const KATIB_METRICS = {
  experimentFailed: 'katib_experiment_failed_total',
  experimentSucceeded: 'katib_experiment_succeeded_total',
  trialFailed: 'katib_trial_failed_total',
  trialSucceeded: 'katib_trial_succeeded_total',
  trialMetricsUnavailable: 'katib_trial_metrics_unavailable_total',
  experimentsCurrent: 'katib_experiments_current',
  trialsCurrent: 'katib_trials_current',
} as const;

/** The scrape job of Katib's controller. */
export const KATIB_JOB = 'katib-controller';

export interface KatibMonitoringProps {
  readonly monitoring: IMonitoring;
  readonly namespace: INamespace;
  readonly controllerPods: Readonly<Record<string, string>>;
  readonly metricsPort: number;
}

/** Scrapes Katib's controller (no sidecar: plain HTTP) and adds its alerts and dashboard rows. */
export function monitorKatib(scope: Construct, props: KatibMonitoringProps): void {
  const { monitoring, namespace } = props;
  const ns = namespace.name;
  const m = KATIB_METRICS;
  const job = monitoring.scrape(scope, {
    id: KATIB_JOB,
    namespace,
    podLabels: props.controllerPods,
    port: { name: 'metrics', number: props.metricsPort },
    description: "Katib's controller: experiments and trials by outcome",
  });
  monitoring.addAlerts(scope, {
    id: 'katib',
    namespace: ns,
    component: 'katib',
    alerts: [
      {
        name: 'KatibControllerDown',
        expr: job.down,
        for: '10m',
        severity: 'critical',
        summary: `Katib's controller is down in ${ns}.`,
        description:
          'No katib-controller pod has answered a scrape for 10 minutes. Its webhooks refuse new experiments, and running experiments get no new trials.',
        runbook: `Check \`kubectl -n ${ns} describe deployment katib-controller\` and its log (\`kubectl -n ${ns} logs deployment/katib-controller --previous\` after a restart). It waits for its webhook certificate (\`kubectl -n ${ns} get certificate katib-webhook-cert\`) and reaches the DB manager (\`kubectl -n ${ns} get pods -l katib.kubeflow.org/component=db-manager\`). A running pod while the alert fires means Prometheus cannot reach port 8080: check the \`allow-prometheus-${KATIB_JOB}\` NetworkPolicy.`,
        metrics: [...job.downMetrics],
      },
      {
        name: 'KatibTrialsFailing',
        expr: `sum(increase(${m.trialFailed}{job="${KATIB_JOB}"}[1h])) / (sum(increase(${m.trialFailed}{job="${KATIB_JOB}"}[1h])) + sum(increase(${m.trialSucceeded}{job="${KATIB_JOB}"}[1h]))) > 0.5`,
        for: '30m',
        severity: 'warning',
        summary: 'More than half of the Katib trials finishing in the last hour failed.',
        description:
          'Trials fail across the platform; experiments then end without a result or run out of their failed-trial budget.',
        runbook:
          "Find the failing experiments with `kubectl get experiments -A` and a failed trial with `kubectl -n <tenant> get trials`; its pod's log tells why (the training code, an image that does not pull, a quota). Many trials failing at once after an upgrade points at the trial templates (`kubectl -n kubeflow get configmap -l katib.kubeflow.org/component=trial-templates`).",
        metrics: [m.trialFailed, m.trialSucceeded],
      },
      {
        name: 'KatibTrialMetricsUnavailable',
        // Per tenant namespace: a namespace's first event creates its series at 1, which
        // `increase` cannot see, so a series new in the window counts too.
        expr: `sum(increase(${m.trialMetricsUnavailable}{job="${KATIB_JOB}"}[1h])) > 0 or count(${m.trialMetricsUnavailable}{job="${KATIB_JOB}"} unless ${m.trialMetricsUnavailable}{job="${KATIB_JOB}"} offset 1h) > 0`,
        for: '15m',
        severity: 'warning',
        summary: 'Katib trials finished without the objective metric.',
        description:
          'Trials ended but Katib found no observation of the objective metric, so the search cannot use them.',
        runbook:
          "The metrics collector did not find the metric in the trial's output. Compare the experiment's `objective.objectiveMetricName` and `metricsCollectorSpec` with what the training code prints (`kubectl -n <tenant> logs <trial pod> -c metrics-logger-and-collector`). The collector reaches the DB manager on port 6789: check the tenant's network policy if it reports a connection error.",
        metrics: [m.trialMetricsUnavailable],
      },
    ],
  });
}
