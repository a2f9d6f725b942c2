import { Chart, Testing } from 'cdk8s';
import { BillOfMaterials, REGISTRY_MIRROR_CONTEXT } from '../../../constructs/core/images';
import { SUPPRESSIONS_ANNOTATION } from '../../../constructs/core/policy';
import {
  TENSORBOARD_CONTROLLER_DEFAULT_RESOURCES,
  TENSORBOARD_SERVERS,
  TensorboardController,
  TensorboardControllerProps,
  tensorboardPodLabels,
} from '../../../constructs/kubeflow-notebooks/tensorboard-controller';
import { evaluate } from '../../../policies/evaluate';
import { KubeObject } from '../../../stacks/render';
import { IGateway } from '../../../constructs/core/mesh';
import { FakeGateway, FakeNamespace, GATEWAY_NS } from '../../fakes';
import { Manifest, Objects } from '../../helpers';
import { TENSORBOARD_CONTROLLER_FACTS as F } from './tensorboard-facts';

const NS = 'kubeflow';

/** The fake gateway with `changes` to what it says of itself (its name, its identity). */
function gatewayWith(
  chart: Chart,
  changes: { readonly gatewayRef?: string; readonly principal?: string },
): IGateway {
  const fake = new FakeGateway(chart, 'Gateway');
  return {
    hosts: fake.hosts,
    gatewayRef: changes.gatewayRef ?? fake.gatewayRef,
    namespace: fake.namespace,
    selector: fake.selector,
    peer: fake.peer,
    principal: changes.principal ?? fake.principal,
    addRoute: (id, route) => fake.addRoute(id, route),
  };
}

interface Built {
  readonly chart: Chart;
  readonly gateway: IGateway;
  readonly controller: TensorboardController;
  readonly objects: () => Objects;
}

function build(
  opts: {
    props?: Partial<TensorboardControllerProps>;
    gateway?: (chart: Chart) => IGateway;
    context?: Record<string, unknown>;
  } = {},
): Built {
  const app = Testing.app();
  for (const [k, v] of Object.entries(opts.context ?? {})) app.node.setContext(k, v);
  const chart = new Chart(app, 'Test');
  const gateway = opts.gateway?.(chart) ?? new FakeGateway(chart, 'Gateway');
  const controller = new TensorboardController(chart, 'TensorboardController', {
    namespace: new FakeNamespace(NS),
    gateway,
    ...opts.props,
  });
  return {
    chart,
    gateway,
    controller,
    objects: () => new Objects(Testing.synth(chart) as Manifest[]),
  };
}

const built = build();
const o = built.objects();
const deployment = o.find('Deployment', NS, F.names.deployment);
const pod = deployment.spec.template.spec;
const c = pod.containers[0];
const sorted = (rules: readonly Manifest[]) =>
  rules.map((r) => JSON.stringify(r, Object.keys(r).sort())).sort();

describe('TensorboardController against kubeflow/notebooks v1.11.0', () => {
  test('with only the required props: the documented defaults', () => {
    const { controller } = built;
    expect(controller.namespace).toBe(NS);
    expect(controller.resources).toEqual(TENSORBOARD_CONTROLLER_DEFAULT_RESOURCES);
    expect(controller.crd?.crdName).toBe('tensorboards.tensorboard.kubeflow.org');
    expect(controller.tensorboardImage).toBe('docker.io/tensorflow/tensorflow:2.5.1');
    expect(controller.settings).toEqual({
      RWO_PVC_SCHEDULING: 'True',
      TENSORBOARD_IMAGE: 'docker.io/tensorflow/tensorflow:2.5.1',
      ISTIO_GATEWAY: `${GATEWAY_NS}/platform-gateway`,
      ISTIO_HOST: '*',
    });
  });

  test("settings equal upstream's params for an upstream-named gateway", () => {
    const { controller } = build({
      gateway: (chart) => gatewayWith(chart, { gatewayRef: 'kubeflow/kubeflow-gateway' }),
    });
    for (const [key, value] of Object.entries(F.config.data)) {
      // Upstream names the Docker Hub image without its registry; ours is fully qualified.
      const expected = key === 'TENSORBOARD_IMAGE' ? `docker.io/${value}` : value;
      expect([key, controller.settings[key]]).toEqual([key, expected]);
    }
    expect(Object.keys(controller.settings).sort()).toEqual(Object.keys(F.config.data).sort());
  });

  test('env: every variable the controller reads, each from the settings ConfigMap', () => {
    expect(c.env.map((e: Manifest) => e.name).sort()).toEqual([...F.envRead].sort());
    for (const e of c.env) {
      expect(e.valueFrom).toEqual({ configMapKeyRef: { name: F.config.name, key: e.name } });
    }
    const config = o.find('ConfigMap', NS, F.config.name);
    expect(config.data).toEqual(built.controller.settings);
  });

  test('settings from props: host, image, RWO scheduling off', () => {
    const { controller, objects } = build({
      props: {
        istioHost: 'ml.example.com',
        rwoPvcScheduling: false,
        tensorboardImage: {
          registry: 'docker.io',
          repository: 'tensorflow/tensorflow',
          tag: '2.16.1',
        },
      },
    });
    expect(controller.settings).toEqual({
      RWO_PVC_SCHEDULING: 'False',
      TENSORBOARD_IMAGE: 'docker.io/tensorflow/tensorflow:2.16.1',
      ISTIO_GATEWAY: `${GATEWAY_NS}/platform-gateway`,
      ISTIO_HOST: 'ml.example.com',
    });
    expect(objects().find('ConfigMap', NS, F.config.name).data.TENSORBOARD_IMAGE).toBe(
      'docker.io/tensorflow/tensorflow:2.16.1',
    );
  });

  test('both images are in the bill of materials and follow the registry mirror', () => {
    expect(BillOfMaterials.of(built.chart).images()).toEqual([
      'docker.io/tensorflow/tensorflow:2.5.1',
      F.image,
    ]);
    const mirrored = build({ context: { [REGISTRY_MIRROR_CONTEXT]: 'mirror.corp:5000' } });
    expect(mirrored.controller.settings.TENSORBOARD_IMAGE).toBe(
      'mirror.corp:5000/tensorflow/tensorflow:2.5.1',
    );
    expect(BillOfMaterials.of(mirrored.chart).images()).toEqual([
      'mirror.corp:5000/kubeflow/notebooks/tensorboard-controller:v1.11.0',
      'mirror.corp:5000/tensorflow/tensorflow:2.5.1',
    ]);
  });

  test('image, command and args', () => {
    expect(c.name).toBe(F.container.name);
    expect(c.image).toBe(F.image);
    expect(c.command).toEqual(F.container.command);
    expect(c.args).toEqual([
      `--health-probe-bind-address=${F.args.healthProbeBindAddress}`,
      `--metrics-bind-address=:${F.args.metricsPort}`,
    ]);
    expect(c.args.some((a: string) => a.startsWith('--leader-elect'))).toBe(false);
  });

  test("ports and probes: upstream's probe timings; metrics served to the metrics Service", () => {
    expect(c.ports).toEqual([
      { name: 'http-metrics', containerPort: F.args.metricsPort, protocol: 'TCP' },
      { name: 'probes', containerPort: F.container.livenessProbe.port, protocol: 'TCP' },
    ]);
    for (const [probe, fact] of [
      [c.livenessProbe, F.container.livenessProbe],
      [c.readinessProbe, F.container.readinessProbe],
    ] as const) {
      expect(probe).toEqual({
        httpGet: { path: fact.path, port: fact.port },
        initialDelaySeconds: fact.initialDelaySeconds,
        periodSeconds: fact.periodSeconds,
      });
    }
    const svc = o.find('Service', NS, F.names.metricsService);
    expect(svc.spec.ports).toEqual([
      { name: 'http-metrics', port: 8080, targetPort: 'http-metrics', protocol: 'TCP' },
    ]);
    expect(svc.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    for (const [k, v] of Object.entries(svc.spec.selector)) {
      expect(deployment.spec.template.metadata.labels[k]).toBe(v);
    }
  });

  test('restricted pod as upstream user 999, with requests and limits', () => {
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: F.container.runAsUser,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(c.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
    });
    expect(c.resources).toEqual(F.container.resources);
    expect(pod.terminationGracePeriodSeconds).toBe(F.container.terminationGracePeriodSeconds);
    expect(pod.serviceAccountName).toBe(F.names.serviceAccount);
    expect(pod.automountServiceAccountToken).toBe(true);
    const sa = o.find('ServiceAccount', NS, F.names.serviceAccount);
    expect(sa.automountServiceAccountToken).toBe(false);
  });

  test("ClusterRole: upstream's rules exactly, no wildcard, bound to the controller", () => {
    const role = o.find('ClusterRole', undefined, F.names.clusterRole);
    expect(role.rules).toEqual(F.clusterRoleRules);
    expect(JSON.stringify(role.rules)).not.toContain('*');
    expect(role.metadata.annotations?.[SUPPRESSIONS_ANNOTATION]).toBeUndefined();
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

  test('ClusterRole covers what the reconciler creates, updates and reads', () => {
    const rules: Manifest[] = o.find('ClusterRole', undefined, F.names.clusterRole).rules;
    const allows = (group: string, resource: string, verb: string) =>
      rules.some(
        (r) =>
          r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb),
      );
    for (const { apiGroup, resource } of F.creates) {
      for (const verb of ['get', 'list', 'watch', 'create', 'update']) {
        expect([apiGroup, resource, verb, allows(apiGroup, resource, verb)]).toEqual([
          apiGroup,
          resource,
          verb,
          true,
        ]);
      }
    }
    for (const { apiGroup, resource } of F.reads) {
      for (const verb of ['get', 'list', 'watch']) {
        expect([resource, verb, allows(apiGroup, resource, verb)]).toEqual([resource, verb, true]);
      }
    }
    expect(allows('tensorboard.kubeflow.org', 'tensorboards/status', 'update')).toBe(true);
    expect(allows('tensorboard.kubeflow.org', 'tensorboards/finalizers', 'update')).toBe(true);
  });

  test("leader election: upstream's Role and RoleBinding in the controller's namespace", () => {
    const role = o.find('Role', NS, F.names.leaderElectionRole);
    expect(sorted(role.rules)).toEqual(sorted(F.leaderElectionRules));
    expect(role.rules).toHaveLength(F.leaderElectionRules.length);
    const binding = o.find('RoleBinding', NS, F.names.leaderElectionRoleBinding);
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Role',
      name: F.names.leaderElectionRole,
    });
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: F.names.serviceAccount, namespace: NS },
    ]);
  });

  test('no user roles of its own: the web app kubeflow-tensorboard-ui-* roles grant Tensorboards', () => {
    const roles = o.ofKind('ClusterRole').map((r) => r.metadata.name as string);
    expect(roles.filter((n) => n.startsWith('kubeflow-'))).toEqual([]);
    // The web app's upstream roles are not ours to create.
    expect(o.has('ClusterRole', undefined, 'kubeflow-tensorboard-ui-edit')).toBe(false);
  });

  test("what a tenant must admit: the servers' port, label and route, as the source has them", () => {
    expect(built.controller.servers).toEqual({
      port: F.server.port,
      servicePort: F.server.servicePort,
      nameLabel: F.server.podLabel,
      pathPrefix: F.server.pathPrefix,
      routeTimeoutSeconds: F.server.timeoutSeconds,
    });
    expect(TENSORBOARD_SERVERS.port).toBe(6006);
    expect(tensorboardPodLabels('my-tb')).toEqual({ app: 'my-tb' });
    // The controller creates nothing in tenant namespaces itself.
    const namespaces = new Set(o.all.map((x) => x.metadata.namespace).filter(Boolean));
    expect([...namespaces]).toEqual([NS]);
  });

  test("the controller's identity: its ServiceAccount in the gateway's trust domain", () => {
    expect(built.controller.serviceAccount).toEqual({
      name: F.names.serviceAccount,
      namespace: NS,
    });
    expect(built.controller.principal).toBe(
      `cluster.local/ns/${NS}/sa/tensorboard-controller-controller-manager`,
    );
    const corp = build({
      gateway: (chart) => gatewayWith(chart, { principal: 'corp.example/ns/istio-system/sa/gw' }),
    });
    expect(corp.controller.principal).toBe(
      `corp.example/ns/${NS}/sa/tensorboard-controller-controller-manager`,
    );
    const external = build({ gateway: (chart) => new FakeGateway(chart, 'Gateway', [], null) });
    expect(external.controller.principal).toBe(
      `cluster.local/ns/${NS}/sa/tensorboard-controller-controller-manager`,
    );
  });

  test('errors: a gateway without its namespace, an unpinned server image, all at once', () => {
    expect(() =>
      build({
        gateway: (chart) => gatewayWith(chart, { gatewayRef: 'kubeflow-gateway' }),
        props: {
          tensorboardImage: {
            registry: 'docker.io',
            repository: 'tensorflow/tensorflow',
            tag: 'latest',
          },
        },
      }),
    ).toThrow(
      'TensorboardController: \n- `gateway.gatewayRef` is not `<namespace>/<name>`; the controller writes it into VirtualServices in tenant namespaces, where a bare name finds no gateway (got "kubeflow-gateway"). Name the gateway with its namespace, such as kubeflow/kubeflow-gateway.\n- `tensorboardImage.tag` is not a pinned version (got "docker.io/tensorflow/tensorflow:latest"). Use a release tag such as 2.5.1.',
    );
  });

  test('the policy gate (production): no error, no warning, nothing suppressed', () => {
    const report = evaluate(o.all as KubeObject[], { production: true });
    expect(report.errors.map((f) => f.message)).toEqual([]);
    expect(report.warnings.map((f) => f.message)).toEqual([]);
    expect(report.suppressed).toEqual([]);
  });
});
