/**
 * Upstream facts of the Kubeflow Pipelines backend at 2.16.1, copied from kubeflow/pipelines
 * (paths below are under `manifests/kustomize/` unless they start with `backend/`), and small
 * stand-ins for the contracts the backend consumes. Tests compare the synthesized objects with
 * these field by field; where we deviate, the fact says so.
 */
import { k8s } from 'cdk8s-plus-27';
import { DatabaseTls, IDatabase } from '../../../constructs/core/database';
import { NetworkPeer } from '../../../constructs/core/network';

/** A stand-in MySQL: records the peers granted access and hands out `<ns>/kfp-db` keys. */
export class FakeDatabase implements IDatabase {
  public readonly engine: 'mysql' | 'postgresql';
  public readonly version = '8.4';
  public readonly host = 'mysql.database.svc.cluster.local';
  public readonly port = 3306;
  public readonly tls: DatabaseTls;
  public readonly grants: { id: string; peer: NetworkPeer }[] = [];
  public readonly asked: string[] = [];

  public constructor(opts: { engine?: 'mysql' | 'postgresql'; tls?: DatabaseTls } = {}) {
    this.engine = opts.engine ?? 'mysql';
    this.tls = opts.tls ?? { required: false };
  }

  public credentials(namespace: string): {
    readonly username: k8s.SecretKeySelector;
    readonly password: k8s.SecretKeySelector;
  } {
    this.asked.push(namespace);
    return {
      username: { name: `kfp-db-${namespace}`, key: 'user' },
      password: { name: `kfp-db-${namespace}`, key: 'pass' },
    };
  }

  public readonly databases: string[] = [];
  public addDatabase(name: string): void {
    if (!this.databases.includes(name)) this.databases.push(name);
  }
  public grantAccess(id: string, peer: NetworkPeer): void {
    this.grants.push({ id, peer });
  }
}

export const UPSTREAM = {
  version: '2.16.1',
  /** `base/pipeline/kustomization.yaml`, `base/cache/kustomization.yaml`, apiserver env. */
  images: {
    apiServer: 'ghcr.io/kubeflow/kfp-api-server:2.16.1',
    persistenceAgent: 'ghcr.io/kubeflow/kfp-persistence-agent:2.16.1',
    scheduledWorkflow: 'ghcr.io/kubeflow/kfp-scheduled-workflow-controller:2.16.1',
    cacheServer: 'ghcr.io/kubeflow/kfp-cache-server:2.16.1',
    driver: 'ghcr.io/kubeflow/kfp-driver:2.16.1',
    launcher: 'ghcr.io/kubeflow/kfp-launcher:2.16.1',
    frontend: 'ghcr.io/kubeflow/kfp-frontend:2.16.1',
    viewerCrdController: 'ghcr.io/kubeflow/kfp-viewer-crd-controller:2.16.1',
    visualizationServer: 'ghcr.io/kubeflow/kfp-visualization-server:2.16.1',
    metadataEnvoy: 'ghcr.io/kubeflow/kfp-metadata-envoy:2.16.1',
    metadataWriter: 'ghcr.io/kubeflow/kfp-metadata-writer:2.16.1',
    metadataGrpc: 'gcr.io/tfx-oss-public/ml_metadata_store_server:1.14.0',
  },
  /** `base/pipeline/ml-pipeline-apiserver-deployment.yaml` + multi-user `api-service/`. */
  apiServer: {
    deployment: 'ml-pipeline',
    container: 'ml-pipeline-api-server',
    serviceAccount: 'ml-pipeline',
    ports: [
      { name: 'http', containerPort: 8888 },
      { name: 'grpc', containerPort: 8887 },
    ],
    servicePorts: [
      { name: 'http', port: 8888, targetPort: 8888 },
      { name: 'grpc', port: 8887, targetPort: 8887 },
    ],
    serviceAnnotations: {
      'prometheus.io/port': '8888',
      'prometheus.io/scheme': 'http',
      'prometheus.io/scrape': 'true',
    },
    probe: { path: '/apis/v1beta1/healthz', port: 8888, periodSeconds: 5, timeoutSeconds: 2 },
    readinessInitialDelaySeconds: 3,
    livenessInitialDelaySeconds: 3,
    startupFailureThreshold: 12,
    requests: { cpu: '250m', memory: '500Mi' },
    runAsUser: 1000,
    /** `api-service/params.env`, read with envFrom from `pipeline-api-server-config`. */
    multiUserParams: {
      MULTIUSER: 'true',
      DEFAULTPIPELINERUNNERSERVICEACCOUNT: 'default-editor',
      VISUALIZATIONSERVICE_NAME: 'ml-pipeline-visualizationserver',
      VISUALIZATIONSERVICE_PORT: '8888',
    },
    /** `api-service/deployment-patch.yaml`. */
    userIdEnv: { KUBEFLOW_USERID_HEADER: 'kubeflow-userid', KUBEFLOW_USERID_PREFIX: '' },
    /** Literal env values of the deployment. */
    literalEnv: {
      PUBLISH_LOGS: 'true',
      PIPELINE_LOG_LEVEL: '1',
      CLUSTER_DOMAIN: 'cluster.local',
      COMPILED_PIPELINE_SPEC_PATCH: '{}',
      V2_DRIVER_IMAGE: 'ghcr.io/kubeflow/kfp-driver:2.16.1',
      V2_LAUNCHER_IMAGE: 'ghcr.io/kubeflow/kfp-launcher:2.16.1',
    },
    /** Env read from `pipeline-install-config` (name -> key, optional). */
    configEnv: [
      ['AUTO_UPDATE_PIPELINE_DEFAULT_VERSION', 'autoUpdatePipelineDefaultVersion', false],
      ['OBJECTSTORECONFIG_BUCKETNAME', 'bucketName', false],
      ['DBCONFIG_CONMAXLIFETIME', 'ConMaxLifeTime', false],
      ['DBCONFIG_MYSQLCONFIG_DBNAME', 'pipelineDb', false],
      ['DBCONFIG_MYSQLCONFIG_HOST', 'mysqlHost', false],
      ['DBCONFIG_MYSQLCONFIG_PORT', 'mysqlPort', false],
      ['DEFAULT_SECURITY_CONTEXT_RUN_AS_USER', 'defaultSecurityContextRunAsUser', true],
      ['DEFAULT_SECURITY_CONTEXT_RUN_AS_GROUP', 'defaultSecurityContextRunAsGroup', true],
      ['DEFAULT_SECURITY_CONTEXT_RUN_AS_NON_ROOT', 'defaultSecurityContextRunAsNonRoot', true],
      ['BLOCK_V1_PIPELINES', 'BLOCK_V1_PIPELINES', true],
      ['V1_ALLOWED_NAMESPACES', 'V1_ALLOWED_NAMESPACES', true],
    ] as const,
    /**
     * Env of upstream that we do not set: the "relic variables" `DBCONFIG_USER/PASSWORD/DBNAME/
     * HOST/PORT` (no config key of the API server reads them) and `DB_DRIVER_NAME` (viper reads
     * the key `DBDriverName` from `DBDRIVERNAME`; config.json's `mysql` applies).
     */
    unreadEnv: [
      'DBCONFIG_USER',
      'DBCONFIG_PASSWORD',
      'DBCONFIG_DBNAME',
      'DBCONFIG_HOST',
      'DBCONFIG_PORT',
      'DB_DRIVER_NAME',
    ],
    /** `base/installs/multi-user/api-service/cluster-role.yaml`. */
    rules: [
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
      {
        apiGroups: ['kubeflow.org'],
        resources: ['scheduledworkflows/finalizers'],
        verbs: ['update'],
      },
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
    ],
    /** `base/installs/multi-user/istio-authorization-config.yaml`, policy `ml-pipeline`. */
    authorizedServiceAccounts: [
      'ml-pipeline',
      'ml-pipeline-ui',
      'ml-pipeline-persistenceagent',
      'ml-pipeline-scheduledworkflow',
      'ml-pipeline-viewer-crd-service-account',
      'kubeflow-pipelines-cache',
    ],
  },
  /** `base/installs/generic/pipeline-install-config.yaml` (the values we keep). */
  installConfig: {
    appName: 'pipeline',
    appVersion: '2.16.1',
    dbType: 'mysql',
    mlmdDb: 'metadb',
    cacheDb: 'cachedb',
    pipelineDb: 'mlpipeline',
    bucketName: 'mlpipeline',
    defaultPipelineRoot: '',
    autoUpdatePipelineDefaultVersion: 'true',
    cronScheduleTimezone: 'UTC',
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
  },
  /** `base/installs/multi-user/view-edit-cluster-roles.yaml`. */
  userRoles: {
    'kubeflow-pipelines-edit': {
      labels: { 'rbac.authorization.kubeflow.org/aggregate-to-kubeflow-edit': 'true' },
      aggregateFrom: 'rbac.authorization.kubeflow.org/aggregate-to-kubeflow-pipelines-edit',
    },
    'kubeflow-pipelines-view': {
      labels: {
        'rbac.authorization.kubeflow.org/aggregate-to-kubeflow-pipelines-edit': 'true',
        'rbac.authorization.kubeflow.org/aggregate-to-kubeflow-view': 'true',
      },
      aggregateFrom: 'rbac.authorization.kubeflow.org/aggregate-to-kubeflow-pipelines-view',
    },
  },
  /** `base/pipeline/ml-pipeline-persistenceagent-deployment.yaml` + multi-user patch. */
  persistenceAgent: {
    deployment: 'ml-pipeline-persistenceagent',
    container: 'ml-pipeline-persistenceagent',
    serviceAccount: 'ml-pipeline-persistenceagent',
    env: {
      NAMESPACE: '',
      TTL_SECONDS_AFTER_WORKFLOW_FINISH: '86400',
      NUM_WORKERS: '2',
      LOG_LEVEL: 'info',
    },
    requests: { cpu: '120m', memory: '500Mi' },
    tokenMount: '/var/run/secrets/kubeflow/tokens',
    token: {
      path: 'persistenceagent-sa-token',
      expirationSeconds: 3600,
      audience: 'pipelines.kubeflow.org',
    },
    clusterRole: 'ml-pipeline-persistenceagent-role',
    clusterRoleBinding: 'ml-pipeline-persistenceagent-binding',
    rules: [
      { apiGroups: ['argoproj.io'], resources: ['workflows'], verbs: ['get', 'list', 'watch'] },
      {
        apiGroups: ['kubeflow.org'],
        resources: ['scheduledworkflows'],
        verbs: ['get', 'list', 'watch'],
      },
      {
        apiGroups: ['pipelines.kubeflow.org'],
        resources: ['scheduledworkflows', 'workflows'],
        verbs: ['report'],
      },
      {
        apiGroups: ['pipelines.kubeflow.org'],
        resources: ['runs'],
        verbs: ['reportMetrics', 'readArtifact'],
      },
    ],
  },
  /** `base/pipeline/ml-pipeline-scheduledworkflow-deployment.yaml` + multi-user patch. */
  scheduledWorkflow: {
    deployment: 'ml-pipeline-scheduledworkflow',
    container: 'ml-pipeline-scheduledworkflow',
    serviceAccount: 'ml-pipeline-scheduledworkflow',
    env: {
      METRICS_PORT: '9090',
      CLIENT_QPS: '10',
      RESYNC_INTERVAL_SECONDS: '30',
      CLIENT_BURST: '20',
      LOG_LEVEL: 'info',
      NAMESPACE: '',
      CRON_SCHEDULE_TIMEZONE: 'UTC',
    },
    ports: [{ name: 'http', containerPort: 9090 }],
    token: {
      path: 'scheduledworkflow-sa-token',
      expirationSeconds: 3600,
      audience: 'pipelines.kubeflow.org',
    },
    clusterRole: 'ml-pipeline-scheduledworkflow-role',
    clusterRoleBinding: 'ml-pipeline-scheduledworkflow-binding',
    rules: [
      {
        apiGroups: ['argoproj.io'],
        resources: ['workflows'],
        verbs: ['create', 'get', 'list', 'watch', 'update', 'patch', 'delete'],
      },
      { apiGroups: ['pipelines.kubeflow.org'], resources: ['runs'], verbs: ['create'] },
      {
        apiGroups: ['kubeflow.org'],
        resources: ['scheduledworkflows', 'scheduledworkflows/finalizers'],
        verbs: ['create', 'get', 'list', 'watch', 'update', 'patch', 'delete'],
      },
      { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
    ],
  },
  /** `base/pipeline/cluster-scoped/scheduled-workflow-crd.yaml`. */
  scheduledWorkflowCrd: {
    name: 'scheduledworkflows.kubeflow.org',
    group: 'kubeflow.org',
    names: {
      kind: 'ScheduledWorkflow',
      listKind: 'ScheduledWorkflowList',
      plural: 'scheduledworkflows',
      singular: 'scheduledworkflow',
      shortNames: ['swf'],
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
        status: {
          type: 'object',
          'x-kubernetes-preserve-unknown-fields': true,
          'x-kubernetes-map-type': 'atomic',
        },
      },
      required: ['spec', 'status'],
      type: 'object',
    },
  },
  /** `base/cache/cache-deployment.yaml` + multi-user patch + `env/cert-manager/`. */
  cache: {
    deployment: 'cache-server',
    container: 'server',
    serviceAccount: 'kubeflow-pipelines-cache',
    args: [
      '--db_driver=$(DBCONFIG_DRIVER)',
      '--db_host=$(DBCONFIG_HOST_NAME)',
      '--db_port=$(DBCONFIG_PORT)',
      '--db_name=$(DBCONFIG_DB_NAME)',
      '--db_user=$(DBCONFIG_USER)',
      '--db_password=$(DBCONFIG_PASSWORD)',
      '--namespace_to_watch=$(NAMESPACE_TO_WATCH)',
      '--listen_port=$(WEBHOOK_PORT)',
      '--tls_cert_filename=tls.crt',
      '--tls_key_filename=tls.key',
    ],
    literalEnv: {
      DBCONFIG_DRIVER: 'mysql',
      NAMESPACE_TO_WATCH: '',
      WEBHOOK_PORT: '8443',
      DEFAULT_CACHE_STALENESS: '',
      MAXIMUM_CACHE_STALENESS: '',
      CACHE_NODE_RESTRICTIONS: 'false',
      DBCONFIG_DB_NAME: 'cachedb',
    },
    ports: [{ name: 'webhook-api', containerPort: 8443 }],
    certMount: '/etc/webhook/certs',
    certSecret: 'webhook-server-tls',
    certificate: 'kfp-cache-cert',
    service: { name: 'cache-server', port: 443, targetPort: 'webhook-api' },
    clusterRole: 'kubeflow-pipelines-cache-role',
    clusterRoleBinding: 'kubeflow-pipelines-cache-binding',
    rules: [
      {
        apiGroups: [''],
        resources: ['pods'],
        verbs: ['get', 'list', 'watch', 'update', 'patch'],
      },
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get'] },
      {
        apiGroups: ['argoproj.io'],
        resources: ['workflows'],
        verbs: ['get', 'list', 'watch', 'update', 'patch'],
      },
    ],
    /** `env/cert-manager/base/cache-webhook-config.yaml`. */
    webhook: {
      configuration: 'cache-webhook-kubeflow',
      name: 'cache-server.kubeflow.svc',
      service: { name: 'cache-server', namespace: 'kubeflow', path: '/mutate' },
      failurePolicy: 'Ignore',
      rules: [
        { operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] },
      ],
      sideEffects: 'None',
      timeoutSeconds: 5,
      objectSelector: { matchLabels: { 'pipelines.kubeflow.org/cache_enabled': 'true' } },
      admissionReviewVersions: ['v1beta1'],
      injectCaFrom: 'kubeflow/kfp-cache-cert',
    },
  },
} as const;

/** Env of a container by name, for field-by-field comparison. */
export function envByName(container: {
  env?: { name: string; value?: string; valueFrom?: unknown }[];
}): Record<string, { value?: string; valueFrom?: unknown }> {
  return Object.fromEntries(
    (container.env ?? []).map((e) => [e.name, { value: e.value, valueFrom: e.valueFrom }]),
  );
}
