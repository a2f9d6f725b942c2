import { PlatformNamespace } from '../../../constructs/namespaces/namespace';
import { SEAWEEDFS_SERVER_ARGS, SeaweedFs } from '../../../constructs/seaweedfs/seaweedfs';
import { FakeMonitoring } from '../../fakes';
import { findObject, testChart } from '../../helpers';
import { alertsOf, expectAlertFacts } from '../../monitoring-checks';
import { SEAWEEDFS_METRIC_FACTS, SEAWEEDFS_SERVER_FLAG_FACTS } from './monitoring-facts';

function build(props: Partial<ConstructorParameters<typeof SeaweedFs>[2]> = {}) {
  const { chart, synth } = testChart();
  const namespace = new PlatformNamespace(chart, 'Ns', { name: 'storage' });
  new SeaweedFs(chart, 'SeaweedFs', { namespace, ...props });
  return synth();
}

describe('SeaweedFS with monitoring', () => {
  const monitoring = new FakeMonitoring();
  const objects = build({ monitoring });
  const sts = findObject(objects, 'StatefulSet', 'storage', 'seaweedfs');
  const container = sts.spec.template.spec.containers[0];

  test('weed server serves metrics on all addresses of 9327, read through the sidecar', () => {
    expect(container.args).toEqual([
      ...SEAWEEDFS_SERVER_ARGS,
      `${SEAWEEDFS_SERVER_FLAG_FACTS.metricsPort}=9327`,
      `${SEAWEEDFS_SERVER_FLAG_FACTS.metricsIp}=0.0.0.0`,
    ]);
    expect(container.ports).toContainEqual({
      name: 'http-metrics',
      containerPort: 9327,
      protocol: 'TCP',
    });
    expect(monitoring.targets).toHaveLength(1);
    const [target] = monitoring.targets;
    expect(target).toMatchObject({
      id: 'seaweedfs',
      namespace: { name: 'storage' },
      port: { name: 'http-metrics', number: 9327 },
      path: SEAWEEDFS_SERVER_FLAG_FACTS.path,
    });
    expect(target.meshed?.workload.kind).toBe('StatefulSet');
    expect(sts.spec.selector.matchLabels).toEqual(target.podLabels);
    expect(sts.spec.template.metadata.annotations).toEqual({});
  });

  test('alerts: down, nearly full from the volume server disk gauge', () => {
    expect(monitoring.alertGroups.map((g) => [g.id, g.namespace])).toEqual([
      ['object-store', 'storage'],
    ]);
    expect(monitoring.alert('ObjectStoreNearlyFull')?.expr).toBe(
      '100 * sum(SeaweedFS_volumeServer_resource{job="seaweedfs",namespace="storage",type="free"}) / sum(SeaweedFS_volumeServer_resource{job="seaweedfs",namespace="storage",type="all"}) < 15',
    );
    const other = new FakeMonitoring();
    build({ monitoring: other, freeSpaceAlertPercent: 30 });
    expect(other.alert('ObjectStoreNearlyFull')?.expr).toMatch(/< 30$/);
  });

  test.each(alertsOf(monitoring.alertGroups).map((a) => [a.name, a]))(
    '%s: conventions and metrics SeaweedFS 4.00 exports',
    (_name, alert) => {
      expectAlertFacts(alert, 'ObjectStore', SEAWEEDFS_METRIC_FACTS);
    },
  );

  test('no monitoring: upstream args, no metrics port, no annotations', () => {
    const s = findObject(build(), 'StatefulSet', 'storage', 'seaweedfs');
    const c = s.spec.template.spec.containers[0];
    expect(c.args).toEqual([...SEAWEEDFS_SERVER_ARGS]);
    expect(c.ports.map((p: { name: string }) => p.name)).not.toContain('http-metrics');
    expect(s.spec.template.metadata.annotations).toBeUndefined();
  });
});
