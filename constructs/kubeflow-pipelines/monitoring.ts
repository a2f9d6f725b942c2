import { Construct } from 'constructs';
import { ARGO_FINISHED_PHASES, ARGO_WORKFLOWS_METRICS } from '../argo-workflows/monitoring';
import { Alert, IMonitoring, ScrapeJob } from '../core/monitoring';
import { INamespace } from '../core/network';
import { PipelinesApiServer } from './api-server';
import { KFP_NAMES, KFP_PORTS } from './names';
import { KFP_LABELS } from './private/labels';
import { ScheduledWorkflowController } from './scheduled-workflow';

/** Job names of the Pipelines targets. */
export const KFP_METRICS_JOBS = {
  apiServer: 'ml-pipeline',
  scheduledWorkflow: 'ml-pipeline-scheduledworkflow',
} as const;

/**
 * Series Kubeflow Pipelines 2.16.1 exports. The API server serves the default Prometheus
 * registry at `/metrics` on its HTTP port (`backend/src/apiserver/main.go`, `promhttp.Handler()`),
 * its counters registered with `promauto` and collected while `--collectMetricsFlag` is true
 * (upstream's default). The scheduled workflow controller serves `/metrics` on `METRICS_PORT`
 * (`backend/src/crd/controller/scheduledworkflow/main.go`). The persistence agent and the cache
 * server serve none.
 */
export const KFP_METRICS = {
  /** CreateRun calls (`backend/src/apiserver/server/run_server.go`). */
  runCreateRequests: 'run_server_create_requests',
  /** Runs in the instance (`run_server.go`). */
  runCount: 'run_server_run_count',
  /**
   * One series per finished run the persistence agent reported as succeeded or failed, labels
   * `profile` and `workflow`, set when `ReportWorkflow` sees a final state
   * (`backend/src/apiserver/resource/resource_manager.go`).
   */
  runsSucceeded: 'resource_manager_workflow_runs_success',
  runsFailed: 'resource_manager_workflow_runs_failed',
  /** Seconds between a recurring run's creation and its report (`resource_manager.go`). */
  recurringRunReportGap: 'resource_manager_recurring_run_report_gap',
  /** Scheduled workflows waiting (`backend/src/crd/controller/scheduledworkflow/controller.go`). */
  scheduledWorkflowQueue: 'scheduled_workflow_queue_size',
} as const;

/** The alert thresholds of `pipelines.monitoring`. */
export interface PipelinesAlertSettings {
  /** @default 0.2 */
  readonly failedRunsRatio?: number;
  /** @default '1h' */
  readonly failedRunsWindow?: string;
  /** @default 5 */
  readonly minFinishedRuns?: number;
}

export interface PipelinesMonitoringProps {
  readonly namespace: INamespace;
  readonly apiServer: PipelinesApiServer;
  readonly scheduledWorkflow: ScheduledWorkflowController;
  /** The Argo workflow controller's job (its runs' phases). */
  readonly argoJob: ScrapeJob;
  readonly settings?: PipelinesAlertSettings;
}

/**
 * Monitoring of Kubeflow Pipelines: the API server and the scheduled workflow controller are
 * scraped through their sidecars (both run in the meshed `kubeflow` namespace with a sidecar);
 * alerts on the API server, the scheduled workflow controller, failing runs (Argo's phases) and
 * finished runs the persistence agent does not record.
 */
export class PipelinesMonitoring extends Construct {
  public readonly apiServerJob: ScrapeJob;
  public readonly scheduledWorkflowJob: ScrapeJob;
  public readonly alerts: readonly Alert[];

  public constructor(
    scope: Construct,
    id: string,
    monitoring: IMonitoring,
    props: PipelinesMonitoringProps,
  ) {
    super(scope, id);
    const ns = props.namespace.name;
    const ratio = props.settings?.failedRunsRatio ?? 0.2;
    const window = props.settings?.failedRunsWindow ?? '1h';
    const minRuns = props.settings?.minFinishedRuns ?? 5;
    this.apiServerJob = monitoring.scrape(this, {
      id: KFP_METRICS_JOBS.apiServer,
      namespace: props.namespace,
      podLabels: KFP_LABELS.selector('api-server'),
      port: { name: 'http', number: KFP_PORTS.apiHttp },
      meshed: { workload: props.apiServer.deployment },
      description: 'Kubeflow Pipelines API server: requests per API, runs, reported run results',
    });
    this.scheduledWorkflowJob = monitoring.scrape(this, {
      id: KFP_METRICS_JOBS.scheduledWorkflow,
      namespace: props.namespace,
      podLabels: KFP_LABELS.selector('scheduled-workflow'),
      port: { name: 'http', number: KFP_PORTS.scheduledWorkflowMetrics },
      meshed: { workload: props.scheduledWorkflow.deployment },
      description: 'Kubeflow Pipelines scheduled workflow controller: queue and throughput',
    });

    const A = KFP_NAMES.apiServer;
    const S = KFP_NAMES.scheduledWorkflow;
    const P = KFP_NAMES.persistenceAgent;
    const argo = `job="${props.argoJob.job}",namespace="${ns}"`;
    const api = `job="${this.apiServerJob.job}",namespace="${ns}"`;
    const finished = `phase=~"${ARGO_FINISHED_PHASES.join('|')}"`;
    const failed = `phase=~"Failed|Error"`;
    const M = KFP_METRICS;
    const W = ARGO_WORKFLOWS_METRICS.workflowPhases;
    const down = (job: ScrapeJob) => job.down;
    const newSeries = (metric: string) =>
      `count(${metric}{${api}} unless ${metric}{${api}} offset ${window})`;
    const percent = Math.round(ratio * 1000) / 10;

    this.alerts = [
      {
        name: 'KubeflowPipelinesApiServerDown',
        expr: down(this.apiServerJob),
        for: '5m',
        severity: 'critical',
        summary: 'The Kubeflow Pipelines API server is down: the UI, the SDK and runs stop.',
        description:
          'For 5 minutes no ml-pipeline API server pod has answered, or its sidecar could not read the server metrics. Users cannot list, create or start pipelines and runs; the persistence agent cannot record finished runs and scheduled runs are not created.',
        runbook: `Look at the pods: \`kubectl -n ${ns} get deploy ${A.deployment}\`, \`kubectl -n ${ns} describe pod -l app.kubernetes.io/component=api-server\`, logs \`kubectl -n ${ns} logs deploy/${A.deployment} -c ${A.container}\`. At start the API server connects to the database (\`mysql\`, errors name the DB host) and to the object store, then migrates its schema: a database that is down or refuses the user keeps it in a crash loop (see DatabaseDown). If the pod runs and answers \`kubectl -n ${ns} exec deploy/${A.deployment} -c ${A.container} -- wget -qO- localhost:${KFP_PORTS.apiHttp}/apis/v2beta1/healthz\`, the scrape itself fails: check the sidecar (\`istio-proxy\` container ready) and the pod's prometheus.io annotations.`,
        metrics: [...this.apiServerJob.downMetrics],
      },
      {
        name: 'KubeflowPipelinesScheduledWorkflowDown',
        expr: down(this.scheduledWorkflowJob),
        for: '10m',
        severity: 'warning',
        summary: 'The scheduled workflow controller is down: recurring runs are not started.',
        description:
          'For 10 minutes no ml-pipeline-scheduledworkflow pod has answered, or its sidecar could not read the controller metrics. Recurring runs (ScheduledWorkflows) do not start new runs until it is back; missed runs start only when the recurring run allows catch-up.',
        runbook: `\`kubectl -n ${ns} get deploy ${S.deployment}\`, \`kubectl -n ${ns} logs deploy/${S.deployment} -c ${S.container}\`. It exits when it cannot reach the API server for a minute at start: check KubeflowPipelinesApiServerDown first. Its metrics server starts only after it connected, so a pod that is Running but not Ready is still waiting for \`ml-pipeline\`.`,
        metrics: [...this.scheduledWorkflowJob.downMetrics],
      },
      {
        name: 'KubeflowPipelinesRunsFailing',
        expr: [
          `(`,
          `  sum(increase(${W}{${argo},${failed}}[${window}]))`,
          `  / sum(increase(${W}{${argo},${finished}}[${window}]))`,
          `) > ${ratio}`,
          `and on() sum(increase(${W}{${argo},${finished}}[${window}])) >= ${minRuns}`,
        ].join('\n'),
        for: '15m',
        severity: 'warning',
        summary: `{{ $value | humanizePercentage }} of the pipeline runs that finished in the last ${window} failed (threshold ${percent}%).`,
        description: `More than ${percent}% of the Argo workflows (Kubeflow Pipelines runs) that finished in the last ${window} ended Failed or Error, with at least ${minRuns} finished. One team's broken pipeline can cause this; many failing across namespaces points at the platform: the object store, the ML Metadata service, image pulls or node capacity.`,
        runbook: `Find where they fail: \`sum by (namespace) (increase(${W}{${argo},${failed}}[${window}]))\` in Prometheus, then \`kubectl -n <namespace> get workflows --sort-by=.status.finishedAt\` and \`kubectl -n <namespace> get workflow <name> -o jsonpath='{.status.message}'\`. Failures in one namespace: tell its team (the run's page in the UI shows the failed step's log). In many namespaces: look at the failed steps' pods (\`kubectl -n <namespace> describe pod <step pod>\`) for ImagePullBackOff or OOMKilled, the launcher's log for object-store or \`metadata-grpc-service\` errors, and \`kubectl -n ${ns} logs deploy/metadata-grpc-deployment\`. The threshold is \`pipelines.monitoring.failedRunsRatio\` and the window \`pipelines.monitoring.failedRunsWindow\`.`,
        metrics: [W],
      },
      {
        name: 'KubeflowPipelinesRunsNotRecorded',
        expr: [
          `sum(increase(${W}{${argo},${finished}}[${window}])) >= 1`,
          `unless on() (${newSeries(M.runsSucceeded)} or ${newSeries(M.runsFailed)})`,
        ].join('\n'),
        for: '30m',
        severity: 'warning',
        summary: `Pipeline runs finished in the last ${window} but the API server recorded none: the persistence agent is not reporting.`,
        description:
          'Argo finished workflows, but the API server received no final state for any of them. The persistence agent (which serves no metrics itself) reports each workflow to the API server; while it is down or cannot authenticate, runs stay "Running" in the UI, their outputs and metrics are not recorded, and finished workflows are not garbage-collected.',
        runbook: `\`kubectl -n ${ns} get deploy ${P.deployment}\`, \`kubectl -n ${ns} logs deploy/${P.deployment} -c ${P.container}\`. Errors calling \`ml-pipeline\` point at the API server (KubeflowPipelinesApiServerDown) or at its token: the agent sends a projected token for the API server's audience, and the API server authorizes it with a SubjectAccessReview for the \`report\` verb on \`workflows.pipelines.kubeflow.org\` (check \`kubectl auth can-i report workflows.pipelines.kubeflow.org --as=system:serviceaccount:${ns}:${P.serviceAccount}\`). Restarting the agent (\`kubectl -n ${ns} rollout restart deploy/${P.deployment}\`) makes it resync every workflow, which records the missed runs.`,
        metrics: [W, M.runsSucceeded, M.runsFailed],
      },
    ];
    monitoring.addAlerts(this, {
      id: 'kubeflow-pipelines',
      namespace: ns,
      component: 'kubeflow-pipelines',
      alerts: this.alerts,
    });
  }
}
