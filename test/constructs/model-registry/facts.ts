/**
 * Kubeflow Hub v0.3.9 facts as Kubeflow 26.03.1 deploys them, each with its source:
 * `kubeflow/community-distribution` 26.03.1 `applications/hub/upstream/...` (manifests) and
 * `kubeflow/hub` v0.3.8 (programs; v0.3.9 renames modules only).
 */
export const HUB_FACTS = {
  registry: {
    // base/model-registry-deployment.yaml, base/kustomization.yaml
    image: 'ghcr.io/kubeflow/hub/server:v0.3.9',
    deployment: 'model-registry-deployment',
    container: 'rest-container',
    serviceAccount: 'model-registry-server',
    command: ['/model-registry', 'proxy'],
    // overlays/postgres/patches/model-registry-deployment.yaml
    baseArgs: ['--hostname=0.0.0.0', '--port=8080', '--datastore-type=embedmd'],
    postgresType: '--embedmd-database-type=postgres',
    postgresDsnPrefix: '--embedmd-database-dsn=postgresql://',
    // base: `...@tcp(host:port)/db?charset=utf8mb4`
    mysqlDsnSuffix: '?charset=utf8mb4',
    port: 8080,
    portName: 'http-api',
    podLabel: { component: 'model-registry-server' },
    probes: {
      startup: {
        path: '/readyz/isDirty',
        initialDelaySeconds: 10,
        periodSeconds: 5,
        timeoutSeconds: 5,
        failureThreshold: 6,
      },
      liveness: {
        path: '/readyz/isDirty',
        initialDelaySeconds: 30,
        periodSeconds: 10,
        timeoutSeconds: 5,
        failureThreshold: 3,
      },
      readiness: {
        path: '/readyz/health',
        initialDelaySeconds: 5,
        periodSeconds: 10,
        timeoutSeconds: 5,
        failureThreshold: 3,
      },
    },
    // base/model-registry-service.yaml
    service: 'model-registry-service',
    serviceAnnotations: ['displayName', 'description'],
    // Dockerfile: USER 65532:65532
    uid: 65532,
  },
  database: {
    // overlays/postgres: Deployment/Service `model-registry-db`, POSTGRES_DB=metadb, uid 70, PVC 10Gi
    name: 'model-registry-db',
    databaseName: 'metadb',
    port: 5432,
    uid: 70,
    storage: '10Gi',
    pgdata: '/var/lib/postgresql/data/pgdata',
    mount: '/var/lib/postgresql/data',
    image: 'docker.io/library/postgres:16.13-alpine',
  },
  ui: {
    // options/ui/base, options/ui/overlays/{kubeflow,istio}
    image: 'ghcr.io/kubeflow/hub/ui:v0.3.9',
    deployment: 'model-registry-ui',
    serviceAccount: 'model-registry-ui',
    service: 'model-registry-ui-service',
    args: ['--deployment-mode=kubeflow', '--port=8080'],
    port: 8080,
    servicePort: 80,
    podLabel: { app: 'model-registry-ui' },
    healthPath: '/healthcheck',
    prefix: '/model-registry/',
    rewrite: '/',
    clusterRoles: {
      'model-registry-ui-services-reader': { apiGroups: [''], resources: ['services'] },
      'model-registry-retrieve-clusterrolebindings': {
        apiGroups: ['rbac.authorization.k8s.io'],
        resources: ['clusterrolebindings'],
      },
      'model-registry-create-sars': {
        apiGroups: ['authorization.k8s.io'],
        resources: ['subjectaccessreviews'],
      },
    },
    // clients/ui/bff/internal/constants/keys.go
    userHeader: 'kubeflow-userid',
    groupsHeader: 'kubeflow-groups',
    // clients/ui/bff/internal/integrations/kubernetes/client.go
    discoveryLabel: { component: 'model-registry' },
    catalogDiscoveryLabel: { component: 'model-catalog' },
  },
  catalog: {
    // options/catalog/base/deployment.yaml, service.yaml, postgres-*.yaml
    deployment: 'model-catalog-server',
    container: 'catalog',
    command: ['/model-registry', 'catalog'],
    args: ['--listen=0.0.0.0:8080', '--catalogs-path=/catalog/sources.yaml'],
    service: 'model-catalog',
    configMap: 'model-catalog-sources',
    mountPath: '/catalog',
    postgres: 'model-catalog-postgres',
    postgresImage: 'docker.io/library/postgres:17.6',
    storage: '5Gi',
    pgEnv: ['PGHOST', 'PGPORT', 'PGDATABASE', 'PGUSER', 'PGPASSWORD', 'PGSSLMODE'],
  },
  storageInitializer: {
    // options/csi/clusterstoragecontainer.yaml, kustomization.yaml
    name: 'model-registry-storage-initializer',
    image: 'ghcr.io/kubeflow/hub/storage-initializer:v0.3.9',
    apiVersion: 'serving.kserve.io/v1alpha1',
    baseUrl: 'model-registry-service.kubeflow.svc.cluster.local:8080',
    prefix: 'model-registry://',
  },
} as const;
