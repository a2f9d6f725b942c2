import { ISTIO_GATEWAY_5XX_RATIO } from '../../../constructs/istio';
import { FakeMonitoring } from '../../fakes';
import { alertsOf, expectAlertFacts, platformWithMonitoring } from '../../monitoring-checks';
import { findObject, istioFixture, synth } from './helpers';
import { ISTIO_METRICS_FACTS, ISTIO_METRIC_FACTS } from './monitoring-facts';

describe('Istio with monitoring', () => {
  const monitoring = new FakeMonitoring();
  const { chart } = istioFixture({ monitoring });
  const objects = synth(chart);

  test('istiod on http-monitoring 15014 /metrics, its own pods, outside the mesh', () => {
    const target = monitoring.targets.find((t) => t.id === 'istiod');
    expect(target).toMatchObject({
      namespace: { name: 'istio-system' },
      port: { name: 'http-monitoring', number: ISTIO_METRICS_FACTS.istiodPort.number },
      path: ISTIO_METRICS_FACTS.istiodPort.path,
    });
    expect(target?.meshed).toBeUndefined();
    const deployment = findObject(objects, 'Deployment', 'istio-system', 'istiod');
    expect(deployment.spec.selector.matchLabels).toEqual(target?.podLabels);
    expect(deployment.spec.template.spec.containers[0].ports).toContainEqual(
      expect.objectContaining({ name: 'http-monitoring', containerPort: 15014 }),
    );
    expect(deployment.spec.template.spec.containers[0].args).toContain('--monitoringAddr=:15014');
  });

  test("the ingress gateway's Envoy on http-envoy-prom 15090 /stats/prometheus", () => {
    const target = monitoring.targets.find((t) => t.id === 'istio-ingressgateway');
    expect(target).toMatchObject({
      namespace: { name: 'istio-system' },
      podLabels: { istio: 'ingressgateway' },
      port: {
        name: ISTIO_METRICS_FACTS.envoyPort.name,
        number: ISTIO_METRICS_FACTS.envoyPort.number,
      },
      path: ISTIO_METRICS_FACTS.envoyPort.path,
    });
    const deployment = findObject(objects, 'Deployment', 'istio-system', 'istio-ingressgateway');
    expect(deployment.spec.template.metadata.labels).toMatchObject(target?.podLabels ?? {});
    expect(deployment.spec.template.spec.containers[0].ports).toContainEqual(
      expect.objectContaining({ name: 'http-envoy-prom', containerPort: 15090 }),
    );
  });

  test('a revision: istiod-<revision> is the job', () => {
    const m = new FakeMonitoring();
    istioFixture({ monitoring: m, revision: 'canary' });
    expect(m.targets.map((t) => t.id)).toEqual(['istiod-canary', 'istio-ingressgateway']);
    expect(m.alert('IstiodDown')?.expr).toContain('job="istiod-canary"');
  });

  test('one alert group in istio-system', () => {
    expect(monitoring.alertGroups.map((g) => [g.id, g.namespace])).toEqual([
      ['istio', 'istio-system'],
    ]);
    expect(alertsOf(monitoring.alertGroups).map((a) => [a.name, a.severity])).toEqual([
      ['IstiodDown', 'critical'],
      ['IstioConfigRejected', 'warning'],
      ['IstioXdsPushErrors', 'warning'],
      ['IstioProxyConvergenceSlow', 'warning'],
      ['IstioIngressGatewayDown', 'critical'],
      ['IstioIngressGateway5xxRatioHigh', 'critical'],
    ]);
  });

  test.each(alertsOf(monitoring.alertGroups).map((a) => [a.name, a]))(
    '%s: conventions and metrics Istio 1.30.1 exports',
    (_name, alert) => {
      expectAlertFacts(alert, 'Istio', ISTIO_METRIC_FACTS);
    },
  );

  test('expressions', () => {
    expect(monitoring.alert('IstiodDown')?.expr).toBe(
      '(sum(up{job="istiod",namespace="istio-system"}) or vector(0)) == 0',
    );
    expect(monitoring.alert('IstioIngressGateway5xxRatioHigh')?.expr).toBe(
      `sum(rate(istio_requests_total{job="istio-ingressgateway",namespace="istio-system",response_code=~"5.."}[5m])) / sum(rate(istio_requests_total{job="istio-ingressgateway",namespace="istio-system"}[5m])) > ${ISTIO_GATEWAY_5XX_RATIO}`,
    );
    expect(monitoring.alert('IstioXdsPushErrors')?.expr).toContain('type=~".+_senderr"');
  });

  test('no monitoring: no targets, the pod annotations are upstream', () => {
    const plain = synth(istioFixture().chart);
    const istiod = findObject(plain, 'Deployment', 'istio-system', 'istiod');
    const withMonitoring = findObject(objects, 'Deployment', 'istio-system', 'istiod');
    expect(withMonitoring.spec.template.metadata).toEqual(istiod.spec.template.metadata);
  });
});

describe('Istio in the platform', () => {
  test('managed: scraped when monitoring is offered', () => {
    const monitoring = new FakeMonitoring();
    platformWithMonitoring(monitoring);
    expect(monitoring.targets.map((t) => t.id)).toEqual(
      expect.arrayContaining(['istiod', 'istio-ingressgateway']),
    );
  });
});
