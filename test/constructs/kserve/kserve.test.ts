import { Chart, Testing } from 'cdk8s';
import { BillOfMaterials, REGISTRY_MIRROR_CONTEXT } from '../../../constructs/core/images';
import { NetworkPeer } from '../../../constructs/core/network';
import {
  KSERVE_MANAGER_RULES,
  KSERVE_PORTS,
  KServe,
  KUBEFLOW_PATH_TEMPLATE,
} from '../../../constructs/kserve';
import { CLUSTER_ISSUER, FakeGateway, FakeNamespace, FakeObjectStore, HOST } from '../../fakes';
import { CONFIG_KEYS, VALIDATING_WEBHOOKS } from './facts';
import { Manifest, NS, buildKServe, configSection } from './helpers';

const built = buildKServe();
const { objects } = built;
const deployment = objects.find('Deployment', NS, 'kserve-controller-manager');
const pod = deployment.spec.template.spec as Manifest;
const manager = (pod.containers as Manifest[]).find((c) => c.name === 'manager') as Manifest;
const proxy = (pod.containers as Manifest[]).find((c) => c.name === 'kube-rbac-proxy') as Manifest;

describe('kserve-controller-manager (config/manager, config/default at v0.18.0)', () => {
  test('image pinned to the release, args and env as upstream with the auth proxy patch', () => {
    expect(manager.image).toBe('docker.io/kserve/kserve-controller:v0.18.0');
    expect(manager.command).toEqual(['/manager']);
    expect(manager.args).toEqual(['--metrics-addr=127.0.0.1:8080', '--leader-elect']);
    expect(manager.env).toEqual([
      { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'SECRET_NAME', value: 'kserve-webhook-server-cert' },
    ]);
  });

  test('webhook port 9443, probes on 8081, the certificate where controller-runtime reads it', () => {
    expect(manager.ports).toContainEqual({
      name: 'webhook-server',
      containerPort: 9443,
      protocol: 'TCP',
    });
    expect(manager.livenessProbe).toEqual({
      httpGet: { path: '/healthz', port: 8081 },
      initialDelaySeconds: 30,
      timeoutSeconds: 5,
      failureThreshold: 5,
    });
    expect(manager.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 8081 });
    expect(manager.volumeMounts).toEqual([
      { name: 'cert', mountPath: '/tmp/k8s-webhook-server/serving-certs', readOnly: true },
    ]);
    expect(pod.volumes[0].secret.secretName).toBe('kserve-webhook-server-cert');
  });

  test('the metrics proxy listens on 8443 and forwards to the loopback metrics', () => {
    expect(proxy.image).toBe('quay.io/brancz/kube-rbac-proxy:v0.18.0');
    expect(proxy.args).toEqual([
      '--secure-listen-address=0.0.0.0:8443',
      '--upstream=http://127.0.0.1:8080/',
      '--logtostderr=true',
    ]);
    expect(proxy.ports).toEqual([{ name: 'https', containerPort: 8443, protocol: 'TCP' }]);
  });

  test('restricted, with requests and limits, no sidecar, upstream selector labels', () => {
    for (const c of pod.containers as Manifest[]) {
      expect(c.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
      });
      expect(c.resources.requests.memory).toBeDefined();
      expect(c.resources.limits.memory).toBeDefined();
    }
    expect(manager.resources).toEqual({
      requests: { cpu: '100m', memory: '200Mi' },
      limits: { cpu: '100m', memory: '300Mi' },
    });
    expect(pod.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    expect(deployment.spec.template.metadata.annotations['sidecar.istio.io/inject']).toBe('false');
    expect(deployment.spec.selector.matchLabels).toEqual({
      'control-plane': 'kserve-controller-manager',
      'controller-tools.k8s.io': '1.0',
    });
    expect(pod.serviceAccountName).toBe('kserve-controller-manager');
    expect(deployment.spec.replicas).toBe(1);
  });

  test('Services: webhook 443 -> webhook-server, manager and metrics 8443 -> https', () => {
    const webhook = objects.find('Service', NS, 'kserve-webhook-server-service');
    expect(webhook.spec.ports).toEqual([
      { name: 'https-webhook', port: 443, targetPort: 'webhook-server', protocol: 'TCP' },
    ]);
    expect(webhook.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    for (const name of [
      'kserve-controller-manager-service',
      'kserve-controller-manager-metrics-service',
    ]) {
      const svc = objects.find('Service', NS, name);
      expect(svc.spec.ports).toEqual([
        { name: 'https', port: 8443, targetPort: 'https', protocol: 'TCP' },
      ]);
    }
    expect(
      objects.find('Service', NS, 'kserve-controller-manager-metrics-service').metadata.annotations,
    ).toEqual({
      'prometheus.io/port': '8443',
      'prometheus.io/scheme': 'https',
      'prometheus.io/scrape': 'true',
    });
    expect(KSERVE_PORTS.webhookService).toBe(443);
  });

  test('the webhook port is open to the API server and nothing else', () => {
    expect(built.namespace.allows).toHaveLength(1);
    const { id, allow } = built.namespace.allows[0];
    expect(id).toBe('kserve-webhook-from-apiserver');
    expect(allow.ports).toEqual([{ port: 9443 }]);
  });
});

describe('RBAC (config/rbac at v0.18.0)', () => {
  test('the manager ClusterRole is upstream without the unused webhook-configuration rule', () => {
    const role = objects.find('ClusterRole', undefined, 'kserve-manager-role');
    expect(role.rules).toEqual(KSERVE_MANAGER_RULES);
    const groups = (role.rules as Manifest[]).flatMap((r) => r.apiGroups as string[]);
    expect(groups).not.toContain('admissionregistration.k8s.io');
    expect(role.rules).toContainEqual({
      apiGroups: [''],
      resources: ['secrets', 'serviceaccounts'],
      verbs: ['get'],
    });
    const binding = objects.find('ClusterRoleBinding', undefined, 'kserve-manager-rolebinding');
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'kserve-controller-manager', namespace: NS },
    ]);
  });

  test('leader election Role in the namespace, proxy ClusterRole for token and access reviews', () => {
    const role = objects.find('Role', NS, 'kserve-leader-election-role');
    expect(role.rules[0]).toEqual({
      apiGroups: ['coordination.k8s.io'],
      resources: ['leases'],
      verbs: ['create', 'get', 'list', 'update'],
    });
    expect(objects.find('ClusterRole', undefined, 'kserve-proxy-role').rules).toEqual([
      { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
      {
        apiGroups: ['authorization.k8s.io'],
        resources: ['subjectaccessreviews'],
        verbs: ['create'],
      },
    ]);
  });
});

describe('webhooks (config/webhook/manifests.yaml) with the issuer certificate', () => {
  test('the serving certificate names the webhook Service and comes from the issuer', () => {
    const cert = objects.find('Certificate', NS, 'serving-cert');
    expect(cert.spec.issuerRef).toEqual(CLUSTER_ISSUER.issuerRef);
    expect(cert.spec.secretName).toBe('kserve-webhook-server-cert');
    expect(cert.spec.commonName).toBe('kserve-webhook-server-service.kubeflow.svc');
    expect(cert.spec.dnsNames).toContain('kserve-webhook-server-service.kubeflow.svc');
  });

  test('the mutating webhooks: defaulter and pod mutator with their selectors', () => {
    const m = objects.find(
      'MutatingWebhookConfiguration',
      undefined,
      'inferenceservice.serving.kserve.io',
    );
    expect(m.metadata.annotations['cert-manager.io/inject-ca-from']).toBe('kubeflow/serving-cert');
    const [defaulter, pods] = m.webhooks as Manifest[];
    expect(defaulter).toMatchObject({
      name: 'inferenceservice.kserve-webhook-server.defaulter',
      admissionReviewVersions: ['v1beta1'],
      failurePolicy: 'Fail',
      sideEffects: 'None',
      clientConfig: {
        service: {
          name: 'kserve-webhook-server-service',
          namespace: NS,
          path: '/mutate-serving-kserve-io-v1beta1-inferenceservice',
          port: 443,
        },
      },
      rules: [
        {
          apiGroups: ['serving.kserve.io'],
          apiVersions: ['v1beta1'],
          operations: ['CREATE', 'UPDATE'],
          resources: ['inferenceservices'],
        },
      ],
    });
    expect(pods).toMatchObject({
      name: 'inferenceservice.kserve-webhook-server.pod-mutator',
      clientConfig: { service: { path: '/mutate-pods', port: 443 } },
      failurePolicy: 'Fail',
      reinvocationPolicy: 'IfNeeded',
      namespaceSelector: { matchExpressions: [{ key: 'control-plane', operator: 'DoesNotExist' }] },
      objectSelector: {
        matchExpressions: [{ key: 'serving.kserve.io/inferenceservice', operator: 'Exists' }],
      },
      rules: [
        { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] },
      ],
    });
  });

  test.each(VALIDATING_WEBHOOKS.map((w) => [w[0], w] as const))(
    'validating %s',
    (config, [, name, path, version, resource]) => {
      const v = objects.find('ValidatingWebhookConfiguration', undefined, config);
      expect(v.metadata.annotations['cert-manager.io/inject-ca-from']).toBe(
        'kubeflow/serving-cert',
      );
      expect(v.webhooks).toEqual([
        {
          name,
          admissionReviewVersions: ['v1beta1'],
          failurePolicy: 'Fail',
          sideEffects: 'None',
          clientConfig: {
            service: { name: 'kserve-webhook-server-service', namespace: NS, path, port: 443 },
          },
          rules: [
            {
              apiGroups: ['serving.kserve.io'],
              apiVersions: [version],
              operations: ['CREATE', 'UPDATE'],
              resources: [resource],
            },
          ],
        },
      ]);
    },
  );
});

describe('inferenceservice-config', () => {
  test('every key upstream ships, and only those', () => {
    const cm = objects.find('ConfigMap', NS, 'inferenceservice-config');
    expect(Object.keys(cm.data as object).sort()).toEqual(CONFIG_KEYS);
  });

  test('defaults: Serverless, upstream ingress with Kubeflow path routing, pinned images', () => {
    expect(configSection(objects, 'deploy')).toEqual({ defaultDeploymentMode: 'Serverless' });
    expect(configSection(objects, 'ingress')).toEqual({
      enableGatewayApi: false,
      kserveIngressGateway: 'kserve/kserve-ingress-gateway',
      ingressGateway: 'knative-serving/knative-ingress-gateway',
      localGateway: 'knative-serving/knative-local-gateway',
      localGatewayService: 'knative-local-gateway.istio-system.svc.cluster.local',
      ingressDomain: 'example.com',
      ingressClassName: 'istio',
      domainTemplate: '{{ .Name }}-{{ .Namespace }}.{{ .IngressDomain }}',
      urlScheme: 'http',
      disableIstioVirtualHost: false,
      disableIngressCreation: false,
      disableHTTPRouteTimeout: false,
      pathTemplate: KUBEFLOW_PATH_TEMPLATE,
    });
    expect(configSection(objects, 'storageInitializer')).toEqual({
      image: 'docker.io/kserve/storage-initializer:v0.18.0',
      cpuRequest: '100m',
      cpuLimit: '1',
      memoryRequest: '100Mi',
      memoryLimit: '1Gi',
      caBundleConfigMapName: '',
      caBundleVolumeMountPath: '/etc/ssl/custom-certs',
      enableModelcar: true,
      cpuModelcar: '10m',
      memoryModelcar: '15Mi',
      uidModelcar: 1010,
    });
    expect(configSection(objects, 'logger')).toMatchObject({
      image: 'docker.io/kserve/agent:v0.18.0',
      defaultUrl: 'http://default-broker',
    });
    expect(configSection(objects, 'batcher')).toMatchObject({
      image: 'docker.io/kserve/agent:v0.18.0',
      maxBatchSize: '32',
      maxLatency: '5000',
    });
    expect(configSection(objects, 'router')).toMatchObject({
      image: 'docker.io/kserve/router:v0.18.0',
      imagePullPolicy: 'IfNotPresent',
    });
    expect(configSection(objects, 'localModel').enabled).toBe(false);
    expect(configSection(objects, 'credentials').s3).toMatchObject({
      s3AccessKeyIDName: 'AWS_ACCESS_KEY_ID',
      s3SecretAccessKeyName: 'AWS_SECRET_ACCESS_KEY',
      s3Endpoint: '',
    });
  });

  test('the object store fills credentials.s3; the gateway the ingress; the mode the default', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'T');
    const store = new FakeObjectStore();
    const ns = new FakeNamespace('kserve');
    new KServe(chart, 'K', {
      namespace: ns,
      issuer: CLUSTER_ISSUER,
      deploymentMode: 'Standard',
      objectStore: store,
      ingress: { gateway: new FakeGateway(chart, 'Gw'), urlScheme: 'https' },
      s3CredentialKeys: { accessKey: 'accesskey', secretKey: 'secretkey' },
    });
    const o = { all: Testing.synth(chart) as Manifest[] };
    const cm = o.all.find((x) => x.kind === 'ConfigMap') as Manifest;
    const section = (k: string) => JSON.parse(cm.data[k] as string) as Manifest;
    expect(cm.metadata.namespace).toBe('kserve');
    expect(section('deploy')).toEqual({ defaultDeploymentMode: 'Standard' });
    expect(section('credentials').s3).toMatchObject({
      s3AccessKeyIDName: 'accesskey',
      s3SecretAccessKeyName: 'secretkey',
      s3Endpoint: 's3.example.com:443',
      s3UseHttps: '1',
      s3Region: 'us-east-1',
    });
    expect(section('ingress')).toMatchObject({
      ingressGateway: 'istio-system/platform-gateway',
      ingressDomain: HOST,
      urlScheme: 'https',
    });
    const hooks = o.all.filter((x) => x.kind === 'ValidatingWebhookConfiguration');
    expect(hooks.every((h) => h.webhooks[0].clientConfig.service.namespace === 'kserve')).toBe(
      true,
    );
  });

  test('model clients are granted the object store', () => {
    const store = new FakeObjectStore();
    buildKServe({
      objectStore: store,
      modelClients: NetworkPeer.namespacesLabelled({
        'app.kubernetes.io/part-of': 'kubeflow-profile',
      }),
    });
    expect(store.grants.map((g) => g.id)).toEqual(['kserve-storage-initializer']);
  });
});

describe('ClusterStorageContainer and images', () => {
  test('the default storage container is upstream default.yaml with the pinned image', () => {
    const csc = objects.find('ClusterStorageContainer', undefined, 'default');
    expect(csc.apiVersion).toBe('serving.kserve.io/v1alpha1');
    expect(csc.spec.container).toMatchObject({
      name: 'storage-initializer',
      image: 'docker.io/kserve/storage-initializer:v0.18.0',
    });
    expect(csc.spec.supportedUriFormats).toContainEqual({ prefix: 's3://' });
    expect(csc.spec.workloadType).toBe('initContainer');
    expect(csc.spec.supportsMultiModelDownload).toBe(true);
  });

  test('every image, including those only named in the config, is in the bill of materials', () => {
    expect(BillOfMaterials.of(built.chart).images()).toEqual([
      'docker.io/kserve/agent:v0.18.0',
      'docker.io/kserve/art-explainer:v0.18.0',
      'docker.io/kserve/kserve-controller:v0.18.0',
      'docker.io/kserve/router:v0.18.0',
      'docker.io/kserve/storage-initializer:v0.18.0',
      'quay.io/brancz/kube-rbac-proxy:v0.18.0',
    ]);
  });

  test('a registry mirror rewrites the images in the config too', () => {
    const m = buildKServe({}, { [REGISTRY_MIRROR_CONTEXT]: 'mirror.local:5000' });
    expect(configSection(m.objects, 'agent').image).toBe('mirror.local:5000/kserve/agent:v0.18.0');
    expect(configSection(m.objects, 'explainers').art).toEqual({
      image: 'mirror.local:5000/kserve/art-explainer',
      defaultImageVersion: 'v0.18.0',
    });
  });
});

describe('validation', () => {
  test('every problem at once, in the house template', () => {
    expect(() =>
      buildKServe({
        replicas: 0,
        issuer: { ...CLUSTER_ISSUER, solvesHttp01: true },
        logger: { resources: { cpu: { request: '1' }, memory: { request: '1Gi', limit: '1Gi' } } },
      }),
    ).toThrow(
      [
        'KServe: ',
        '- `replicas` must be a whole number of at least 1 (got 0). Use 1 or more.',
        '- `logger.resources.cpu.limit` is missing. inferenceservice-config needs a CPU limit for every injected container; set one.',
        '- `issuer` is an ACME issuer (got HTTP-01 for kserve-webhook-server-service.kubeflow.svc). An ACME server cannot certify in-cluster Service names; use a CA issuer (selfSigned or ca) for webhooks.',
      ].join('\n'),
    );
  });

  test('two replicas get a disruption budget', () => {
    const { objects: o } = buildKServe({ replicas: 2 });
    expect(o.find('PodDisruptionBudget', NS, 'kserve-controller-manager').spec.minAvailable).toBe(
      1,
    );
  });
});
