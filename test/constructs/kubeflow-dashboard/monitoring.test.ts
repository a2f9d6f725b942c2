import { Manifest } from '../../helpers';
import { FakeMonitoring } from '../../fakes';
import { metricNames } from '../../promql';
import { NS, build, containerOf } from './helpers';
import {
  DASHBOARD_EXPORTED_METRICS,
  DASHBOARD_METRICS_FACTS as F,
  KFAM_EXPORTED_METRICS,
  PROFILE_CONTROLLER_EXPORTED_METRICS,
} from './monitoring-facts';

const monitoring = new FakeMonitoring();
const objects = build({ monitoring }).objects();
const target = (id: string) => {
  const t = monitoring.targets.find((x) => x.id === id);
  if (!t) throw new Error(`no target ${id}`);
  return t;
};

/** Each scrape target, the Deployment it reads and what that part exports. */
const PARTS = [
  {
    id: 'kubeflow-dashboard',
    deployment: 'dashboard',
    port: { name: 'http', number: F.dashboard.port },
    path: F.dashboard.path,
    exported: DASHBOARD_EXPORTED_METRICS,
    alerts: ['KubeflowDashboardDown', 'KubeflowDashboardErrorsHigh'],
  },
  {
    id: 'kubeflow-profile-controller',
    deployment: 'profiles-deployment',
    port: { name: 'http-metrics', number: F.profileController.defaultPort },
    path: undefined,
    exported: PROFILE_CONTROLLER_EXPORTED_METRICS,
    alerts: ['KubeflowProfileControllerDown', 'KubeflowProfileControllerReconcileErrors'],
  },
  {
    id: 'kubeflow-access-management',
    deployment: 'profiles-kfam',
    port: { name: 'http-kfam', number: F.kfam.port },
    path: undefined,
    exported: KFAM_EXPORTED_METRICS,
    alerts: ['KubeflowAccessManagementDown', 'KubeflowAccessManagementErrorsHigh'],
  },
] as const;

describe('kubeflow-dashboard monitoring', () => {
  test('the dashboard, the profile controller and KFAM are scraped through their sidecars', () => {
    expect(monitoring.targets.map((t) => t.id)).toEqual(PARTS.map((p) => p.id));
    for (const p of PARTS) {
      const t = target(p.id);
      expect(t.namespace.name).toBe(NS);
      expect(t.port).toEqual(p.port);
      expect(t.path).toBe(p.path);
      expect(t.scheme ?? 'http').toBe('http');
      expect(t.bearerToken).toBeUndefined();
      expect(t.meshed?.workload.kind).toBe('Deployment');
      expect(t.meshed?.workload.metadata.name).toBe(p.deployment);
      const d = objects.find('Deployment', NS, p.deployment);
      expect(d.spec.selector.matchLabels).toEqual(t.podLabels);
      const tpl = d.spec.template;
      // metrics merging needs an annotations object and a sidecar that merges
      expect(tpl.metadata.annotations).toBeDefined();
      expect(tpl.metadata.labels['sidecar.istio.io/inject']).not.toBe('false');
      expect(tpl.metadata.annotations['prometheus.istio.io/merge-metrics']).toBeUndefined();
      expect(tpl.metadata.annotations['traffic.sidecar.istio.io/excludeInboundPorts']).toBe(
        undefined,
      );
      expect(containerOf(objects, p.deployment).ports).toContainEqual(
        expect.objectContaining({ name: p.port.name, containerPort: p.port.number }),
      );
    }
  });

  test('other scrape targets do not select these pods', () => {
    const deployments = PARTS.map((p) => objects.find('Deployment', NS, p.deployment));
    for (const p of PARTS) {
      const selector = target(p.id).podLabels;
      const selected = deployments.filter((d) =>
        Object.entries(selector).every(([k, v]) => d.spec.template.metadata.labels[k] === v),
      );
      expect(selected.map((d) => d.metadata.name)).toEqual([p.deployment]);
    }
  });

  test('the dashboard collects metrics; the profile controller binds them with monitoring', () => {
    expect(containerOf(objects, 'dashboard').env).toContainEqual(F.dashboard.collectEnv);
    const args = containerOf(objects, 'profiles-deployment').args as string[];
    expect(args).toContain(`${F.profileController.flag}=:${F.profileController.defaultPort}`);
    expect(args.filter((a) => a.startsWith(F.profileController.flag))).toHaveLength(1);
    // upstream's other flags stay
    expect(args).toEqual(expect.arrayContaining(['--leader-elect']));
  });

  test('down and error alerts per part, on metrics that part exports', () => {
    const groups = monitoring.alertGroups;
    expect(groups.map((g) => [g.id, g.namespace, g.component])).toEqual([
      ['kubeflow-dashboard', NS, 'kubeflow-dashboard'],
    ]);
    const alerts = groups.flatMap((g) => g.alerts);
    expect(alerts.map((a) => a.name)).toEqual(PARTS.flatMap((p) => [...p.alerts]));
    for (const p of PARTS) {
      const known = new Set(['up', ...Object.keys(p.exported)]);
      for (const name of p.alerts) {
        const a = monitoring.alert(name);
        if (!a) throw new Error(name);
        for (const m of a.metrics) expect(known).toContain(m);
        const read = metricNames(a.expr);
        expect(read.length).toBeGreaterThan(0);
        for (const m of read) expect(a.metrics).toContain(m);
        // every series is read from this part's job only
        expect(a.expr).toContain(`job="${p.id}",namespace="${NS}"`);
        expect(a.name).toMatch(/^Kubeflow[A-Z][A-Za-z]+$/);
        expect(a.runbook).toContain(`kubectl -n ${NS} logs deploy/${p.deployment}`);
        expect(['critical', 'warning']).toContain(a.severity);
        expect(a.for).toMatch(/^\d+m$/);
        expect(a.summary.length).toBeGreaterThan(10);
        expect(a.description.length).toBeGreaterThan(20);
      }
    }
  });

  test('down alerts read a series the application exports itself, not the merged up', () => {
    expect(monitoring.alert('KubeflowDashboardDown')?.expr).toBe(
      '(count(app_info{job="kubeflow-dashboard",namespace="kubeflow"}) or vector(0)) == 0',
    );
    expect(monitoring.alert('KubeflowProfileControllerDown')?.expr).toBe(
      '(count(service_heartbeat{job="kubeflow-profile-controller",namespace="kubeflow"}) or vector(0)) == 0',
    );
    expect(monitoring.alert('KubeflowAccessManagementDown')?.expr).toBe(
      '(count(service_heartbeat{job="kubeflow-access-management",namespace="kubeflow"}) or vector(0)) == 0',
    );
    // users are blocked without the dashboard or KFAM (no namespaces listed)
    expect(monitoring.alert('KubeflowDashboardDown')?.severity).toBe('critical');
    expect(monitoring.alert('KubeflowAccessManagementDown')?.severity).toBe('critical');
  });

  test('reconcile errors are those of the profile controller', () => {
    expect(monitoring.alert('KubeflowProfileControllerReconcileErrors')?.expr).toBe(
      `sum(increase(controller_runtime_reconcile_errors_total{job="kubeflow-profile-controller",namespace="kubeflow",controller="${F.profileController.controller}"}[30m])) > 0`,
    );
    expect(monitoring.alert('KubeflowDashboardErrorsHigh')?.expr).toContain('status=~"5.."');
  });

  test('runbooks name our objects', () => {
    const runbooks = monitoring.alertGroups.flatMap((g) => g.alerts.map((a) => a.runbook));
    const all = runbooks.join('\n');
    for (const name of [
      'dashboard-config',
      'profiles-config',
      'profiles-namespace-labels-data',
      'system:serviceaccount:kubeflow:profiles-controller-service-account',
      'system:serviceaccount:kubeflow:profiles-kfam',
    ]) {
      expect(all).toContain(name);
    }
  });
});

describe('kubeflow-dashboard without monitoring', () => {
  const plain = build().objects();
  test("upstream's flags and ports, no prometheus.io annotations", () => {
    const args = containerOf(plain, 'profiles-deployment').args as string[];
    expect(args).toContain(F.profileController.upstreamArg);
    expect(
      (containerOf(plain, 'profiles-deployment').ports as Manifest[]).map((p) => p.name),
    ).toEqual(['http']);
    for (const name of ['dashboard', 'profiles-deployment', 'profiles-kfam']) {
      const annotations = plain.find('Deployment', NS, name).spec.template.metadata.annotations;
      expect(Object.keys(annotations)).toEqual(['kubectl.kubernetes.io/default-container']);
    }
  });

  test('the same objects with monitoring only add annotations, a flag and a port', () => {
    const names = (o: typeof plain) =>
      o.all.map((x) => `${x.kind}/${x.metadata.namespace ?? ''}/${x.metadata.name}`).sort();
    expect(names(objects)).toEqual(names(plain));
  });
});
