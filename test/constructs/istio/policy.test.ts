import { evaluate } from '../../../policies';
import { istioFixture, synth } from './helpers';

describe('policy gate', () => {
  test('everything Istio deploys passes the gate; the CNI agent only through its suppressions', () => {
    const fixture = istioFixture();
    fixture.istio.addExtensionProvider({
      name: 'oauth2-proxy',
      service: 'oauth2-proxy.oauth2-proxy.svc.cluster.local',
      port: 4180,
    });
    const report = evaluate(synth(fixture.chart), { production: true });
    expect(report.errors).toEqual([]);
    expect(report.warnings).toEqual([]);
    const suppressedObjects = new Set(
      report.suppressed.map((f) => `${f.object.kind}/${f.object.name}`),
    );
    expect([...suppressedObjects].sort()).toEqual([
      'ClusterRole/istiod-clusterrole-istio-system',
      'DaemonSet/istio-cni-node',
      'Deployment/istiod',
    ]);
    // Every suppression matches a finding: none is stale.
    for (const s of report.suppressions) expect(s.matched).toBeGreaterThan(0);
  });
});
