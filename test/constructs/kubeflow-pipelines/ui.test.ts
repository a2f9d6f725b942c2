import { Chart, Testing } from 'cdk8s';
import { BillOfMaterials } from '../../../constructs/core/images';
import { NetworkPeer } from '../../../constructs/core/network';
import { IObjectStore, S3CredentialsRef } from '../../../constructs/core/object-store';
import {
  PIPELINES_UI_DEFAULT_RESOURCES,
  PipelinesUi,
  PipelinesUiProps,
} from '../../../constructs/kubeflow-pipelines/ui';
import { FakeGateway, FakeNamespace, FakeObjectStore, GATEWAY_NS } from '../../fakes';
import { Manifest, Objects } from '../../helpers';
import { EnvFact, UI_FACTS, UI_SERVER_DEFAULTS, UI_SERVER_ENV_NAMES } from './frontend-facts';

const NS = 'kubeflow';

/** The in-cluster MinIO as the UI sees it: plain HTTP on 9000, keys in the UI's namespace. */
class FakeMinio implements IObjectStore {
  public readonly implementation = 'minio';
  public readonly host = 'minio.minio.svc.cluster.local';
  public readonly port = 9000;
  public readonly secure = false;
  public readonly endpointUrl = 'http://minio.minio.svc.cluster.local:9000';
  public readonly region = 'us-east-1';
  public readonly buckets = ['mlpipeline', 'models'];
  public readonly grants: { id: string; peer: NetworkPeer }[] = [];
  public constructor(
    public readonly credentials: S3CredentialsRef = {
      secretName: 'mlpipeline-object-store',
      namespace: NS,
      accessKeyKey: 'AWS_ACCESS_KEY_ID',
      secretKeyKey: 'AWS_SECRET_ACCESS_KEY',
    },
  ) {}
  public grantAccess(id: string, peer: NetworkPeer): void {
    this.grants.push({ id, peer });
  }
  public scopedCredentials(): S3CredentialsRef {
    throw new Error('the UI takes the credentials it is given');
  }
}

function build(props: Partial<PipelinesUiProps> = {}) {
  const app = Testing.app();
  const chart = new Chart(app, 'Test');
  const namespace = new FakeNamespace(NS);
  const gateway = new FakeGateway(chart, 'Gateway');
  const objectStore = props.objectStore ?? new FakeMinio();
  const ui = new PipelinesUi(chart, 'Ui', { namespace, gateway, objectStore, ...props });
  const objects = new Objects(Testing.synth(chart) as Manifest[]);
  const deployment = objects.find('Deployment', NS, UI_FACTS.names.deployment);
  const container = deployment.spec.template.spec.containers[0] as Manifest;
  const env = new Map<string, Manifest>(
    (container.env as Manifest[]).map((e) => [e.name as string, e]),
  );
  return { chart, namespace, gateway, objectStore, ui, objects, deployment, container, env };
}

const built = build();
const { objects, deployment, container, env } = built;
const value = (name: string): unknown => env.get(name)?.value;

describe('PipelinesUi against kubeflow/pipelines 2.16.1 (multi-user)', () => {
  test('with only the required props: the documented defaults', () => {
    const { ui } = built;
    expect(ui.namespace).toBe(NS);
    expect(ui.replicas).toBe(1);
    expect(ui.resources).toEqual(PIPELINES_UI_DEFAULT_RESOURCES);
    expect(ui.userIdHeader).toBe('kubeflow-userid');
    expect(ui.userIdPrefix).toBe('');
    expect(ui.serviceHost).toBe(UI_FACTS.route.host);
    expect(ui.servicePort).toBe(80);
    expect(ui.serviceAccountName).toBe(UI_FACTS.names.serviceAccount);
    expect(value('ALLOW_CUSTOM_VISUALIZATIONS')).toBe('false');
    expect(value('ML_PIPELINE_SERVICE_HOST')).toBe('ml-pipeline.kubeflow.svc.cluster.local');
    expect(value('ML_PIPELINE_SERVICE_PORT')).toBe('8888');
    expect(value('METADATA_ENVOY_SERVICE_SERVICE_HOST')).toBe(
      'metadata-envoy-service.kubeflow.svc.cluster.local',
    );
    expect(value('METADATA_ENVOY_SERVICE_SERVICE_PORT')).toBe('9090');
    expect(value('ARGO_ARCHIVE_BUCKETNAME')).toBe('mlpipeline');
  });

  test("image, names, port and Service as upstream's", () => {
    expect(container.name).toBe(UI_FACTS.names.container);
    expect(container.image).toBe(UI_FACTS.image);
    expect(BillOfMaterials.of(built.chart).images()).toContain(UI_FACTS.image);
    expect(container.ports).toEqual([
      { name: 'http', containerPort: UI_FACTS.containerPort, protocol: 'TCP' },
    ]);
    expect(deployment.spec.template.spec.serviceAccountName).toBe(UI_FACTS.names.serviceAccount);
    const svc = objects.find('Service', NS, UI_FACTS.names.service);
    expect(svc.spec.ports).toHaveLength(1);
    const [port] = svc.spec.ports as Manifest[];
    expect([port.name, port.port]).toEqual([UI_FACTS.servicePort.name, UI_FACTS.servicePort.port]);
    // A named target port: it must resolve to upstream's 3000.
    const target = (container.ports as Manifest[]).find((p) => p.name === port.targetPort);
    expect(target?.containerPort).toBe(UI_FACTS.servicePort.targetPort);
    expect(svc.spec.selector).toEqual(deployment.spec.selector.matchLabels);
  });

  test('every env name is one the 2.16.1 UI server reads', () => {
    const read = new Set<string>(UI_SERVER_ENV_NAMES);
    for (const name of env.keys()) expect([name, read.has(name)]).toEqual([name, true]);
  });

  test("upstream's literal env values, except the documented ALLOW_CUSTOM_VISUALIZATIONS", () => {
    const literals = Object.entries(UI_FACTS.env as Record<string, EnvFact>).filter(
      (e): e is [string, { value: string }] => 'value' in e[1],
    );
    expect(literals.length).toBeGreaterThan(8);
    for (const [name, fact] of literals) {
      const expected = name === 'ALLOW_CUSTOM_VISUALIZATIONS' ? 'false' : fact.value;
      expect([name, value(name)]).toEqual([name, expected]);
    }
    expect(value('ALLOW_CUSTOM_VISUALIZATIONS')).not.toBe(
      UI_FACTS.env.ALLOW_CUSTOM_VISUALIZATIONS.value,
    );
    const allowed = build({ allowCustomVisualizations: true });
    expect(allowed.env.get('ALLOW_CUSTOM_VISUALIZATIONS')?.value).toBe('true');
  });

  test("upstream's references resolve to the values they have there", () => {
    // FRONTEND_SERVER_NAMESPACE: the pod's namespace.
    expect(UI_FACTS.env.FRONTEND_SERVER_NAMESPACE).toEqual({ fieldRef: 'metadata.namespace' });
    expect(value('FRONTEND_SERVER_NAMESPACE')).toBe(NS);
    // CLUSTER_DOMAIN: an optional key upstream's install config lacks, so the server's default.
    expect(UI_FACTS.env.CLUSTER_DOMAIN.configMap.optional).toBe(true);
    expect(value('CLUSTER_DOMAIN')).toBe(UI_SERVER_DEFAULTS.CLUSTER_DOMAIN);
    expect(build({ clusterDomain: 'corp.internal' }).env.get('CLUSTER_DOMAIN')?.value).toBe(
      '.svc.corp.internal',
    );
    // ARTIFACTS_SERVICE_PROXY_ENABLED: the install config's ARTIFACTS_PROXY_ENABLED.
    expect(UI_FACTS.env.ARTIFACTS_SERVICE_PROXY_ENABLED.configMap.key).toBe(
      'ARTIFACTS_PROXY_ENABLED',
    );
    expect(value('ARTIFACTS_SERVICE_PROXY_ENABLED')).toBe(
      UI_FACTS.installConfig.ARTIFACTS_PROXY_ENABLED,
    );
  });

  test('object store: endpoint and keys from the contract, never literals', () => {
    const store = built.objectStore as FakeMinio;
    // The server dials `${MINIO_HOST}.${MINIO_NAMESPACE}` unless the namespace is empty.
    expect(UI_SERVER_DEFAULTS.MINIO_NAMESPACE).not.toBe('');
    expect(value('MINIO_NAMESPACE')).toBe('');
    expect(value('MINIO_HOST')).toBe(store.host);
    expect(value('MINIO_PORT')).toBe('9000');
    expect(value('MINIO_SSL')).toBe('false');
    expect(value('AWS_S3_ENDPOINT')).toBe(store.host);
    expect(value('AWS_REGION')).toBe('us-east-1');
    expect(value('AWS_SSL')).toBe('false');
    const ref = (name: string) => env.get(name)?.valueFrom?.secretKeyRef as unknown;
    const access = { name: 'mlpipeline-object-store', key: 'AWS_ACCESS_KEY_ID' };
    const secret = { name: 'mlpipeline-object-store', key: 'AWS_SECRET_ACCESS_KEY' };
    expect(ref('MINIO_ACCESS_KEY')).toEqual(access);
    expect(ref('AWS_ACCESS_KEY_ID')).toEqual(access);
    expect(ref('MINIO_SECRET_KEY')).toEqual(secret);
    expect(ref('AWS_SECRET_ACCESS_KEY')).toEqual(secret);
    for (const name of ['MINIO_ACCESS_KEY', 'MINIO_SECRET_KEY', 'AWS_ACCESS_KEY_ID']) {
      expect(env.get(name)?.value).toBeUndefined();
    }
    expect(built.ui.settings.MINIO_SECRET_KEY).toBe(
      'secret:mlpipeline-object-store/AWS_SECRET_ACCESS_KEY',
    );
    // An external S3 endpoint over TLS.
    const s3 = build({ objectStore: new FakeObjectStore(['artifacts']) });
    expect(s3.env.get('MINIO_HOST')?.value).toBe('s3.example.com');
    expect(s3.env.get('MINIO_PORT')?.value).toBe('443');
    expect(s3.env.get('AWS_SSL')?.value).toBe('true');
    expect(s3.env.get('ARGO_ARCHIVE_BUCKETNAME')?.value).toBe('artifacts');
    expect(s3.env.get('AWS_SECRET_ACCESS_KEY')?.valueFrom?.secretKeyRef).toEqual({
      name: 's3-credentials',
      key: 'secretKey',
    });
    // The UI pods may reach the store.
    expect(store.grants).toEqual([
      {
        id: 'ml-pipeline-ui',
        peer: NetworkPeer.namespace(NS, deployment.spec.selector.matchLabels),
      },
    ]);
  });

  test('probes, pod security, resources and mounts', () => {
    for (const probe of [container.livenessProbe, container.readinessProbe] as Manifest[]) {
      expect(probe.httpGet).toEqual({ path: UI_FACTS.probe.path, port: 'http' });
      expect({
        initialDelaySeconds: probe.initialDelaySeconds,
        periodSeconds: probe.periodSeconds,
        timeoutSeconds: probe.timeoutSeconds,
      }).toEqual({
        initialDelaySeconds: UI_FACTS.probe.initialDelaySeconds,
        periodSeconds: UI_FACTS.probe.periodSeconds,
        timeoutSeconds: UI_FACTS.probe.timeoutSeconds,
      });
    }
    const pod = deployment.spec.template.spec;
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: UI_FACTS.runAsUser,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.enableServiceLinks).toBe(false);
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(container.resources).toEqual({
      requests: { cpu: '10m', memory: '128Mi' },
      limits: { cpu: '500m', memory: '512Mi' },
    });
    expect(container.volumeMounts).toContainEqual(UI_FACTS.configMount);
    expect(container.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
    expect(pod.volumes).toContainEqual({
      name: 'config-volume',
      configMap: { name: UI_FACTS.names.configMap },
    });
    expect(value('VIEWER_TENSORBOARD_POD_TEMPLATE_SPEC_PATH')).toBe(
      `${UI_FACTS.configMount.mountPath}/viewer-pod-template.json`,
    );
  });

  test("viewer pod template: upstream's multi-user text, the account configurable", () => {
    const cm = objects.find('ConfigMap', NS, UI_FACTS.names.configMap);
    expect(cm.data).toEqual({ 'viewer-pod-template.json': UI_FACTS.viewerPodTemplate });
    const custom = build({ viewerServiceAccount: 'tensorboard-reader' });
    const data = custom.objects.find('ConfigMap', NS, UI_FACTS.names.configMap).data as Record<
      string,
      string
    >;
    expect(JSON.parse(data['viewer-pod-template.json'])).toEqual({
      spec: { serviceAccountName: 'tensorboard-reader' },
    });
  });

  test("RBAC: upstream's multi-user ClusterRole, bound to the UI's account only", () => {
    const role = objects.find('ClusterRole', undefined, UI_FACTS.names.clusterRole);
    expect(role.rules).toEqual(UI_FACTS.rules);
    const binding = objects.find(
      'ClusterRoleBinding',
      undefined,
      UI_FACTS.names.clusterRoleBinding,
    );
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: UI_FACTS.names.clusterRole,
    });
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: UI_FACTS.names.serviceAccount, namespace: NS },
    ]);
    const sa = objects.find('ServiceAccount', NS, UI_FACTS.names.serviceAccount);
    expect(sa.automountServiceAccountToken).toBe(false);
    expect(objects.ofKind('Role')).toEqual([]);
  });

  test("route: upstream's VirtualService prefix, rewrite, timeout and destination", () => {
    expect(built.gateway.routes).toEqual([
      {
        id: UI_FACTS.names.virtualService,
        route: {
          namespace: NS,
          prefix: UI_FACTS.route.prefix,
          rewrite: UI_FACTS.route.rewrite,
          destination: { host: UI_FACTS.route.host, port: UI_FACTS.route.port },
          timeoutSeconds: Number.parseInt(UI_FACTS.route.timeout, 10),
        },
      },
    ]);
    // The UI serves under its base path, so the rewrite leaves it in place.
    expect(UI_FACTS.route.rewrite).toBe(UI_SERVER_DEFAULTS.basePath);
  });

  test('AuthorizationPolicy and network allow: the gateway only, on the pod port', () => {
    const policy = objects.find('AuthorizationPolicy', NS, UI_FACTS.names.authorizationPolicy);
    expect(policy.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    expect(policy.spec.rules).toEqual([
      {
        from: [{ source: { principals: [built.gateway.principal] } }],
        to: [{ operation: { ports: ['3000'] } }],
      },
    ]);
    expect(built.namespace.allows).toEqual([
      {
        id: 'ml-pipeline-ui-from-gateway',
        allow: expect.objectContaining({
          from: [NetworkPeer.namespace(GATEWAY_NS, { istio: 'ingressgateway' })],
          ports: [{ port: 3000 }],
          podLabels: deployment.spec.selector.matchLabels,
        }) as unknown,
      },
    ]);
  });

  test('hosts and ports of the API server and Envoy can be given', () => {
    const custom = build({
      apiServerHost: 'api.pipelines.svc',
      apiServerPort: 8443,
      metadataEnvoyHost: 'envoy.pipelines.svc',
      metadataEnvoyPort: 19090,
      userIdHeader: 'x-user',
      userIdPrefix: 'accounts:',
    });
    expect(
      Object.fromEntries([...custom.env].map(([k, v]) => [k, v.value as unknown])),
    ).toMatchObject({
      ML_PIPELINE_SERVICE_HOST: 'api.pipelines.svc',
      ML_PIPELINE_SERVICE_PORT: '8443',
      METADATA_ENVOY_SERVICE_SERVICE_HOST: 'envoy.pipelines.svc',
      METADATA_ENVOY_SERVICE_SERVICE_PORT: '19090',
      KUBEFLOW_USERID_HEADER: 'x-user',
      KUBEFLOW_USERID_PREFIX: 'accounts:',
    });
  });

  test('credentials of another namespace are an error that says what to do', () => {
    const elsewhere = new FakeMinio({
      secretName: 'minio-root',
      namespace: 'minio',
      accessKeyKey: 'user',
      secretKeyKey: 'password',
    });
    expect(() => build({ objectStore: elsewhere })).toThrow(
      "PipelinesUi: `objectStore.credentials` is a Secret of namespace minio (got a client in kubeflow). Give the UI's namespace its own copy of the object-store credentials.",
    );
  });

  test('every invalid prop is reported at once', () => {
    expect(() =>
      build({
        artifactBucket: 'nope',
        userIdHeader: 'bad header',
        viewerServiceAccount: 'Not_A_Name',
        apiServerPort: 0,
        replicas: 0,
      }),
    ).toThrow(
      [
        'PipelinesUi: ',
        '- `artifactBucket` is not a bucket of the object store (got "nope"). Use one of ["mlpipeline","models"].',
        '- `userIdHeader` is not an HTTP header name (got "bad header"). Use the header the gateway sets, such as kubeflow-userid.',
        '- `viewerServiceAccount` is not a service account name (got "Not_A_Name"). Use the account of the tenant namespaces, such as default-editor.',
        '- `apiServerPort` is not a port number (got 0). Use a port from 1 to 65535.',
        '- `replicas` is not a whole number of at least 1 (got 0). Use 1 or more.',
      ].join('\n'),
    );
  });
});
