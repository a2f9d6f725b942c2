import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ARGO_WORKFLOWS_VERSION } from '../argo-workflows/versions';
import { ArgoWorkflows } from '../argo-workflows/workflow-controller';
import { Contracts, defineComponent } from '../core/component';
import { secretSourceFrom } from '../core/config/secrets';
import { IDatabase } from '../core/database';
import { Layer } from '../core/layers';
import { INamespace } from '../core/network';
import { IObjectStore, S3CredentialsRef, tenantArtifactPrefixes } from '../core/object-store';
import { DatabaseBackup } from '../database/backup';
import { externalDatabaseFrom } from '../database/config';
import { ManagedMysql } from '../database/mysql';
import { KFP_DATABASES } from '../database/names';
import { DATABASE_VERSIONS } from '../database/versions';
import { PipelinesApiServer } from './api-server';
import { ArtifactMirror } from './artifact-mirror';
import { CacheServer } from './cache-server';
import { PIPELINES_RULES, pipelinesShape } from './config';
import { Metadata } from './metadata';
import { PipelinesMonitoring } from './monitoring';
import { KFP_NAMES, KFP_PREFIX, KFP_TOKEN_AUDIENCE } from './names';
import { PersistenceAgent } from './persistence-agent';
import { KFP_LABELS } from './private/labels';
import { ScheduledWorkflowController } from './scheduled-workflow';
import { PipelinesUi } from './ui';
import { ViewerController } from './viewer-controller';
import { VisualizationServer } from './visualization-server';
import { KFP_VERSION } from './versions';

/** Where Pipelines runs (upstream's `kubeflow`). */
export const KUBEFLOW_PIPELINES_NAMESPACE = 'kubeflow';

/**
 * What the API server, UI and backups read and write: every tenant's artifacts (the UI shows
 * them to the users the API server authorizes), pipeline packages and the database dumps.
 */
export const PLATFORM_ARTIFACT_PREFIXES = [
  'pipelines/',
  'private-artifacts/',
  'private/',
  'database-backups/',
] as const;

/** The PodDefault (and its selector label) that lets a pod call the Pipelines API. */
export const ACCESS_ML_PIPELINE = 'access-ml-pipeline';
/** Where that PodDefault mounts the token (the path the KFP SDK reads by default). */
export const PIPELINES_TOKEN_DIR = '/var/run/secrets/kubeflow/pipelines';

/** The store as the platform's Pipelines services see it: with their own scoped keys. */
function withCredentials(store: IObjectStore, credentials: S3CredentialsRef): IObjectStore {
  return {
    implementation: store.implementation,
    host: store.host,
    port: store.port,
    secure: store.secure,
    endpointUrl: store.endpointUrl,
    region: store.region,
    buckets: store.buckets,
    credentials,
    grantAccess: (id, peer) => store.grantAccess(id, peer),
    scopedCredentials: (scope, request) => store.scopedCredentials(scope, request),
  };
}

/**
 * The objects Kubeflow Pipelines' multi-user mode needs in each tenant namespace, which upstream's
 * profile-controller hook (`sync.py`) writes at runtime; here they are rendered from the model:
 * the tenant's own object-store keys (limited to its prefixes), the launcher's pipeline root,
 * where ML Metadata is, and Argo's default artifact repository of the namespace.
 */
function tenantPipelines(
  scope: Construct,
  namespace: string,
  ctx: { store: IObjectStore; bucket: string; metadata: Metadata; podDefaults: boolean },
): void {
  const T = KFP_NAMES.tenant;
  const labels = KFP_LABELS.labels('tenant');
  const credentials = ctx.store.scopedCredentials(scope, {
    namespace,
    bucket: ctx.bucket,
    prefixes: tenantArtifactPrefixes(namespace),
    secretName: T.artifactSecret,
  });
  // KFP's launcher reads an in-cluster store (MinIO, SeaweedFS) through its `minio://` scheme.
  const scheme = ctx.store.implementation === 's3' ? 's3' : 'minio';
  new k8s.KubeConfigMap(scope, 'LauncherConfig', {
    metadata: { name: T.launcherConfig, namespace, labels },
    data: {
      defaultPipelineRoot: `${scheme}://${ctx.bucket}/private-artifacts/${namespace}/v2/artifacts`,
      clusterDomain: '.svc.cluster.local',
    },
  });
  new k8s.KubeConfigMap(scope, 'MetadataConfig', {
    metadata: { name: T.metadataConfig, namespace, labels },
    data: {
      METADATA_GRPC_SERVICE_HOST: ctx.metadata.grpcHost,
      METADATA_GRPC_SERVICE_PORT: String(ctx.metadata.grpcPort),
    },
  });
  if (ctx.podDefaults) {
    // What Kubeflow documents for calling the Pipelines API from a notebook or a step: a
    // projected token of the pod's service account for the API server's audience, which the API
    // server checks with a TokenReview and authorizes with a SubjectAccessReview.
    new ApiObject(scope, 'AccessMlPipeline', {
      apiVersion: 'kubeflow.org/v1alpha1',
      kind: 'PodDefault',
      metadata: { name: ACCESS_ML_PIPELINE, namespace, labels },
      spec: {
        desc: 'Allow access to Kubeflow Pipelines',
        selector: { matchLabels: { [ACCESS_ML_PIPELINE]: 'true' } },
        env: [{ name: 'KF_PIPELINES_SA_TOKEN_PATH', value: `${PIPELINES_TOKEN_DIR}/token` }],
        volumes: [
          {
            name: 'volume-kf-pipeline-token',
            projected: {
              sources: [
                {
                  serviceAccountToken: {
                    path: 'token',
                    expirationSeconds: 7200,
                    audience: KFP_TOKEN_AUDIENCE,
                  },
                },
              ],
            },
          },
        ],
        volumeMounts: [
          { mountPath: PIPELINES_TOKEN_DIR, name: 'volume-kf-pipeline-token', readOnly: true },
        ],
      },
    });
  }
  new k8s.KubeConfigMap(scope, 'ArtifactRepositories', {
    metadata: {
      name: T.artifactRepositories,
      namespace,
      labels,
      annotations: { 'workflows.argoproj.io/default-artifact-repository': 'default-namespaced' },
    },
    data: {
      'default-namespaced': JSON.stringify({
        archiveLogs: true,
        s3: {
          endpoint: `${ctx.store.host}:${ctx.store.port}`,
          bucket: ctx.bucket,
          keyFormat: `private-artifacts/${namespace}/{{workflow.name}}/{{workflow.creationTimestamp.Y}}/{{workflow.creationTimestamp.m}}/{{workflow.creationTimestamp.d}}/{{pod.name}}`,
          insecure: !ctx.store.secure,
          region: ctx.store.region,
          accessKeySecret: { name: credentials.secretName, key: credentials.accessKeyKey },
          secretKeySecret: { name: credentials.secretName, key: credentials.secretKeyKey },
        },
      }),
    },
  });
}

/**
 * Kubeflow Pipelines 2.16.1 in multi-user mode: its database (managed MySQL or external, offered
 * as `IDatabase`), Argo Workflows, the API server, persistence agent, scheduled workflows, cache
 * webhook, UI at `/pipeline`, viewers, visualizations and ML Metadata, and what every tenant needs
 * to run pipelines with its own object-store keys.
 */
export const kubeflowPipelinesComponent = defineComponent({
  key: 'kubeflow-pipelines',
  description: 'Kubeflow Pipelines with Argo Workflows, ML Metadata and their database',
  toggle: 'pipelines.enabled',
  config: { shape: pipelinesShape, rules: PIPELINES_RULES },
  namespaces: [KUBEFLOW_PIPELINES_NAMESPACE],
  needs: [
    Contracts.gateway,
    Contracts.mesh,
    Contracts.objectStore,
    Contracts.serviceIssuer,
    Contracts.kubeflowProfiles,
  ],
  // Tenants get the PodDefault that mounts a Pipelines token when PodDefaults are installed;
  // with monitoring, the API server, controllers and database are scraped and alerted on.
  uses: [Contracts.podDefaults, Contracts.monitoring],
  offers: [Contracts.database],
  versions: (config) => [
    { project: 'pipelines', version: KFP_VERSION },
    { project: 'argo-workflows', version: ARGO_WORKFLOWS_VERSION },
    ...(config.pipelines.database.type === 'managed'
      ? [
          {
            name: 'mysql',
            version: DATABASE_VERSIONS.mysql.tag,
            outsideReleaseSet:
              'The release set names MySQL 8.4 without a patch release; the managed database pins one.',
          },
        ]
      : []),
  ],
  enabled: (config) => config.pipelines.enabled,
  build(ctx) {
    const settings = ctx.config.pipelines;
    const scope = ctx.chart(Layer.PLATFORM_CONTROLLERS);
    const namespace: INamespace = ctx.namespace(KUBEFLOW_PIPELINES_NAMESPACE, {
      owner: 'kubeflow',
      mesh: true,
    });
    const gateway = ctx.get(Contracts.gateway);
    const profiles = ctx.get(Contracts.kubeflowProfiles);
    const store = ctx.get(Contracts.objectStore);
    const bucket = settings.artifacts.bucket ?? store.buckets[0];
    const monitoring = ctx.tryGet(Contracts.monitoring);
    const monitored = monitoring ? { monitoring } : {};

    const db = settings.database;
    const database: IDatabase =
      db.type === 'managed'
        ? new ManagedMysql(scope, 'Database', {
            namespace,
            storageGiB: db.storageGiB,
            ...(db.storageClassName ? { storageClassName: db.storageClassName } : {}),
            userCredentials: secretSourceFrom(db.credentials),
            ...(db.resources ? { resources: db.resources } : {}),
            // The server pod joins the meshed namespace's mesh.
            ...monitored,
          })
        : externalDatabaseFrom(scope, 'Database', db);
    // The pipelines, ML Metadata and cache databases; other clients (Katib) add theirs.
    for (const name of KFP_DATABASES) database.addDatabase(name);
    ctx.offer(Contracts.database, database);

    // KFP compiles every step without a sidecar (v2_template.go), so the launcher and Argo's
    // executor reach an in-cluster store without a mesh identity.
    store.acceptClientsWithoutMesh?.(
      "Kubeflow Pipelines runs every step without an Istio sidecar; its launcher and executor read and write artifacts with the tenant's own keys.",
    );

    // The platform's services get keys of their own, never the store's root keys.
    const platformStore = withCredentials(
      store,
      store.scopedCredentials(scope, {
        namespace: namespace.name,
        bucket,
        prefixes: PLATFORM_ARTIFACT_PREFIXES,
        secretName: KFP_NAMES.tenant.artifactSecret,
      }),
    );

    const argo = new ArgoWorkflows(scope, 'ArgoWorkflows', {
      namespace,
      objectStore: platformStore,
      artifactBucket: bucket,
      ...monitored,
    });
    const apiServer = new PipelinesApiServer(scope, 'ApiServer', {
      namespace,
      database,
      objectStore: platformStore,
      artifactBucket: bucket,
      gateway,
      userIdHeader: profiles.userIdHeader,
      userIdPrefix: profiles.userIdPrefix,
    });
    new PersistenceAgent(scope, 'PersistenceAgent', { namespace });
    const scheduledWorkflow = new ScheduledWorkflowController(scope, 'ScheduledWorkflow', {
      namespace,
    });
    if (monitoring && argo.metricsJob) {
      new PipelinesMonitoring(scope, 'Monitoring', monitoring, {
        namespace,
        apiServer,
        scheduledWorkflow,
        argoJob: argo.metricsJob,
        settings: settings.monitoring,
      });
    }
    new CacheServer(scope, 'CacheServer', {
      namespace,
      database,
      issuer: ctx.get(Contracts.serviceIssuer),
    });
    const metadata = new Metadata(scope, 'Metadata', { namespace, database });
    new PipelinesUi(scope, 'Ui', {
      namespace,
      gateway,
      objectStore: platformStore,
      artifactBucket: bucket,
      apiServerHost: apiServer.serviceHost,
      metadataEnvoyHost: metadata.envoyHost,
      metadataEnvoyPort: metadata.envoyPort,
      userIdHeader: profiles.userIdHeader,
      userIdPrefix: profiles.userIdPrefix,
    });
    new ViewerController(scope, 'ViewerController', { namespace });
    new VisualizationServer(scope, 'VisualizationServer', {
      namespace,
      apiServerPrincipal: apiServer.principal,
    });

    if (settings.backup.enabled) {
      new DatabaseBackup(scope, 'DatabaseBackup', {
        database,
        namespace,
        objectStore: platformStore,
        schedule: settings.backup.schedule,
        retentionDays: settings.backup.retentionDays,
        bucket,
        prefix: 'database-backups/pipelines',
        ...monitored,
      });
    }

    const mirror = settings.backup.artifactMirror;
    if (mirror) {
      new ArtifactMirror(scope, 'ArtifactMirror', {
        namespace,
        source: platformStore,
        bucket,
        // Tenants' artifacts and pipeline packages; database dumps have their own retention.
        prefixes: ['pipelines/', 'private-artifacts/', 'private/'],
        target: {
          endpoint: mirror.endpoint,
          bucket: mirror.bucket,
          prefix: mirror.prefix,
          credentials: mirror.credentials,
        },
        schedule: mirror.schedule,
        image: DATABASE_VERSIONS.mc,
      });
    }

    profiles.addMenuEntry({
      text: 'Pipelines',
      icon: 'kubeflow:pipeline-centered',
      items: [
        { link: `${KFP_PREFIX}/#/pipelines`, text: 'Pipelines' },
        { link: `${KFP_PREFIX}/#/experiments`, text: 'Experiments' },
        { link: `${KFP_PREFIX}/#/runs`, text: 'Runs' },
        { link: `${KFP_PREFIX}/#/recurringruns`, text: 'Recurring Runs' },
        { link: `${KFP_PREFIX}/#/artifacts`, text: 'Artifacts' },
        { link: `${KFP_PREFIX}/#/executions`, text: 'Executions' },
      ],
    });
    const podDefaults = ctx.tryGet(Contracts.podDefaults) !== undefined;
    profiles.addToProfiles({
      id: 'pipelines',
      build: (tenantScope, tenantNamespace) =>
        tenantPipelines(tenantScope, tenantNamespace, {
          store,
          bucket,
          metadata,
          podDefaults,
        }),
    });
  },
});
