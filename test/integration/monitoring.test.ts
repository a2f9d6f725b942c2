import { PodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { installScript } from '../../apps/cdk8s/install-script';
import { ISTIO_MERGED_METRICS_PORT } from '../../constructs/core/monitoring';
import { Obj, allObjects, objectsOfKind, podSpecs, readEnvironment, renderEnv } from '../helpers';
import { checkIntegrity } from '../integrity';

const FIXTURE = readEnvironment('test/fixtures/config/valid/monitoring.yaml');
const PROMETHEUS_NS = 'monitoring';

const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

describe('monitoring on (test/fixtures/config/valid/monitoring.yaml)', () => {
  const rendered = renderEnv(FIXTURE);
  const objects = allObjects(rendered);
  const pods = podSpecs(objects);
  const monitors = [
    ...objectsOfKind(objects, 'PodMonitor'),
    ...objectsOfKind(objects, 'ServiceMonitor'),
  ];
  const rules = objectsOfKind(objects, 'PrometheusRule');
  const policies = objectsOfKind(objects, 'NetworkPolicy');

  test('passes the integrity checks', () => {
    expect(checkIntegrity(rendered)).toEqual([]);
  });

  test('the Prometheus Operator CRDs are prerequisites that install.sh checks', () => {
    const crds = rendered.requiredCrds.map((c) => c.name);
    for (const crd of [
      'podmonitors.monitoring.coreos.com',
      'prometheusrules.monitoring.coreos.com',
    ]) {
      expect(crds).toContain(crd);
      expect(installScript(rendered)).toContain(crd);
    }
  });

  test('every monitor and rule validates against the Prometheus Operator schema', () => {
    expect(monitors.length).toBeGreaterThan(10);
    for (const m of monitors) {
      const model =
        m.kind === 'PodMonitor' ? new PodMonitor(m as never) : new ServiceMonitor(m as never);
      expect(() => model.validate()).not.toThrow();
    }
    expect(rules.length).toBeGreaterThan(5);
    for (const r of rules) expect(() => new PrometheusRule(r as never).validate()).not.toThrow();
  });

  test('every PodMonitor selects pods of a workload in its namespace, on a port they have', () => {
    const problems: string[] = [];
    for (const m of objectsOfKind(objects, 'PodMonitor')) {
      const ns = m.metadata.namespace;
      const selector = (m.spec.selector?.matchLabels ?? {}) as Record<string, string>;
      const targets = pods.filter(
        ({ owner }) =>
          owner.metadata.namespace === ns &&
          owner.kind !== 'Job' &&
          matches(selector, owner.spec?.template?.metadata?.labels),
      );
      // Model pods are created by KServe at runtime; their monitors select by its labels.
      if (targets.length === 0 && !('serving.kserve.io/inferenceservice' in selector)) {
        problems.push(`${ns}/${m.metadata.name} selects no pods`);
        continue;
      }
      for (const ep of m.spec.podMetricsEndpoints as Obj[]) {
        for (const { owner, spec } of targets) {
          const merged = owner.spec.template.metadata.annotations?.['prometheus.io/port'];
          const ports = (spec.containers as Obj[]).flatMap((c) => c.ports ?? []) as Obj[];
          if (JSON.stringify(ep.relabelings ?? []).includes(`:${ISTIO_MERGED_METRICS_PORT}`)) {
            // Metrics merging: the sidecar (injected at runtime) serves them; the app's port is
            // named in the annotation the injector reads.
            if (!merged || !ports.some((p) => String(p.containerPort) === merged)) {
              problems.push(
                `${ns}/${m.metadata.name}: ${owner.metadata.name} has no merge annotation for a port it has`,
              );
            }
          } else if (!ports.some((p) => p.name === ep.port)) {
            problems.push(
              `${ns}/${m.metadata.name}: ${owner.metadata.name} has no port ${ep.port}`,
            );
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  test('Prometheus may reach every scraped port, and only from its namespace', () => {
    const problems: string[] = [];
    for (const m of objectsOfKind(objects, 'PodMonitor')) {
      const ns = m.metadata.namespace;
      const allows = policies.filter(
        (p) =>
          p.metadata.namespace === ns &&
          (p.spec.ingress ?? []).some((rule: Obj) =>
            (rule.from ?? []).some(
              (peer: Obj) =>
                peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] ===
                PROMETHEUS_NS,
            ),
          ),
      );
      if (allows.length === 0) problems.push(`${ns}/${m.metadata.name}: no allow for Prometheus`);
      // The port Prometheus connects to: the merged port, or the pods' metrics port.
      const selector = (m.spec.selector?.matchLabels ?? {}) as Record<string, string>;
      const ep = (m.spec.podMetricsEndpoints as Obj[])[0];
      const merged = JSON.stringify(ep.relabelings ?? []).includes(`:${ISTIO_MERGED_METRICS_PORT}`);
      const wanted = merged
        ? [ISTIO_MERGED_METRICS_PORT]
        : pods
            .filter(({ owner }) => owner.metadata.namespace === ns)
            .filter(({ owner }) => matches(selector, owner.spec?.template?.metadata?.labels))
            .flatMap(({ spec }) => (spec.containers as Obj[]).flatMap((c) => c.ports ?? []))
            .filter((p: Obj) => p.name === ep.port)
            .map((p: Obj) => p.containerPort as number);
      const open = allows
        .filter((p) => matches(p.spec.podSelector?.matchLabels ?? {}, selector))
        .flatMap((p) => (p.spec.ingress as Obj[]).flatMap((r) => r.ports ?? []))
        .map((p: Obj) => p.port as number);
      for (const port of wanted) {
        if (!open.includes(port))
          problems.push(`${ns}/${m.metadata.name}: port ${port} not open to Prometheus`);
      }
      for (const p of allows) {
        for (const rule of p.spec.ingress as Obj[]) {
          for (const peer of rule.from as Obj[]) {
            expect(peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name']).toBe(
              PROMETHEUS_NS,
            );
            expect(peer.podSelector?.matchLabels).toEqual({
              'app.kubernetes.io/name': 'prometheus',
            });
          }
          expect(rule.ports?.length).toBeGreaterThan(0);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  test("JobSet's metrics certificate is verified against the CA in its own Secret, for its Service name", () => {
    const pm = objectsOfKind(objects, 'PodMonitor').find(
      (m) => m.metadata.name === 'jobset-controller-manager',
    ) as Obj;
    const [ep] = pm.spec.podMetricsEndpoints as Obj[];
    expect(ep.tlsConfig).toEqual({
      ca: { secret: { name: 'jobset-metrics-server-cert', key: 'ca.crt' } },
      serverName: 'jobset-controller-manager-metrics-service.kubeflow-system.svc',
    });
    const cert = objectsOfKind(objects, 'Certificate').find(
      (c) => c.spec.secretName === 'jobset-metrics-server-cert',
    ) as Obj;
    expect(cert.metadata.namespace).toBe('kubeflow-system');
    expect(cert.spec.dnsNames).toContain(ep.tlsConfig.serverName);
  });

  test('meshed targets are read through the merged port, never by opening mTLS', () => {
    const merged = objectsOfKind(objects, 'PodMonitor').filter((m) =>
      (m.spec.podMetricsEndpoints as Obj[]).some((e) =>
        JSON.stringify(e.relabelings ?? []).includes(`:${ISTIO_MERGED_METRICS_PORT}`),
      ),
    );
    expect(merged.length).toBeGreaterThan(0);
    for (const m of merged) {
      const ep = (m.spec.podMetricsEndpoints as Obj[])[0];
      expect(ep.path).toBe('/stats/prometheus');
      expect(ep.port).toBe('http-envoy-prom');
    }
    const reasons = objectsOfKind(objects, 'PeerAuthentication')
      .map((p) => p.metadata.annotations?.['mlops-blueprint.dev/reason'] ?? '')
      .join(' ');
    expect(reasons).not.toMatch(/Prometheus/i);
  });

  test('alerts: unique names, severity, summary, and a runbook link or text', () => {
    const alerts = rules.flatMap((r) => (r.spec.groups as Obj[]).flatMap((g) => g.rules as Obj[]));
    const names = alerts.map((a) => a.alert as string);
    expect(new Set(names).size).toBe(names.length);
    for (const a of alerts) {
      expect(['critical', 'warning']).toContain(a.labels.severity);
      expect(a.annotations.summary).toBeTruthy();
      expect(a.annotations.description).toBeTruthy();
    }
    for (const required of [
      'KubeflowWebhookCallsFailing',
      'KubeflowPipelinesApiServerDown',
      'KatibControllerDown',
      'JobSetControllerDown',
    ]) {
      expect(names).toContain(required);
    }
  });

  test('dashboards are ConfigMaps the Grafana sidecar loads, with valid JSON', () => {
    const dashboards = objectsOfKind(objects, 'ConfigMap').filter(
      (c) => c.metadata.labels?.grafana_dashboard === '1',
    );
    expect(dashboards.length).toBeGreaterThanOrEqual(3);
    const uids = new Set<string>();
    for (const d of dashboards) {
      expect(d.metadata.namespace).toBe('monitoring');
      const [file, json] = Object.entries(d.data as Record<string, string>)[0];
      expect(file).toMatch(/\.json$/);
      const model = JSON.parse(json);
      expect(uids.has(model.uid)).toBe(false);
      uids.add(model.uid);
      expect(model.panels.length).toBeGreaterThan(0);
    }
  });

  test('with monitoring off nothing of it renders (the object digests of the default environments are pinned in refactor.test.ts)', () => {
    const off = allObjects(renderEnv({ ...FIXTURE, monitoring: { enabled: false } } as never));
    expect(off.filter((o) => o.apiVersion.startsWith('monitoring.coreos.com'))).toEqual([]);
    expect(
      off.filter(
        (o) => o.kind === 'NetworkPolicy' && o.metadata.name.startsWith('allow-prometheus'),
      ),
    ).toEqual([]);
    // Pod templates that gained merge annotations with monitoring on lack them with it off.
    const annotatedOn = new Set(
      podSpecs(objects)
        .filter(
          ({ owner }) => owner.spec?.template?.metadata?.annotations?.['prometheus.io/scrape'],
        )
        .map(({ owner }) => `${owner.kind}/${owner.metadata.namespace}/${owner.metadata.name}`),
    );
    const annotatedOff = new Set(
      podSpecs(off)
        .filter(
          ({ owner }) => owner.spec?.template?.metadata?.annotations?.['prometheus.io/scrape'],
        )
        .map(({ owner }) => `${owner.kind}/${owner.metadata.namespace}/${owner.metadata.name}`),
    );
    expect(annotatedOn.size).toBeGreaterThan(annotatedOff.size);
    for (const k of annotatedOff) expect(annotatedOn).toContain(k);
  });
});
