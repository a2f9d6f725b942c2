import { REGISTRY_MIRROR_CONTEXT, BillOfMaterials } from '../../../constructs/core/images';
import { NetworkPeer } from '../../../constructs/core/network';
import {
  CERT_MANAGER_DEFAULT_RESOURCES,
  CERT_MANAGER_IMAGES,
  CertManager,
  PlatformIssuer,
} from '../../../constructs/cert-manager';
import { imageReference } from '../../../constructs/core/images';
import { Layer } from '../../../constructs/core/layers';
import { PlatformNamespace } from '../../../constructs/namespaces/namespace';
import { LayeredApp, Manifest, NAMESPACE, Objects, buildCertManager } from './helpers';

const container = (objects: Objects, name: string): Manifest =>
  objects.find('Deployment', NAMESPACE, name).spec.template.spec.containers[0];

const UPSTREAM_IMAGE = (name: keyof typeof CERT_MANAGER_IMAGES) =>
  `quay.io/jetstack/cert-manager-${name}:v1.20.2`;

describe('CertManager', () => {
  test('with only a namespace: the documented defaults', () => {
    const { certManager, objects } = buildCertManager();
    expect(certManager.namespace).toBe(NAMESPACE);
    expect(certManager.clusterResourceNamespace).toBe(NAMESPACE);
    expect(certManager.leaderElectionNamespace).toBe('kube-system');
    expect(certManager.webhookServiceName).toBe('cert-manager-webhook');
    expect(certManager.replicas).toEqual({ controller: 1, webhook: 1, cainjector: 1 });
    expect(certManager.resources).toEqual(CERT_MANAGER_DEFAULT_RESOURCES);
    expect(certManager.workloads).toEqual([
      { kind: 'Deployment', namespace: NAMESPACE, name: 'cert-manager' },
      { kind: 'Deployment', namespace: NAMESPACE, name: 'cert-manager-cainjector' },
      { kind: 'Deployment', namespace: NAMESPACE, name: 'cert-manager-webhook' },
    ]);

    const o = objects();
    for (const [name, part] of [
      ['cert-manager', 'controller'],
      ['cert-manager-cainjector', 'cainjector'],
      ['cert-manager-webhook', 'webhook'],
    ] as const) {
      const deployment = o.find('Deployment', NAMESPACE, name);
      expect(deployment.spec.replicas).toBe(1);
      const c = deployment.spec.template.spec.containers[0];
      expect(c.args[0]).toBe('--v=2');
      const spec = CERT_MANAGER_DEFAULT_RESOURCES[part];
      expect(c.resources).toEqual({
        requests: { cpu: spec.cpu.request, memory: spec.memory.request },
        limits: { cpu: spec.cpu.limit, memory: spec.memory.limit },
      });
      // No scrape annotations while nobody may scrape.
      expect(deployment.spec.template.metadata.annotations).toBeUndefined();
    }
    expect(container(o, 'cert-manager').args).toContain('--max-concurrent-challenges=60');
    expect(o.ofKind('PodDisruptionBudget')).toEqual([]);
    // The only allow: the API server to the webhook.
    expect(
      o
        .ofKind('NetworkPolicy')
        .map((p) => p.metadata.name)
        .sort(),
    ).toEqual(['allow-cert-manager-webhook-from-apiserver', 'default-deny-ingress']);
  });

  test('images are the versions.ts refs, the solver image included', () => {
    const o = buildCertManager().objects();
    expect(container(o, 'cert-manager').image).toBe(imageReference(CERT_MANAGER_IMAGES.controller));
    expect(container(o, 'cert-manager-cainjector').image).toBe(
      imageReference(CERT_MANAGER_IMAGES.cainjector),
    );
    expect(container(o, 'cert-manager-webhook').image).toBe(
      imageReference(CERT_MANAGER_IMAGES.webhook),
    );
    expect(container(o, 'cert-manager').args).toContain(
      `--acme-http01-solver-image=${imageReference(CERT_MANAGER_IMAGES.acmesolver)}`,
    );
    // ...and those refs are the upstream release images.
    for (const name of ['controller', 'cainjector', 'webhook', 'acmesolver'] as const) {
      expect(imageReference(CERT_MANAGER_IMAGES[name])).toBe(UPSTREAM_IMAGE(name));
    }
  });

  test('a registry mirror rewrites every image, the solver flag too, and the bill lists them', () => {
    const { chart, objects } = buildCertManager(
      {},
      { [REGISTRY_MIRROR_CONTEXT]: 'mirror.local:5000' },
    );
    const o = objects();
    for (const d of o.ofKind('Deployment')) {
      expect(d.spec.template.spec.containers[0].image).toMatch(/^mirror\.local:5000\/jetstack\//);
    }
    expect(container(o, 'cert-manager').args).toContain(
      '--acme-http01-solver-image=mirror.local:5000/jetstack/cert-manager-acmesolver:v1.20.2',
    );
    expect(BillOfMaterials.of(chart).images()).toEqual([
      'mirror.local:5000/jetstack/cert-manager-acmesolver:v1.20.2',
      'mirror.local:5000/jetstack/cert-manager-cainjector:v1.20.2',
      'mirror.local:5000/jetstack/cert-manager-controller:v1.20.2',
      'mirror.local:5000/jetstack/cert-manager-webhook:v1.20.2',
      'mirror.local:5000/kubectl:v1.34.1',
    ]);
  });

  test('each Deployment has the upstream flags, ports and probes', () => {
    const o = buildCertManager().objects();
    const controller = container(o, 'cert-manager');
    expect(controller.name).toBe('cert-manager-controller');
    expect(controller.args).toEqual([
      '--v=2',
      '--cluster-resource-namespace=$(POD_NAMESPACE)',
      '--leader-election-namespace=kube-system',
      `--acme-http01-solver-image=${UPSTREAM_IMAGE('acmesolver')}`,
      '--max-concurrent-challenges=60',
    ]);
    expect(controller.ports).toEqual([
      { name: 'http-metrics', containerPort: 9402, protocol: 'TCP' },
      { name: 'http-healthz', containerPort: 9403, protocol: 'TCP' },
    ]);
    expect(controller.livenessProbe).toEqual({
      httpGet: { path: '/livez', port: 'http-healthz', scheme: 'HTTP' },
      initialDelaySeconds: 10,
      periodSeconds: 10,
      timeoutSeconds: 15,
      successThreshold: 1,
      failureThreshold: 8,
    });
    expect(controller.readinessProbe).toBeUndefined();

    const cainjector = container(o, 'cert-manager-cainjector');
    expect(cainjector.name).toBe('cert-manager-cainjector');
    expect(cainjector.args).toEqual(['--v=2', '--leader-election-namespace=kube-system']);
    expect(cainjector.ports).toEqual([
      { name: 'http-metrics', containerPort: 9402, protocol: 'TCP' },
    ]);

    const webhook = container(o, 'cert-manager-webhook');
    expect(webhook.name).toBe('cert-manager-webhook');
    expect(webhook.args).toEqual([
      '--v=2',
      '--secure-port=10250',
      '--dynamic-serving-ca-secret-namespace=$(POD_NAMESPACE)',
      '--dynamic-serving-ca-secret-name=cert-manager-webhook-ca',
      '--dynamic-serving-dns-names=cert-manager-webhook',
      '--dynamic-serving-dns-names=cert-manager-webhook.$(POD_NAMESPACE)',
      '--dynamic-serving-dns-names=cert-manager-webhook.$(POD_NAMESPACE).svc',
    ]);
    expect(webhook.ports.map((p: Manifest) => [p.name, p.containerPort])).toEqual([
      ['https', 10250],
      ['healthcheck', 6080],
      ['http-metrics', 9402],
    ]);
    expect(webhook.livenessProbe).toMatchObject({
      httpGet: { path: '/livez', port: 'healthcheck' },
      initialDelaySeconds: 60,
      timeoutSeconds: 1,
      failureThreshold: 3,
    });
    expect(webhook.readinessProbe).toMatchObject({
      httpGet: { path: '/healthz', port: 'healthcheck' },
      initialDelaySeconds: 5,
      periodSeconds: 5,
    });

    // $(POD_NAMESPACE) in the flags needs the variable in the same container.
    for (const c of [controller, cainjector, webhook]) {
      expect(c.env).toEqual([
        { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      ]);
    }
  });

  test('every pod passes Pod Security restricted and talks to the API server with its own account', () => {
    const o = buildCertManager().objects();
    const pods = o.podSpecs();
    expect(pods).toHaveLength(3);
    for (const { name, spec } of pods) {
      expect(spec.securityContext).toMatchObject({
        runAsNonRoot: true,
        runAsUser: 65532,
        runAsGroup: 65532,
        fsGroup: 65532,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(spec.enableServiceLinks).toBe(false);
      expect(spec.automountServiceAccountToken).toBe(true);
      expect(spec.serviceAccountName).toBe(name);
      expect(spec.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
      for (const c of spec.containers) {
        expect(c.securityContext).toMatchObject({
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
          seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(c.securityContext.capabilities.add).toBeUndefined();
      }
      const account = o.find('ServiceAccount', NAMESPACE, name);
      expect(account.automountServiceAccountToken).toBe(false);
    }
  });

  test('every selector matches its pods, with upstream selector labels', () => {
    const o = buildCertManager().objects();
    for (const d of o.ofKind('Deployment')) {
      const podLabels = d.spec.template.metadata.labels;
      expect(podLabels).toMatchObject(d.spec.selector.matchLabels);
      expect(Object.keys(d.spec.selector.matchLabels).sort()).toEqual([
        'app.kubernetes.io/component',
        'app.kubernetes.io/instance',
        'app.kubernetes.io/name',
      ]);
    }
    expect(
      o.find('Deployment', NAMESPACE, 'cert-manager-webhook').spec.selector.matchLabels,
    ).toEqual({
      'app.kubernetes.io/name': 'webhook',
      'app.kubernetes.io/instance': 'cert-manager',
      'app.kubernetes.io/component': 'webhook',
    });
    for (const s of o.ofKind('Service')) {
      const matching = o
        .ofKind('Deployment')
        .filter((d) =>
          Object.entries(s.spec.selector).every(
            ([k, v]) => d.spec.template.metadata.labels[k] === v,
          ),
        );
      expect({ service: s.metadata.name, matches: matching.length }).toEqual({
        service: s.metadata.name,
        matches: 1,
      });
      const ports = matching[0].spec.template.spec.containers[0].ports.map((p: Manifest) => p.name);
      for (const port of s.spec.ports) expect(ports).toContain(port.targetPort);
    }
  });

  test('both webhooks point at a real Service port whose target is the webhook container port', () => {
    const o = buildCertManager().objects();
    const configs = [
      o.find('MutatingWebhookConfiguration', undefined, 'cert-manager-webhook'),
      o.find('ValidatingWebhookConfiguration', undefined, 'cert-manager-webhook'),
    ];
    for (const config of configs) {
      expect(config.webhooks).toHaveLength(1);
      const webhook = config.webhooks[0];
      expect(webhook.name).toBe('webhook.cert-manager.io');
      const ref = webhook.clientConfig.service;
      const service = o.find('Service', ref.namespace, ref.name);
      const port = (service.spec.ports as Manifest[]).find((p) => p.port === (ref.port ?? 443));
      expect(port).toBeDefined();
      const deployment = o
        .ofKind('Deployment')
        .find((d) =>
          Object.entries(service.spec.selector).every(
            ([k, v]) => d.spec.template.metadata.labels[k] === v,
          ),
        );
      const containerPort = deployment?.spec.template.spec.containers[0].ports.find(
        (p: Manifest) => p.name === port?.targetPort,
      );
      expect(containerPort).toEqual({ name: 'https', containerPort: 10250, protocol: 'TCP' });
      // cainjector fills the caBundle from the webhook's own CA Secret.
      expect(webhook.clientConfig.caBundle).toBeUndefined();
      expect(config.metadata.annotations).toEqual({
        'cert-manager.io/inject-ca-from-secret': 'cert-manager/cert-manager-webhook-ca',
      });
      expect(webhook).toMatchObject({
        admissionReviewVersions: ['v1'],
        failurePolicy: 'Fail',
        sideEffects: 'None',
        matchPolicy: 'Equivalent',
        timeoutSeconds: 30,
      });
    }
    const [mutating, validating] = configs.map((c) => c.webhooks[0]);
    expect(mutating.clientConfig.service.path).toBe('/mutate');
    expect(mutating.rules).toEqual([
      {
        apiGroups: ['cert-manager.io'],
        apiVersions: ['v1'],
        operations: ['CREATE'],
        resources: ['certificaterequests'],
      },
    ]);
    expect(mutating.namespaceSelector).toBeUndefined();
    expect(validating.clientConfig.service.path).toBe('/validate');
    expect(validating.rules).toEqual([
      {
        apiGroups: ['cert-manager.io', 'acme.cert-manager.io'],
        apiVersions: ['v1'],
        operations: ['CREATE', 'UPDATE'],
        resources: ['*/*'],
      },
    ]);
    expect(validating.namespaceSelector).toEqual({
      matchExpressions: [
        { key: 'cert-manager.io/disable-validation', operator: 'NotIn', values: ['true'] },
      ],
    });
    // The construct never owns the CA Secret: the webhook creates and rotates it.
    expect(o.ofKind('Secret')).toEqual([]);
  });

  test('the API server may reach the webhook port, and nothing else is opened', () => {
    const o = buildCertManager().objects();
    const allow = o.find('NetworkPolicy', NAMESPACE, 'allow-cert-manager-webhook-from-apiserver');
    expect(allow.spec.podSelector.matchLabels).toEqual(
      o.find('Deployment', NAMESPACE, 'cert-manager-webhook').spec.selector.matchLabels,
    );
    expect(allow.spec.ingress).toEqual([
      {
        from: [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }],
        ports: [{ port: 10250, protocol: 'TCP' }],
      },
    ]);
    expect(allow.metadata.annotations['mlops-blueprint.dev/description']).toMatch(
      /API server is not a pod/,
    );
  });

  test('metricsScrapers opens port 9402 to them and adds the scrape annotations', () => {
    const prometheus = NetworkPeer.namespace('monitoring', {
      'app.kubernetes.io/name': 'prometheus',
    });
    const o = buildCertManager({ metricsScrapers: [prometheus] }).objects();
    for (const part of ['controller', 'webhook', 'cainjector']) {
      const allow = o.find('NetworkPolicy', NAMESPACE, `allow-cert-manager-${part}-metrics`);
      expect(allow.spec.ingress).toEqual([
        { from: [prometheus.toPeer()], ports: [{ port: 9402, protocol: 'TCP' }] },
      ]);
    }
    for (const d of o.ofKind('Deployment')) {
      expect(d.spec.template.metadata.annotations).toEqual({
        'prometheus.io/path': '/metrics',
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': '9402',
      });
    }
  });

  test('options render as upstream flags; two replicas get a PodDisruptionBudget', () => {
    const o = buildCertManager({
      replicas: { controller: 2, webhook: 3 },
      logLevel: 4,
      leaderElectionNamespace: 'cert-manager',
      maxConcurrentChallenges: 10,
      dns01RecursiveNameservers: ['1.1.1.1:53', '8.8.8.8:53'],
      dns01RecursiveNameserversOnly: true,
      enableCertificateOwnerRef: true,
      resources: {
        webhook: { cpu: { request: '1' }, memory: { request: '1Gi', limit: '1Gi' } },
      },
    }).objects();
    expect(container(o, 'cert-manager').args).toEqual([
      '--v=4',
      '--cluster-resource-namespace=$(POD_NAMESPACE)',
      '--leader-election-namespace=cert-manager',
      `--acme-http01-solver-image=${UPSTREAM_IMAGE('acmesolver')}`,
      '--max-concurrent-challenges=10',
      '--enable-certificate-owner-ref=true',
      '--dns01-recursive-nameservers-only=true',
      '--dns01-recursive-nameservers=1.1.1.1:53,8.8.8.8:53',
    ]);
    expect(container(o, 'cert-manager-cainjector').args).toContain(
      '--leader-election-namespace=cert-manager',
    );
    expect(o.has('Role', 'cert-manager', 'cert-manager:leaderelection')).toBe(true);
    expect(o.has('Role', 'kube-system', 'cert-manager:leaderelection')).toBe(false);
    expect(container(o, 'cert-manager-webhook').resources).toEqual({
      requests: { cpu: '1', memory: '1Gi' },
      limits: { memory: '1Gi' },
    });
    expect(o.find('Deployment', NAMESPACE, 'cert-manager').spec.replicas).toBe(2);
    expect(o.find('Deployment', NAMESPACE, 'cert-manager-webhook').spec.replicas).toBe(3);
    expect(
      o
        .ofKind('PodDisruptionBudget')
        .map((p) => p.metadata.name)
        .sort(),
    ).toEqual(['cert-manager', 'cert-manager-webhook']);
    const pdb = o.find('PodDisruptionBudget', NAMESPACE, 'cert-manager-webhook');
    expect(pdb.spec).toEqual({
      minAvailable: 1,
      selector: o.find('Deployment', NAMESPACE, 'cert-manager-webhook').spec.selector,
    });
  });

  test('invalid props fail together, each with its path and a fix', () => {
    expect(() =>
      buildCertManager({
        replicas: { webhook: 0 },
        logLevel: 11,
        leaderElectionNamespace: 'Kube_System',
        maxConcurrentChallenges: 1.5,
        dns01RecursiveNameservers: ['1.1.1.1'],
      }),
    ).toThrow(
      [
        'CertManager: ',
        '- `replicas.webhook` is not a whole number of at least 1 (got 0). Use 1, or 2 for a standby.',
        "- `logLevel` is not a klog level from 0 to 10 (got 11). Use 2 for upstream's default, 4 or more to debug.",
        '- `leaderElectionNamespace` is not a namespace name (got "Kube_System"). Use an existing namespace such as kube-system.',
        "- `maxConcurrentChallenges` is not a whole number of at least 1 (got 1.5). Use upstream's 60 unless the CA rate-limits you.",
        '- `dns01RecursiveNameservers[0]` is not host:port (got "1.1.1.1"). Use an address with its port, such as 1.1.1.1:53.',
      ].join('\n'),
    );
    expect(() => buildCertManager({ dns01RecursiveNameserversOnly: true })).toThrow(
      'CertManager: `dns01RecursiveNameserversOnly` is true without nameservers (got dns01RecursiveNameservers: []). Name the nameservers to ask, or leave it false.',
    );
  });

  test('objects go to their install layers: CRDs first, workloads with the component, issuers after', () => {
    const platform = new LayeredApp();
    const namespace = new PlatformNamespace(platform.chartFor(Layer.NAMESPACES), 'Ns', {
      name: NAMESPACE,
    });
    const certManager = new CertManager(platform.chartFor(Layer.INFRASTRUCTURE), 'CertManager', {
      namespace,
    });
    certManager.addIssuer('Issuer', PlatformIssuer.platformCa());

    const kinds = (layer: Layer) =>
      [...new Set(platform.objectsIn(layer).all.map((o) => o.kind))].sort();
    expect(kinds(Layer.CRDS)).toEqual(['CustomResourceDefinition']);
    expect(platform.objectsIn(Layer.CRDS).all).toHaveLength(6);
    expect(kinds(Layer.INFRASTRUCTURE)).toEqual([
      'ClusterRole',
      'ClusterRoleBinding',
      'Deployment',
      'Job',
      'MutatingWebhookConfiguration',
      'Role',
      'RoleBinding',
      'Service',
      'ServiceAccount',
      'ValidatingWebhookConfiguration',
    ]);
    expect(kinds(Layer.INFRASTRUCTURE_CONFIG)).toEqual(['Certificate', 'ClusterIssuer']);
    expect(kinds(Layer.NAMESPACES)).toEqual(['Namespace', 'NetworkPolicy']);
  });
});
