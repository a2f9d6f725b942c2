import { OAUTH2_PROXY_5XX_RATIO } from '../../../constructs/oauth2-proxy';
import { FakeMonitoring } from '../../fakes';
import { alertsOf, expectAlertFacts } from '../../monitoring-checks';
import { PROXY_NS } from '../dex/helpers';
import { buildStack, flag, proxyContainer, proxyDeployment } from './helpers';
import { NOT_EXPORTED, OAUTH2_PROXY_METRIC_FACTS } from './monitoring-facts';

describe('oauth2-proxy with monitoring', () => {
  const monitoring = new FakeMonitoring();
  const stack = buildStack({ proxy: { monitoring } });
  const objects = stack.objects();

  test('scraped through the sidecar on the metrics port of --metrics-address', () => {
    expect(monitoring.targets).toHaveLength(1);
    const [target] = monitoring.targets;
    expect(target).toMatchObject({
      id: 'oauth2-proxy',
      namespace: { name: PROXY_NS },
      port: { name: 'metrics', number: 44180 },
      path: '/metrics',
    });
    expect(target.meshed?.workload).toBe(stack.proxy.deployment);
    expect(flag(proxyContainer(objects), 'metrics-address')).toEqual(['0.0.0.0:44180']);
    expect(proxyContainer(objects).ports).toContainEqual({
      name: 'metrics',
      containerPort: 44180,
      protocol: 'TCP',
    });
    expect(proxyDeployment(objects).spec.selector.matchLabels).toEqual(target.podLabels);
    const annotations = proxyDeployment(objects).spec.template.metadata.annotations;
    expect(annotations).toBeDefined();
    expect(annotations['prometheus.istio.io/merge-metrics']).toBeUndefined();
  });

  test('alerts: down by the absence of its process metrics, 5xx ratio', () => {
    expect(monitoring.alertGroups.map((g) => [g.id, g.namespace])).toEqual([
      ['oauth2-proxy', PROXY_NS],
    ]);
    expect(monitoring.alert('OAuth2ProxyDown')).toMatchObject({
      expr: '(sum(process_start_time_seconds{job="oauth2-proxy",namespace="oauth2-proxy"}) or vector(0)) == 0',
      severity: 'critical',
    });
    expect(monitoring.alert('OAuth2ProxyErrorsHigh')?.expr).toContain(
      `code=~"5.."}[5m])) / sum(rate(oauth2_proxy_requests_total{job="oauth2-proxy",namespace="oauth2-proxy"}[5m])) > ${OAUTH2_PROXY_5XX_RATIO}`,
    );
  });

  test.each(alertsOf(monitoring.alertGroups).map((a) => [a.name, a]))(
    '%s: conventions and metrics oauth2-proxy v7.15.2 exports',
    (_name, alert) => {
      expectAlertFacts(alert, 'OAuth2Proxy', OAUTH2_PROXY_METRIC_FACTS);
      for (const missing of NOT_EXPORTED) expect(alert.expr).not.toContain(missing);
    },
  );

  test('no monitoring: the pod template is the same', () => {
    const plain = proxyDeployment(buildStack().objects());
    expect(plain.spec.template.metadata).toEqual(proxyDeployment(objects).spec.template.metadata);
  });
});
