/**
 * Upstream facts of the Kubeflow Pipelines UI, viewer controller, visualization server and ML
 * Metadata of kubeflow/pipelines 2.16.1, written down from the manifests at that tag
 * (`manifests/kustomize/base/pipeline`, `base/metadata/base`, `base/installs/multi-user` with its
 * patches applied, after the image transformer) and from `frontend/server/configs.ts`. The tests
 * compare the synthesized objects to these field by field; they are stated independently of the
 * constructs on purpose.
 */

/** A ClusterRole rule as upstream writes it. */
export interface RuleFact {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

/** An env var of an upstream container: a literal, or where upstream reads it from. */
export type EnvFact =
  | { readonly value: string }
  | { readonly fieldRef: string }
  | { readonly secret: { readonly name: string; readonly key: string } }
  | {
      readonly configMap: { readonly name: string; readonly key: string; readonly optional: true };
    };

/**
 * Every variable `loadConfigs` of `frontend/server/configs.ts` destructures from the env, and
 * the three `loadArtifactsProxyConfig` of `frontend/server/handlers/artifacts.ts` reads: the UI
 * server reads no other (`server.ts` passes `process.env` to these two only).
 */
export const UI_SERVER_ENV_NAMES = [
  'MINIO_ACCESS_KEY',
  'MINIO_SECRET_KEY',
  'MINIO_PORT',
  'MINIO_HOST',
  'MINIO_NAMESPACE',
  'MINIO_SSL',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_REGION',
  'AWS_S3_ENDPOINT',
  'AWS_SSL',
  'HTTP_BASE_URL',
  'ALLOWED_ARTIFACT_DOMAIN_REGEX',
  'HTTP_AUTHORIZATION_KEY',
  'HTTP_AUTHORIZATION_DEFAULT_VALUE',
  'ML_PIPELINE_SERVICE_HOST',
  'ML_PIPELINE_SERVICE_PORT',
  'ML_PIPELINE_SERVICE_SCHEME',
  'VIEWER_TENSORBOARD_POD_TEMPLATE_SPEC_PATH',
  'VIEWER_TENSORBOARD_TF_IMAGE_NAME',
  'ALLOW_CUSTOM_VISUALIZATIONS',
  'METADATA_ENVOY_SERVICE_SERVICE_HOST',
  'METADATA_ENVOY_SERVICE_SERVICE_PORT',
  'METADATA_ENVOY_SERVICE_SERVICE_SCHEME',
  'ARGO_ARCHIVE_LOGS',
  'ARGO_ARCHIVE_ARTIFACTORY',
  'ARGO_ARCHIVE_BUCKETNAME',
  'ARGO_KEYFORMAT',
  'ARGO_ARTIFACT_REPOSITORIES_LOOKUP',
  'STREAM_LOGS_FROM_SERVER_API',
  'POD_LOG_CONTAINER_NAME',
  'DISABLE_GKE_METADATA',
  'ENABLE_AUTHZ',
  'DEPLOYMENT',
  'HIDE_SIDENAV',
  'KUBEFLOW_USERID_HEADER',
  'KUBEFLOW_USERID_PREFIX',
  'FRONTEND_SERVER_NAMESPACE',
  'CLUSTER_DOMAIN',
  'ARTIFACTS_SERVICE_PROXY_NAME',
  'ARTIFACTS_SERVICE_PROXY_PORT',
  'ARTIFACTS_SERVICE_PROXY_ENABLED',
] as const;

/**
 * Defaults of `configs.ts` the UI's behaviour depends on here: `MINIO_NAMESPACE` is appended to
 * `MINIO_HOST` unless empty, `CLUSTER_DOMAIN` is appended to `<service>.<namespace>`.
 */
export const UI_SERVER_DEFAULTS = {
  MINIO_HOST: 'seaweedfs',
  MINIO_NAMESPACE: 'kubeflow',
  CLUSTER_DOMAIN: '.svc.cluster.local',
  ML_PIPELINE_SERVICE_PORT: '3001',
  METADATA_ENVOY_SERVICE_SERVICE_PORT: '9090',
  /** `BASEPATH`: the UI serves under `/pipeline`. */
  basePath: '/pipeline',
} as const;

export const UI_FACTS = {
  /** `base/pipeline/kustomization.yaml` images: `ghcr.io/kubeflow/kfp-frontend` newTag 2.16.1. */
  image: 'ghcr.io/kubeflow/kfp-frontend:2.16.1',
  names: {
    deployment: 'ml-pipeline-ui',
    container: 'ml-pipeline-ui',
    serviceAccount: 'ml-pipeline-ui',
    service: 'ml-pipeline-ui',
    configMap: 'ml-pipeline-ui-configmap',
    clusterRole: 'ml-pipeline-ui',
    clusterRoleBinding: 'ml-pipeline-ui',
    virtualService: 'ml-pipeline-ui',
    authorizationPolicy: 'ml-pipeline-ui',
  },
  /** `ml-pipeline-ui-deployment.yaml` env with `multi-user/pipelines-ui/deployment-patch.yaml`. */
  env: {
    VIEWER_TENSORBOARD_POD_TEMPLATE_SPEC_PATH: { value: '/etc/config/viewer-pod-template.json' },
    MINIO_NAMESPACE: { fieldRef: 'metadata.namespace' },
    MINIO_ACCESS_KEY: { secret: { name: 'mlpipeline-minio-artifact', key: 'accesskey' } },
    MINIO_SECRET_KEY: { secret: { name: 'mlpipeline-minio-artifact', key: 'secretkey' } },
    ALLOW_CUSTOM_VISUALIZATIONS: { value: 'true' },
    FRONTEND_SERVER_NAMESPACE: { fieldRef: 'metadata.namespace' },
    ARGO_ARCHIVE_LOGS: { value: 'true' },
    DISABLE_GKE_METADATA: { value: 'true' },
    CLUSTER_DOMAIN: {
      configMap: { name: 'pipeline-install-config', key: 'CLUSTER_DOMAIN', optional: true },
    },
    ARTIFACTS_SERVICE_PROXY_ENABLED: {
      configMap: {
        name: 'pipeline-install-config',
        key: 'ARTIFACTS_PROXY_ENABLED',
        optional: true,
      },
    },
    DEPLOYMENT: { value: 'KUBEFLOW' },
    ARTIFACTS_SERVICE_PROXY_NAME: { value: 'ml-pipeline-ui-artifact' },
    ARTIFACTS_SERVICE_PROXY_PORT: { value: '80' },
    ENABLE_AUTHZ: { value: 'true' },
    KUBEFLOW_USERID_HEADER: { value: 'kubeflow-userid' },
    KUBEFLOW_USERID_PREFIX: { value: '' },
  } satisfies Record<string, EnvFact>,
  /** `pipeline-install-config.yaml`: `ARTIFACTS_PROXY_ENABLED: "false"`; no `CLUSTER_DOMAIN` key. */
  installConfig: { ARTIFACTS_PROXY_ENABLED: 'false' },
  containerPort: 3000,
  /** Both probes: httpGet `/apis/v1beta1/healthz` on 3000, 3 s delay, every 5 s, 2 s timeout. */
  probe: {
    path: '/apis/v1beta1/healthz',
    initialDelaySeconds: 3,
    periodSeconds: 5,
    timeoutSeconds: 2,
  },
  /** Container securityContext `runAsUser`. */
  runAsUser: 1000,
  /** `ml-pipeline-ui-service.yaml`: port 80 named http to 3000. */
  servicePort: { name: 'http', port: 80, targetPort: 3000 },
  configMount: { name: 'config-volume', mountPath: '/etc/config', readOnly: true },
  /** `multi-user/pipelines-ui/configmap-patch.yaml`, `viewer-pod-template.json`. */
  viewerPodTemplate: '{\n    "spec": {\n        "serviceAccountName": "default-editor"\n    }\n}',
  /** `multi-user/pipelines-ui/cluster-role.yaml`. */
  rules: [
    { apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get'] },
    { apiGroups: [''], resources: ['events'], verbs: ['list'] },
    { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] },
    {
      apiGroups: ['kubeflow.org'],
      resources: ['viewers'],
      verbs: ['create', 'get', 'list', 'watch', 'delete'],
    },
    { apiGroups: ['argoproj.io'], resources: ['workflows'], verbs: ['get', 'list'] },
  ] satisfies RuleFact[],
  /** `multi-user/virtual-service.yaml`. */
  route: {
    prefix: '/pipeline',
    rewrite: '/pipeline',
    host: 'ml-pipeline-ui.kubeflow.svc.cluster.local',
    port: 80,
    timeout: '300s',
  },
} as const;

export const VIEWER_FACTS = {
  /** `base/pipeline/kustomization.yaml`: `ghcr.io/kubeflow/kfp-viewer-crd-controller` 2.16.1. */
  image: 'ghcr.io/kubeflow/kfp-viewer-crd-controller:2.16.1',
  names: {
    deployment: 'ml-pipeline-viewer-crd',
    container: 'ml-pipeline-viewer-crd',
    serviceAccount: 'ml-pipeline-viewer-crd-service-account',
    clusterRole: 'ml-pipeline-viewer-controller-role',
    clusterRoleBinding: 'ml-pipeline-viewer-crd-binding',
  },
  /** `ml-pipeline-viewer-crd-deployment.yaml` with `multi-user/viewer-controller/deployment-patch.yaml`. */
  env: { MAX_NUM_VIEWERS: '50', NAMESPACE: '' },
  runAsUser: 1000,
  /** `multi-user/viewer-controller/cluster-role.yaml`. */
  rules: [
    {
      apiGroups: ['*'],
      resources: ['deployments', 'services'],
      verbs: ['create', 'get', 'list', 'watch', 'update', 'patch', 'delete'],
    },
    {
      apiGroups: ['kubeflow.org'],
      resources: ['viewers', 'viewers/finalizers'],
      verbs: ['create', 'get', 'list', 'watch', 'update', 'patch', 'delete'],
    },
  ] satisfies RuleFact[],
  /** `base/pipeline/cluster-scoped/viewer-crd.yaml`. */
  crd: {
    name: 'viewers.kubeflow.org',
    group: 'kubeflow.org',
    names: {
      kind: 'Viewer',
      listKind: 'ViewerList',
      plural: 'viewers',
      singular: 'viewer',
      shortNames: ['vi'],
    },
    scope: 'Namespaced',
    versions: [{ name: 'v1beta1', served: true, storage: true }],
    schema: {
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: { type: 'object' },
        spec: {
          type: 'object',
          'x-kubernetes-preserve-unknown-fields': true,
          'x-kubernetes-map-type': 'atomic',
        },
      },
      required: ['spec'],
      type: 'object',
    },
  },
} as const;

export const VISUALIZATION_FACTS = {
  /** `base/pipeline/kustomization.yaml`: `ghcr.io/kubeflow/kfp-visualization-server` 2.16.1. */
  image: 'ghcr.io/kubeflow/kfp-visualization-server:2.16.1',
  names: {
    deployment: 'ml-pipeline-visualizationserver',
    container: 'ml-pipeline-visualizationserver',
    serviceAccount: 'ml-pipeline-visualizationserver',
    service: 'ml-pipeline-visualizationserver',
    authorizationPolicy: 'ml-pipeline-visualizationserver',
  },
  /** `ml-pipeline-visualization-deployment.yaml`: port `http` 8888 (`server.py` listens there). */
  containerPort: { name: 'http', containerPort: 8888 },
  /** Both probes: httpGet `/` on 8888. */
  probe: { path: '/', initialDelaySeconds: 3, periodSeconds: 5, timeoutSeconds: 2 },
  requests: { cpu: '30m', memory: '500Mi' },
  runAsUser: 1000,
  /** `ml-pipeline-visualization-service.yaml`. */
  servicePort: { name: 'http', port: 8888, targetPort: 8888 },
} as const;

/** The Envoy config of `base/metadata/base/metadata-envoy-configmap.yaml`, verbatim. */
export const ENVOY_CONFIG = `admin:
  access_log:
    name: admin_access
    typed_config:
      "@type": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog
      path: /tmp/admin_access.log
  address:
    socket_address: { address: 0.0.0.0, port_value: 9901 }

static_resources:
  listeners:
    - name: listener_0
      address:
        socket_address: { address: 0.0.0.0, port_value: 9090 }
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
                      address: metadata-grpc-service
                      port_value: 8080`;

export const METADATA_FACTS = {
  grpc: {
    /** `metadata-grpc-deployment.yaml`, pinned there (no image transformer). */
    image: 'gcr.io/tfx-oss-public/ml_metadata_store_server:1.14.0',
    names: {
      deployment: 'metadata-grpc-deployment',
      container: 'container',
      serviceAccount: 'metadata-grpc-server',
      service: 'metadata-grpc-service',
      configMap: 'metadata-grpc-configmap',
      authorizationPolicy: 'metadata-grpc-service',
    },
    command: ['/bin/metadata_store_server'],
    args: [
      '--grpc_port=8080',
      '--mysql_config_database=$(MYSQL_DATABASE)',
      '--mysql_config_host=$(MYSQL_HOST)',
      '--mysql_config_port=$(MYSQL_PORT)',
      '--mysql_config_user=$(DBCONFIG_USER)',
      '--mysql_config_password=$(DBCONFIG_PASSWORD)',
      '--enable_database_upgrade=true',
      '--grpc_channel_arguments=grpc.max_metadata_size=16384,grpc.max_receive_message_length=104857600,grpc.max_send_message_length=104857600',
    ],
    /** `overlays/postgres/patches/metadata-grpc-deployment.yaml` args. */
    postgresArgs: [
      '--grpc_port=$(METADATA_GRPC_SERVICE_PORT)',
      '--metadata_source_config_type=postgresql',
      '--postgres_config_host=$(MLMD_DB_HOST)',
      '--postgres_config_port=$(POSTGRES_PORT)',
      '--postgres_config_dbname=$(POSTGRES_DBNAME)',
      '--postgres_config_user=$(POSTGRES_USER)',
      '--postgres_config_password=$(POSTGRES_PASSWORD)',
      '--enable_database_upgrade=true',
    ],
    /** The env the args read, and where upstream takes it from. */
    env: {
      DBCONFIG_USER: { secret: { name: 'mysql-secret', key: 'username' } },
      DBCONFIG_PASSWORD: { secret: { name: 'mysql-secret', key: 'password' } },
      MYSQL_DATABASE: {
        configMap: { name: 'pipeline-install-config', key: 'mlmdDb', optional: true },
      },
      MYSQL_HOST: { configMap: { name: 'pipeline-install-config', key: 'dbHost', optional: true } },
      MYSQL_PORT: { configMap: { name: 'pipeline-install-config', key: 'dbPort', optional: true } },
    } satisfies Record<string, EnvFact>,
    /** `pipeline-install-config.yaml`: `mlmdDb: metadb`. */
    database: 'metadb',
    containerPort: { name: 'grpc-api', containerPort: 8080 },
    /** Both probes: tcpSocket on `grpc-api`. */
    probe: { port: 'grpc-api', initialDelaySeconds: 3, periodSeconds: 5, timeoutSeconds: 2 },
    runAsUser: 1000,
    servicePort: { name: 'grpc-api', port: 8080 },
    /** `metadata-grpc-configmap.yaml`. */
    configData: {
      METADATA_GRPC_SERVICE_HOST: 'metadata-grpc-service',
      METADATA_GRPC_SERVICE_PORT: '8080',
    },
  },
  envoy: {
    /** `base/metadata/base/kustomization.yaml`: `ghcr.io/kubeflow/kfp-metadata-envoy` 2.16.1. */
    image: 'ghcr.io/kubeflow/kfp-metadata-envoy:2.16.1',
    names: {
      deployment: 'metadata-envoy-deployment',
      container: 'container',
      service: 'metadata-envoy-service',
      configMap: 'metadata-envoy-configmap',
    },
    args: ['/etc/envoy/envoy-config.yaml'],
    ports: [
      { name: 'md-envoy', containerPort: 9090 },
      { name: 'envoy-admin', containerPort: 9901 },
    ],
    configMount: { name: 'envoy-config', mountPath: '/etc/envoy' },
    /** Pod label `sidecar.istio.io/inject: "false"`. */
    sidecarInject: 'false',
    runAsUser: 1000,
    servicePort: { name: 'md-envoy', port: 9090 },
  },
  writer: {
    /** `base/pipeline/metadata-writer/kustomization.yaml`: `ghcr.io/kubeflow/kfp-metadata-writer` 2.16.1. */
    image: 'ghcr.io/kubeflow/kfp-metadata-writer:2.16.1',
    names: {
      deployment: 'metadata-writer',
      container: 'main',
      serviceAccount: 'kubeflow-pipelines-metadata-writer',
      clusterRole: 'kubeflow-pipelines-metadata-writer-role',
      clusterRoleBinding: 'kubeflow-pipelines-metadata-writer-binding',
    },
    /** `multi-user/metadata-writer/deployment-patch.yaml`: watch every namespace. */
    env: { NAMESPACE_TO_WATCH: '' },
    /**
     * `backend/metadata_writer/src/metadata_helpers.py`: the writer dials
     * `metadata-grpc-service.` + `POD_NAMESPACE` (default `kubeflow`) + `CLUSTER_DOMAIN`
     * (default `.svc.cluster.local`) on 8080.
     */
    dialEnv: { POD_NAMESPACE: 'kubeflow', CLUSTER_DOMAIN: '.svc.cluster.local' },
    runAsUser: 1000,
    /** `multi-user/metadata-writer/cluster-role.yaml`. */
    rules: [
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch', 'update', 'patch'] },
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get'] },
      {
        apiGroups: ['argoproj.io'],
        resources: ['workflows'],
        verbs: ['get', 'list', 'watch', 'update', 'patch'],
      },
    ] satisfies RuleFact[],
  },
} as const;
