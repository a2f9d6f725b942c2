import { ApiObject, Testing } from 'cdk8s';
import { PodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { Alert, AlertGroup, Dashboard, ScrapeTarget } from '../../../constructs/core/monitoring';
import { MonitoringRegistry, PlatformMonitoring } from '../../../constructs/monitoring/monitoring';
import { FakeNamespace } from '../../fakes';
import { findObject, objectsOfKind, testChart } from '../../helpers';
import {
  GRAFANA_DASHBOARD_LABEL,
  ISTIO_ENVOY_PROM_PORT,
  ISTIO_MERGED,
  KUBE_PROMETHEUS_STACK_MONITOR_LABELS,
  PROMETHEUS_POD_LABELS,
  SIDECAR_FOLDER_ANNOTATION,
} from './facts';

function target(ns: FakeNamespace, over: Partial<ScrapeTarget> = {}): ScrapeTarget {
  return {
    id: 'ml-pipeline',
    namespace: ns,
    podLabels: { app: 'ml-pipeline' },
    port: { name: 'metrics', number: 8888 },
    description: 'the Pipelines API server',
    ...over,
  };
}

const ALERT: Alert = {
  name: 'ExampleDown',
  expr: '(sum(up{job="ml-pipeline"}) or vector(0)) == 0',
  for: '5m',
  severity: 'critical',
  summary: 'Example is down',
  description: 'It is down.',
  runbook: 'Run `kubectl -n kubeflow get pods`.',
  metrics: ['up'],
};

describe('PlatformMonitoring', () => {
  test('defaults: the Prometheus pods and kube-prometheus-stack labels', () => {
    const { chart } = testChart();
    const m = new PlatformMonitoring(chart, 'Monitoring');
    expect(m.prometheusNamespace).toBe('monitoring');
    expect(m.grafanaNamespace).toBe('monitoring');
    expect(m.runbookUrl).toBeUndefined();
    expect(m.prometheusPeer.toPeer()).toEqual({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
      podSelector: { matchLabels: PROMETHEUS_POD_LABELS },
    });
  });

  test('an unmeshed target: a PodMonitor on the metrics port and an allow from Prometheus', () => {
    const { chart, synth } = testChart();
    const m = new PlatformMonitoring(chart, 'Monitoring');
    const ns = new FakeNamespace('kubeflow');
    const job = m.scrape(chart, target(ns));
    expect(job).toEqual({
      job: 'ml-pipeline',
      selector: 'job="ml-pipeline",namespace="kubeflow"',
      down: '(sum(up{job="ml-pipeline",namespace="kubeflow"}) or vector(0)) == 0',
      downMetrics: ['up'],
    });
    const pm = findObject(synth(), 'PodMonitor', 'kubeflow', 'ml-pipeline');
    expect(() => new PodMonitor(pm as never).validate()).not.toThrow();
    expect(pm.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(pm.metadata.labels).toMatchObject({
      ...KUBE_PROMETHEUS_STACK_MONITOR_LABELS,
      'app.kubernetes.io/part-of': 'mlops-platform',
      'app.kubernetes.io/managed-by': 'mlops-blueprint',
    });
    expect(pm.spec.selector).toEqual({ matchLabels: { app: 'ml-pipeline' } });
    const [ep] = pm.spec.podMetricsEndpoints;
    expect(ep).toMatchObject({
      port: 'metrics',
      path: '/metrics',
      scheme: 'http',
      interval: '30s',
    });
    expect(ep.tlsConfig).toBeUndefined();
    expect(ep.authorization).toBeUndefined();
    expect(ep.relabelings).toContainEqual({
      action: 'replace',
      targetLabel: 'job',
      replacement: 'ml-pipeline',
    });
    expect(ep.relabelings).toContainEqual({
      action: 'replace',
      sourceLabels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'],
      regex: '(.+)',
      targetLabel: 'app',
    });
    expect(ns.allows).toHaveLength(1);
    expect(ns.allows[0].id).toBe('prometheus-ml-pipeline');
    expect(ns.allows[0].allow.ports).toEqual([{ port: 8888 }]);
    expect(ns.allows[0].allow.podLabels).toEqual({ app: 'ml-pipeline' });
    expect(ns.allows[0].allow.from).toEqual([m.prometheusPeer]);
  });

  test('a meshed target: the merged port, the address moved to 15020, the pod annotations', () => {
    const { chart, synth } = testChart();
    const m = new PlatformMonitoring(chart, 'Monitoring');
    const ns = new FakeNamespace('kubeflow');
    const workload = new ApiObject(chart, 'Deployment', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'ml-pipeline', namespace: 'kubeflow' },
      spec: { template: { metadata: { annotations: {} }, spec: { containers: [] } } },
    });
    const job = m.scrape(chart, target(ns, { meshed: { workload }, path: '/stats' }));
    // The sidecar agent answers for a dead app: down also when it fails to read the app.
    expect(job.down).toBe(
      '(sum(up{job="ml-pipeline",namespace="kubeflow"}) or vector(0)) == 0 or sum(rate(istio_agent_scrape_failures_total{job="ml-pipeline",namespace="kubeflow",type="application"}[5m])) > 0',
    );
    expect(job.downMetrics).toEqual(['up', 'istio_agent_scrape_failures_total']);
    const objects = synth();
    const pm = findObject(objects, 'PodMonitor', 'kubeflow', 'ml-pipeline');
    expect(() => new PodMonitor(pm as never).validate()).not.toThrow();
    const [ep] = pm.spec.podMetricsEndpoints;
    expect(ep.port).toBe(ISTIO_ENVOY_PROM_PORT.name);
    expect(ep.path).toBe(ISTIO_MERGED.path);
    const address = (
      ep.relabelings as { targetLabel: string; regex: string; replacement: string }[]
    ).filter((r) => r.targetLabel === '__address__');
    const apply = (ip: string) => {
      let out = '';
      for (const r of address) {
        const match = new RegExp(`^(?:${r.regex})$`).exec(ip);
        if (match) out = r.replacement.replace('$1', match[1]);
      }
      return out;
    };
    expect(apply('10.1.2.3')).toBe('10.1.2.3:15020');
    expect(apply('fd00::1')).toBe('[fd00::1]:15020');
    expect(ns.allows[0].allow.ports).toEqual([{ port: ISTIO_MERGED.port }]);
    const deployment = findObject(objects, 'Deployment', 'kubeflow', 'ml-pipeline');
    expect(deployment.spec.template.metadata.annotations).toEqual({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': '8888',
      'prometheus.io/path': '/stats',
    });
  });

  test('secure metrics: https, TLS reason, and a token of a scraper that may only read the path', () => {
    const { chart, synth } = testChart();
    const m = new PlatformMonitoring(chart, 'Monitoring', {
      prometheus: { monitorLabels: { prometheus: 'main' }, interval: '1m' },
    });
    const ns = new FakeNamespace('kubeflow');
    m.scrape(
      chart,
      target(ns, {
        id: 'profiles',
        port: { name: 'https', number: 8443 },
        scheme: 'https',
        bearerToken: true,
        insecureTlsReason: 'controller-runtime serves a self-signed certificate',
      }),
    );
    const objects = synth();
    const pm = findObject(objects, 'PodMonitor', 'kubeflow', 'profiles');
    expect(() => new PodMonitor(pm as never).validate()).not.toThrow();
    expect(pm.metadata.labels?.prometheus).toBe('main');
    expect(pm.metadata.labels?.release).toBeUndefined();
    expect(pm.metadata.annotations?.['mlops-blueprint.dev/insecure-tls-reason']).toBe(
      'controller-runtime serves a self-signed certificate',
    );
    const [ep] = pm.spec.podMetricsEndpoints;
    expect(ep).toMatchObject({
      scheme: 'https',
      interval: '1m',
      tlsConfig: { insecureSkipVerify: true },
      authorization: {
        type: 'Bearer',
        credentials: { name: 'profiles-metrics-scraper-token', key: 'token' },
      },
    });
    const secret = findObject(objects, 'Secret', 'kubeflow', 'profiles-metrics-scraper-token');
    expect(secret.type).toBe('kubernetes.io/service-account-token');
    expect(secret.metadata.annotations?.['kubernetes.io/service-account.name']).toBe(
      'profiles-metrics-scraper',
    );
    const role = findObject(objects, 'ClusterRole', undefined, 'profiles-metrics-reader');
    expect(role.rules).toEqual([{ nonResourceURLs: ['/metrics'], verbs: ['get'] }]);
    const binding = findObject(objects, 'ClusterRoleBinding', undefined, 'profiles-metrics-reader');
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'profiles-metrics-scraper', namespace: 'kubeflow' },
    ]);
  });

  test('refuses a taken id, a TLS reason on HTTP and a meshed target with a token', () => {
    const { chart } = testChart();
    const m = new PlatformMonitoring(chart, 'Monitoring');
    const ns = new FakeNamespace('kubeflow');
    m.scrape(chart, target(ns));
    expect(() => m.scrape(chart, target(new FakeNamespace('other')))).toThrow(
      'Scrape target ml-pipeline: `id` is taken by another scrape target (in namespace kubeflow) (got "ml-pipeline"). Give each target an id unique on the platform: it is the job label of its series.',
    );
    expect(() =>
      m.scrape(chart, target(ns, { id: 'x', insecureTlsReason: 'self-signed' })),
    ).toThrow('`insecureTlsReason` is given for a plain HTTP endpoint');
    const workload = new ApiObject(chart, 'W', { apiVersion: 'apps/v1', kind: 'Deployment' });
    expect(() =>
      m.scrape(chart, target(ns, { id: 'y', meshed: { workload }, bearerToken: true })),
    ).toThrow('`meshed` is read through the sidecar agent');
    const tls = { caSecret: { name: 'c', key: 'ca.crt' }, serverName: 's.kubeflow.svc' };
    expect(() => m.scrape(chart, target(ns, { id: 'z', tls }))).toThrow(
      '`tls` is given for a plain HTTP endpoint',
    );
    expect(() =>
      m.scrape(chart, target(ns, { id: 'w', scheme: 'https', tls, insecureTlsReason: 'r' })),
    ).toThrow('`tls` verifies the certificate that insecureTlsReason says cannot be verified');
  });

  test('alerts: one PrometheusRule per group with severity and runbook_url', () => {
    const { chart, synth } = testChart();
    const m = new PlatformMonitoring(chart, 'Monitoring', {
      runbookUrl: 'https://docs.example.com/runbooks',
    });
    const group: AlertGroup = {
      id: 'kubeflow-pipelines',
      namespace: 'kubeflow',
      component: 'kubeflow-pipelines',
      alerts: [{ ...ALERT, labels: { team: 'ml' } }],
    };
    m.addAlerts(chart, group);
    const rule = findObject(synth(), 'PrometheusRule', 'kubeflow', 'kubeflow-pipelines');
    expect(() => new PrometheusRule(rule as never).validate()).not.toThrow();
    expect(rule.metadata.labels?.release).toBe('kube-prometheus-stack');
    expect(rule.spec.groups).toEqual([
      {
        name: 'kubeflow-pipelines',
        rules: [
          {
            alert: 'ExampleDown',
            expr: ALERT.expr,
            for: '5m',
            labels: { team: 'ml', severity: 'critical' },
            annotations: {
              summary: 'Example is down',
              description: 'It is down.',
              runbook_url: 'https://docs.example.com/runbooks#exampledown',
            },
          },
        ],
      },
    ]);
    expect(MonitoringRegistry.of(chart).alertGroups()).toEqual([group]);
  });

  test('alerts: names are PascalCase and unique on the platform', () => {
    const { chart, synth } = testChart();
    const m = new PlatformMonitoring(chart, 'Monitoring');
    expect(() =>
      m.addAlerts(chart, {
        id: 'a',
        namespace: 'kubeflow',
        component: 'a',
        alerts: [{ ...ALERT, name: 'example-down' }],
      }),
    ).toThrow('`alerts[0].name` is not PascalCase (got "example-down")');
    m.addAlerts(chart, { id: 'a', namespace: 'kubeflow', component: 'a', alerts: [ALERT] });
    m.addAlerts(chart, { id: 'b', namespace: 'kubeflow', component: 'b', alerts: [ALERT] });
    expect(() => synth()).toThrow('alert names are taken by another group (got ExampleDown)');
  });

  test('dashboards: a ConfigMap in the Grafana namespace the sidecar loads', () => {
    const { chart, synth } = testChart();
    const m = new PlatformMonitoring(chart, 'Monitoring', {
      grafana: { namespace: 'grafana', folder: 'ML' },
    });
    const dashboard: Dashboard = {
      uid: 'mlops-example',
      title: 'Example',
      description: 'An example',
      variables: [{ name: 'namespace', label: 'namespace', query: 'up', multi: true }],
      rows: [
        {
          title: 'Targets',
          panels: [
            { title: 'Up', queries: [{ expr: 'sum by (job) (up{namespace=~"$namespace"})' }] },
            { title: 'Up 2', type: 'stat', queries: [{ expr: 'count(up)' }] },
            { title: 'Up 3', queries: [{ expr: 'count(up)' }] },
          ],
        },
      ],
      metrics: ['up'],
    };
    m.addDashboard(chart, dashboard);
    expect(() => m.addDashboard(chart, dashboard)).toThrow(
      'Dashboard mlops-example: `uid` is taken by another dashboard (got "mlops-example").',
    );
    const cm = findObject(synth(), 'ConfigMap', 'grafana', 'mlops-example');
    expect(cm.metadata.labels).toMatchObject(GRAFANA_DASHBOARD_LABEL);
    expect(cm.metadata.annotations).toEqual({ [SIDECAR_FOLDER_ANNOTATION]: 'ML' });
    const json = JSON.parse(cm.data['mlops-example.json'] as string);
    expect(json.uid).toBe('mlops-example');
    expect(json.schemaVersion).toBe(39);
    expect(
      json.templating.list.map((v: { name: string; type: string }) => [v.name, v.type]),
    ).toEqual([
      ['datasource', 'datasource'],
      ['namespace', 'query'],
    ]);
    expect(json.panels.map((p: { gridPos: unknown }) => p.gridPos)).toEqual([
      { h: 1, w: 24, x: 0, y: 0 },
      { h: 8, w: 12, x: 0, y: 1 },
      { h: 8, w: 12, x: 12, y: 1 },
      { h: 8, w: 12, x: 0, y: 9 },
    ]);
    expect(json.panels[1].targets[0].datasource).toEqual({
      type: 'prometheus',
      uid: '${datasource}',
    });
    // Same dashboard, same bytes.
    const again = testChart();
    new PlatformMonitoring(again.chart, 'Monitoring', {
      grafana: { namespace: 'grafana', folder: 'ML' },
    }).addDashboard(again.chart, dashboard);
    expect(findObject(again.synth(), 'ConfigMap', 'grafana', 'mlops-example').data).toEqual(
      cm.data,
    );
  });

  test('nothing is written until asked', () => {
    const { chart } = testChart();
    new PlatformMonitoring(chart, 'Monitoring');
    expect(Testing.synth(chart)).toEqual([]);
    expect(objectsOfKind([], 'PodMonitor')).toEqual([]);
  });
});
