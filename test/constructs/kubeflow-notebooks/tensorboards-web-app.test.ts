import { Chart, Testing } from 'cdk8s';
import { BillOfMaterials, REGISTRY_MIRROR_CONTEXT } from '../../../constructs/core/images';
import {
  TENSORBOARDS_WEB_APP_DEFAULT_RESOURCES,
  TensorboardsWebApp,
  TensorboardsWebAppProps,
} from '../../../constructs/kubeflow-notebooks/tensorboards-web-app';
import { TENSORBOARDS_WEB_APP_POD_LABELS } from '../../../constructs/kubeflow-notebooks/web-apps-versions';
import { evaluate } from '../../../policies/evaluate';
import { KubeObject } from '../../../stacks/render';
import { FakeGateway, FakeNamespace, GATEWAY_NS } from '../../fakes';
import { Manifest, Objects } from '../../helpers';
import { TENSORBOARDS_FACTS as F } from './web-apps-facts';

const NS = 'kubeflow';
const AGG = 'rbac.authorization.kubeflow.org/aggregate-to-';

function build(
  props: Partial<TensorboardsWebAppProps> = {},
  context: Record<string, unknown> = {},
) {
  const app = Testing.app();
  for (const [k, v] of Object.entries(context)) app.node.setContext(k, v);
  const chart = new Chart(app, 'Test');
  const namespace = new FakeNamespace(NS);
  const gateway = new FakeGateway(chart, 'Gateway');
  const tensorboards = new TensorboardsWebApp(chart, 'TensorboardsWebApp', {
    namespace,
    gateway,
    ...props,
  });
  const objects = new Objects(Testing.synth(chart) as Manifest[]);
  return { chart, namespace, gateway, tensorboards, objects };
}

const built = build();
const o = built.objects;
const deployment = o.find('Deployment', NS, F.names.deployment);
const pod = deployment.spec.template.spec;
const c = pod.containers[0];

describe('TensorboardsWebApp against kubeflow/notebooks v1.11.0', () => {
  test('with only the required props: the documented defaults', () => {
    const { tensorboards } = built;
    expect(tensorboards.namespace).toBe(NS);
    expect(tensorboards.serviceHost).toBe(F.route.host);
    expect(tensorboards.replicas).toBe(F.replicas);
    expect(tensorboards.resources).toEqual(TENSORBOARDS_WEB_APP_DEFAULT_RESOURCES);
    expect(tensorboards.podLabels).toEqual(TENSORBOARDS_WEB_APP_POD_LABELS);
    expect(deployment.spec.replicas).toBe(F.replicas);
  });

  test("image, env and port as upstream's", () => {
    expect(c.name).toBe(F.container);
    expect(c.image).toBe(F.image);
    expect(c.env).toEqual(F.env);
    expect(c.ports).toEqual([{ name: 'http', containerPort: F.containerPort, protocol: 'TCP' }]);
  });

  test("probes on the app's own health paths", () => {
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz/liveness', port: 'http' });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/healthz/readiness', port: 'http' });
  });

  test('restricted pod as upstream user 1000, requests and limits, read-only root with /tmp', () => {
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: F.runAsUser,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(c.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(c.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }]);
    expect(c.resources).toEqual({
      requests: { cpu: '50m', memory: '256Mi' },
      limits: { cpu: '1', memory: '512Mi' },
    });
    expect(pod.serviceAccountName).toBe(F.names.serviceAccount);
    expect(pod.automountServiceAccountToken).toBe(true);
    const sa = o.find('ServiceAccount', NS, F.names.serviceAccount);
    expect(sa.automountServiceAccountToken).toBe(false);
  });

  test('replicas and resources from props', () => {
    const custom = build({
      replicas: 2,
      resources: { cpu: { request: '100m' }, memory: { request: '128Mi', limit: '1Gi' } },
      clusterDomain: 'corp.internal',
    });
    const d = custom.objects.find('Deployment', NS, F.names.deployment);
    expect(d.spec.replicas).toBe(2);
    expect(d.spec.template.spec.containers[0].resources).toEqual({
      requests: { cpu: '100m', memory: '128Mi' },
      limits: { memory: '1Gi' },
    });
    expect(custom.gateway.routes[0].route.destination.host).toBe(
      'tensorboards-web-app-service.kubeflow.svc.corp.internal',
    );
  });

  test('the image is in the bill of materials, and a mirror rewrites it', () => {
    expect(BillOfMaterials.of(built.chart).images()).toEqual([F.image]);
    const mirrored = build({}, { [REGISTRY_MIRROR_CONTEXT]: 'mirror.internal:5000' });
    const image = 'mirror.internal:5000/kubeflow/notebooks/tensorboards-web-app:v1.11.0';
    expect(
      mirrored.objects.find('Deployment', NS, F.names.deployment).spec.template.spec.containers[0]
        .image,
    ).toBe(image);
    expect(BillOfMaterials.of(mirrored.chart).images()).toEqual([image]);
  });

  test('route /tensorboards/ rewritten to / on Service port 80, admitted for the gateway only', () => {
    expect(built.gateway.routes).toEqual([
      {
        id: F.names.authorizationPolicy,
        route: {
          namespace: NS,
          prefix: F.route.prefix,
          rewrite: F.route.rewrite,
          destination: { host: F.route.host, port: F.route.port },
        },
      },
    ]);
    const svc = o.find('Service', NS, F.names.service);
    expect(svc.spec.ports).toEqual([
      {
        name: F.servicePort.name,
        port: F.servicePort.port,
        targetPort: 'http',
        protocol: 'TCP',
        appProtocol: 'http',
      },
    ]);
    expect(svc.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(deployment.spec.template.metadata.labels).toMatchObject(svc.spec.selector);
    const policy = o.find('AuthorizationPolicy', NS, F.names.authorizationPolicy);
    expect(policy.spec.rules).toEqual([
      {
        from: [
          { source: { principals: [`cluster.local/ns/${GATEWAY_NS}/sa/istio-ingressgateway`] } },
        ],
        to: [{ operation: { ports: [String(F.containerPort)] } }],
      },
    ]);
    expect(policy.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    expect(built.namespace.allows.map((a) => a.id)).toEqual(['tensorboards-web-app-from-gateway']);
    expect(built.namespace.allows[0].allow.ports).toEqual([{ port: F.containerPort }]);
  });

  test("ClusterRole: upstream's rules exactly, bound to the app's ServiceAccount", () => {
    expect(o.find('ClusterRole', undefined, F.names.clusterRole).rules).toEqual(F.rules);
    const binding = o.find('ClusterRoleBinding', undefined, F.names.clusterRoleBinding);
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: F.names.clusterRole,
    });
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: F.names.serviceAccount, namespace: NS },
    ]);
  });

  test('aggregated user roles: names, aggregation labels and rules as upstream', () => {
    const ours = o
      .ofKind('ClusterRole')
      .filter((r) => Object.keys(r.metadata.labels).some((k) => k.startsWith(AGG)));
    expect(ours.map((r) => r.metadata.name as string).sort()).toEqual(
      F.userRoles.map((r) => r.name).sort(),
    );
    for (const fact of F.userRoles) {
      const role = o.find('ClusterRole', undefined, fact.name);
      const aggregateTo = Object.keys(role.metadata.labels)
        .filter((k) => k.startsWith(AGG))
        .map((k) => [k.slice(AGG.length), role.metadata.labels[k]]);
      expect([fact.name, aggregateTo]).toEqual([
        fact.name,
        fact.aggregateTo.map((a) => [a, 'true']),
      ]);
      expect([fact.name, role.rules]).toEqual([fact.name, fact.rules]);
      expect(role.aggregationRule).toBeUndefined();
    }
  });

  test('errors: replicas below 1', () => {
    expect(() => build({ replicas: 0 })).toThrow(
      'TensorboardsWebApp: `replicas` is not a whole number of at least 1 (got 0). Use 1 or more.',
    );
  });

  test('the policy gate (production): no error, no warning, nothing suppressed', () => {
    const report = evaluate(o.all as KubeObject[], { production: true });
    expect(report.errors.map((f) => f.message)).toEqual([]);
    expect(report.warnings.map((f) => f.message)).toEqual([]);
    expect(report.suppressed.map((f) => f.message)).toEqual([]);
  });
});
