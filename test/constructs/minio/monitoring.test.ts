import { MINIO_CLUSTER_METRICS_PATH } from '../../../constructs/minio';
import { Minio } from '../../../constructs/minio/minio';
import { PlatformNamespace } from '../../../constructs/namespaces/namespace';
import { FakeMonitoring } from '../../fakes';
import { Obj, findObject, testChart } from '../../helpers';
import { alertsOf, expectAlertFacts } from '../../monitoring-checks';
import { MINIO_METRICS_ROUTER_FACTS, MINIO_METRIC_FACTS } from './monitoring-facts';

function build(props: Partial<ConstructorParameters<typeof Minio>[2]> = {}) {
  const { chart, synth } = testChart();
  const namespace = new PlatformNamespace(chart, 'Ns', { name: 'storage' });
  const minio = new Minio(chart, 'Minio', { namespace, ...props });
  return { minio, objects: synth() };
}
const authType = (sts: Obj): string =>
  sts.spec.template.spec.containers[0].env.find(
    (e: Obj) => e.name === MINIO_METRICS_ROUTER_FACTS.authTypeEnv,
  ).value;

describe('MinIO with monitoring', () => {
  const monitoring = new FakeMonitoring();
  const { objects } = build({ monitoring });
  const sts = findObject(objects, 'StatefulSet', 'storage', 'minio');

  test('cluster metrics through the sidecar, served without the JWT', () => {
    expect(monitoring.targets).toHaveLength(1);
    const [target] = monitoring.targets;
    expect(target).toMatchObject({
      id: 'minio',
      namespace: { name: 'storage' },
      port: { name: 'http-api', number: 9000 },
      path: MINIO_METRICS_ROUTER_FACTS.clusterPath,
    });
    expect(MINIO_CLUSTER_METRICS_PATH).toBe(MINIO_METRICS_ROUTER_FACTS.clusterPath);
    expect(target.meshed?.workload.kind).toBe('StatefulSet');
    expect(target.meshed?.workload.name).toBe('minio');
    expect(sts.spec.selector.matchLabels).toEqual(target.podLabels);
    expect(authType(sts)).toBe('public');
    expect(sts.spec.template.metadata.annotations).toEqual({});
  });

  test('every metrics path is refused to clients through the mesh', () => {
    const policy = findObject(
      objects,
      'AuthorizationPolicy',
      'storage',
      'minio-metrics-local-only',
    );
    expect(policy.spec.action).toBe('DENY');
    expect(policy.spec.selector.matchLabels).toEqual(sts.spec.selector.matchLabels);
    const paths: string[] = policy.spec.rules[0].to[0].operation.paths;
    const covered = (p: string): boolean =>
      paths.some((pattern) =>
        pattern.endsWith('*') ? p.startsWith(pattern.slice(0, -1)) : p === pattern,
      );
    for (const p of [
      MINIO_METRICS_ROUTER_FACTS.clusterPath,
      ...MINIO_METRICS_ROUTER_FACTS.otherPaths,
    ]) {
      expect([p, covered(p)]).toEqual([p, true]);
    }
    expect(policy.spec.rules[0].from).toBeUndefined();
  });

  test('alerts: down, nearly full (threshold in percent)', () => {
    expect(monitoring.alertGroups.map((g) => [g.id, g.namespace, g.component])).toEqual([
      ['object-store', 'storage', 'object-store'],
    ]);
    expect(monitoring.alert('ObjectStoreNearlyFull')?.expr).toBe(
      '100 * sum(minio_cluster_capacity_usable_free_bytes{job="minio",namespace="storage"}) / sum(minio_cluster_capacity_usable_total_bytes{job="minio",namespace="storage"}) < 15',
    );
    expect(monitoring.alert('ObjectStoreDown')?.severity).toBe('critical');
    const other = new FakeMonitoring();
    build({ monitoring: other, freeSpaceAlertPercent: 25 });
    expect(other.alert('ObjectStoreNearlyFull')?.expr).toMatch(/< 25$/);
    expect(() => build({ monitoring: new FakeMonitoring(), freeSpaceAlertPercent: 0 })).toThrow(
      '`freeSpaceAlertPercent` is not a whole percentage from 1 to 99 (got 0).',
    );
  });

  test.each(alertsOf(monitoring.alertGroups).map((a) => [a.name, a]))(
    '%s: conventions and metrics MinIO exports',
    (_name, alert) => {
      expectAlertFacts(alert, 'ObjectStore', MINIO_METRIC_FACTS);
    },
  );

  test('no monitoring: metrics stay behind the JWT, no policy, no annotations', () => {
    const { objects: plain } = build();
    const s = findObject(plain, 'StatefulSet', 'storage', 'minio');
    expect(authType(s)).toBe('jwt');
    expect(s.spec.template.metadata.annotations).toBeUndefined();
    expect(plain.filter((o) => o.kind === 'AuthorizationPolicy')).toEqual([]);
  });
});
