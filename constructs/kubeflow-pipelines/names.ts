/**
 * Names of the Kubeflow Pipelines objects, upstream's at 2.16.1
 * (`manifests/kustomize/base/pipeline`, `base/cache`, `base/metadata/base`,
 * `base/installs/multi-user`), so that clients, the UI and the SDK find them where upstream puts
 * them: the UI and the SDK reach `ml-pipeline`, pipeline pods `metadata-grpc-service`.
 */
export const KFP_NAMES = {
  apiServer: {
    deployment: 'ml-pipeline',
    container: 'ml-pipeline-api-server',
    serviceAccount: 'ml-pipeline',
    service: 'ml-pipeline',
    clusterRole: 'ml-pipeline',
    clusterRoleBinding: 'ml-pipeline',
    /** Multi-user settings read with `envFrom` (`api-service/params.env`). */
    config: 'pipeline-api-server-config',
    /** The AuthorizationPolicy (`istio-authorization-config.yaml`). */
    authorizationPolicy: 'ml-pipeline',
  },
  persistenceAgent: {
    deployment: 'ml-pipeline-persistenceagent',
    container: 'ml-pipeline-persistenceagent',
    serviceAccount: 'ml-pipeline-persistenceagent',
    clusterRole: 'ml-pipeline-persistenceagent-role',
    clusterRoleBinding: 'ml-pipeline-persistenceagent-binding',
  },
  scheduledWorkflow: {
    deployment: 'ml-pipeline-scheduledworkflow',
    container: 'ml-pipeline-scheduledworkflow',
    serviceAccount: 'ml-pipeline-scheduledworkflow',
    clusterRole: 'ml-pipeline-scheduledworkflow-role',
    clusterRoleBinding: 'ml-pipeline-scheduledworkflow-binding',
  },
  cache: {
    deployment: 'cache-server',
    container: 'server',
    serviceAccount: 'kubeflow-pipelines-cache',
    service: 'cache-server',
    clusterRole: 'kubeflow-pipelines-cache-role',
    clusterRoleBinding: 'kubeflow-pipelines-cache-binding',
    /**
     * The serving certificate and its Secret, upstream's cert-manager overlay
     * (`env/cert-manager/base/cache-cert.yaml`). The webhook configuration is
     * `cache-webhook-<namespace>` and its webhook `cache-server.<namespace>.svc`, as upstream.
     */
    certificate: 'kfp-cache-cert',
    certificateSecret: 'webhook-server-tls',
    authorizationPolicy: 'service-cache-server',
  },
  ui: {
    deployment: 'ml-pipeline-ui',
    container: 'ml-pipeline-ui',
    serviceAccount: 'ml-pipeline-ui',
    service: 'ml-pipeline-ui',
    config: 'ml-pipeline-ui-configmap',
    clusterRole: 'ml-pipeline-ui',
    clusterRoleBinding: 'ml-pipeline-ui',
    /** The VirtualService and AuthorizationPolicy. */
    route: 'ml-pipeline-ui',
  },
  viewerController: {
    deployment: 'ml-pipeline-viewer-crd',
    container: 'ml-pipeline-viewer-crd',
    serviceAccount: 'ml-pipeline-viewer-crd-service-account',
    clusterRole: 'ml-pipeline-viewer-controller-role',
    clusterRoleBinding: 'ml-pipeline-viewer-crd-binding',
    /** The service account of the viewer pods (`viewer-sa.yaml`). */
    viewerServiceAccount: 'kubeflow-pipelines-viewer',
  },
  visualizationServer: {
    deployment: 'ml-pipeline-visualizationserver',
    container: 'ml-pipeline-visualizationserver',
    serviceAccount: 'ml-pipeline-visualizationserver',
    service: 'ml-pipeline-visualizationserver',
    authorizationPolicy: 'ml-pipeline-visualizationserver',
  },
  metadata: {
    grpcDeployment: 'metadata-grpc-deployment',
    grpcContainer: 'container',
    grpcServiceAccount: 'metadata-grpc-server',
    grpcService: 'metadata-grpc-service',
    grpcConfig: 'metadata-grpc-configmap',
    envoyDeployment: 'metadata-envoy-deployment',
    envoyContainer: 'container',
    envoyService: 'metadata-envoy-service',
    envoyConfig: 'metadata-envoy-configmap',
    writerDeployment: 'metadata-writer',
    writerContainer: 'main',
    writerServiceAccount: 'kubeflow-pipelines-metadata-writer',
    writerClusterRole: 'kubeflow-pipelines-metadata-writer-role',
    writerClusterRoleBinding: 'kubeflow-pipelines-metadata-writer-binding',
  },
  /** Install-wide settings (`base/installs/generic/pipeline-install-config.yaml`). */
  installConfig: 'pipeline-install-config',
  /** The version ConfigMap every authenticated user may read (`base/pipeline/kustomization.yaml`). */
  publicConfig: 'kubeflow-pipelines-public',
  /** The Secret the API server reads the artifact store's keys from (`accesskey`, `secretkey`). */
  artifactSecret: 'mlpipeline-minio-artifact',
  /** The database Secret upstream's workloads read (`username`, `password`). */
  databaseSecret: 'mysql-secret',
  /** The aggregated user roles (`base/installs/multi-user/view-edit-cluster-roles.yaml`). */
  userRoles: {
    edit: 'kubeflow-pipelines-edit',
    view: 'kubeflow-pipelines-view',
    aggregateEdit: 'aggregate-to-kubeflow-pipelines-edit',
    aggregateView: 'aggregate-to-kubeflow-pipelines-view',
  },
  /**
   * What each pipelines-enabled tenant namespace holds, upstream's profile controller hook
   * (`base/installs/multi-user/pipelines-profile-controller/sync.py`).
   */
  tenant: {
    /** Pipeline root and cluster domain of the launcher. */
    launcherConfig: 'kfp-launcher',
    /** Where pipeline pods find ML Metadata. */
    metadataConfig: 'metadata-grpc-configmap',
    /** Argo's default artifact repository of the namespace. */
    artifactRepositories: 'artifact-repositories',
    /** The tenant's object-store keys. */
    artifactSecret: 'mlpipeline-minio-artifact',
    /** The service account runs execute as (`DEFAULTPIPELINERUNNERSERVICEACCOUNT`). */
    runnerServiceAccount: 'default-editor',
  },
} as const;

export const KFP_PORTS = {
  /** The API server's REST port (`--httpPortFlag`, `:8888`). */
  apiHttp: 8888,
  /** The API server's gRPC port (`--rpcPortFlag`, `:8887`). */
  apiGrpc: 8887,
  /** The scheduled workflow controller's metrics (`METRICS_PORT`). */
  scheduledWorkflowMetrics: 9090,
  /** The cache webhook's TLS port (`WEBHOOK_PORT`, `--listen_port`). */
  cacheWebhook: 8443,
  /** The cache Service's port. */
  cacheService: 443,
  ui: 3000,
  uiService: 80,
  visualization: 8888,
  metadataGrpc: 8080,
  metadataEnvoy: 9090,
} as const;

/** The label that enables pipelines in a namespace (upstream's profile controller selector). */
export const KFP_ENABLED_NAMESPACE_LABELS: Readonly<Record<string, string>> = {
  'pipelines.kubeflow.org/enabled': 'true',
};

/** The UI's path on the gateway; the SDK reaches the API through the UI at `/pipeline/apis`. */
export const KFP_PREFIX = '/pipeline';

/** The audience of the projected tokens the agents present to the API server. */
export const KFP_TOKEN_AUDIENCE = 'pipelines.kubeflow.org';
