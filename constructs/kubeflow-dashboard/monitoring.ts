import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Alert, IMonitoring, ScrapeJob } from '../core/monitoring';
import { INamespace } from '../core/network';
import { KUBEFLOW_DASHBOARD_NAMES as NAMES, KUBEFLOW_DASHBOARD_PORTS as PORTS } from './names';

/**
 * Series of kubeflow/dashboard v2.0.0 that the alerts read.
 * - The central dashboard (`components/centraldashboard/app/metrics.ts`, prom-client, served on
 *   `/prometheus/metrics` of its 8082 port when `COLLECT_METRICS` is `true`): the gauge
 *   `app_info` (1 from start-up on) and the counter `rest_http_request_total` by `method` and
 *   `status`.
 * - The profile controller and KFAM (`components/profile-controller/controllers/monitoring.go`,
 *   `components/access-management/kfam/monitoring.go`): the counters `service_heartbeat` (counted
 *   up every 10 s while the process lives), `request_kf` and `request_kf_failure`; KFAM serves
 *   them on `/metrics` of its API port (`kfam/routers.go`), the controller on controller-runtime's
 *   metrics address.
 * - controller-runtime v0.12.1 (the profile controller's `go.mod`): the counter
 *   `controller_runtime_reconcile_errors_total` by `controller` (`profile`, the lower-cased kind
 *   its builder names it after).
 */
export const DASHBOARD_METRICS = {
  appInfo: 'app_info',
  httpRequests: 'rest_http_request_total',
  heartbeat: 'service_heartbeat',
  requests: 'request_kf',
  requestFailures: 'request_kf_failure',
  reconcileErrors: 'controller_runtime_reconcile_errors_total',
} as const;

/** Where the central dashboard serves its metrics (`enableMetricsCollection` in `app/metrics.ts`). */
export const DASHBOARD_METRICS_PATH = '/prometheus/metrics';

/** Share of the dashboard's responses that may be 5xx before `KubeflowDashboardErrorsHigh` (5 %). */
export const DASHBOARD_5XX_RATIO = 0.05;

/** Share of KFAM's requests that may fail before `KubeflowAccessManagementErrorsHigh` (10 %). */
export const KFAM_FAILURE_RATIO = 0.1;

/** Scrape target ids (the `job` label) of the component's parts. */
export const DASHBOARD_SCRAPE_IDS = {
  dashboard: 'kubeflow-dashboard',
  profileController: 'kubeflow-profile-controller',
  accessManagement: 'kubeflow-access-management',
} as const;

/** A meshed workload of the component whose metrics the sidecar merges. @internal */
export interface MonitoredDashboardPart {
  readonly deployment: ApiObject;
  readonly podLabels: Readonly<Record<string, string>>;
}

/** @internal */
export interface DashboardMonitoringOptions {
  readonly monitoring: IMonitoring;
  readonly namespace: INamespace;
  readonly dashboard: MonitoredDashboardPart;
  readonly profileController: MonitoredDashboardPart;
  readonly accessManagement: MonitoredDashboardPart;
}

/**
 * Scrapes the three parts of the component and adds their alerts. All three pods carry a
 * sidecar (the `kubeflow` namespace is meshed; none excludes 15020 or turns merging off), so
 * Prometheus reads them through the sidecar's merged endpoint. That endpoint still answers while
 * the application itself is down, so "down" is the absence of a series only the application
 * exports (`app_info`, `service_heartbeat`), not `up`.
 * @internal
 */
export function addDashboardMonitoring(scope: Construct, opts: DashboardMonitoringOptions): void {
  const { monitoring, namespace } = opts;
  const ns = namespace.name;
  const M = DASHBOARD_METRICS;
  const scrape = (
    id: string,
    part: MonitoredDashboardPart,
    port: { name: string; number: number },
    description: string,
    path?: string,
  ): ScrapeJob =>
    monitoring.scrape(scope, {
      id,
      namespace,
      podLabels: part.podLabels,
      port,
      ...(path ? { path } : {}),
      meshed: { workload: part.deployment },
      description,
    });
  const dashboard = scrape(
    DASHBOARD_SCRAPE_IDS.dashboard,
    opts.dashboard,
    { name: 'http', number: PORTS.dashboard },
    'the central dashboard: HTTP requests by method and status, Node.js process',
    DASHBOARD_METRICS_PATH,
  );
  const controller = scrape(
    DASHBOARD_SCRAPE_IDS.profileController,
    opts.profileController,
    { name: 'http-metrics', number: PORTS.profileControllerMetrics },
    'the profile controller: reconciles, work queue, heartbeat and failed steps',
  );
  const kfam = scrape(
    DASHBOARD_SCRAPE_IDS.accessManagement,
    opts.accessManagement,
    { name: 'http-kfam', number: PORTS.kfam },
    'KFAM: contributor requests and failures, heartbeat',
  );

  const pods = (labels: Readonly<Record<string, string>>) =>
    Object.entries(labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
  const logs = (deployment: string, container: string) =>
    `\`kubectl -n ${ns} logs deploy/${deployment} -c ${container}\``;
  const sidecar = (deployment: string) =>
    `If the pod is Running and Ready, the sidecar may not reach the app: \`kubectl -n ${ns} logs deploy/${deployment} -c istio-proxy\` and the pod's prometheus.io annotations.`;
  const dashboardLogs = logs(NAMES.dashboard, 'dashboard');
  const controllerLogs = logs(NAMES.profileController, 'manager');
  const kfamLogs = logs(NAMES.kfam, 'access-management');
  const dashboardPercent = Math.round(DASHBOARD_5XX_RATIO * 100);
  const kfamPercent = Math.round(KFAM_FAILURE_RATIO * 100);
  const requests = (selector: string, extra = '') =>
    `sum(rate(${M.httpRequests}{${selector}${extra}}[5m]))`;
  const kfamRate = (metric: string) => `sum(rate(${metric}{${kfam.selector}}[10m]))`;

  const alerts: Alert[] = [
    {
      name: 'KubeflowDashboardDown',
      expr: `(count(${M.appInfo}{${dashboard.selector}}) or vector(0)) == 0`,
      for: '5m',
      severity: 'critical',
      summary: 'The Kubeflow central dashboard is down: users cannot open the platform.',
      description:
        'No dashboard pod reports its own metrics. The gateway route `/` has no backend: ' +
        'users get errors on the home page and lose the menu to notebooks, pipelines and ' +
        'models (the apps themselves still answer on their own paths).',
      runbook:
        `\`kubectl -n ${ns} get deploy ${NAMES.dashboard}\` and \`kubectl -n ${ns} describe pod ` +
        `-l ${pods(opts.dashboard.podLabels)}\` show the pods' state; ${dashboardLogs} names a ` +
        `start-up error (ConfigMap ${NAMES.dashboardConfig} with invalid JSON in \`links\` or ` +
        '`settings`, no access to the API server). The Node server writes to its home ' +
        'directory: an out-of-memory kill shows as `OOMKilled` in the pod description; raise ' +
        `kubeflow.dashboard resources. ${sidecar(NAMES.dashboard)}`,
      metrics: [M.appInfo],
    },
    {
      name: 'KubeflowDashboardErrorsHigh',
      expr:
        `${requests(dashboard.selector, ',status=~"5.."')} / ` +
        `${requests(dashboard.selector)} > ${DASHBOARD_5XX_RATIO}`,
      for: '10m',
      severity: 'warning',
      summary: `More than ${dashboardPercent} % of the dashboard's responses are server errors.`,
      description:
        'The dashboard answers, but its API fails: namespace lists, contributors or ' +
        'activities do not load. It mostly relays KFAM and the API server, so their failures ' +
        'show here.',
      runbook:
        `Which path fails: \`sum by (path, status) (rate(rest_http_request_duration_seconds_count{job="${dashboard.job}",status=~"5.."}[5m]))\`. ` +
        `${dashboardLogs} shows the failed call. Errors on /api/workgroup point at KFAM: ` +
        `\`kubectl -n ${ns} get pods -l ${pods(opts.accessManagement.podLabels)}\` and ${kfamLogs}. ` +
        `Forbidden answers from the API server point at the dashboard's RBAC: \`kubectl auth can-i ` +
        `list namespaces --as=system:serviceaccount:${ns}:${NAMES.dashboard}\`.`,
      metrics: [M.httpRequests],
    },
    {
      name: 'KubeflowProfileControllerDown',
      expr: `(count(${M.heartbeat}{${controller.selector}}) or vector(0)) == 0`,
      for: '10m',
      severity: 'warning',
      summary: 'The Kubeflow profile controller is down: new profiles get no namespace.',
      description:
        'No profile controller pod reports its heartbeat. New profiles are not turned into ' +
        'namespaces, changed owners, quotas or namespace labels are not applied, and deleted ' +
        'profiles keep their namespaces. Existing namespaces keep working.',
      runbook:
        `\`kubectl -n ${ns} get deploy ${NAMES.profileController}\`, \`kubectl -n ${ns} describe pod ` +
        `-l ${pods(opts.profileController.podLabels)}\`, ${controllerLogs}. A crash at start ` +
        'usually names a missing CRD (`kubectl get crd profiles.kubeflow.org ' +
        'authorizationpolicies.security.istio.io`) or a missing right: `kubectl auth can-i ' +
        `create namespaces --as=system:serviceaccount:${ns}:${NAMES.profileControllerServiceAccount}\`. ` +
        `An unreadable ConfigMap ${NAMES.namespaceLabels} also stops it. ${sidecar(NAMES.profileController)}`,
      metrics: [M.heartbeat],
    },
    {
      name: 'KubeflowProfileControllerReconcileErrors',
      expr: `sum(increase(${M.reconcileErrors}{${controller.selector},controller="profile"}[30m])) > 0`,
      for: '30m',
      severity: 'warning',
      summary: 'The profile controller has failed to reconcile profiles for 30 minutes.',
      description:
        "At least one Profile keeps failing: its namespace, its owner's RoleBinding, its " +
        'AuthorizationPolicy or its ResourceQuota is missing or out of date, so its users may ' +
        'be locked out or unlimited.',
      runbook:
        `${controllerLogs} | grep -i error names the profile and the step (\`error creating ` +
        'namespace`, `error updating Istio AuthorizationPolicy permission`, `error updating ' +
        'resource quota` ...). `kubectl get profiles` and `kubectl describe profile <name>`. ' +
        'Frequent causes: a namespace of that name already exists without the profile as ' +
        'owner (the controller refuses to take it over: rename the profile or remove the ' +
        'namespace), an invalid `resourceQuotaSpec`, a right missing from ClusterRole ' +
        `${NAMES.profileControllerClusterRole}.`,
      metrics: [M.reconcileErrors],
    },
    {
      name: 'KubeflowAccessManagementDown',
      expr: `(count(${M.heartbeat}{${kfam.selector}}) or vector(0)) == 0`,
      for: '5m',
      severity: 'critical',
      summary: 'KFAM is down: the dashboard cannot list users’ namespaces.',
      description:
        'No KFAM pod reports its heartbeat. The dashboard reads from KFAM which namespaces a ' +
        'user may use: users see no namespace (and are sent to registration), and owners ' +
        'cannot add or remove contributors.',
      runbook:
        `\`kubectl -n ${ns} get deploy ${NAMES.kfam}\`, \`kubectl -n ${ns} describe pod -l ` +
        `${pods(opts.accessManagement.podLabels)}\`, ${kfamLogs}. KFAM reads ConfigMap ` +
        `${NAMES.profilesConfig} at start: \`kubectl -n ${ns} get configmap ${NAMES.profilesConfig} ` +
        `-o yaml\`. Rights: \`kubectl auth can-i list rolebindings -A ` +
        `--as=system:serviceaccount:${ns}:${NAMES.kfam}\`. ${sidecar(NAMES.kfam)}`,
      metrics: [M.heartbeat],
    },
    {
      name: 'KubeflowAccessManagementErrorsHigh',
      expr:
        `${kfamRate(M.requestFailures)} / ` +
        `(${kfamRate(M.requests)} + ${kfamRate(M.requestFailures)}) > ${KFAM_FAILURE_RATIO}`,
      for: '15m',
      severity: 'warning',
      summary: `More than ${kfamPercent} % of KFAM's requests fail.`,
      description:
        'Listing or changing contributors fails: the dashboard shows users too few namespaces ' +
        'or cannot share one.',
      runbook:
        `Which action fails: \`sum by (action, kind) (rate(request_kf_failure{job="${kfam.job}"}[10m]))\` ` +
        `(\`kind\` holds the start of the error). ${kfamLogs} logs each failure. Errors from the ` +
        `API server (forbidden) point at ClusterRole ${NAMES.kfam}: \`kubectl auth can-i ` +
        `create rolebindings -n <namespace> --as=system:serviceaccount:${ns}:${NAMES.kfam}\`. ` +
        'KFAM lists the RoleBindings of a profile namespace by their `user` and `role` ' +
        'annotations: `kubectl get rolebindings -n <namespace> -o yaml` shows a binding ' +
        'edited by hand that lost them.',
      metrics: [M.requests, M.requestFailures],
    },
  ];
  monitoring.addAlerts(scope, {
    id: 'kubeflow-dashboard',
    namespace: ns,
    component: 'kubeflow-dashboard',
    alerts,
  });
}
