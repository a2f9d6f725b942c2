import { Chart, Testing } from 'cdk8s';
import { KnativeLocalGateway } from '../../../constructs/knative-serving/net-istio-local-gateway';
import {
  NET_ISTIO_CONTROLLER_DEFAULT_RESOURCES,
  NET_ISTIO_WEBHOOK_DEFAULT_RESOURCES,
  NetIstio,
  NetIstioProps,
} from '../../../constructs/knative-serving/net-istio';
import { FakeGateway, FakeMesh, FakeNamespace } from '../../fakes';
import { Manifest, Objects } from '../../helpers';
import { evaluate } from '../../../policies';
import { NET_ISTIO_UPSTREAM as U } from './net-istio-facts';

const NS = 'knative-serving';

function build(props: Partial<NetIstioProps> = {}) {
  const chart = new Chart(Testing.app(), 'Test');
  const namespace = new FakeNamespace(NS);
  const istioSystem = new FakeNamespace('istio-system');
  const gateway = new FakeGateway(chart, 'Gateway');
  const localGateway = new KnativeLocalGateway(chart, 'Local', {
    namespace: istioSystem,
    knativeNamespace: NS,
    mesh: new FakeMesh(),
  });
  const netIstio = new NetIstio(chart, 'NetIstio', { namespace, gateway, localGateway, ...props });
  return { netIstio, namespace, objects: new Objects(Testing.synth(chart) as Manifest[]) };
}

const envByName = (c: Manifest): Record<string, Manifest> =>
  Object.fromEntries((c.env as Manifest[]).map((e) => [e.name, e]));
const ports = (c: Manifest) =>
  (c.ports as Manifest[]).map((p) => ({ name: p.name, containerPort: p.containerPort }));

const { netIstio, namespace, objects: o } = build();
const controller = o.find('Deployment', NS, U.controller.deployment);
const cc = controller.spec.template.spec.containers[0];
const webhook = o.find('Deployment', NS, U.webhook.deployment);
const wc = webhook.spec.template.spec.containers[0];

describe('NetIstio against knative-extensions/net-istio knative-v1.22.0', () => {
  test('defaults', () => {
    expect(netIstio.serviceAccountName).toBe('controller');
    expect(netIstio.webhookServiceHost).toBe('net-istio-webhook.knative-serving.svc');
    expect(cc.resources).toEqual(U.controller.resources);
    expect(wc.resources).toEqual(U.webhook.resources);
    expect(NET_ISTIO_CONTROLLER_DEFAULT_RESOURCES.memory.limit).toBe('400Mi');
    expect(NET_ISTIO_WEBHOOK_DEFAULT_RESOURCES.memory.limit).toBe('200Mi');
  });

  test('controller: image, env, ports, probes, selector as upstream; outside the mesh', () => {
    expect(cc.name).toBe(U.controller.container);
    expect(cc.image).toBe(U.images.controller);
    const env = envByName(cc);
    for (const [k, v] of Object.entries(U.controller.literalEnv))
      expect([k, env[k]?.value]).toEqual([k, v]);
    expect(env.SYSTEM_NAMESPACE.valueFrom).toEqual({
      fieldRef: { fieldPath: 'metadata.namespace' },
    });
    expect(ports(cc)).toEqual(U.controller.ports);
    expect(cc.readinessProbe.httpGet.path).toBe(U.controller.readiness.path);
    expect(cc.readinessProbe.httpGet.port).toBe(U.controller.readiness.port);
    expect(cc.readinessProbe.failureThreshold).toBe(U.controller.readiness.failureThreshold);
    expect(cc.livenessProbe.httpGet.path).toBe(U.controller.liveness.path);
    expect(cc.livenessProbe.failureThreshold).toBe(U.controller.liveness.failureThreshold);
    expect(controller.spec.selector.matchLabels).toEqual(U.controller.selector);
    expect(controller.spec.template.metadata.labels['sidecar.istio.io/inject']).toBe('false');
    expect(controller.spec.template.spec.serviceAccountName).toBe(U.controller.serviceAccount);
  });

  test('webhook: image, env, ports, probes, Service and certificate Secret as upstream', () => {
    expect(wc.name).toBe(U.webhook.container);
    expect(wc.image).toBe(U.images.webhook);
    const env = envByName(wc);
    for (const [k, v] of Object.entries(U.webhook.literalEnv))
      expect([k, env[k]?.value]).toEqual([k, v]);
    expect(ports(wc)).toEqual(U.webhook.ports);
    expect(wc.readinessProbe.httpGet).toEqual({ port: 8443, scheme: 'HTTPS' });
    expect(wc.livenessProbe.initialDelaySeconds).toBe(20);
    expect(webhook.spec.selector.matchLabels).toEqual(U.webhook.selector);
    const svc = o.find('Service', NS, U.webhook.deployment);
    expect(svc.spec.selector).toEqual(U.webhook.serviceSelector);
    expect(
      (svc.spec.ports as Manifest[]).map((p) => ({
        name: p.name,
        port: p.port,
        targetPort: p.targetPort,
      })),
    ).toEqual(U.webhook.servicePorts);
    const secret = o.find('Secret', NS, U.webhook.secret);
    expect(secret.data).toBeUndefined();
  });

  test('restricted security contexts on both pods', () => {
    for (const d of [controller, webhook]) {
      const c = d.spec.template.spec.containers[0];
      expect(c.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
    }
  });

  test('webhook configurations: names, service port 443, paths, failure policy, selectors', () => {
    const m = o.find('MutatingWebhookConfiguration', undefined, U.webhook.mutating.name)
      .webhooks[0];
    expect(m.name).toBe(U.webhook.mutating.name);
    expect(m.clientConfig.service).toEqual({
      name: 'net-istio-webhook',
      namespace: NS,
      path: U.webhook.mutating.path,
      port: 443,
    });
    expect(m.failurePolicy).toBe('Fail');
    expect(m.admissionReviewVersions).toEqual(['v1', 'v1beta1']);
    expect(m.objectSelector).toEqual({
      matchExpressions: [{ key: 'serving.knative.dev/configuration', operator: 'Exists' }],
    });
    const v = o.find('ValidatingWebhookConfiguration', undefined, U.webhook.validating.name)
      .webhooks[0];
    expect(v.clientConfig.service.path).toBe(U.webhook.validating.path);
    expect(v.objectSelector).toEqual(U.webhook.validating.objectSelector);
    // config-istio carries the labels the validating webhook selects.
    const cm = o.find('ConfigMap', NS, 'config-istio');
    expect(cm.metadata.labels).toMatchObject(U.webhook.validating.objectSelector.matchLabels);
  });

  test('ClusterRole: upstream rules, aggregated into knative-serving-admin', () => {
    const cr = o.find('ClusterRole', undefined, U.clusterRole.name);
    expect(cr.rules).toEqual(U.clusterRole.rules);
    expect(cr.metadata.labels['serving.knative.dev/controller']).toBe('true');
  });

  test('config-istio: the platform gateway and the local gateway, new format only', () => {
    const cm = o.find('ConfigMap', NS, 'config-istio');
    expect(cm.data['external-gateways']).toBe(
      '- name: platform-gateway\n  namespace: istio-system\n  service: istio-ingressgateway.istio-system.svc.cluster.local\n',
    );
    expect(cm.data['local-gateways']).toBe(
      '- name: knative-local-gateway\n  namespace: knative-serving\n  service: knative-local-gateway.istio-system.svc.cluster.local\n',
    );
    expect(
      Object.keys(cm.data).filter(
        (k) => k.startsWith('gateway.') || k.startsWith('local-gateway.'),
      ),
    ).toEqual([]);
  });

  test('mesh: upstream PeerAuthentications (8443 PERMISSIVE) and an ALLOW on 8443 only', () => {
    for (const pa of U.peerAuthentications) {
      const obj = o.find('PeerAuthentication', NS, pa.name);
      expect(obj.spec.selector.matchLabels).toEqual(pa.selector);
      expect(obj.spec.portLevelMtls).toEqual({ '8443': { mode: 'PERMISSIVE' } });
    }
    const ap = o.find('AuthorizationPolicy', NS, 'net-istio-webhook');
    expect(ap.spec.rules).toEqual([{ to: [{ operation: { ports: ['8443'] } }] }]);
    const without = build({ servingWebhookPeerAuthentication: false }).objects;
    expect(without.has('PeerAuthentication', NS, 'webhook')).toBe(false);
  });

  test('network: API server to the webhook, gateways to the activator', () => {
    const byId = Object.fromEntries(namespace.allows.map((a) => [a.id, a.allow]));
    expect(byId['net-istio-webhook-from-apiserver'].ports).toEqual([{ port: 8443 }]);
    expect(byId['net-istio-webhook-from-apiserver'].podLabels).toEqual(U.webhook.selector);
    const act = byId['net-istio-gateways-to-activator'];
    expect(act.podLabels).toEqual({ app: 'activator' });
    expect(act.ports).toEqual([{ port: 8012 }, { port: 8013 }]);
    expect(act.from.map((p) => p.description)).toEqual([
      'namespace istio-system',
      'namespace istio-system',
    ]);
    expect(act.from.map((p) => p.toPeer().podSelector?.matchLabels)).toEqual([
      { istio: 'ingressgateway' },
      { app: 'knative-local-gateway', istio: 'knative-local-gateway' },
    ]);
  });

  test('an overridden image goes through the registry mirror and the bill of materials', () => {
    const { objects } = build({
      images: {
        controller: { registry: 'example.com', repository: 'net-istio/controller', tag: 'v1' },
      },
    });
    const d = objects.find('Deployment', NS, U.controller.deployment);
    expect(d.spec.template.spec.containers[0].image).toBe('example.com/net-istio/controller:v1');
  });

  test('a gateway reference without namespace is refused', () => {
    const chart = new Chart(Testing.app(), 'Bad');
    const gateway = new FakeGateway(chart, 'Gateway');
    const local = new KnativeLocalGateway(chart, 'Local', {
      namespace: new FakeNamespace('istio-system'),
      knativeNamespace: NS,
      mesh: new FakeMesh(),
    });
    expect(
      () =>
        new NetIstio(chart, 'NetIstio', {
          namespace: new FakeNamespace(NS),
          gateway: Object.assign(Object.create(gateway) as FakeGateway, {
            gatewayRef: 'platform-gateway',
          }),
          localGateway: local,
        }),
    ).toThrow(
      'NetIstio: `gateway.gatewayRef` is not `<namespace>/<name>` (got "platform-gateway"). Name the Istio Gateway with its namespace.',
    );
  });
});

describe('NetIstio and the local gateway against the policy gate', () => {
  test('no error or warning, nothing suppressed', () => {
    const report = evaluate(o.all as never);
    expect(report.errors).toEqual([]);
    expect(report.warnings).toEqual([]);
    expect(report.suppressed).toEqual([]);
    expect(report.objectsChecked).toBeGreaterThan(10);
  });
});
