/**
 * Names, ports, labels and paths of Kubeflow Hub v0.3.9 as Kubeflow 26.03.1 deploys it
 * (`applications/hub/upstream/**`) and as its programs look them up (kubeflow/hub v0.3.8 sources;
 * v0.3.9 changed no name below). Several are read by other programs (the UI finds registries by
 * label and port name, the storage initializer builds the registry's host from the Service name),
 * so they are fixed, not configurable.
 */
export const MODEL_REGISTRY_NAMES = {
  /** `base/model-registry-deployment.yaml`. */
  deployment: 'model-registry-deployment',
  container: 'rest-container',
  /** `base/model-registry-sa.yaml`. */
  serviceAccount: 'model-registry-server',
  /**
   * `base/model-registry-service.yaml`; also the storage initializer's
   * `MODEL_REGISTRY_SERVICE_NAME` default (`cmd/csi/main.go`), used with `?namespace=`.
   */
  service: 'model-registry-service',
  /** Upstream's container and Service port name; the UI requires it (`http-api` or `https-api`). */
  portName: 'http-api',
  /** The registry's own PostgreSQL (`overlays/postgres`: Deployment, Service `model-registry-db`). */
  database: 'model-registry-db',
  databaseContainer: 'db-container',
  /** Our own: upstream runs the database under the namespace's default account. */
  databaseServiceAccount: 'model-registry-db',
  /** The Secret of the database user's password (upstream's `model-registry-db-secrets`). */
  databaseSecret: 'model-registry-db',
  /** The data volume claim template (upstream's PVC `metadata-postgres`). */
  databaseVolume: 'metadata-postgres',
} as const;

/** `POSTGRES_DB` of `overlays/postgres/params.env`: the database the registry keeps its tables in. */
export const MODEL_REGISTRY_DEFAULT_DATABASE_NAME = 'metadb';
/** The role our PostgreSQL creates for the registry (upstream's is `root`, a misleading name). */
export const MODEL_REGISTRY_DEFAULT_DATABASE_USER = 'model_registry';

export const MODEL_REGISTRY_PORTS = {
  /** The REST API (`--port=8080`; `MODEL_REGISTRY_REST_SERVICE_PORT`). */
  rest: 8080,
  /** PostgreSQL (`POSTGRES_PORT=5432`). */
  postgres: 5432,
} as const;

/**
 * The label the UI's BFF lists Services by in a namespace (`component=model-registry`,
 * `ComponentLabelValue` in `clients/ui/bff/internal/integrations/kubernetes/client.go`), and the
 * one it requires on the catalog's Service (`component=model-catalog`, `ComponentLabelValueCatalog`).
 */
export const HUB_DISCOVERY_LABEL = 'component';
export const MODEL_REGISTRY_DISCOVERY_LABELS = { [HUB_DISCOVERY_LABEL]: 'model-registry' } as const;
export const MODEL_CATALOG_DISCOVERY_LABELS = { [HUB_DISCOVERY_LABEL]: 'model-catalog' } as const;

/**
 * Service annotations the BFF shows for a registry (`buildServiceDetails` in
 * `shared_k8s_client.go`): `displayName`, `description`, and any key ending in
 * `/external-address-rest` (used only in federated mode).
 */
export const MODEL_REGISTRY_ANNOTATIONS = {
  displayName: 'displayName',
  description: 'description',
} as const;

/** Upstream's pod label of the registry server (`component: model-registry-server`). */
export const MODEL_REGISTRY_SERVER_POD_LABELS = { component: 'model-registry-server' } as const;

/**
 * The REST API's path prefix, which upstream's registry VirtualService routes from the gateway
 * (`options/istio/virtual-service.yaml`, prefix `/api/model_registry/`, no rewrite).
 */
export const MODEL_REGISTRY_REST_PREFIX = '/api/model_registry/';
/** The API version of v0.3.9 (`api/openapi/model-registry.yaml`). */
export const MODEL_REGISTRY_API_BASE = '/api/model_registry/v1alpha3';

/** Health endpoints of the server (`cmd/proxy.go`): database reachable and migrated; everything. */
export const MODEL_REGISTRY_HEALTH_PATHS = {
  /** Answers 200 once the database is reachable and its schema clean (upstream's liveness and startup). */
  isDirty: '/readyz/isDirty',
  /** Also requires the registry service to be initialised (upstream's readiness). */
  health: '/readyz/health',
} as const;

export const MODEL_REGISTRY_UI_NAMES = {
  /** `options/ui/base/*`. */
  deployment: 'model-registry-ui',
  container: 'model-registry-ui',
  serviceAccount: 'model-registry-ui',
  service: 'model-registry-ui-service',
  /** Upstream's Service port name. */
  portName: 'http',
  /** `options/ui/base/model-registry-ui-role.yaml`: ClusterRoles and their bindings. */
  servicesReader: 'model-registry-ui-services-reader',
  servicesReaderBinding: 'model-registry-ui-services-reader-binding',
  clusterRoleBindingsReader: 'model-registry-retrieve-clusterrolebindings',
  clusterRoleBindingsReaderBinding: 'model-registry-retrieve-clusterrolebindings-binding',
  createSars: 'model-registry-create-sars',
  createSarsBinding: 'model-registry-create-sars-binding',
} as const;

export const MODEL_REGISTRY_UI_PORTS = {
  /** The BFF's listener (`--port=8080`). */
  http: 8080,
  /** The Service port after Kubeflow's istio overlay (`options/ui/overlays/istio`: 80). */
  service: 80,
} as const;

/** Upstream's pod label of the UI (`app: model-registry-ui`), which Kubeflow's policies select. */
export const MODEL_REGISTRY_UI_POD_LABELS = { app: 'model-registry-ui' } as const;

/**
 * The gateway prefix of the UI (`options/ui/overlays/istio/virtual-service.yaml`): `/model-registry/`
 * rewritten to `/`, with the request header `x-forwarded-prefix: /model-registry`. The BFF also
 * serves its API under `/model-registry/api/v1/` itself (`PathPrefix` in `clients/ui/bff/internal/api/app.go`).
 */
export const MODEL_REGISTRY_UI_PREFIX = '/model-registry/';
export const MODEL_REGISTRY_UI_REWRITE = '/';
export const MODEL_REGISTRY_UI_FORWARDED_PREFIX = '/model-registry';
/** The BFF's API under the UI prefix (`ApiPathPrefix`). */
export const MODEL_REGISTRY_UI_API_BASE = '/api/v1';
/** The BFF's health endpoint (`HealthCheckPath`), answered without a user. */
export const MODEL_REGISTRY_UI_HEALTH_PATH = '/healthcheck';

/**
 * The headers the BFF reads for the user in `internal` auth mode (the default, and Kubeflow's):
 * `kubeflow-userid` (required; requests without it fail) and `kubeflow-groups` (comma-separated,
 * optional) (`clients/ui/bff/internal/constants/keys.go`, `integrations/kubernetes/factory.go`).
 */
export const MODEL_REGISTRY_UI_USER_HEADERS = {
  userId: 'kubeflow-userid',
  groups: 'kubeflow-groups',
} as const;

export const MODEL_CATALOG_NAMES = {
  /** `options/catalog/base/deployment.yaml`. */
  deployment: 'model-catalog-server',
  container: 'catalog',
  /** Ours: upstream runs the catalog under the namespace's default account. */
  serviceAccount: 'model-catalog-server',
  /** `options/catalog/base/service.yaml`; the UI's BFF looks it up by this name (`ModelCatalogServiceName`). */
  service: 'model-catalog',
  portName: 'http-api',
  /** The sources ConfigMap (`model-catalog-sources`), also the BFF's `CatalogSourceUserConfigMapName`. */
  sourcesConfigMap: 'model-catalog-sources',
  /** The optional Hugging Face key Secret (`model-catalog-hf-api-key`, key `HF_API_KEY`). */
  hfApiKeySecret: 'model-catalog-hf-api-key',
  hfApiKeyKey: 'HF_API_KEY',
  /** `options/catalog/base/postgres-*.yaml`: StatefulSet, Service and claim `model-catalog-postgres`. */
  database: 'model-catalog-postgres',
  databaseContainer: 'postgres',
  databaseServiceAccount: 'model-catalog-postgres',
  databaseSecret: 'model-catalog-postgres',
  databaseVolume: 'model-catalog-postgres',
} as const;

export const MODEL_CATALOG_PORTS = {
  /** `--listen=0.0.0.0:8080`. */
  http: 8080,
  postgres: 5432,
} as const;

/** Where upstream mounts the sources ConfigMap, and the file `--catalogs-path` names. */
export const MODEL_CATALOG_CONFIG_DIR = '/catalog';
export const MODEL_CATALOG_SOURCES_FILE = 'sources.yaml';

/**
 * The catalog's REST prefix (`options/catalog/options/istio/virtual-service.yaml`) and API bases
 * (`ModelCatalogAPIPath`, `McpCatalogAPIPath` in the BFF's `repositories/model_catalog.go`).
 */
export const MODEL_CATALOG_REST_PREFIX = '/api/model_catalog/';
export const MODEL_CATALOG_API_BASE = '/api/model_catalog/v1alpha1';
export const MCP_CATALOG_API_BASE = '/api/mcp_catalog/v1alpha1';
/** The database the catalog uses when `PGDATABASE` is unset is the user's; we name it. */
export const MODEL_CATALOG_DEFAULT_DATABASE_NAME = 'model_catalog';
export const MODEL_CATALOG_DEFAULT_DATABASE_USER = 'model_catalog';

/** `options/csi/clusterstoragecontainer.yaml`. */
export const MODEL_REGISTRY_STORAGE_CONTAINER = {
  name: 'model-registry-storage-initializer',
  container: 'storage-initializer',
  uriPrefix: 'model-registry://',
} as const;
