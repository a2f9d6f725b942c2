import { Chart, Testing } from 'cdk8s';
import { KNATIVE_SERVING_SCRAPE_JOBS } from '../../../constructs/knative-serving/knative-serving';
import {
  KnativeLocalGateway,
  LOCAL_GATEWAY_SCRAPE_JOB,
} from '../../../constructs/knative-serving/net-istio-local-gateway';
import { NET_ISTIO_SCRAPE_JOBS, NetIstio } from '../../../constructs/knative-serving/net-istio';
import { FakeGateway, FakeMesh, FakeMonitoring, FakeNamespace } from '../../fakes';
import { Manifest, Objects } from '../../helpers';
import { DEPLOYMENT_FACTS } from './facts';
import { buildServing, NS } from './helpers';

const WORKLOADS = ['activator', 'autoscaler', 'controller', 'webhook'] as const;

describe('KnativeServing with monitoring', () => {
  const monitoring = new FakeMonitoring();
  const { serving, objects } = buildServing({ props: { monitoring } });
  const o = objects();

  test.each(WORKLOADS)('%s is scraped through its sidecar on its metrics port', (part) => {
    const target = monitoring.targets.find((t) => t.id === KNATIVE_SERVING_SCRAPE_JOBS[part]);
    expect(target).toBeDefined();
    expect(target?.namespace.name).toBe(NS);
    expect(target?.podLabels).toEqual(DEPLOYMENT_FACTS[part].selector);
    const metricsPort = DEPLOYMENT_FACTS[part].ports.find(([name]) => name === 'metrics');
    expect([target?.port.name, target?.port.number]).toEqual(metricsPort);
    expect(target?.meshed?.workload).toBe(serving.deployments[part]);
    expect(serving.scrapeJobs?.[part].job).toBe(KNATIVE_SERVING_SCRAPE_JOBS[part]);
  });

  test.each(WORKLOADS)('%s pod template has an annotations object for the injector', (part) => {
    const d = o.find('Deployment', NS, part);
    expect(d.spec.template.metadata.annotations).toEqual({});
  });

  test('the workloads export Prometheus metrics (config-observability)', () => {
    const cm = o.find('ConfigMap', NS, 'config-observability');
    expect(cm.data['metrics-protocol']).toBe('prometheus');
  });

  test('monitoring with metrics-protocol none is refused', () => {
    expect(() =>
      buildServing({
        props: { monitoring: new FakeMonitoring(), settings: { metricsProtocol: 'none' } },
      }),
    ).toThrow('settings.metricsProtocol');
  });
});

describe('KnativeServing without monitoring', () => {
  test('renders no annotations on the pod templates and scrapes nothing', () => {
    const { serving, objects } = buildServing();
    const o = objects();
    for (const part of WORKLOADS) {
      const d = o.find('Deployment', NS, part);
      expect(d.spec.template.metadata.annotations).toBeUndefined();
    }
    expect(serving.scrapeJobs).toBeUndefined();
  });
});

function buildNetIstio(monitoring?: FakeMonitoring) {
  const chart = new Chart(Testing.app(), 'Test');
  const namespace = new FakeNamespace(NS);
  const localGateway = new KnativeLocalGateway(chart, 'Local', {
    namespace: new FakeNamespace('istio-system'),
    knativeNamespace: NS,
    mesh: new FakeMesh(),
  });
  const netIstio = new NetIstio(chart, 'NetIstio', {
    namespace,
    gateway: new FakeGateway(chart, 'Gateway'),
    localGateway,
    ...(monitoring ? { monitoring } : {}),
  });
  return { netIstio, objects: new Objects(Testing.synth(chart) as Manifest[]) };
}

describe('NetIstio with monitoring', () => {
  const monitoring = new FakeMonitoring();
  const { netIstio, objects } = buildNetIstio(monitoring);

  test('the controller (outside the mesh) is scraped on its metrics port', () => {
    const t = monitoring.targets.find((x) => x.id === NET_ISTIO_SCRAPE_JOBS.controller);
    expect(t?.podLabels).toEqual({ app: 'net-istio-controller' });
    expect(t?.port).toEqual({ name: 'metrics', number: 9090 });
    expect(t?.meshed).toBeUndefined();
    const pod = objects.find('Deployment', NS, 'net-istio-controller').spec.template;
    expect(pod.metadata.labels['sidecar.istio.io/inject']).toBe('false');
  });

  test('the webhook (in the mesh) through its sidecar, whose template has annotations', () => {
    const t = monitoring.targets.find((x) => x.id === NET_ISTIO_SCRAPE_JOBS.webhook);
    expect(t?.podLabels).toEqual({ app: 'net-istio-webhook', role: 'net-istio-webhook' });
    expect(t?.port).toEqual({ name: 'metrics', number: 9090 });
    expect(t?.meshed?.workload).toBe(netIstio.webhook);
    const pod = objects.find('Deployment', NS, 'net-istio-webhook').spec.template;
    expect(pod.metadata.annotations).toBeDefined();
  });

  test('without monitoring nothing is scraped', () => {
    expect(buildNetIstio().netIstio.scrapeJobs).toBeUndefined();
  });
});

describe('KnativeLocalGateway with monitoring', () => {
  const build = (monitoring?: FakeMonitoring) => {
    const chart = new Chart(Testing.app(), 'Test');
    const local = new KnativeLocalGateway(chart, 'Local', {
      namespace: new FakeNamespace(NS),
      knativeNamespace: NS,
      mesh: new FakeMesh(),
      ...(monitoring ? { monitoring } : {}),
    });
    return { local, objects: new Objects(Testing.synth(chart) as Manifest[]) };
  };

  test("Envoy's own statistics on 15090 (the gateway template's http-envoy-prom)", () => {
    const monitoring = new FakeMonitoring();
    const { local, objects } = build(monitoring);
    expect(monitoring.targets).toHaveLength(1);
    const [t] = monitoring.targets;
    expect(t.id).toBe(LOCAL_GATEWAY_SCRAPE_JOB);
    expect(t.port).toEqual({ name: 'http-envoy-prom', number: 15090 });
    expect(t.path).toBe('/stats/prometheus');
    expect(t.meshed).toBeUndefined();
    const d = objects.find('Deployment', NS, 'knative-local-gateway');
    expect(t.podLabels).toEqual(d.spec.selector.matchLabels);
    expect(local.scrapeJob?.job).toBe(LOCAL_GATEWAY_SCRAPE_JOB);
    const proxy = d.spec.template.spec.containers[0];
    expect(proxy.ports).toContainEqual({
      name: 'http-envoy-prom',
      containerPort: 15090,
      protocol: 'TCP',
    });
  });

  test("without monitoring nothing is scraped and the port list is upstream's", () => {
    const { local, objects } = build();
    expect(local.scrapeJob).toBeUndefined();
    const d = objects.find('Deployment', NS, 'knative-local-gateway');
    expect(d.spec.template.spec.containers[0].ports.map((p: Manifest) => p.name)).toEqual([
      'http-local',
      'status-port',
    ]);
  });
});
