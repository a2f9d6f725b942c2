import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { GatewayExposure, exposeThroughGateway } from '../core/gateway-exposure';
import { resolveImage } from '../core/images';
import { IGateway } from '../core/mesh';
import { INamespace, NetworkPeer } from '../core/network';
import { IObjectStore } from '../core/object-store';
import { ResourceSpec, toResourceRequirements } from '../core/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { httpService } from '../core/service';
import { DNS_LABEL, propProblem, throwIfProblems } from '../core/validation';
import { KFP_NAMES, KFP_PORTS, KFP_PREFIX } from './names';
import { KFP_LABELS } from './private/labels';
import { KFP_IMAGES } from './versions';

/** Requests as upstream's (10m, 70Mi) with room for artifact previews; memory limited. */
export const PIPELINES_UI_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '10m', limit: '500m' },
  memory: { request: '128Mi', limit: '512Mi' },
};

/** The header the gateway passes the user in (`KUBEFLOW_USERID_HEADER`, upstream's multi-user value). */
export const PIPELINES_UI_USERID_HEADER = 'kubeflow-userid';

/**
 * The UI's ClusterRole in multi-user mode, upstream's
 * (`base/installs/multi-user/pipelines-ui/cluster-role.yaml`): pod logs and events for the run
 * view, Secrets for per-namespace artifact credentials, Viewers for TensorBoard, Argo workflows
 * for archived logs.
 */
export const PIPELINES_UI_RULES: readonly k8s.PolicyRule[] = [
  { apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get'] },
  { apiGroups: [''], resources: ['events'], verbs: ['list'] },
  { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] },
  {
    apiGroups: ['kubeflow.org'],
    resources: ['viewers'],
    verbs: ['create', 'get', 'list', 'watch', 'delete'],
  },
  { apiGroups: ['argoproj.io'], resources: ['workflows'], verbs: ['get', 'list'] },
];

/** Where the UI reads the TensorBoard viewer's pod template (`VIEWER_TENSORBOARD_POD_TEMPLATE_SPEC_PATH`). */
const CONFIG_DIR = '/etc/config';
const VIEWER_TEMPLATE = 'viewer-pod-template.json';

/** The artifact proxy's Service in each tenant namespace, upstream's names (off by default). */
const ARTIFACT_PROXY = { name: 'ml-pipeline-ui-artifact', port: 80 } as const;

export interface PipelinesUiProps {
  /** Where the UI runs (`kubeflow` upstream). */
  readonly namespace: INamespace;
  /** Users reach the UI at `/pipeline` on this gateway. */
  readonly gateway: IGateway;
  /**
   * Where pipeline artifacts and archived logs are: the UI reads them with the store's endpoint
   * and access key pair (`MINIO_*` for `minio://` URIs, `AWS_*` for `s3://`). The credentials
   * must be a Secret of `namespace`.
   */
  readonly objectStore: IObjectStore;
  /** Bucket of the archived Argo logs (`ARGO_ARCHIVE_BUCKETNAME`). @default - the store's first bucket */
  readonly artifactBucket?: string;
  /** The API server (`ML_PIPELINE_SERVICE_HOST`). @default - `ml-pipeline.<namespace>.svc.<clusterDomain>` */
  readonly apiServerHost?: string;
  /** @default 8888 - the API server's REST port */
  readonly apiServerPort?: number;
  /**
   * The MLMD Envoy proxy (`METADATA_ENVOY_SERVICE_SERVICE_HOST`).
   * @default - `metadata-envoy-service.<namespace>.svc.<clusterDomain>`
   */
  readonly metadataEnvoyHost?: string;
  /** @default 9090 */
  readonly metadataEnvoyPort?: number;
  /** @default 'kubeflow-userid' - upstream's multi-user value */
  readonly userIdHeader?: string;
  /** @default '' - upstream's multi-user value */
  readonly userIdPrefix?: string;
  /**
   * Let users write their own Python visualizations (`ALLOW_CUSTOM_VISUALIZATIONS`). Upstream
   * turns this on; the code runs in the shared visualization server, so it is off here.
   * @default false
   */
  readonly allowCustomVisualizations?: boolean;
  /**
   * The service account of the TensorBoard viewer pods in tenant namespaces
   * (`viewer-pod-template.json`).
   * @default 'default-editor' - upstream's multi-user value, the account pipeline runs use
   */
  readonly viewerServiceAccount?: string;
  /** @default 'cluster.local' */
  readonly clusterDomain?: string;
  /** @default 1 - upstream's */
  readonly replicas?: number;
  /** @default PIPELINES_UI_DEFAULT_RESOURCES */
  readonly resources?: ResourceSpec;
}

/** The user upstream's manifests run the UI as (the image sets none). */
const UI_UID = 1000;

/**
 * The Kubeflow Pipelines UI of 2.16.1 in multi-user mode (`ml-pipeline-ui`): the web app and its
 * Node server at `/pipeline`, which proxies the API server, ML Metadata (through Envoy),
 * artifacts from the object store and TensorBoard viewers. Deployment, Service, ServiceAccount
 * (its principal is what the API server's and tenants' policies admit), upstream's ClusterRole,
 * the viewer pod template ConfigMap, and the gateway exposure (route, network allow,
 * AuthorizationPolicy for the gateway only).
 * @see https://github.com/kubeflow/pipelines/tree/2.16.1/frontend/server
 */
export class PipelinesUi extends Construct {
  public readonly namespace: string;
  public readonly replicas: number;
  public readonly resources: ResourceSpec;
  public readonly userIdHeader: string;
  public readonly userIdPrefix: string;
  /** `ml-pipeline-ui.<namespace>.svc.<clusterDomain>`. */
  public readonly serviceHost: string;
  public readonly servicePort: number = KFP_PORTS.uiService;
  /** The UI's service account, `ml-pipeline-ui`. */
  public readonly serviceAccountName: string = KFP_NAMES.ui.serviceAccount;
  /** Pod labels of the UI, for allows to the services it calls. */
  public readonly podLabels: Readonly<Record<string, string>>;
  /** The container's environment, name to value (Secret references as `secret:<name>/<key>`). */
  public readonly settings: Readonly<Record<string, string>>;
  public readonly deployment: k8s.KubeDeployment;
  public readonly exposure: GatewayExposure;

  public constructor(scope: Construct, id: string, props: PipelinesUiProps) {
    super(scope, id);
    const ns = props.namespace.name;
    const N = KFP_NAMES.ui;
    const P = KFP_PORTS;
    const store = props.objectStore;
    const clusterDomain = props.clusterDomain ?? 'cluster.local';
    this.namespace = ns;
    this.replicas = props.replicas ?? 1;
    this.resources = props.resources ?? PIPELINES_UI_DEFAULT_RESOURCES;
    this.userIdHeader = props.userIdHeader ?? PIPELINES_UI_USERID_HEADER;
    this.userIdPrefix = props.userIdPrefix ?? '';
    this.serviceHost = `${N.service}.${ns}.svc.${clusterDomain}`;
    const apiServerHost =
      props.apiServerHost ?? `${KFP_NAMES.apiServer.service}.${ns}.svc.${clusterDomain}`;
    const apiServerPort = props.apiServerPort ?? P.apiHttp;
    const envoyHost =
      props.metadataEnvoyHost ?? `${KFP_NAMES.metadata.envoyService}.${ns}.svc.${clusterDomain}`;
    const envoyPort = props.metadataEnvoyPort ?? P.metadataEnvoy;
    const bucket = props.artifactBucket ?? store.buckets[0] ?? '';
    const viewerServiceAccount =
      props.viewerServiceAccount ?? KFP_NAMES.tenant.runnerServiceAccount;
    throwIfProblems(
      'PipelinesUi',
      problems(props, {
        replicas: this.replicas,
        userIdHeader: this.userIdHeader,
        bucket,
        viewerServiceAccount,
        ports: { apiServerPort, metadataEnvoyPort: envoyPort },
      }),
    );

    const labels = KFP_LABELS.labels('ui');
    const selector = KFP_LABELS.selector('ui');
    const rbacLabels = KFP_LABELS.labels('rbac');
    const metadata = (name: string) => ({ name, namespace: ns, labels });
    this.podLabels = selector;

    new k8s.KubeConfigMap(this, 'Config', {
      metadata: metadata(N.config),
      data: {
        [VIEWER_TEMPLATE]: JSON.stringify(
          { spec: { serviceAccountName: viewerServiceAccount } },
          null,
          4,
        ),
      },
    });
    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: metadata(N.serviceAccount),
      automountServiceAccountToken: false,
    });
    new k8s.KubeClusterRole(this, 'ClusterRole', {
      metadata: { name: N.clusterRole, labels: rbacLabels },
      rules: PIPELINES_UI_RULES.map((r) => ({ ...r })),
    });
    new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: N.clusterRoleBinding, labels: rbacLabels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: N.clusterRole },
      subjects: [{ kind: 'ServiceAccount', name: N.serviceAccount, namespace: ns }],
    });

    const creds = store.credentials;
    const secret = (key: string): k8s.EnvVarSource => ({
      secretKeyRef: { name: creds.secretName, key },
    });
    const env: k8s.EnvVar[] = [
      {
        name: 'VIEWER_TENSORBOARD_POD_TEMPLATE_SPEC_PATH',
        value: `${CONFIG_DIR}/${VIEWER_TEMPLATE}`,
      },
      { name: 'DEPLOYMENT', value: 'KUBEFLOW' },
      { name: 'ENABLE_AUTHZ', value: 'true' },
      { name: 'KUBEFLOW_USERID_HEADER', value: this.userIdHeader },
      { name: 'KUBEFLOW_USERID_PREFIX', value: this.userIdPrefix },
      { name: 'FRONTEND_SERVER_NAMESPACE', value: ns },
      // Set here because the pod runs without service links, which upstream relies on.
      { name: 'ML_PIPELINE_SERVICE_HOST', value: apiServerHost },
      { name: 'ML_PIPELINE_SERVICE_PORT', value: String(apiServerPort) },
      { name: 'METADATA_ENVOY_SERVICE_SERVICE_HOST', value: envoyHost },
      { name: 'METADATA_ENVOY_SERVICE_SERVICE_PORT', value: String(envoyPort) },
      {
        name: 'ALLOW_CUSTOM_VISUALIZATIONS',
        value: String(props.allowCustomVisualizations ?? false),
      },
      { name: 'ARGO_ARCHIVE_LOGS', value: 'true' },
      { name: 'ARGO_ARCHIVE_BUCKETNAME', value: bucket },
      { name: 'DISABLE_GKE_METADATA', value: 'true' },
      // The UI builds viewer addresses as `<service>.<namespace><CLUSTER_DOMAIN>`.
      { name: 'CLUSTER_DOMAIN', value: `.svc.${clusterDomain}` },
      // Per-tenant artifact proxies are not deployed; upstream's `ARTIFACTS_PROXY_ENABLED` default.
      { name: 'ARTIFACTS_SERVICE_PROXY_NAME', value: ARTIFACT_PROXY.name },
      { name: 'ARTIFACTS_SERVICE_PROXY_PORT', value: String(ARTIFACT_PROXY.port) },
      { name: 'ARTIFACTS_SERVICE_PROXY_ENABLED', value: 'false' },
      // `minio://` artifacts. The UI dials `<MINIO_HOST>.<MINIO_NAMESPACE>` unless the namespace
      // is empty, so the full host goes in MINIO_HOST.
      { name: 'MINIO_HOST', value: store.host },
      { name: 'MINIO_NAMESPACE', value: '' },
      { name: 'MINIO_PORT', value: String(store.port) },
      { name: 'MINIO_SSL', value: String(store.secure) },
      { name: 'MINIO_ACCESS_KEY', valueFrom: secret(creds.accessKeyKey) },
      { name: 'MINIO_SECRET_KEY', valueFrom: secret(creds.secretKeyKey) },
      // `s3://` artifacts: the same store (the S3 client takes no port: 443 or 80 by AWS_SSL).
      { name: 'AWS_S3_ENDPOINT', value: store.host },
      { name: 'AWS_REGION', value: store.region },
      { name: 'AWS_SSL', value: String(store.secure) },
      { name: 'AWS_ACCESS_KEY_ID', valueFrom: secret(creds.accessKeyKey) },
      { name: 'AWS_SECRET_ACCESS_KEY', valueFrom: secret(creds.secretKeyKey) },
    ];
    this.settings = Object.fromEntries(
      env.map((e) => [
        e.name,
        e.value ?? `secret:${e.valueFrom?.secretKeyRef?.name}/${e.valueFrom?.secretKeyRef?.key}`,
      ]),
    );

    const probe: k8s.Probe = {
      httpGet: { path: '/apis/v1beta1/healthz', port: k8s.IntOrString.fromString('http') },
      initialDelaySeconds: 3,
      periodSeconds: 5,
      timeoutSeconds: 2,
    };
    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: metadata(N.deployment),
      spec: {
        replicas: this.replicas,
        selector: { matchLabels: selector },
        template: {
          metadata: {
            labels,
            annotations: { 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'true' },
          },
          spec: {
            serviceAccountName: N.serviceAccount,
            // The server calls the Kubernetes API (viewers, pod logs, Secrets).
            automountServiceAccountToken: true,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext({
              runAsUser: UI_UID,
              runAsGroup: UI_UID,
              fsGroup: UI_UID,
            }),
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            containers: [
              {
                name: N.container,
                image: resolveImage(this, KFP_IMAGES.frontend),
                imagePullPolicy: 'IfNotPresent',
                env,
                ports: [{ name: 'http', containerPort: P.ui, protocol: 'TCP' }],
                livenessProbe: probe,
                readinessProbe: probe,
                volumeMounts: [
                  { name: 'config-volume', mountPath: CONFIG_DIR, readOnly: true },
                  { name: 'tmp', mountPath: '/tmp' },
                ],
                resources: toResourceRequirements(this.resources),
                securityContext: restrictedContainerSecurityContext(),
              },
            ],
            volumes: [
              { name: 'config-volume', configMap: { name: N.config } },
              { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } },
            ],
          },
        },
      },
    });
    httpService(this, 'Service', { metadata: metadata(N.service), selector, port: P.uiService });

    store.grantAccess(N.deployment, NetworkPeer.namespace(ns, selector));
    this.exposure = exposeThroughGateway(this, {
      gateway: props.gateway,
      namespace: props.namespace,
      id: N.route,
      // Upstream's VirtualService: prefix /pipeline, rewritten to itself (the UI serves under
      // its base path), 300 s for large uploads and artifact downloads.
      prefix: KFP_PREFIX,
      rewrite: KFP_PREFIX,
      timeoutSeconds: 300,
      service: { host: this.serviceHost, port: P.uiService },
      podPort: P.ui,
      podLabels: selector,
      description: 'the Kubeflow Pipelines UI at /pipeline from the ingress gateway',
      component: 'Kubeflow Pipelines UI',
      labels: KFP_LABELS.labels('mesh-policy'),
    });
  }
}

function problems(
  props: PipelinesUiProps,
  s: {
    replicas: number;
    userIdHeader: string;
    bucket: string;
    viewerServiceAccount: string;
    ports: Record<string, number>;
  },
): string[] {
  const out: string[] = [];
  const store = props.objectStore;
  if (store.credentials.namespace !== props.namespace.name) {
    out.push(
      propProblem(
        'objectStore.credentials',
        `is a Secret of namespace ${store.credentials.namespace}`,
        `a client in ${props.namespace.name}`,
        "Give the UI's namespace its own copy of the object-store credentials.",
      ),
    );
  }
  if (!s.bucket || !store.buckets.includes(s.bucket)) {
    out.push(
      propProblem(
        'artifactBucket',
        'is not a bucket of the object store',
        `"${s.bucket}"`,
        `Use one of ${JSON.stringify(store.buckets)}.`,
      ),
    );
  }
  if (!/^[A-Za-z0-9-]+$/.test(s.userIdHeader)) {
    out.push(
      propProblem(
        'userIdHeader',
        'is not an HTTP header name',
        `"${s.userIdHeader}"`,
        'Use the header the gateway sets, such as kubeflow-userid.',
      ),
    );
  }
  if (!DNS_LABEL.test(s.viewerServiceAccount)) {
    out.push(
      propProblem(
        'viewerServiceAccount',
        'is not a service account name',
        `"${s.viewerServiceAccount}"`,
        'Use the account of the tenant namespaces, such as default-editor.',
      ),
    );
  }
  for (const [path, port] of Object.entries(s.ports)) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      out.push(
        propProblem(path, 'is not a port number', String(port), 'Use a port from 1 to 65535.'),
      );
    }
  }
  if (!Number.isInteger(s.replicas) || s.replicas < 1) {
    out.push(
      propProblem(
        'replicas',
        'is not a whole number of at least 1',
        String(s.replicas),
        'Use 1 or more.',
      ),
    );
  }
  return out;
}
