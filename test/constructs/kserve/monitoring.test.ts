import { KSERVE_SCRAPE_JOB } from '../../../constructs/kserve/kserve';
import { FakeMonitoring } from '../../fakes';
import { buildKServe, NS } from './helpers';

describe('KServe with monitoring', () => {
  const monitoring = new FakeMonitoring();
  const { kserve, objects } = buildKServe({ monitoring });

  test("scrapes the controller through kube-rbac-proxy's HTTPS port with a token", () => {
    expect(monitoring.targets).toHaveLength(1);
    const [t] = monitoring.targets;
    expect(t.id).toBe(KSERVE_SCRAPE_JOB);
    expect(t.namespace.name).toBe(NS);
    expect(t.podLabels).toEqual({
      'control-plane': 'kserve-controller-manager',
      'controller-tools.k8s.io': '1.0',
    });
    expect(t.port).toEqual({ name: 'https', number: 8443 });
    expect(t.scheme).toBe('https');
    expect(t.bearerToken).toBe(true);
    expect(t.insecureTlsReason).toMatch(/self-signed/);
    expect(t.meshed).toBeUndefined();
    expect(kserve.scrapeJob?.job).toBe(KSERVE_SCRAPE_JOB);
  });

  test('the port is the proxy container port, and the pod is outside the mesh', () => {
    const pod = objects.find('Deployment', NS, 'kserve-controller-manager').spec.template;
    const proxy = (pod.spec.containers as { name: string; ports: unknown[] }[]).find(
      (c) => c.name === 'kube-rbac-proxy',
    );
    expect(proxy?.ports).toEqual([{ name: 'https', containerPort: 8443, protocol: 'TCP' }]);
    expect(pod.metadata.annotations['sidecar.istio.io/inject']).toBe('false');
  });

  test('without monitoring nothing is scraped', () => {
    expect(buildKServe().kserve.scrapeJob).toBeUndefined();
  });
});
