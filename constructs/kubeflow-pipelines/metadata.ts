import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { IDatabase } from '../core/database';
import { resolveImage } from '../core/images';
import { ISTIO_SECURITY_API_VERSION } from '../core/mesh-policy';
import { INamespace, NetworkPeer } from '../core/network';
import { ResourceSpec, toResourceRequirements } from '../core/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { propProblem, throwIfProblems } from '../core/validation';
import { KFP_ENABLED_NAMESPACE_LABELS, KFP_NAMES, KFP_PORTS } from './names';
import { KFP_LABELS } from './private/labels';
import { KFP_IMAGES } from './versions';

/** Requests and limits of the three metadata workloads. */
export const METADATA_DEFAULT_RESOURCES = {
  grpc: { cpu: { request: '50m', limit: '500m' }, memory: { request: '64Mi', limit: '512Mi' } },
  envoy: { cpu: { request: '10m', limit: '200m' }, memory: { request: '32Mi', limit: '128Mi' } },
  writer: { cpu: { request: '10m', limit: '200m' }, memory: { request: '128Mi', limit: '512Mi' } },
} as const satisfies Record<string, ResourceSpec>;

/** Envoy's admin listener (`envoy-config.yaml`); the kubelet probes `/ready` on it. */
export const METADATA_ENVOY_ADMIN_PORT = 9901;

/** The MLMD database upstream uses (`mlmdDb` of `pipeline-install-config`). */
export const MLMD_DATABASE = 'metadb';

/**
 * The gRPC server's channel arguments, upstream's (`metadata-grpc-deployment.yaml`): 16 KiB of
 * metadata and 100 MiB messages.
 */
export const MLMD_GRPC_CHANNEL_ARGUMENTS =
  'grpc.max_metadata_size=16384,grpc.max_receive_message_length=104857600,grpc.max_send_message_length=104857600';

export interface MetadataResources {
  /** @default METADATA_DEFAULT_RESOURCES.grpc */
  readonly grpc?: ResourceSpec;
  /** @default METADATA_DEFAULT_RESOURCES.envoy */
  readonly envoy?: ResourceSpec;
  /** @default METADATA_DEFAULT_RESOURCES.writer */
  readonly writer?: ResourceSpec;
}

export interface MetadataProps {
  /** Where ML Metadata runs (`kubeflow` upstream). */
  readonly namespace: INamespace;
  /** The database MLMD keeps its store in; its credentials are read in `namespace`. */
  readonly database: IDatabase;
  /** @default 'metadb' - upstream's `mlmdDb` */
  readonly databaseName?: string;
  /**
   * Labels of the tenant namespaces whose pipeline pods (driver, launcher) write to MLMD.
   * @default KFP_ENABLED_NAMESPACE_LABELS
   */
  readonly clientNamespaceLabels?: Readonly<Record<string, string>>;
  /**
   * Labels of the pods in `namespace` that reach the Envoy proxy (the UI proxies `/ml_metadata`).
   * @default - the UI's selector of this component
   */
  readonly envoyClientPodLabels?: Readonly<Record<string, string>>;
  /** @default 'cluster.local' */
  readonly clusterDomain?: string;
  /** @default METADATA_DEFAULT_RESOURCES */
  readonly resources?: MetadataResources;
}

/** The user upstream's manifests run all three as (no image sets one). */
const UID = 1000;

/**
 * The metadata writer's rules, upstream's multi-user ClusterRole
 * (`base/installs/multi-user/metadata-writer/cluster-role.yaml`): it labels pipeline pods and
 * workflows with their MLMD execution and context in every namespace.
 */
export const METADATA_WRITER_RULES: readonly k8s.PolicyRule[] = [
  { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch', 'update', 'patch'] },
  { apiGroups: [''], resources: ['configmaps'], verbs: ['get'] },
  {
    apiGroups: ['argoproj.io'],
    resources: ['workflows'],
    verbs: ['get', 'list', 'watch', 'update', 'patch'],
  },
];

/**
 * Envoy's configuration, upstream's `metadata-envoy-configmap.yaml` at 2.16.1: gRPC-web from the
 * UI on 9090 to the MLMD gRPC Service, CORS open as upstream (the UI calls it server-side).
 */
function envoyConfig(grpcHost: string, grpcPort: number, listenPort: number): string {
  return `admin:
  access_log:
    name: admin_access
    typed_config:
      "@type": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog
      path: /tmp/admin_access.log
  address:
    socket_address: { address: 0.0.0.0, port_value: ${METADATA_ENVOY_ADMIN_PORT} }

static_resources:
  listeners:
    - name: listener_0
      address:
        socket_address: { address: 0.0.0.0, port_value: ${listenPort} }
      filter_chains:
        - filters:
            - name: envoy.filters.network.http_connection_manager
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                codec_type: auto
                stat_prefix: ingress_http
                route_config:
                  name: local_route
                  virtual_hosts:
                    - name: local_service
                      domains: [ "*" ]
                      routes:
                        - match: { prefix: "/" }
                          route:
                            cluster: metadata-cluster
                            max_stream_duration:
                              grpc_timeout_header_max: '0s'
                          typed_per_filter_config:
                            envoy.filter.http.cors:
                              "@type": type.googleapis.com/envoy.extensions.filters.http.cors.v3.CorsPolicy
                              allow_origin_string_match:
                                - safe_regex:
                                    regex: ".*"
                              allow_methods: GET, PUT, DELETE, POST, OPTIONS
                              allow_headers: keep-alive,user-agent,cache-control,content-type,content-transfer-encoding,custom-header-1,x-accept-content-transfer-encoding,x-accept-response-streaming,x-user-agent,x-grpc-web,grpc-timeout
                              max_age: "1728000"
                              expose_headers: custom-header-1,grpc-status,grpc-message
                http_filters:
                  - name: envoy.filters.http.grpc_web
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.http.grpc_web.v3.GrpcWeb
                  - name: envoy.filters.http.cors
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors
                  - name: envoy.filters.http.router
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
  clusters:
    - name: metadata-cluster
      connect_timeout: 30.0s
      type: logical_dns
      typed_extension_protocol_options:
        envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
          "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
          explicit_http_config:
            http2_protocol_options: { }
      lb_policy: round_robin
      load_assignment:
        cluster_name: metadata-grpc
        endpoints:
          - lb_endpoints:
              - endpoint:
                  address:
                    socket_address:
                      address: ${grpcHost}
                      port_value: ${grpcPort}`;
}

/**
 * The MLMD server's env and flags, upstream's: `metadata-grpc-deployment.yaml` for MySQL, the
 * `overlays/postgres` patch for PostgreSQL (its env names; the gRPC port inlined).
 */
function grpcCommandLine(
  db: IDatabase,
  credentials: ReturnType<IDatabase['credentials']>,
  databaseName: string,
  port: number,
): { env: k8s.EnvVar[]; args: string[] } {
  const env = (names: readonly [string, string, string, string, string]): k8s.EnvVar[] => [
    { name: names[0], valueFrom: { secretKeyRef: { ...credentials.username } } },
    { name: names[1], valueFrom: { secretKeyRef: { ...credentials.password } } },
    { name: names[2], value: databaseName },
    { name: names[3], value: db.host },
    { name: names[4], value: String(db.port) },
  ];
  if (db.engine === 'postgresql') {
    return {
      env: env([
        'POSTGRES_USER',
        'POSTGRES_PASSWORD',
        'POSTGRES_DBNAME',
        'MLMD_DB_HOST',
        'POSTGRES_PORT',
      ]),
      args: [
        `--grpc_port=${port}`,
        '--metadata_source_config_type=postgresql',
        '--postgres_config_host=$(MLMD_DB_HOST)',
        '--postgres_config_port=$(POSTGRES_PORT)',
        '--postgres_config_dbname=$(POSTGRES_DBNAME)',
        '--postgres_config_user=$(POSTGRES_USER)',
        '--postgres_config_password=$(POSTGRES_PASSWORD)',
        '--enable_database_upgrade=true',
      ],
    };
  }
  return {
    env: env(['DBCONFIG_USER', 'DBCONFIG_PASSWORD', 'MYSQL_DATABASE', 'MYSQL_HOST', 'MYSQL_PORT']),
    args: [
      `--grpc_port=${port}`,
      '--mysql_config_database=$(MYSQL_DATABASE)',
      '--mysql_config_host=$(MYSQL_HOST)',
      '--mysql_config_port=$(MYSQL_PORT)',
      '--mysql_config_user=$(DBCONFIG_USER)',
      '--mysql_config_password=$(DBCONFIG_PASSWORD)',
      '--enable_database_upgrade=true',
      `--grpc_channel_arguments=${MLMD_GRPC_CHANNEL_ARGUMENTS}`,
    ],
  };
}

/**
 * ML Metadata for Kubeflow Pipelines 2.16.1: the MLMD gRPC server
 * (`metadata-grpc-deployment`, Service `metadata-grpc-service` on 8080) on the platform's
 * database, the gRPC-web Envoy proxy the UI calls (`metadata-envoy-deployment`, Service
 * `metadata-envoy-service` on 9090) and the metadata writer, which records what Argo runs in
 * every namespace (`metadata-writer`, upstream's multi-user ClusterRole).
 * @see https://github.com/kubeflow/pipelines/tree/2.16.1/manifests/kustomize/base/metadata
 */
export class Metadata extends Construct {
  public readonly namespace: string;
  public readonly databaseName: string;
  public readonly resources: Required<MetadataResources>;
  /** `metadata-grpc-service.<namespace>.svc.<clusterDomain>`, where pipeline pods write. */
  public readonly grpcHost: string;
  public readonly grpcPort: number = KFP_PORTS.metadataGrpc;
  /** `metadata-envoy-service.<namespace>.svc.<clusterDomain>`, the UI's `METADATA_ENVOY_SERVICE_SERVICE_HOST`. */
  public readonly envoyHost: string;
  public readonly envoyPort: number = KFP_PORTS.metadataEnvoy;
  /** The writer's service account, `kubeflow-pipelines-metadata-writer`. */
  public readonly writerServiceAccountName: string = KFP_NAMES.metadata.writerServiceAccount;
  public readonly grpcDeployment: k8s.KubeDeployment;
  public readonly envoyDeployment: k8s.KubeDeployment;
  public readonly writerDeployment: k8s.KubeDeployment;
  public readonly authorizationPolicy: ApiObject;
  public readonly peerAuthentication: ApiObject;

  public constructor(scope: Construct, id: string, props: MetadataProps) {
    super(scope, id);
    const ns = props.namespace.name;
    const N = KFP_NAMES.metadata;
    const P = KFP_PORTS;
    const db = props.database;
    const clusterDomain = props.clusterDomain ?? 'cluster.local';
    this.namespace = ns;
    this.databaseName = props.databaseName ?? MLMD_DATABASE;
    this.resources = {
      grpc: props.resources?.grpc ?? METADATA_DEFAULT_RESOURCES.grpc,
      envoy: props.resources?.envoy ?? METADATA_DEFAULT_RESOURCES.envoy,
      writer: props.resources?.writer ?? METADATA_DEFAULT_RESOURCES.writer,
    };
    this.grpcHost = `${N.grpcService}.${ns}.svc.${clusterDomain}`;
    this.envoyHost = `${N.envoyService}.${ns}.svc.${clusterDomain}`;
    const clientNamespaceLabels = props.clientNamespaceLabels ?? KFP_ENABLED_NAMESPACE_LABELS;
    throwIfProblems('Metadata', problems(db, this.databaseName, clientNamespaceLabels));

    const grpcCli = grpcCommandLine(db, db.credentials(ns), this.databaseName, P.metadataGrpc);
    const part = (p: 'metadata-grpc' | 'metadata-envoy' | 'metadata-writer') => ({
      labels: KFP_LABELS.labels(p),
      selector: KFP_LABELS.selector(p),
    });
    const grpc = part('metadata-grpc');
    const envoy = part('metadata-envoy');
    const writer = part('metadata-writer');
    const pod = (
      labels: Record<string, string>,
      extraLabels: Record<string, string> = {},
    ): k8s.PodTemplateSpec['metadata'] => ({ labels: { ...labels, ...extraLabels } });
    const podSecurity = restrictedPodSecurityContext({
      runAsUser: UID,
      runAsGroup: UID,
      fsGroup: UID,
    });
    // Every image here writes only to /tmp: glog's log files (MLMD), Envoy's admin access log,
    // the writer's debug dumps.
    const tmp = (sizeLimit: string): { mount: k8s.VolumeMount; volume: k8s.Volume } => ({
      mount: { name: 'tmp', mountPath: '/tmp' },
      volume: { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString(sizeLimit) } },
    });

    // --- MLMD gRPC server
    new k8s.KubeConfigMap(this, 'GrpcConfig', {
      metadata: { name: N.grpcConfig, namespace: ns, labels: grpc.labels },
      data: {
        METADATA_GRPC_SERVICE_HOST: N.grpcService,
        METADATA_GRPC_SERVICE_PORT: String(P.metadataGrpc),
      },
    });
    new k8s.KubeServiceAccount(this, 'GrpcServiceAccount', {
      metadata: { name: N.grpcServiceAccount, namespace: ns, labels: grpc.labels },
      automountServiceAccountToken: false,
    });
    const tcpProbe: k8s.Probe = {
      tcpSocket: { port: k8s.IntOrString.fromString('grpc-api') },
      initialDelaySeconds: 3,
      periodSeconds: 5,
      timeoutSeconds: 2,
    };
    const grpcTmp = tmp('256Mi');
    this.grpcDeployment = new k8s.KubeDeployment(this, 'GrpcDeployment', {
      metadata: { name: N.grpcDeployment, namespace: ns, labels: grpc.labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: grpc.selector },
        template: {
          metadata: pod(grpc.labels),
          spec: {
            serviceAccountName: N.grpcServiceAccount,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: podSecurity,
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            containers: [
              {
                name: N.grpcContainer,
                image: resolveImage(this, KFP_IMAGES.metadataGrpc),
                imagePullPolicy: 'IfNotPresent',
                env: grpcCli.env,
                command: ['/bin/metadata_store_server'],
                args: grpcCli.args,
                ports: [{ name: 'grpc-api', containerPort: P.metadataGrpc, protocol: 'TCP' }],
                livenessProbe: tcpProbe,
                readinessProbe: tcpProbe,
                volumeMounts: [grpcTmp.mount],
                resources: toResourceRequirements(this.resources.grpc),
                securityContext: restrictedContainerSecurityContext(),
              },
            ],
            volumes: [grpcTmp.volume],
          },
        },
      },
    });
    new k8s.KubeService(this, 'GrpcService', {
      metadata: { name: N.grpcService, namespace: ns, labels: grpc.labels },
      spec: {
        type: 'ClusterIP',
        selector: grpc.selector,
        ports: [
          {
            name: 'grpc-api',
            port: P.metadataGrpc,
            targetPort: k8s.IntOrString.fromString('grpc-api'),
            protocol: 'TCP',
            appProtocol: 'grpc',
          },
        ],
      },
    });
    db.grantAccess(N.grpcDeployment, NetworkPeer.namespace(ns, grpc.selector));
    props.namespace.allowIngress(`${N.grpcService}-from-pipelines`, {
      description:
        'ML Metadata: the pipelines workloads of this namespace and the pipeline pods of every pipelines-enabled namespace',
      podLabels: { ...grpc.selector },
      from: [
        NetworkPeer.sameNamespace(),
        NetworkPeer.namespacesLabelled({ ...clientNamespaceLabels }),
      ],
      ports: [{ port: P.metadataGrpc }],
    });
    // Upstream's policy admits everyone (`rules: [{}]`): pipeline pods in tenant namespaces call
    // without a fixed identity. The NetworkPolicy above says who may connect; this one keeps
    // the mesh from refusing them and opens only the gRPC port.
    this.authorizationPolicy = new ApiObject(this, 'GrpcAuthorizationPolicy', {
      apiVersion: ISTIO_SECURITY_API_VERSION,
      kind: 'AuthorizationPolicy',
      metadata: { name: N.grpcService, namespace: ns, labels: KFP_LABELS.labels('mesh-policy') },
      spec: {
        selector: { matchLabels: { ...grpc.selector } },
        action: 'ALLOW',
        rules: [{ to: [{ operation: { ports: [String(P.metadataGrpc)] } }] }],
      },
    });

    // Pipeline pods run without a sidecar (the API server compiles every workflow with
    // `sidecar.istio.io/inject: "false"`), so the gRPC port also takes plain text.
    this.peerAuthentication = new ApiObject(this, 'GrpcPeerAuthentication', {
      apiVersion: ISTIO_SECURITY_API_VERSION,
      kind: 'PeerAuthentication',
      metadata: { name: N.grpcDeployment, namespace: ns, labels: KFP_LABELS.labels('mesh-policy') },
      spec: {
        selector: { matchLabels: { ...grpc.selector } },
        portLevelMtls: { [String(P.metadataGrpc)]: { mode: 'PERMISSIVE' } },
      },
    });

    // --- Envoy (gRPC-web for the UI)
    new k8s.KubeConfigMap(this, 'EnvoyConfig', {
      metadata: { name: N.envoyConfig, namespace: ns, labels: envoy.labels },
      data: { 'envoy-config.yaml': envoyConfig(N.grpcService, P.metadataGrpc, P.metadataEnvoy) },
    });
    const envoyProbe: k8s.Probe = {
      httpGet: { path: '/ready', port: k8s.IntOrString.fromString('envoy-admin') },
      initialDelaySeconds: 3,
      periodSeconds: 10,
      timeoutSeconds: 2,
    };
    const envoyTmp = tmp('64Mi');
    this.envoyDeployment = new k8s.KubeDeployment(this, 'EnvoyDeployment', {
      metadata: { name: N.envoyDeployment, namespace: ns, labels: envoy.labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: envoy.selector },
        template: {
          // Upstream keeps the sidecar out of this pod: it is itself the proxy.
          metadata: pod(envoy.labels, { 'sidecar.istio.io/inject': 'false' }),
          spec: {
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: podSecurity,
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            containers: [
              {
                name: N.envoyContainer,
                image: resolveImage(this, KFP_IMAGES.metadataEnvoy),
                imagePullPolicy: 'IfNotPresent',
                args: ['/etc/envoy/envoy-config.yaml'],
                ports: [
                  { name: 'md-envoy', containerPort: P.metadataEnvoy, protocol: 'TCP' },
                  {
                    name: 'envoy-admin',
                    containerPort: METADATA_ENVOY_ADMIN_PORT,
                    protocol: 'TCP',
                  },
                ],
                livenessProbe: envoyProbe,
                readinessProbe: envoyProbe,
                volumeMounts: [
                  { name: 'envoy-config', mountPath: '/etc/envoy', readOnly: true },
                  envoyTmp.mount,
                ],
                resources: toResourceRequirements(this.resources.envoy),
                securityContext: restrictedContainerSecurityContext(),
              },
            ],
            volumes: [
              { name: 'envoy-config', configMap: { name: N.envoyConfig } },
              envoyTmp.volume,
            ],
          },
        },
      },
    });
    new k8s.KubeService(this, 'EnvoyService', {
      metadata: { name: N.envoyService, namespace: ns, labels: envoy.labels },
      spec: {
        type: 'ClusterIP',
        selector: envoy.selector,
        ports: [
          {
            name: 'md-envoy',
            port: P.metadataEnvoy,
            targetPort: k8s.IntOrString.fromString('md-envoy'),
            protocol: 'TCP',
            appProtocol: 'http',
          },
        ],
      },
    });
    // Only the listener; the admin port stays closed to other pods.
    props.namespace.allowIngress(`${N.envoyService}-from-ui`, {
      description: 'the pipelines UI proxies /ml_metadata (gRPC-web) to the Envoy proxy',
      podLabels: { ...envoy.selector },
      from: [
        NetworkPeer.sameNamespace({ ...(props.envoyClientPodLabels ?? KFP_LABELS.selector('ui')) }),
      ],
      ports: [{ port: P.metadataEnvoy }],
    });

    // --- metadata writer
    const rbacLabels = KFP_LABELS.labels('rbac');
    new k8s.KubeServiceAccount(this, 'WriterServiceAccount', {
      metadata: { name: N.writerServiceAccount, namespace: ns, labels: writer.labels },
      automountServiceAccountToken: false,
    });
    new k8s.KubeClusterRole(this, 'WriterClusterRole', {
      metadata: { name: N.writerClusterRole, labels: rbacLabels },
      rules: METADATA_WRITER_RULES.map((r) => ({ ...r })),
    });
    new k8s.KubeClusterRoleBinding(this, 'WriterClusterRoleBinding', {
      metadata: { name: N.writerClusterRoleBinding, labels: rbacLabels },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: N.writerClusterRole,
      },
      subjects: [{ kind: 'ServiceAccount', name: N.writerServiceAccount, namespace: ns }],
    });
    const writerTmp = tmp('256Mi');
    this.writerDeployment = new k8s.KubeDeployment(this, 'WriterDeployment', {
      metadata: { name: N.writerDeployment, namespace: ns, labels: writer.labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: writer.selector },
        template: {
          metadata: pod(writer.labels),
          spec: {
            serviceAccountName: N.writerServiceAccount,
            automountServiceAccountToken: true,
            enableServiceLinks: false,
            securityContext: podSecurity,
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            containers: [
              {
                name: N.writerContainer,
                image: resolveImage(this, KFP_IMAGES.metadataWriter),
                imagePullPolicy: 'IfNotPresent',
                env: [
                  // Multi-user: every namespace (upstream's deployment patch).
                  { name: 'NAMESPACE_TO_WATCH', value: '' },
                  // The writer dials metadata-grpc-service.$POD_NAMESPACE$CLUSTER_DOMAIN.
                  {
                    name: 'POD_NAMESPACE',
                    valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } },
                  },
                  { name: 'CLUSTER_DOMAIN', value: `.svc.${clusterDomain}` },
                ],
                // No probes: the writer serves no port; it exits when it loses MLMD or the
                // Kubernetes watch, and the kubelet restarts it.
                volumeMounts: [writerTmp.mount],
                resources: toResourceRequirements(this.resources.writer),
                securityContext: restrictedContainerSecurityContext(),
              },
            ],
            volumes: [writerTmp.volume],
          },
        },
      },
    });
  }
}

function problems(
  db: IDatabase,
  databaseName: string,
  clientNamespaceLabels: Readonly<Record<string, string>>,
): string[] {
  const out: string[] = [];
  if (db.tls.required) {
    out.push(
      propProblem(
        'database.tls.required',
        'is not supported by ML Metadata 1.14.0',
        'true',
        'Its server takes no TLS settings on the command line; give MLMD a database reachable without TLS (for example over the mesh).',
      ),
    );
  }
  if (!/^[A-Za-z0-9_]{1,64}$/.test(databaseName)) {
    out.push(
      propProblem(
        'databaseName',
        'is not a database name of letters, digits and underscores',
        `"${databaseName}"`,
        "Use a name such as 'metadb'.",
      ),
    );
  }
  if (Object.keys(clientNamespaceLabels).length === 0) {
    out.push(
      propProblem(
        'clientNamespaceLabels',
        'is empty',
        '{}',
        'Name the labels of the pipelines-enabled namespaces; an empty selector admits every namespace.',
      ),
    );
  }
  return out;
}
