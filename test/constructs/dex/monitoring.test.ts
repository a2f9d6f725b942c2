import { ISTIO_MERGED_METRICS_PORT } from '../../../constructs/core/monitoring';
import { DEX_5XX_RATIO } from '../../../constructs/dex';
import { FakeMonitoring } from '../../fakes';
import { alertsOf, expectAlertFacts, platformWithMonitoring } from '../../monitoring-checks';
import { CORPORATE_SSO, DEX_NS, buildDex } from './helpers';
import { DEX_METRICS_PATH, DEX_METRIC_FACTS } from './monitoring-facts';

describe('Dex with monitoring', () => {
  const monitoring = new FakeMonitoring();
  const built = buildDex({ connectors: [CORPORATE_SSO], monitoring });
  const objects = built.objects();
  const deployment = objects.find('Deployment', DEX_NS, 'dex');

  test('scraped through the sidecar: telemetry 5558 /metrics of the dex Deployment', () => {
    expect(monitoring.targets).toHaveLength(1);
    const [target] = monitoring.targets;
    expect(target).toMatchObject({
      id: 'dex',
      namespace: { name: DEX_NS },
      port: { name: 'telemetry', number: 5558 },
      path: DEX_METRICS_PATH,
    });
    expect(target.meshed?.workload).toBe(built.dex.deployment);
    expect(deployment.spec.selector.matchLabels).toEqual(target.podLabels);
    expect(deployment.spec.template.spec.containers[0].ports).toContainEqual({
      name: 'telemetry',
      containerPort: 5558,
      protocol: 'TCP',
    });
  });

  test('the pod template has annotations and does not turn off metrics merging or 15020', () => {
    const annotations = deployment.spec.template.metadata.annotations as Record<string, string>;
    expect(annotations).toBeDefined();
    expect(annotations['prometheus.istio.io/merge-metrics']).toBeUndefined();
    expect(annotations['traffic.sidecar.istio.io/excludeInboundPorts'] ?? '').not.toContain(
      String(ISTIO_MERGED_METRICS_PORT),
    );
  });

  test('alerts: down by the absence of dex_build_info (the merged endpoint outlives Dex), 5xx ratio', () => {
    expect(monitoring.alertGroups.map((g) => [g.id, g.namespace, g.component])).toEqual([
      ['dex', DEX_NS, 'dex'],
    ]);
    expect(monitoring.alert('DexDown')).toMatchObject({
      expr: '(sum(dex_build_info{job="dex",namespace="auth"}) or vector(0)) == 0',
      severity: 'critical',
    });
    expect(monitoring.alert('DexErrorsHigh')?.expr).toBe(
      `sum(rate(http_requests_total{job="dex",namespace="auth",code=~"5.."}[5m])) / sum(rate(http_requests_total{job="dex",namespace="auth"}[5m])) > ${DEX_5XX_RATIO}`,
    );
  });

  test.each(alertsOf(monitoring.alertGroups).map((a) => [a.name, a]))(
    '%s: conventions and metrics Dex v2.45.1 exports',
    (_name, alert) => {
      expectAlertFacts(alert, 'Dex', DEX_METRIC_FACTS);
    },
  );

  test('no monitoring: nothing scraped, the pod template is the same', () => {
    const plain = buildDex().objects().find('Deployment', DEX_NS, 'dex');
    expect(plain.spec.template.metadata).toEqual(deployment.spec.template.metadata);
  });
});

describe('Dex in the platform', () => {
  test('dex and oauth2-proxy are scraped when monitoring is offered', () => {
    const monitoring = new FakeMonitoring();
    platformWithMonitoring(monitoring);
    expect(monitoring.targets.filter((t) => t.meshed).map((t) => t.id)).toEqual(
      expect.arrayContaining(['dex', 'oauth2-proxy']),
    );
  });
});
