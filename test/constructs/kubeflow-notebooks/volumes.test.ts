import { Chart, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { BillOfMaterials, REGISTRY_MIRROR_CONTEXT } from '../../../constructs/core/images';
import {
  PVC_VIEWER_POD_DEFAULT_RESOURCES,
  VOLUMES_WEB_APP_DEFAULT_RESOURCES,
  VolumesWebApp,
  VolumesWebAppProps,
} from '../../../constructs/kubeflow-notebooks/volumes-web-app';
import {
  VOLUMES_WEB_APP_POD_LABELS,
  WEB_APPS_IMAGES,
} from '../../../constructs/kubeflow-notebooks/web-apps-versions';
import { evaluate } from '../../../policies/evaluate';
import { KubeObject } from '../../../stacks/render';
import { FakeGateway, FakeNamespace, GATEWAY_NS } from '../../fakes';
import { Manifest, Objects } from '../../helpers';
import { VOLUMES_FACTS as F, VOLUMES_VIEWER_SPEC_FACTS as V } from './web-apps-facts';

const NS = 'kubeflow';
const AGG = 'rbac.authorization.kubeflow.org/aggregate-to-';

function build(props: Partial<VolumesWebAppProps> = {}, context: Record<string, unknown> = {}) {
  const app = Testing.app();
  for (const [k, v] of Object.entries(context)) app.node.setContext(k, v);
  const chart = new Chart(app, 'Test');
  const namespace = new FakeNamespace(NS);
  const gateway = new FakeGateway(chart, 'Gateway');
  const volumes = new VolumesWebApp(chart, 'VolumesWebApp', { namespace, gateway, ...props });
  const objects = new Objects(Testing.synth(chart) as Manifest[]);
  return { chart, namespace, gateway, volumes, objects };
}

const built = build();
const o = built.objects;
const deployment = o.find('Deployment', NS, F.names.deployment);
const pod = deployment.spec.template.spec;
const c = pod.containers[0];
const viewerSpec = (objects = o): Manifest =>
  parse(objects.find('ConfigMap', NS, V.configMap).data['viewer-spec.yaml']);

describe('VolumesWebApp against kubeflow/notebooks v1.11.0', () => {
  test('with only the required props: the documented defaults', () => {
    const { volumes } = built;
    expect(volumes.namespace).toBe(NS);
    expect(volumes.serviceHost).toBe(F.route.host);
    expect(volumes.replicas).toBe(F.replicas);
    expect(volumes.resources).toEqual(VOLUMES_WEB_APP_DEFAULT_RESOURCES);
    expect(volumes.viewer).toEqual({
      image: WEB_APPS_IMAGES.pvcViewer,
      serviceAccountName: 'default-editor',
      rwoScheduling: true,
      timeoutSeconds: 30,
      resources: PVC_VIEWER_POD_DEFAULT_RESOURCES,
    });
    expect(volumes.podLabels).toEqual(VOLUMES_WEB_APP_POD_LABELS);
    expect(deployment.spec.replicas).toBe(F.replicas);
  });

  test("image, env and port as upstream's (the viewer image with its registry spelled out)", () => {
    expect(c.name).toBe(F.container);
    expect(c.image).toBe(F.image);
    expect(c.env).toEqual(
      F.env.map((e) =>
        e.name === 'VOLUME_VIEWER_IMAGE' ? { name: e.name, value: `docker.io/${e.value}` } : e,
      ),
    );
    expect(c.ports).toEqual([{ name: 'http', containerPort: F.containerPort, protocol: 'TCP' }]);
  });

  test("probes on the app's own health paths; the viewer spec where viewer.py reads it", () => {
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz/liveness', port: 'http' });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/healthz/readiness', port: 'http' });
    const mount = c.volumeMounts.find((m: Manifest) => m.name === 'viewer-spec');
    expect(`${mount.mountPath}/viewer-spec.yaml`).toBe(V.path);
    expect(mount.readOnly).toBe(true);
    expect(pod.volumes).toContainEqual({ name: 'viewer-spec', configMap: { name: V.configMap } });
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
    expect(c.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
    expect(pod.volumes).toContainEqual({ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } });
    expect(c.resources).toEqual({
      requests: { cpu: '50m', memory: '256Mi' },
      limits: { cpu: '1', memory: '512Mi' },
    });
    expect(pod.serviceAccountName).toBe(F.names.serviceAccount);
    expect(pod.automountServiceAccountToken).toBe(true);
    const sa = o.find('ServiceAccount', NS, F.names.serviceAccount);
    expect(sa.automountServiceAccountToken).toBe(false);
  });

  test("viewer spec: upstream's, plus seccomp and requests and limits for quota'd profiles", () => {
    const ours = viewerSpec();
    const [main] = ours.podSpec.containers;
    expect(main.resources).toEqual({
      requests: { cpu: '10m', memory: '64Mi' },
      limits: { cpu: '500m', memory: '256Mi' },
    });
    expect(main.securityContext).toEqual({
      ...V.spec.podSpec.containers[0].securityContext,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    const withoutAdditions = structuredClone(ours);
    delete withoutAdditions.podSpec.containers[0].resources;
    delete withoutAdditions.podSpec.containers[0].securityContext.seccompProfile;
    expect(withoutAdditions).toEqual(V.spec);
  });

  test('viewer spec: only the variables viewer.py substitutes, and the image env it names', () => {
    const text = o.find('ConfigMap', NS, V.configMap).data['viewer-spec.yaml'] as string;
    const vars = new Set([...text.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]));
    const env = new Set((c.env as Manifest[]).map((e) => e.name as string));
    for (const v of vars)
      expect([v, ['NAME', 'NAMESPACE', 'PVC_NAME'].includes(v) || env.has(v)]).toEqual([v, true]);
    expect(vars).toContain('VOLUME_VIEWER_IMAGE');
  });

  test('typed viewer settings reach the spec; its image is in the bill of materials', () => {
    const image = { registry: 'registry.example.com', repository: 'tools/files', tag: '1.2.3' };
    const custom = build({
      viewer: {
        image,
        serviceAccountName: 'viewer',
        rwoScheduling: false,
        timeoutSeconds: 120,
        resources: { cpu: { request: '20m' }, memory: { request: '32Mi', limit: '128Mi' } },
      },
    });
    const s = viewerSpec(custom.objects);
    expect(s.podSpec.serviceAccountName).toBe('viewer');
    expect(s.rwoScheduling).toBe(false);
    expect(s.networking.timeout).toBe('120s');
    expect(s.podSpec.containers[0].resources).toEqual({
      requests: { cpu: '20m', memory: '32Mi' },
      limits: { memory: '128Mi' },
    });
    const env = custom.objects.find('Deployment', NS, F.names.deployment).spec.template.spec
      .containers[0].env as Manifest[];
    expect(env).toContainEqual({
      name: 'VOLUME_VIEWER_IMAGE',
      value: 'registry.example.com/tools/files:1.2.3',
    });
    expect(BillOfMaterials.of(custom.chart).images()).toEqual(
      [F.image, 'registry.example.com/tools/files:1.2.3'].sort(),
    );
  });

  test('both images in the bill of materials, and a mirror rewrites them', () => {
    expect(BillOfMaterials.of(built.chart).images()).toEqual(
      [F.image, 'docker.io/filebrowser/filebrowser:v2.32.0'].sort(),
    );
    const mirrored = build({}, { [REGISTRY_MIRROR_CONTEXT]: 'mirror.internal:5000' });
    const mc = mirrored.objects.find('Deployment', NS, F.names.deployment).spec.template.spec
      .containers[0];
    expect(mc.image).toBe('mirror.internal:5000/kubeflow/notebooks/volumes-web-app:v1.11.0');
    expect(mc.env).toContainEqual({
      name: 'VOLUME_VIEWER_IMAGE',
      value: 'mirror.internal:5000/filebrowser/filebrowser:v2.32.0',
    });
    expect(BillOfMaterials.of(mirrored.chart).images()).toEqual([
      'mirror.internal:5000/filebrowser/filebrowser:v2.32.0',
      'mirror.internal:5000/kubeflow/notebooks/volumes-web-app:v1.11.0',
    ]);
  });

  test('route /volumes/ rewritten to / on Service port 80, admitted for the gateway only', () => {
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
    expect(built.namespace.allows.map((a) => a.id)).toEqual(['volumes-web-app-from-gateway']);
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

  test('errors: every problem of the settings at once', () => {
    expect(() =>
      build({
        viewer: {
          image: { registry: 'docker.io', repository: 'filebrowser/filebrowser', tag: 'latest' },
          serviceAccountName: 'Default_Editor',
          timeoutSeconds: 0,
        },
        replicas: 0,
      }),
    ).toThrow(
      [
        'VolumesWebApp: ',
        '- `viewer.image` is not a pinned image (got "docker.io/filebrowser/filebrowser:latest"). Name a registry and a tag other than latest.',
        '- `viewer.serviceAccountName` is not a ServiceAccount name (got "Default_Editor"). Use a DNS subdomain such as \'default-editor\'.',
        '- `viewer.timeoutSeconds` is not a whole number of at least 1 (got 0). Use 1 or more.',
        '- `replicas` is not a whole number of at least 1 (got 0). Use 1 or more.',
      ].join('\n'),
    );
  });

  test('the policy gate (production): no error, no warning, nothing suppressed', () => {
    const report = evaluate(o.all as KubeObject[], { production: true });
    expect(report.errors.map((f) => f.message)).toEqual([]);
    expect(report.warnings.map((f) => f.message)).toEqual([]);
    expect(report.suppressed.map((f) => f.message)).toEqual([]);
  });
});
