import { Chart, Testing } from 'cdk8s';
import { ICertificateIssuer } from '../../../constructs/core/certificates';
import { BillOfMaterials, REGISTRY_MIRROR_CONTEXT } from '../../../constructs/core/images';
import { Layer } from '../../../constructs/core/layers';
import {
  PVC_VIEWER_CONTROLLER_DEFAULT_RESOURCES,
  PVC_VIEWER_NAMES,
  PVC_VIEWER_POD_LABELS,
  PVC_VIEWER_POD_PORT,
  PVC_VIEWER_SERVICE_PORT,
  PvcViewerController,
  PvcViewerControllerProps,
} from '../../../constructs/kubeflow-notebooks/pvcviewer-controller';
import { CLUSTER_ISSUER, FakeGateway, FakeNamespace } from '../../fakes';
import { LayeredApp, Manifest, Objects } from '../../helpers';
import {
  admissionProblems,
  applyDefaults,
  compareSchema,
  describeSchema,
} from '../poddefaults/schema-facts';
import {
  PVC_VIEWER_CRD_FACTS,
  PVC_VIEWER_DEPLOYMENT_FACTS,
  PVC_VIEWER_POD_FACTS,
  PVC_VIEWER_RBAC_FACTS,
  PVC_VIEWER_SCHEMA_FACTS,
  PVC_VIEWER_WEBHOOK_FACTS,
  TARGET_PORT_FACT,
} from './pvcviewer-facts';

const NS = 'kubeflow';

interface Built {
  readonly chart: Chart;
  readonly namespace: FakeNamespace;
  readonly gateway: FakeGateway;
  readonly controller: PvcViewerController;
  readonly objects: () => Objects;
}

function build(
  props: Partial<PvcViewerControllerProps> = {},
  opts: { issuer?: ICertificateIssuer; context?: Record<string, unknown> } = {},
): Built {
  const app = Testing.app();
  for (const [k, v] of Object.entries(opts.context ?? {})) app.node.setContext(k, v);
  const chart = new Chart(app, 'Test');
  const namespace = new FakeNamespace(NS);
  const gateway = new FakeGateway(chart, 'Gateway');
  const controller = new PvcViewerController(chart, 'PvcViewerController', {
    namespace,
    gateway,
    issuer: opts.issuer ?? CLUSTER_ISSUER,
    ...props,
  });
  return {
    chart,
    namespace,
    gateway,
    controller,
    objects: () => new Objects(Testing.synth(chart) as Manifest[]),
  };
}

const o = build().objects();
const D = PVC_VIEWER_DEPLOYMENT_FACTS;
const W = PVC_VIEWER_WEBHOOK_FACTS;
const R = PVC_VIEWER_RBAC_FACTS;
const deployment = o.find('Deployment', NS, D.name);
const pod = deployment.spec.template.spec;
const container = pod.containers[0];
const crd = o.find('CustomResourceDefinition', undefined, PVC_VIEWER_CRD_FACTS.name);
const schema: Manifest = crd.spec.versions[0].schema.openAPIV3Schema;
const fieldSet = (f: string) => f.split(' ').sort();

/** A container port given by name or number, as the number the kubelet or Service uses. */
const portNumber = (port: number | string): number =>
  typeof port === 'number'
    ? port
    : container.ports.find((p: Manifest) => p.name === port).containerPort;

/** A PVCViewer as the volumes web app creates it from its viewer spec. */
const viewer = {
  apiVersion: 'kubeflow.org/v1alpha1',
  kind: 'PVCViewer',
  metadata: { name: 'data', namespace: 'team-a' },
  spec: {
    pvc: 'data',
    podSpec: {
      serviceAccountName: 'default-editor',
      containers: [
        {
          name: 'main',
          image: 'docker.io/filebrowser/filebrowser:v2.32.0',
          env: [{ name: 'FB_PORT', value: '8080' }],
          readinessProbe: { tcpSocket: { port: 8080 } },
          volumeMounts: [{ name: 'viewer-volume', mountPath: '/srv' }],
        },
      ],
      volumes: [{ name: 'viewer-volume', persistentVolumeClaim: { claimName: 'data' } }],
    },
    networking: { targetPort: 8080, basePrefix: '/pvcviewers', rewrite: '/', timeout: '30s' },
  },
};

describe('PvcViewerController against kubeflow/notebooks v1.11.0', () => {
  test('with only the required props: the documented defaults and the data for wiring', () => {
    const { controller } = build();
    expect(controller.namespace).toBe(NS);
    expect(controller.replicas).toBe(1);
    expect(controller.resources).toEqual(PVC_VIEWER_CONTROLLER_DEFAULT_RESOURCES);
    expect(controller.crd?.crdName).toBe('pvcviewers.kubeflow.org');
    expect(controller.crd?.apiVersion).toBe('kubeflow.org/v1alpha1');
    expect(controller.settings).toEqual({ ISTIO_GATEWAY: 'istio-system/platform-gateway' });
    expect(controller.serviceAccountName).toBe(D.serviceAccount);
    expect(controller.kubernetesPrincipal).toBe(
      'system:serviceaccount:kubeflow:pvcviewer-controller-manager',
    );
    expect(controller.webhookServiceName).toBe(W.service.name);
    expect(controller.webhookServiceHost).toBe('pvcviewer-webhook-service.kubeflow.svc');
  });

  test('viewer pods: the label every one carries and the port it serves on, as upstream', () => {
    const { controller } = build();
    expect(controller.viewerPodLabels).toEqual(PVC_VIEWER_POD_FACTS.commonLabel);
    expect(PVC_VIEWER_POD_LABELS).toEqual(PVC_VIEWER_POD_FACTS.commonLabel);
    expect(controller.viewerPort).toBe(PVC_VIEWER_POD_FACTS.port);
    expect(PVC_VIEWER_POD_PORT).toBe(PVC_VIEWER_POD_FACTS.port);
    expect(PVC_VIEWER_SERVICE_PORT).toBe(PVC_VIEWER_POD_FACTS.servicePort);
    // No tenant object: nothing in a user namespace, no route on the platform gateway.
    expect(o.all.filter((x) => x.metadata.namespace && x.metadata.namespace !== NS)).toEqual([]);
    expect(build().gateway.routes).toEqual([]);
  });

  describe('CRD', () => {
    test('identity: group, names, scope, one version stored with status', () => {
      expect(crd.spec.group).toBe(PVC_VIEWER_CRD_FACTS.group);
      expect(crd.spec.names).toEqual(PVC_VIEWER_CRD_FACTS.names);
      expect(crd.spec.scope).toBe(PVC_VIEWER_CRD_FACTS.scope);
      expect(
        crd.spec.versions.map((v: Manifest) => ({
          name: v.name,
          served: v.served,
          storage: v.storage,
          subresources: v.subresources,
        })),
      ).toEqual(PVC_VIEWER_CRD_FACTS.versions);
    });

    test("conversion None instead of upstream's Webhook at /convert, and no CA annotation", () => {
      expect(PVC_VIEWER_CRD_FACTS.upstreamConversion.strategy).toBe('Webhook');
      expect(crd.spec.conversion).toEqual({ strategy: 'None' });
      expect(crd.metadata.annotations).toBeUndefined();
    });

    test('lands in the CRD layer, the controller in the platform layer; crd: false leaves it out', () => {
      const platform = new LayeredApp();
      const chart = platform.chartFor(Layer.PLATFORM_CONTROLLERS);
      new PvcViewerController(chart, 'PvcViewerController', {
        namespace: new FakeNamespace(NS),
        gateway: new FakeGateway(chart, 'Gateway'),
        issuer: CLUSTER_ISSUER,
      });
      const crds = platform.objectsIn(Layer.CRDS);
      expect(crds.all.map((x) => x.metadata.name)).toEqual([PVC_VIEWER_CRD_FACTS.name]);
      const controllers = platform.objectsIn(Layer.PLATFORM_CONTROLLERS);
      expect(controllers.ofKind('CustomResourceDefinition')).toHaveLength(0);
      expect(controllers.has('Deployment', NS, D.name)).toBe(true);
      expect(build({ crd: false }).objects().ofKind('CustomResourceDefinition')).toHaveLength(0);
    });

    test("declares upstream's defaults, no more, no less", () => {
      const [ours, upstream] = compareSchema(schema, PVC_VIEWER_SCHEMA_FACTS).defaults;
      expect(ours).toEqual(upstream);
      expect(upstream).toHaveLength(PVC_VIEWER_CRD_FACTS.counts.default);
    });

    test("carries upstream's required lists, and no enum, where it models the schema", () => {
      const [ours, upstream] = compareSchema(schema, PVC_VIEWER_SCHEMA_FACTS).rules;
      expect(ours).toEqual(upstream);
      expect(describeSchema(schema).constraints.filter((c) => c[0] === 'enum')).toEqual([]);
    });

    test('models the fields upstream has there; targetPort is an int-or-string', () => {
      const { fields } = describeSchema(schema);
      for (const [path, expected] of Object.entries(PVC_VIEWER_SCHEMA_FACTS.fields)) {
        expect([path, fieldSet(fields[path])]).toEqual([path, fieldSet(expected)]);
      }
      expect(schema.properties.spec.properties.networking.properties.targetPort).toEqual(
        TARGET_PORT_FACT,
      );
      expect(
        schema.properties.spec.properties.podSpec['x-kubernetes-preserve-unknown-fields'],
      ).toBe(true);
      const ports = schema.properties.spec.properties.podSpec.properties.containers.items;
      expect(ports.properties.ports['x-kubernetes-list-map-keys']).toEqual([
        'containerPort',
        'protocol',
      ]);
    });

    test('a viewer as the volumes web app creates it is admitted and defaulted; one without a PVC is refused', () => {
      // The API server defaults before it validates: rwoScheduling is required and defaulted.
      expect(admissionProblems(viewer, schema)).toEqual([
        'spec: required field rwoScheduling is missing',
      ]);
      const defaulted = applyDefaults(viewer, schema) as Manifest;
      expect(defaulted.spec.rwoScheduling).toBe(false);
      expect(admissionProblems(defaulted, schema)).toEqual([]);
      const noPvc = structuredClone(viewer) as Manifest;
      delete noPvc.spec.pvc;
      expect(admissionProblems(applyDefaults(noPvc, schema), schema)).toEqual([
        'spec: required field pvc is missing',
      ]);
      const status = applyDefaults(
        { ...defaulted, status: { url: '/pvcviewers/team-a/data/' } },
        schema,
      );
      expect((status as Manifest).status.ready).toBe(false);
    });
  });

  describe('Deployment', () => {
    test("image: upstream's pinned image, through resolveImage and the registry mirror", () => {
      expect(container.name).toBe(D.container);
      expect(container.image).toBe(D.image);
      const mirrored = build({}, { context: { [REGISTRY_MIRROR_CONTEXT]: 'mirror.local' } });
      const c = mirrored.objects().find('Deployment', NS, D.name).spec.template.spec.containers[0];
      expect(c.image).toBe('mirror.local/kubeflow/notebooks/pvcviewer-controller:v1.11.0');
      expect(BillOfMaterials.of(mirrored.chart).images()).toContain(c.image);
    });

    test("command, args and the gateway in ISTIO_GATEWAY (upstream's default would be kubeflow/kubeflow-gateway)", () => {
      expect(container.command).toEqual(D.command);
      expect(container.args).toEqual(D.args);
      expect(container.env).toEqual([
        { name: 'ISTIO_GATEWAY', value: 'istio-system/platform-gateway' },
      ]);
      expect(Object.keys(D.env)).toEqual(container.env.map((e: Manifest) => e.name));
      expect(container.env[0].value).not.toBe(D.env.ISTIO_GATEWAY);
    });

    test("webhook port, probes and termination grace: upstream's", () => {
      expect(container.ports).toContainEqual(D.webhookPort);
      for (const [name, fact] of [
        ['livenessProbe', D.livenessProbe],
        ['readinessProbe', D.readinessProbe],
      ] as const) {
        const p = container[name];
        expect({
          httpGet: { path: p.httpGet.path, port: portNumber(p.httpGet.port) },
          initialDelaySeconds: p.initialDelaySeconds,
          periodSeconds: p.periodSeconds,
        }).toEqual(fact);
      }
      expect(pod.terminationGracePeriodSeconds).toBe(D.terminationGracePeriodSeconds);
    });

    test('serving certificate: mounted read-only where controller-runtime reads it', () => {
      expect(container.volumeMounts).toEqual([
        { name: 'cert', mountPath: D.certMountPath, readOnly: true },
      ]);
      expect(pod.volumes).toEqual([
        {
          name: 'cert',
          secret: { secretName: 'pvcviewer-webhook-server-cert', defaultMode: 292 },
        },
      ]);
    });

    test('restricted pod as the image user, without sidecar, requests and limits set', () => {
      expect(deployment.spec.replicas).toBe(1);
      expect(pod.serviceAccountName).toBe(D.serviceAccount);
      expect(pod.securityContext).toMatchObject({
        runAsNonRoot: true,
        runAsUser: D.uid,
        runAsGroup: D.uid,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(container.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        privileged: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
      });
      expect(container.resources).toEqual(D.resources);
      expect(deployment.spec.template.metadata.labels['sidecar.istio.io/inject']).toBe('false');
      for (const [k, v] of Object.entries(deployment.spec.selector.matchLabels)) {
        expect(deployment.spec.template.metadata.labels[k]).toBe(v);
      }
      const sa = o.find('ServiceAccount', NS, D.serviceAccount);
      expect(sa.automountServiceAccountToken).toBe(false);
      expect(pod.automountServiceAccountToken).toBe(true);
    });

    test('resources and replicas from props; two replicas get a disruption budget', () => {
      const two = build({
        replicas: 2,
        resources: {
          cpu: { request: '20m', limit: '1' },
          memory: { request: '1Gi', limit: '1Gi' },
        },
      }).objects();
      const d = two.find('Deployment', NS, D.name);
      expect(d.spec.replicas).toBe(2);
      expect(d.spec.template.spec.containers[0].resources).toEqual({
        requests: { cpu: '20m', memory: '1Gi' },
        limits: { cpu: '1', memory: '1Gi' },
      });
      expect(two.find('PodDisruptionBudget', NS, D.name).spec.selector.matchLabels).toEqual(
        d.spec.selector.matchLabels,
      );
      expect(o.ofKind('PodDisruptionBudget')).toHaveLength(0);
    });
  });

  describe('webhooks', () => {
    const service = o.find('Service', NS, W.service.name);

    test("Service: upstream's port 443 to the webhook server's 9443", () => {
      expect(service.spec.ports).toHaveLength(1);
      expect(service.spec.ports[0].port).toBe(W.service.port);
      expect(portNumber(service.spec.ports[0].targetPort)).toBe(W.service.targetPort);
      expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    });

    test.each([
      ['MutatingWebhookConfiguration', W.mutating],
      ['ValidatingWebhookConfiguration', W.validating],
    ] as const)(
      '%s: name, path, rules, review versions and failurePolicy field by field as upstream',
      (kind, fact) => {
        const config = o.find(kind, undefined, fact.configuration);
        expect(config.webhooks).toHaveLength(1);
        const hook = config.webhooks[0];
        for (const [field, value] of Object.entries(fact.webhook)) {
          if (field === 'clientConfig') continue;
          expect([field, hook[field]]).toEqual([field, value]);
        }
        expect(hook.clientConfig).toEqual({
          service: { ...fact.webhook.clientConfig.service, port: service.spec.ports[0].port },
        });
        // The API server's defaults, stated so that a diff against the cluster stays empty.
        expect(hook.matchPolicy).toBe('Equivalent');
        expect(hook.timeoutSeconds).toBe(10);
        expect(hook.namespaceSelector).toBeUndefined();
        expect(config.metadata.annotations).toEqual({
          'cert-manager.io/inject-ca-from': W.injectCaFrom,
        });
      },
    );

    test('the CA comes from a Certificate of the platform issuer for the Service names', () => {
      const cert = o.find('Certificate', NS, W.certificate.name);
      expect(`${NS}/${cert.metadata.name}`).toBe(W.injectCaFrom);
      expect(cert.apiVersion).toBe('cert-manager.io/v1');
      expect(cert.spec.issuerRef).toEqual(CLUSTER_ISSUER.issuerRef);
      expect(cert.spec.dnsNames).toEqual(W.certificate.dnsNames);
      expect(cert.spec.usages).toContain('server auth');
      expect(cert.spec.secretName).toBe(PVC_VIEWER_NAMES.certificateSecret);
      expect(cert.spec.secretName).not.toBe(W.certificate.upstreamSecretName);
      expect(pod.volumes[0].secret.secretName).toBe(cert.spec.secretName);
    });

    test('the API server may reach the webhook port, and nothing else is opened', () => {
      const { namespace } = build();
      expect(namespace.allows.map((a) => a.id)).toEqual(['pvcviewer-webhook-from-apiserver']);
      expect(namespace.allows[0].allow.ports).toEqual([{ port: W.service.targetPort }]);
      expect(namespace.allows[0].allow.podLabels).toEqual(deployment.spec.selector.matchLabels);
    });
  });

  describe('RBAC', () => {
    test("ClusterRole: upstream's rules, rule by rule, bound to the service account", () => {
      const role = o.find('ClusterRole', undefined, R.clusterRole);
      expect(role.rules).toEqual(R.rules);
      const binding = o.find('ClusterRoleBinding', undefined, R.clusterRoleBinding);
      expect(binding.roleRef).toEqual({
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: R.clusterRole,
      });
      expect(binding.subjects).toEqual([
        { kind: 'ServiceAccount', name: D.serviceAccount, namespace: NS },
      ]);
    });

    test("leader election: upstream's Role without its ConfigMap rule (Leases only)", () => {
      const role = o.find('Role', NS, R.leaderElectionRole);
      expect(role.rules).toEqual(
        R.leaderElectionRules.filter(
          (r) => !(r.resources as readonly string[]).includes('configmaps'),
        ),
      );
      expect(role.rules).toHaveLength(R.leaderElectionRules.length - 1);
      const binding = o.find('RoleBinding', NS, R.leaderElectionRoleBinding);
      expect(binding.roleRef).toEqual({
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'Role',
        name: R.leaderElectionRole,
      });
      expect(binding.subjects).toEqual([
        { kind: 'ServiceAccount', name: D.serviceAccount, namespace: NS },
      ]);
    });

    test('no wildcard anywhere', () => {
      for (const kind of ['ClusterRole', 'Role']) {
        for (const r of o.ofKind(kind).flatMap((x) => x.rules as Manifest[])) {
          expect([...r.verbs, ...r.resources, ...r.apiGroups]).not.toContain('*');
        }
      }
    });
  });

  test('errors: replicas, an ACME issuer, a foreign Issuer, all at once', () => {
    expect(() =>
      build(
        { replicas: 0 },
        {
          issuer: {
            issuerRef: { name: 'le', kind: 'Issuer', group: 'cert-manager.io' },
            namespace: 'x',
            solvesHttp01: true,
          },
        },
      ),
    ).toThrow(
      [
        'PvcViewerController: ',
        '- `replicas` is not a whole number of at least 1 (got 0). Use 1 or more.',
        '- `issuer` is an ACME issuer (got HTTP-01 for pvcviewer-webhook-service.kubeflow.svc). An ACME server cannot certify in-cluster Service names; use a CA issuer (selfSigned or ca) for webhooks.',
        "- `issuer` is an Issuer of namespace x (got a webhook in kubeflow). Use a ClusterIssuer or an Issuer of the webhook's namespace.",
      ].join('\n'),
    );
    expect(() =>
      build(
        {},
        {
          issuer: {
            issuerRef: { name: 'ca', kind: 'Issuer', group: 'cert-manager.io' },
            namespace: NS,
          },
        },
      ),
    ).not.toThrow();
  });
});
