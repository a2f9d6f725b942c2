import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { IDatabase } from '../core/database';
import { resolveImage } from '../core/images';
import { IGateway } from '../core/mesh';
import { HOLD_UNTIL_PROXY_STARTS, ISTIO_SECURITY_API_VERSION } from '../core/mesh-policy';
import { INamespace, NetworkPeer } from '../core/network';
import { IObjectStore } from '../core/object-store';
import { Suppressions } from '../core/policy';
import { ResourceSpec, toResourceRequirements } from '../core/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { propProblem, throwIfProblems } from '../core/validation';
import { KFP_ENABLED_NAMESPACE_LABELS, KFP_NAMES, KFP_PORTS } from './names';
import { KFP_LABELS } from './private/labels';
import { KFP_IMAGES, KFP_VERSION } from './versions';

/** Requests and limits of the API server (upstream requests 250m and 500Mi). */
export const API_SERVER_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '250m', limit: '1' },
  memory: { request: '500Mi', limit: '1Gi' },
};

/** The header the gateway passes the user in (upstream's `KUBEFLOW_USERID_HEADER`). */
export const KFP_USERID_HEADER = 'kubeflow-userid';

/**
 * The API server's ClusterRole in multi-user mode
 * (`base/installs/multi-user/api-service/cluster-role.yaml`): it runs and deletes Argo workflows
 * and scheduled workflows in every namespace, reads their pods and logs, and authorizes users with
 * SubjectAccessReviews and TokenReviews.
 */
export const API_SERVER_RULES: readonly k8s.PolicyRule[] = [
  { apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list', 'delete'] },
  {
    apiGroups: ['argoproj.io'],
    resources: ['workflows'],
    verbs: ['create', 'get', 'list', 'watch', 'update', 'patch', 'delete'],
  },
  {
    apiGroups: ['kubeflow.org'],
    resources: ['scheduledworkflows'],
    verbs: ['create', 'get', 'list', 'update', 'patch', 'delete'],
  },
  { apiGroups: ['kubeflow.org'], resources: ['scheduledworkflows/finalizers'], verbs: ['update'] },
  {
    apiGroups: ['pipelines.kubeflow.org'],
    resources: ['pipelines'],
    verbs: ['get', 'list', 'watch'],
  },
  {
    apiGroups: ['authorization.k8s.io'],
    resources: ['subjectaccessreviews'],
    verbs: ['create'],
  },
  { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
];

/**
 * The rules of the aggregated user roles (`base/installs/multi-user/view-edit-cluster-roles.yaml`):
 * the API server asks a SubjectAccessReview for these verbs on `pipelines.kubeflow.org` before it
 * acts for a user, so Kubeflow's `kubeflow-edit`/`kubeflow-view` must carry them.
 */
export const KFP_USER_ROLE_RULES = {
  edit: [
    {
      apiGroups: ['pipelines.kubeflow.org'],
      resources: ['pipelines', 'pipelineversions'],
      verbs: ['create', 'delete', 'update'],
    },
    {
      apiGroups: ['pipelines.kubeflow.org'],
      resources: ['experiments'],
      verbs: ['archive', 'create', 'delete', 'unarchive'],
    },
    {
      apiGroups: ['pipelines.kubeflow.org'],
      resources: ['runs'],
      verbs: [
        'archive',
        'create',
        'delete',
        'retry',
        'terminate',
        'unarchive',
        'reportMetrics',
        'readArtifact',
      ],
    },
    {
      apiGroups: ['pipelines.kubeflow.org'],
      resources: ['jobs'],
      verbs: ['create', 'delete', 'disable', 'enable'],
    },
    { apiGroups: ['kubeflow.org'], verbs: ['*'], resources: ['scheduledworkflows'] },
    {
      apiGroups: ['argoproj.io'],
      verbs: ['*'],
      resources: [
        'cronworkflows',
        'cronworkflows/finalizers',
        'workflows',
        'workflows/finalizers',
        'workfloweventbindings',
        'workflowtemplates',
        'workflowtaskresults',
      ],
    },
  ],
  view: [
    {
      apiGroups: ['pipelines.kubeflow.org'],
      resources: ['pipelines', 'pipelineversions', 'experiments', 'jobs'],
      verbs: ['get', 'list'],
    },
    {
      apiGroups: ['pipelines.kubeflow.org'],
      resources: ['runs'],
      verbs: ['get', 'list', 'readArtifact'],
    },
    { apiGroups: ['kubeflow.org'], resources: ['viewers'], verbs: ['create', 'get', 'delete'] },
    { apiGroups: ['pipelines.kubeflow.org'], resources: ['visualizations'], verbs: ['create'] },
  ],
} as const satisfies Record<string, readonly k8s.PolicyRule[]>;

export interface PipelinesApiServerProps {
  /** Where the API server runs (`kubeflow` upstream). */
  readonly namespace: INamespace;
  /** Keeps pipelines, runs and experiments (`DBCONFIG_MYSQLCONFIG_*`). MySQL. */
  readonly database: IDatabase;
  /** Keeps pipeline packages and run logs (`OBJECTSTORECONFIG_*`). */
  readonly objectStore: IObjectStore;
  /** @default - the object store's first bucket */
  readonly artifactBucket?: string;
  /** The database schema of the API server (`pipelineDb`). @default 'mlpipeline' */
  readonly databaseName?: string;
  /** The ingress gateway: its identity gives the mesh trust domain of the callers' principals. */
  readonly gateway: IGateway;
  /** The header with the user's identity (`KUBEFLOW_USERID_HEADER`). @default 'kubeflow-userid' */
  readonly userIdHeader?: string;
  /** The prefix stripped from the header's value (`KUBEFLOW_USERID_PREFIX`). @default '' */
  readonly userIdPrefix?: string;
  /** Authorize every call for its user and namespace (`MULTIUSER`). @default true */
  readonly multiUser?: boolean;
  /**
   * Labels of the namespaces whose pipeline pods call the API server.
   * @default KFP_ENABLED_NAMESPACE_LABELS - `pipelines.kubeflow.org/enabled: "true"`
   */
  readonly tenantNamespaceLabels?: Readonly<Record<string, string>>;
  /** The pipeline root of runs in the API server's own namespace (`kfp-launcher`). @default '' - the launcher's default */
  readonly defaultPipelineRoot?: string;
  /** @default 'cluster.local' */
  readonly clusterDomain?: string;
  /** @default 1 - upstream's */
  readonly replicas?: number;
  /** @default API_SERVER_DEFAULT_RESOURCES */
  readonly resources?: ResourceSpec;
}

/** The user upstream runs the Go images as (`runAsUser: 1000`). */
const KFP_UID = 1000;

/**
 * The Kubeflow Pipelines API server of 2.16.1 in multi-user mode: Deployment `ml-pipeline`
 * (REST on 8888, gRPC on 8887) with upstream's environment, its ServiceAccount and ClusterRole,
 * the Service, the install-wide ConfigMap `pipeline-install-config`, the multi-user settings
 * `pipeline-api-server-config`, the `kfp-launcher` defaults of its own namespace, the public
 * version ConfigMap, the aggregated user roles, and its mesh policy: the AuthorizationPolicy
 * admits the Pipelines workloads by identity and any caller without a user header (which then
 * authenticates with a ServiceAccount token), as upstream's `istio-authorization-config.yaml`.
 * @see https://github.com/kubeflow/pipelines/tree/2.16.1/manifests/kustomize/base/installs/multi-user
 */
export class PipelinesApiServer extends Construct {
  public readonly namespace: string;
  public readonly multiUser: boolean;
  public readonly userIdHeader: string;
  public readonly userIdPrefix: string;
  public readonly artifactBucket: string;
  public readonly databaseName: string;
  public readonly replicas: number;
  public readonly resources: ResourceSpec;
  /** `ml-pipeline.<namespace>.svc.<cluster domain>`. */
  public readonly serviceHost: string;
  /** The API server's own mesh identity. */
  public readonly principal: string;
  /** Mesh identities the AuthorizationPolicy admits with a user header (upstream's list). */
  public readonly callerPrincipals: readonly string[];
  /** `pipeline-install-config`, as the other Pipelines workloads read it. */
  public readonly installConfig: Readonly<Record<string, string>>;
  public readonly deployment: k8s.KubeDeployment;
  public readonly service: k8s.KubeService;
  public readonly authorizationPolicy: ApiObject;
  public readonly peerAuthentication: ApiObject;

  public constructor(scope: Construct, id: string, props: PipelinesApiServerProps) {
    super(scope, id);
    const ns = props.namespace.name;
    const N = KFP_NAMES.apiServer;
    const P = KFP_PORTS;
    const clusterDomain = props.clusterDomain ?? 'cluster.local';
    this.namespace = ns;
    this.multiUser = props.multiUser ?? true;
    this.userIdHeader = props.userIdHeader ?? KFP_USERID_HEADER;
    this.userIdPrefix = props.userIdPrefix ?? '';
    this.artifactBucket = props.artifactBucket ?? props.objectStore.buckets[0] ?? '';
    this.databaseName = props.databaseName ?? 'mlpipeline';
    this.replicas = props.replicas ?? 1;
    this.resources = props.resources ?? API_SERVER_DEFAULT_RESOURCES;
    this.serviceHost = `${N.service}.${ns}.svc.${clusterDomain}`;
    throwIfProblems('PipelinesApiServer', validate(props, this));

    const trustDomain = trustDomainOf(props.gateway);
    const principal = (sa: string) => `${trustDomain}/ns/${ns}/sa/${sa}`;
    this.principal = principal(N.serviceAccount);
    this.callerPrincipals = [
      N.serviceAccount,
      KFP_NAMES.ui.serviceAccount,
      KFP_NAMES.persistenceAgent.serviceAccount,
      KFP_NAMES.scheduledWorkflow.serviceAccount,
      KFP_NAMES.viewerController.serviceAccount,
      KFP_NAMES.cache.serviceAccount,
    ].map(principal);

    const labels = KFP_LABELS.labels('api-server');
    const selector = KFP_LABELS.selector('api-server');
    const configLabels = KFP_LABELS.labels('config');
    const rbacLabels = KFP_LABELS.labels('rbac');
    const meshLabels = KFP_LABELS.labels('mesh-policy');

    this.installConfig = {
      appName: 'pipeline',
      appVersion: KFP_VERSION,
      dbHost: props.database.host,
      dbPort: String(props.database.port),
      dbType: 'mysql',
      mysqlHost: props.database.host,
      mysqlPort: String(props.database.port),
      mlmdDb: 'metadb',
      cacheDb: 'cachedb',
      pipelineDb: this.databaseName,
      bucketName: this.artifactBucket,
      defaultPipelineRoot: props.defaultPipelineRoot ?? '',
      autoUpdatePipelineDefaultVersion: 'true',
      cronScheduleTimezone: 'UTC',
      cacheImage: resolveImage(this, KFP_IMAGES.cacheStep),
      cacheNodeRestrictions: 'false',
      MAXIMUM_CACHE_STALENESS: '',
      DEFAULT_CACHE_STALENESS: '',
      ConMaxLifeTime: '120s',
      LOG_LEVEL: 'info',
      ARTIFACTS_PROXY_ENABLED: 'false',
      ARTIFACT_RETENTION_DAYS: '-1',
      defaultSecurityContextRunAsUser: '',
      defaultSecurityContextRunAsGroup: '',
      defaultSecurityContextRunAsNonRoot: '',
      BLOCK_V1_PIPELINES: 'false',
      V1_ALLOWED_NAMESPACES: '',
    };
    new k8s.KubeConfigMap(this, 'InstallConfig', {
      metadata: { name: KFP_NAMES.installConfig, namespace: ns, labels: configLabels },
      data: { ...this.installConfig },
    });
    const multiUserSettings = {
      MULTIUSER: String(this.multiUser),
      DEFAULTPIPELINERUNNERSERVICEACCOUNT: KFP_NAMES.tenant.runnerServiceAccount,
      VISUALIZATIONSERVICE_NAME: KFP_NAMES.visualizationServer.service,
      VISUALIZATIONSERVICE_PORT: String(P.visualization),
    };
    new k8s.KubeConfigMap(this, 'ApiServerConfig', {
      metadata: { name: N.config, namespace: ns, labels: configLabels },
      data: multiUserSettings,
    });
    new k8s.KubeConfigMap(this, 'LauncherConfig', {
      metadata: { name: KFP_NAMES.tenant.launcherConfig, namespace: ns, labels: configLabels },
      data: { defaultPipelineRoot: this.installConfig.defaultPipelineRoot },
    });
    publicVersion(this, ns, configLabels, rbacLabels);

    clusterRbac(this, {
      namespace: ns,
      serviceAccount: N.serviceAccount,
      clusterRole: N.clusterRole,
      clusterRoleBinding: N.clusterRoleBinding,
      rules: API_SERVER_RULES,
      labels,
      rbacLabels,
    });
    userRoles(this, rbacLabels);

    const fromConfig = (name: string, key: string, optional = false): k8s.EnvVar => ({
      name,
      valueFrom: {
        configMapKeyRef: { name: KFP_NAMES.installConfig, key, ...(optional ? { optional } : {}) },
      },
    });
    const db = props.database.credentials(ns);
    const store = props.objectStore;
    const creds = store.credentials;
    const env: k8s.EnvVar[] = [
      plain('KUBEFLOW_USERID_HEADER', this.userIdHeader),
      plain('KUBEFLOW_USERID_PREFIX', this.userIdPrefix),
      plain('PUBLISH_LOGS', 'true'),
      fromConfig('LOG_LEVEL', 'LOG_LEVEL'),
      plain('PIPELINE_LOG_LEVEL', '1'),
      fromConfig('AUTO_UPDATE_PIPELINE_DEFAULT_VERSION', 'autoUpdatePipelineDefaultVersion'),
      podNamespace('POD_NAMESPACE'),
      plain('CLUSTER_DOMAIN', clusterDomain),
      plain('OBJECTSTORECONFIG_SECURE', String(store.secure)),
      fromConfig('OBJECTSTORECONFIG_BUCKETNAME', 'bucketName'),
      plain('OBJECTSTORECONFIG_HOST', store.host),
      plain('OBJECTSTORECONFIG_PORT', String(store.port)),
      plain('OBJECTSTORECONFIG_REGION', store.region),
      fromSecret('OBJECTSTORECONFIG_ACCESSKEY', {
        name: creds.secretName,
        key: creds.accessKeyKey,
      }),
      fromSecret('OBJECTSTORECONFIG_SECRETACCESSKEY', {
        name: creds.secretName,
        key: creds.secretKeyKey,
      }),
      fromConfig('DBCONFIG_CONMAXLIFETIME', 'ConMaxLifeTime'),
      fromSecret('DBCONFIG_MYSQLCONFIG_USER', db.username),
      fromSecret('DBCONFIG_MYSQLCONFIG_PASSWORD', db.password),
      fromConfig('DBCONFIG_MYSQLCONFIG_DBNAME', 'pipelineDb'),
      fromConfig('DBCONFIG_MYSQLCONFIG_HOST', 'mysqlHost'),
      fromConfig('DBCONFIG_MYSQLCONFIG_PORT', 'mysqlPort'),
      ...(props.database.tls.required
        ? [plain('DBCONFIG_MYSQLCONFIG_EXTRAPARAMS', '{"tls":"true"}')]
        : []),
      plain('V2_DRIVER_IMAGE', resolveImage(this, KFP_IMAGES.driver)),
      plain('V2_LAUNCHER_IMAGE', resolveImage(this, KFP_IMAGES.launcher)),
      plain('COMPILED_PIPELINE_SPEC_PATCH', '{}'),
      fromConfig('DEFAULT_SECURITY_CONTEXT_RUN_AS_USER', 'defaultSecurityContextRunAsUser', true),
      fromConfig('DEFAULT_SECURITY_CONTEXT_RUN_AS_GROUP', 'defaultSecurityContextRunAsGroup', true),
      fromConfig(
        'DEFAULT_SECURITY_CONTEXT_RUN_AS_NON_ROOT',
        'defaultSecurityContextRunAsNonRoot',
        true,
      ),
      fromConfig('BLOCK_V1_PIPELINES', 'BLOCK_V1_PIPELINES', true),
      fromConfig('V1_ALLOWED_NAMESPACES', 'V1_ALLOWED_NAMESPACES', true),
    ];
    const probe = (extra: Partial<k8s.Probe>): k8s.Probe => ({
      httpGet: { path: '/apis/v1beta1/healthz', port: k8s.IntOrString.fromString('http') },
      periodSeconds: 5,
      timeoutSeconds: 2,
      ...extra,
    });
    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name: N.deployment, namespace: ns, labels },
      spec: {
        replicas: this.replicas,
        selector: { matchLabels: selector },
        template: {
          metadata: {
            labels,
            annotations: {
              'cluster-autoscaler.kubernetes.io/safe-to-evict': 'true',
              // It connects to the database and the object store as it starts.
              ...HOLD_UNTIL_PROXY_STARTS,
            },
          },
          spec: {
            serviceAccountName: N.serviceAccount,
            automountServiceAccountToken: true,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext({
              runAsUser: KFP_UID,
              runAsGroup: KFP_UID,
              fsGroup: KFP_UID,
            }),
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            containers: [
              {
                name: N.container,
                image: resolveImage(this, KFP_IMAGES.apiServer),
                imagePullPolicy: 'IfNotPresent',
                envFrom: [{ configMapRef: { name: N.config } }],
                env,
                ports: [
                  { name: 'http', containerPort: P.apiHttp, protocol: 'TCP' },
                  { name: 'grpc', containerPort: P.apiGrpc, protocol: 'TCP' },
                ],
                readinessProbe: probe({ initialDelaySeconds: 3 }),
                livenessProbe: probe({ initialDelaySeconds: 3 }),
                // Upstream's 60 seconds for a database migration before liveness counts.
                startupProbe: probe({ failureThreshold: 12 }),
                // Uploaded pipeline packages larger than 32 MiB are buffered in the temp dir.
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
                resources: toResourceRequirements(this.resources),
                securityContext: restrictedContainerSecurityContext(),
              },
            ],
            volumes: [{ name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('1Gi') } }],
          },
        },
      },
    });
    if (this.replicas > 1) {
      new k8s.KubePodDisruptionBudget(this, 'PodDisruptionBudget', {
        metadata: { name: N.deployment, namespace: ns, labels },
        spec: { minAvailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: selector } },
      });
    }

    this.service = new k8s.KubeService(this, 'Service', {
      metadata: {
        name: N.service,
        namespace: ns,
        labels,
        annotations: {
          'prometheus.io/port': String(P.apiHttp),
          'prometheus.io/scheme': 'http',
          'prometheus.io/scrape': 'true',
        },
      },
      spec: {
        type: 'ClusterIP',
        selector,
        ports: [
          {
            name: 'http',
            port: P.apiHttp,
            targetPort: k8s.IntOrString.fromString('http'),
            protocol: 'TCP',
            appProtocol: 'http',
          },
          {
            name: 'grpc',
            port: P.apiGrpc,
            targetPort: k8s.IntOrString.fromString('grpc'),
            protocol: 'TCP',
            appProtocol: 'grpc',
          },
        ],
      },
    });

    const ports = [String(P.apiHttp), String(P.apiGrpc)];
    this.authorizationPolicy = new ApiObject(this, 'AuthorizationPolicy', {
      apiVersion: ISTIO_SECURITY_API_VERSION,
      kind: 'AuthorizationPolicy',
      metadata: { name: N.authorizationPolicy, namespace: ns, labels: meshLabels },
      spec: {
        selector: { matchLabels: { ...selector } },
        action: 'ALLOW',
        rules: [
          {
            from: [{ source: { principals: [...this.callerPrincipals] } }],
            to: [{ operation: { ports } }],
          },
          // Without the user header the API server authenticates the caller's ServiceAccount
          // token (TokenReview) and authorizes it (SubjectAccessReview): pipeline pods, which
          // run without a sidecar, and notebooks using the SDK come in this way.
          {
            to: [{ operation: { ports } }],
            when: [{ key: `request.headers[${this.userIdHeader}]`, notValues: ['*'] }],
          },
        ],
      },
    });
    // Pipeline pods run without a sidecar (the API server compiles every workflow with
    // `sidecar.istio.io/inject: "false"`), so the API ports also take plain text.
    this.peerAuthentication = new ApiObject(this, 'PeerAuthentication', {
      apiVersion: ISTIO_SECURITY_API_VERSION,
      kind: 'PeerAuthentication',
      metadata: { name: N.deployment, namespace: ns, labels: meshLabels },
      spec: {
        selector: { matchLabels: { ...selector } },
        portLevelMtls: Object.fromEntries(ports.map((p) => [p, { mode: 'PERMISSIVE' }])),
      },
    });

    const tenants = props.tenantNamespaceLabels ?? KFP_ENABLED_NAMESPACE_LABELS;
    props.namespace.allowIngress('ml-pipeline-from-pipelines', {
      description: 'The Pipelines UI, agents and cache server call the API server',
      podLabels: selector,
      from: [NetworkPeer.sameNamespace()],
      ports: [{ port: P.apiHttp }, { port: P.apiGrpc }],
    });
    props.namespace.allowIngress('ml-pipeline-from-tenants', {
      description: 'Pipeline pods (driver, launcher) and notebooks of tenants call the API server',
      podLabels: selector,
      from: [NetworkPeer.namespacesLabelled({ ...tenants })],
      ports: [{ port: P.apiHttp }, { port: P.apiGrpc }],
    });
    const self = NetworkPeer.namespace(ns, selector);
    props.database.grantAccess('ml-pipeline', self);
    props.objectStore.grantAccess('ml-pipeline', self);
  }
}

function validate(props: PipelinesApiServerProps, s: PipelinesApiServer): string[] {
  const out = [...replicaProblems(s.replicas), ...mysqlProblems(props.database, 'The API server')];
  if (!s.artifactBucket || !props.objectStore.buckets.includes(s.artifactBucket)) {
    out.push(
      propProblem(
        'artifactBucket',
        'is not a bucket of the object store',
        `"${s.artifactBucket}"`,
        `Use one of ${JSON.stringify(props.objectStore.buckets)}.`,
      ),
    );
  }
  if (props.objectStore.credentials.namespace !== props.namespace.name) {
    out.push(
      propProblem(
        'objectStore.credentials',
        `is a Secret of namespace ${props.objectStore.credentials.namespace}`,
        `a client in ${props.namespace.name}`,
        "Give the API server's namespace its own copy of the object-store credentials.",
      ),
    );
  }
  if (!s.userIdHeader) {
    out.push(
      propProblem(
        'userIdHeader',
        'is empty',
        '""',
        'Use the header the gateway sets, e.g. kubeflow-userid.',
      ),
    );
  }
  return out;
}

/** The version ConfigMap every signed-in user may read (`base/pipeline/kustomization.yaml`). */
function publicVersion(
  scope: Construct,
  ns: string,
  labels: Record<string, string>,
  rbacLabels: Record<string, string>,
): void {
  const name = KFP_NAMES.publicConfig;
  new k8s.KubeConfigMap(scope, 'PublicConfig', {
    metadata: { name, namespace: ns, labels },
    data: { kubeflow_pipelines_version: `v${KFP_VERSION}` },
  });
  new k8s.KubeRole(scope, 'PublicConfigRole', {
    metadata: { name, namespace: ns, labels: rbacLabels },
    rules: [
      {
        apiGroups: [''],
        resources: ['configmaps'],
        resourceNames: [name],
        verbs: ['get', 'list', 'watch'],
      },
    ],
  });
  new k8s.KubeRoleBinding(scope, 'PublicConfigRoleBinding', {
    metadata: { name, namespace: ns, labels: rbacLabels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
    subjects: [
      { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:authenticated' },
    ],
  });
}

const aggregateLabel = (role: string): string =>
  `rbac.authorization.kubeflow.org/aggregate-to-${role}`;

/** Upstream's aggregated user roles: rules in `aggregate-to-*`, aggregation in the other two. */
function userRoles(scope: Construct, labels: Record<string, string>): void {
  const R = KFP_NAMES.userRoles;
  new k8s.KubeClusterRole(scope, 'EditRole', {
    metadata: { name: R.edit, labels: { ...labels, [aggregateLabel('kubeflow-edit')]: 'true' } },
    aggregationRule: {
      clusterRoleSelectors: [
        { matchLabels: { [aggregateLabel('kubeflow-pipelines-edit')]: 'true' } },
      ],
    },
    rules: [],
  });
  new k8s.KubeClusterRole(scope, 'ViewRole', {
    metadata: {
      name: R.view,
      labels: {
        ...labels,
        [aggregateLabel('kubeflow-pipelines-edit')]: 'true',
        [aggregateLabel('kubeflow-view')]: 'true',
      },
    },
    aggregationRule: {
      clusterRoleSelectors: [
        { matchLabels: { [aggregateLabel('kubeflow-pipelines-view')]: 'true' } },
      ],
    },
    rules: [],
  });
  const edit = new k8s.KubeClusterRole(scope, 'AggregateEditRole', {
    metadata: {
      name: R.aggregateEdit,
      labels: { ...labels, [aggregateLabel('kubeflow-pipelines-edit')]: 'true' },
    },
    rules: KFP_USER_ROLE_RULES.edit.map((r) => ({ ...r })),
  });
  Suppressions.add(
    edit,
    'platform/rbac-wildcards',
    "Upstream's edit role (kubeflow/pipelines 2.16.1, view-edit-cluster-roles.yaml): users who may edit a profile manage its scheduled workflows and Argo workflows with every verb; the wildcard is on verbs of those named resources only, and the role is bound only in the profiles a user edits.",
  );
  new k8s.KubeClusterRole(scope, 'AggregateViewRole', {
    metadata: {
      name: R.aggregateView,
      labels: { ...labels, [aggregateLabel('kubeflow-pipelines-view')]: 'true' },
    },
    rules: KFP_USER_ROLE_RULES.view.map((r) => ({ ...r })),
  });
}

/** A literal environment variable. @internal */
export const plain = (name: string, value: string): k8s.EnvVar => ({ name, value });

/** An environment variable from a Secret key. @internal */
export const fromSecret = (name: string, ref: k8s.SecretKeySelector): k8s.EnvVar => ({
  name,
  valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } },
});

/** The pod's namespace (`metadata.namespace`). @internal */
export const podNamespace = (name: string): k8s.EnvVar => ({
  name,
  valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } },
});

/** The mesh trust domain, read from the gateway's identity. @internal */
export function trustDomainOf(gateway: IGateway): string {
  return gateway.principal?.split('/ns/')[0] || 'cluster.local';
}

/** A ServiceAccount without an automounted token, its ClusterRole and binding. @internal */
export function clusterRbac(
  scope: Construct,
  props: {
    readonly namespace: string;
    readonly serviceAccount: string;
    readonly clusterRole: string;
    readonly clusterRoleBinding: string;
    readonly rules: readonly k8s.PolicyRule[];
    readonly labels: Record<string, string>;
    readonly rbacLabels: Record<string, string>;
  },
): k8s.KubeClusterRole {
  new k8s.KubeServiceAccount(scope, 'ServiceAccount', {
    metadata: { name: props.serviceAccount, namespace: props.namespace, labels: props.labels },
    automountServiceAccountToken: false,
  });
  const role = new k8s.KubeClusterRole(scope, 'ClusterRole', {
    metadata: { name: props.clusterRole, labels: props.rbacLabels },
    rules: props.rules.map((r) => ({ ...r })),
  });
  new k8s.KubeClusterRoleBinding(scope, 'ClusterRoleBinding', {
    metadata: { name: props.clusterRoleBinding, labels: props.rbacLabels },
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: props.clusterRole,
    },
    subjects: [{ kind: 'ServiceAccount', name: props.serviceAccount, namespace: props.namespace }],
  });
  return role;
}

/**
 * A projected token for the API server (audience `pipelines.kubeflow.org`, an hour), which the
 * agents present and the API server checks with a TokenReview (upstream's volume). @internal
 */
export function apiTokenVolume(name: string, audience: string): k8s.Volume {
  return {
    name,
    projected: {
      sources: [{ serviceAccountToken: { path: name, expirationSeconds: 3600, audience } }],
    },
  };
}

/** Problems of a replica count. @internal */
export function replicaProblems(replicas: number): string[] {
  return Number.isInteger(replicas) && replicas >= 1
    ? []
    : [
        propProblem(
          'replicas',
          'is not a whole number of at least 1',
          String(replicas),
          'Use 1 or more.',
        ),
      ];
}

/**
 * Problems of a database for a Pipelines client: the API server and the cache server of 2.16.1
 * reach MySQL with the go-sql-driver and trust only the system roots (`tls=true`). @internal
 */
export function mysqlProblems(database: IDatabase, component: string): string[] {
  const out: string[] = [];
  if (database.engine !== 'mysql') {
    out.push(
      propProblem(
        'database',
        `is a ${database.engine} database`,
        `${database.host}:${database.port}`,
        `${component} is deployed against MySQL here (the cache server of 2.16.1 supports nothing else); use a MySQL database.`,
      ),
    );
  }
  if (database.tls.required && database.tls.caSecret) {
    out.push(
      propProblem(
        'database.tls.caSecret',
        'is set',
        `${database.tls.caSecret.name}/${database.tls.caSecret.key}`,
        `${component} verifies the database against the system roots only (go-sql-driver tls=true); use a certificate from a public CA or drop caSecret.`,
      ),
    );
  }
  return out;
}
