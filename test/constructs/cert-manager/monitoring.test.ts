import { CERT_MANAGER_PORTS, CertManager } from '../../../constructs/cert-manager';
import { FakeMonitoring, PROMETHEUS_NS } from '../../fakes';
import { allObjects } from '../../helpers';
import { renderPlatform } from '../../../stacks/render';
import { alertsOf, expectAlertFacts, platformWithMonitoring } from '../../monitoring-checks';
import { metricNames } from '../../promql';
import { buildCertManager } from './helpers';
import { CERT_MANAGER_METRIC_FACTS, CERT_MANAGER_METRICS_FACTS } from './monitoring-facts';

describe('cert-manager with monitoring', () => {
  const monitoring = new FakeMonitoring();
  const { certManager } = buildCertManager({ monitoring });

  test('scrapes the controller, cainjector and webhook on http-metrics 9402 /metrics', () => {
    expect(certManager).toBeInstanceOf(CertManager);
    expect(CERT_MANAGER_PORTS.metrics).toBe(
      Number(CERT_MANAGER_METRICS_FACTS.listenAddress.split(':')[1]),
    );
    expect(
      monitoring.targets.map((t) => ({
        id: t.id,
        ns: t.namespace.name,
        port: t.port,
        path: t.path,
        labels: t.podLabels['app.kubernetes.io/component'],
        meshed: t.meshed,
        scheme: t.scheme,
      })),
    ).toEqual(
      (
        [
          ['cert-manager', 'controller'],
          ['cert-manager-cainjector', 'cainjector'],
          ['cert-manager-webhook', 'webhook'],
        ] as const
      ).map(([id, component]) => ({
        id,
        ns: 'cert-manager',
        port: { name: 'http-metrics', number: 9402 },
        path: CERT_MANAGER_METRICS_FACTS.path,
        labels: component,
        meshed: undefined,
        scheme: undefined,
      })),
    );
  });

  test('the scraped port is a container port of the selected pods', () => {
    const { objects } = buildCertManager({ monitoring: new FakeMonitoring() });
    for (const target of monitoring.targets) {
      const deployment = objects().find('Deployment', 'cert-manager', target.id);
      expect(deployment.spec.selector.matchLabels).toEqual(target.podLabels);
      expect(deployment.spec.template.spec.containers[0].ports).toContainEqual({
        name: target.port.name,
        containerPort: target.port.number,
        protocol: 'TCP',
      });
    }
  });

  test('one alert group in the cert-manager namespace', () => {
    expect(monitoring.alertGroups.map((g) => [g.id, g.namespace, g.component])).toEqual([
      ['cert-manager', 'cert-manager', 'cert-manager'],
    ]);
    expect(alertsOf(monitoring.alertGroups).map((a) => [a.name, a.severity])).toEqual([
      ['CertManagerDown', 'critical'],
      ['CertManagerWebhookDown', 'critical'],
      ['CertManagerCainjectorDown', 'warning'],
      ['CertManagerCertificateExpiringSoon', 'warning'],
      ['CertManagerCertificateNotReady', 'warning'],
    ]);
  });

  test.each(alertsOf(monitoring.alertGroups).map((a) => [a.name, a]))(
    '%s: conventions and metrics cert-manager v1.20.2 exports',
    (_name, alert) => {
      expectAlertFacts(alert, 'CertManager', CERT_MANAGER_METRIC_FACTS);
    },
  );

  test('down alerts fire on a target that is down or gone', () => {
    expect(monitoring.alert('CertManagerDown')?.expr).toBe(
      '(sum(up{job="cert-manager",namespace="cert-manager"}) or vector(0)) == 0',
    );
    expect(monitoring.alert('CertManagerWebhookDown')?.expr).toContain(
      'up{job="cert-manager-webhook",namespace="cert-manager"}',
    );
  });

  test('certificate alerts: expiry threshold in days, not-Ready condition, any namespace', () => {
    expect(monitoring.alert('CertManagerCertificateExpiringSoon')?.expr).toBe(
      '(certmanager_certificate_expiration_timestamp_seconds{job="cert-manager"} > 0) - time() < 14 * 86400',
    );
    expect(monitoring.alert('CertManagerCertificateNotReady')?.expr).toBe(
      'certmanager_certificate_ready_status{job="cert-manager",condition="False"} == 1',
    );
    const other = new FakeMonitoring();
    buildCertManager({ monitoring: other, expiryWarningDays: 30 });
    expect(other.alert('CertManagerCertificateExpiringSoon')?.expr).toContain('< 30 * 86400');
  });

  test('expiryWarningDays is checked', () => {
    expect(() =>
      buildCertManager({ monitoring: new FakeMonitoring(), expiryWarningDays: 0 }),
    ).toThrow('`expiryWarningDays` is not a whole number of days from 1 to 365 (got 0).');
  });

  test('runbooks name our objects', () => {
    expect(monitoring.alert('CertManagerDown')?.runbook).toContain(
      'kubectl -n cert-manager logs deployment/cert-manager --previous',
    );
    expect(monitoring.alert('CertManagerWebhookDown')?.runbook).toContain(
      'cert-manager-webhook-ca',
    );
  });
});

describe('metricNames', () => {
  test('finds metric names, not functions, keywords, labels or durations', () => {
    expect(
      metricNames(
        'sum by (code, exported_namespace) (rate(a_total{job="x",code=~"5.."}[5m])) / sum(rate(b_total{job="x"}[5m])) > 0.05 or vector(0) and on (pod) c',
      ).sort(),
    ).toEqual(['a_total', 'b_total', 'c']);
  });
});

describe('cert-manager in the platform', () => {
  test('monitoring offered: the platform cert-manager is scraped, with the configured days', () => {
    const monitoring = new FakeMonitoring();
    platformWithMonitoring(monitoring, {
      name: 'e',
      preset: 'dev',
      certManager: { alerts: { expiryWarningDays: 21 } },
    });
    expect(monitoring.targets.map((t) => t.id)).toEqual(
      expect.arrayContaining(['cert-manager', 'cert-manager-cainjector', 'cert-manager-webhook']),
    );
    expect(monitoring.alert('CertManagerCertificateExpiringSoon')?.expr).toContain('< 21 * 86400');
    expect(PROMETHEUS_NS).toBe('monitoring');
  });

  test('an external cert-manager is not scraped', () => {
    const monitoring = new FakeMonitoring();
    platformWithMonitoring(monitoring, {
      name: 'e',
      preset: 'dev',
      certManager: { mode: 'external' },
    });
    expect(monitoring.targets.filter((t) => t.id.startsWith('cert-manager'))).toEqual([]);
    expect(monitoring.alertGroups.filter((g) => g.id === 'cert-manager')).toEqual([]);
  });

  test('no monitoring: the pods carry no scrape annotations', () => {
    const objects = allObjects(renderPlatform(platformWithMonitoring(undefined)));
    const pods = objects.filter(
      (o) => o.kind === 'Deployment' && o.metadata.namespace === 'cert-manager',
    );
    expect(pods.length).toBe(3);
    for (const d of pods) {
      expect(JSON.stringify(d.spec.template.metadata)).not.toContain('prometheus.io');
    }
  });
});
