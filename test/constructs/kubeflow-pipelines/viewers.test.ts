import { Chart, Testing } from 'cdk8s';
import { BillOfMaterials } from '../../../constructs/core/images';
import { Layer } from '../../../constructs/core/layers';
import { NetworkPeer } from '../../../constructs/core/network';
import {
  VIEWER_CONTROLLER_DEFAULT_RESOURCES,
  ViewerController,
  ViewerControllerProps,
} from '../../../constructs/kubeflow-pipelines/viewer-controller';
import {
  VISUALIZATION_SERVER_DEFAULT_RESOURCES,
  VisualizationServer,
  VisualizationServerProps,
} from '../../../constructs/kubeflow-pipelines/visualization-server';
import { FakeNamespace } from '../../fakes';
import { LayeredApp, Manifest, Objects } from '../../helpers';
import { RuleFact, VIEWER_FACTS, VISUALIZATION_FACTS } from './frontend-facts';

const NS = 'kubeflow';

function buildViewer(props: Partial<ViewerControllerProps> = {}) {
  const app = Testing.app();
  const chart = new Chart(app, 'Test');
  const controller = new ViewerController(chart, 'Viewer', {
    namespace: new FakeNamespace(NS),
    ...props,
  });
  const objects = new Objects(Testing.synth(chart) as Manifest[]);
  const deployment = objects.find('Deployment', NS, VIEWER_FACTS.names.deployment);
  return {
    chart,
    controller,
    objects,
    deployment,
    container: deployment.spec.template.spec.containers[0] as Manifest,
  };
}

function buildVisualization(props: Partial<VisualizationServerProps> = {}) {
  const app = Testing.app();
  const chart = new Chart(app, 'Test');
  const namespace = new FakeNamespace(NS);
  const server = new VisualizationServer(chart, 'Visualization', { namespace, ...props });
  const objects = new Objects(Testing.synth(chart) as Manifest[]);
  const deployment = objects.find('Deployment', NS, VISUALIZATION_FACTS.names.deployment);
  return {
    chart,
    namespace,
    server,
    objects,
    deployment,
    container: deployment.spec.template.spec.containers[0] as Manifest,
  };
}

const env = (container: Manifest): Record<string, unknown> =>
  Object.fromEntries((container.env as Manifest[]).map((e) => [e.name, e.value]));

function expectRestricted(pod: Manifest, container: Manifest, runAsUser: number): void {
  expect(pod.securityContext).toMatchObject({
    runAsNonRoot: true,
    runAsUser,
    seccompProfile: { type: 'RuntimeDefault' },
  });
  expect(container.securityContext).toEqual({
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    seccompProfile: { type: 'RuntimeDefault' },
  });
}

describe('Viewer CRD against kubeflow/pipelines 2.16.1', () => {
  const crd = buildViewer().objects.find(
    'CustomResourceDefinition',
    undefined,
    VIEWER_FACTS.crd.name,
  );

  test('identity: group, names, scope, versions', () => {
    expect(crd.spec.group).toBe(VIEWER_FACTS.crd.group);
    expect(crd.spec.names).toEqual(VIEWER_FACTS.crd.names);
    expect(crd.spec.scope).toBe(VIEWER_FACTS.crd.scope);
    expect(
      (crd.spec.versions as Manifest[]).map((v) => ({
        name: v.name,
        served: v.served,
        storage: v.storage,
      })),
    ).toEqual(VIEWER_FACTS.crd.versions);
    expect(crd.spec.versions[0].subresources).toBeUndefined();
    expect(crd.spec.conversion).toBeUndefined();
  });

  test("schema: upstream's, spec required and kept whole as an atomic map", () => {
    expect(crd.spec.versions[0].schema.openAPIV3Schema).toEqual(VIEWER_FACTS.crd.schema);
  });

  test('in the CRD layer of a platform, the controller in its own', () => {
    const platform = new LayeredApp();
    new ViewerController(platform.chartFor(Layer.PLATFORM_CONTROLLERS), 'Viewer', {
      namespace: new FakeNamespace(NS),
    });
    expect(
      platform
        .objectsIn(Layer.CRDS)
        .has('CustomResourceDefinition', undefined, VIEWER_FACTS.crd.name),
    ).toBe(true);
    const controllers = platform.objectsIn(Layer.PLATFORM_CONTROLLERS);
    expect(controllers.ofKind('CustomResourceDefinition')).toEqual([]);
    expect(controllers.has('Deployment', NS, VIEWER_FACTS.names.deployment)).toBe(true);
  });

  test('crd: false leaves the CRD out', () => {
    const { controller, objects } = buildViewer({ crd: false });
    expect(controller.crd).toBeUndefined();
    expect(objects.ofKind('CustomResourceDefinition')).toEqual([]);
  });
});

describe('ViewerController against kubeflow/pipelines 2.16.1 (multi-user)', () => {
  const built = buildViewer();
  const { deployment, container, objects } = built;

  test('with only the required props: the documented defaults', () => {
    expect(built.controller.namespace).toBe(NS);
    expect(built.controller.maxViewersPerNamespace).toBe(50);
    expect(built.controller.resources).toEqual(VIEWER_CONTROLLER_DEFAULT_RESOURCES);
    expect(built.controller.crd?.crdName).toBe(VIEWER_FACTS.crd.name);
    expect(built.controller.serviceAccountName).toBe(VIEWER_FACTS.names.serviceAccount);
  });

  test("image, names and env as upstream's: every namespace watched", () => {
    expect(container.name).toBe(VIEWER_FACTS.names.container);
    expect(container.image).toBe(VIEWER_FACTS.image);
    expect(BillOfMaterials.of(built.chart).images()).toEqual([VIEWER_FACTS.image]);
    expect(env(container)).toEqual(VIEWER_FACTS.env);
    expect(container.command).toBeUndefined();
    expect(container.args).toBeUndefined();
    expect(deployment.spec.template.spec.serviceAccountName).toBe(
      VIEWER_FACTS.names.serviceAccount,
    );
    expect(env(buildViewer({ maxViewersPerNamespace: 5 }).container).MAX_NUM_VIEWERS).toBe('5');
  });

  test('probes on the controller-runtime metrics port; restricted; requests and limits', () => {
    expect(container.ports).toEqual([
      { name: 'http-metrics', containerPort: 8080, protocol: 'TCP' },
    ]);
    for (const probe of [container.livenessProbe, container.readinessProbe] as Manifest[]) {
      expect(probe.httpGet).toEqual({ path: '/metrics', port: 'http-metrics' });
    }
    expectRestricted(deployment.spec.template.spec, container, VIEWER_FACTS.runAsUser);
    expect(container.resources).toEqual({
      requests: { cpu: '10m', memory: '32Mi' },
      limits: { cpu: '200m', memory: '128Mi' },
    });
  });

  test("RBAC: upstream's ClusterRole with the wildcard group narrowed to apps and core", () => {
    const role = objects.find('ClusterRole', undefined, VIEWER_FACTS.names.clusterRole);
    const rules = role.rules as RuleFact[];
    expect(rules).toHaveLength(VIEWER_FACTS.rules.length);
    VIEWER_FACTS.rules.forEach((fact, i) => {
      expect({ resources: rules[i].resources, verbs: rules[i].verbs }).toEqual({
        resources: fact.resources,
        verbs: fact.verbs,
      });
      // Deployments are in `apps`, Services in the core group: the only groups `*` matched.
      const groups = fact.apiGroups.includes('*') ? ['apps', ''] : fact.apiGroups;
      expect(rules[i].apiGroups).toEqual(groups);
    });
    expect(rules.flatMap((r) => [...r.apiGroups, ...r.resources, ...r.verbs])).not.toContain('*');
    const binding = objects.find(
      'ClusterRoleBinding',
      undefined,
      VIEWER_FACTS.names.clusterRoleBinding,
    );
    expect(binding.roleRef.name).toBe(VIEWER_FACTS.names.clusterRole);
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: VIEWER_FACTS.names.serviceAccount, namespace: NS },
    ]);
  });

  test('an invalid viewer count is reported with how to fix it', () => {
    expect(() => buildViewer({ maxViewersPerNamespace: 0 })).toThrow(
      'ViewerController: `maxViewersPerNamespace` is not a whole number of at least 1 (got 0). Use 1 or more.',
    );
  });
});

describe('VisualizationServer against kubeflow/pipelines 2.16.1', () => {
  const built = buildVisualization();
  const { deployment, container, objects } = built;

  test('with only the required props: the documented defaults', () => {
    expect(built.server.namespace).toBe(NS);
    expect(built.server.resources).toEqual(VISUALIZATION_SERVER_DEFAULT_RESOURCES);
    expect(built.server.serviceHost).toBe(
      'ml-pipeline-visualizationserver.kubeflow.svc.cluster.local',
    );
    expect(built.server.servicePort).toBe(8888);
  });

  test("image, names, port, probes and Service as upstream's", () => {
    expect(container.name).toBe(VISUALIZATION_FACTS.names.container);
    expect(container.image).toBe(VISUALIZATION_FACTS.image);
    expect(BillOfMaterials.of(built.chart).images()).toEqual([VISUALIZATION_FACTS.image]);
    expect(container.ports).toEqual([{ ...VISUALIZATION_FACTS.containerPort, protocol: 'TCP' }]);
    for (const probe of [container.livenessProbe, container.readinessProbe] as Manifest[]) {
      expect(probe).toEqual({
        httpGet: { path: VISUALIZATION_FACTS.probe.path, port: 'http' },
        initialDelaySeconds: VISUALIZATION_FACTS.probe.initialDelaySeconds,
        periodSeconds: VISUALIZATION_FACTS.probe.periodSeconds,
        timeoutSeconds: VISUALIZATION_FACTS.probe.timeoutSeconds,
      });
    }
    expect(deployment.spec.template.spec.serviceAccountName).toBe(
      VISUALIZATION_FACTS.names.serviceAccount,
    );
    expect(objects.has('ServiceAccount', NS, VISUALIZATION_FACTS.names.serviceAccount)).toBe(true);
    const svc = objects.find('Service', NS, VISUALIZATION_FACTS.names.service);
    const [port] = svc.spec.ports as Manifest[];
    expect([port.name, port.port]).toEqual([
      VISUALIZATION_FACTS.servicePort.name,
      VISUALIZATION_FACTS.servicePort.port,
    ]);
    const target = (container.ports as Manifest[]).find((p) => p.name === port.targetPort);
    expect(target?.containerPort).toBe(VISUALIZATION_FACTS.servicePort.targetPort);
  });

  test("upstream's requests; limited; restricted with a writable /tmp as HOME", () => {
    expect(container.resources.requests).toEqual(VISUALIZATION_FACTS.requests);
    expect(container.resources.limits).toEqual({ cpu: '1', memory: '2Gi' });
    const pod = deployment.spec.template.spec;
    expectRestricted(pod, container, VISUALIZATION_FACTS.runAsUser);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(env(container)).toEqual({ HOME: '/tmp' });
    expect(container.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
  });

  test('only the API server may call it: network allow and AuthorizationPolicy', () => {
    const selector = deployment.spec.selector.matchLabels as Record<string, string>;
    const policy = objects.find(
      'AuthorizationPolicy',
      NS,
      VISUALIZATION_FACTS.names.authorizationPolicy,
    );
    expect(policy.spec).toEqual({
      selector: { matchLabels: selector },
      action: 'ALLOW',
      rules: [
        {
          from: [{ source: { principals: ['cluster.local/ns/kubeflow/sa/ml-pipeline'] } }],
          to: [{ operation: { ports: ['8888'] } }],
        },
      ],
    });
    expect(built.namespace.allows).toHaveLength(1);
    const [{ id, allow }] = built.namespace.allows;
    expect(id).toBe('ml-pipeline-visualizationserver-from-api-server');
    expect(allow.podLabels).toEqual(selector);
    expect(allow.ports).toEqual([{ port: 8888 }]);
    expect(allow.from).toEqual([
      NetworkPeer.sameNamespace({
        'app.kubernetes.io/name': 'kubeflow-pipelines',
        'app.kubernetes.io/instance': 'kubeflow-pipelines',
        'app.kubernetes.io/component': 'api-server',
      }),
    ]);

    const custom = buildVisualization({
      apiServerPrincipal: 'corp.example/ns/kubeflow/sa/ml-pipeline',
      apiServerPodLabels: { app: 'ml-pipeline' },
    });
    const customPolicy = custom.objects.find(
      'AuthorizationPolicy',
      NS,
      VISUALIZATION_FACTS.names.authorizationPolicy,
    );
    expect(customPolicy.spec.rules[0].from).toEqual([
      { source: { principals: ['corp.example/ns/kubeflow/sa/ml-pipeline'] } },
    ]);
    expect(custom.namespace.allows[0].allow.from).toEqual([
      NetworkPeer.sameNamespace({ app: 'ml-pipeline' }),
    ]);
  });
});
