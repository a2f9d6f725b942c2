/**
 * Upstream facts of the KServe models web app, written down independently of the construct from
 * kserve/models-web-app v0.18.0 (`manifests/kustomize`, `backend/`, `Dockerfile`), the crud backend
 * it builds on (kubeflow/notebooks 0b835a7, its `frontend/COMMIT`), and
 * kubeflow/community-distribution: 26.03.1 (f09f3eea) for Kubeflow's overlay and dashboard menu,
 * 26.03 for the names before the rename. The tests compare the synthesized objects to these.
 */

export interface RuleFact {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

const WRITE = ['get', 'list', 'watch', 'create', 'delete', 'deletecollection', 'patch', 'update'];

export const MODELS_WEB_APP_FACTS = {
  /** `base/kustomization.yaml` images: newName ghcr.io/kserve/models-web-app, newTag 0.18.0. */
  image: 'ghcr.io/kserve/models-web-app:0.18.0',
  /** `base/deployment.yaml`, `service.yaml`, `rbac.yaml`, `components/istio/*` names. */
  names: {
    deployment: 'kserve-models-web-application',
    container: 'kserve-models-web-application',
    serviceAccount: 'kserve-models-web-application',
    service: 'kserve-models-web-application',
    clusterRole: 'kserve-models-web-application-cluster-role',
    clusterRoleBinding: 'kserve-models-web-application-binding',
    virtualService: 'kserve-models-web-application',
    authorizationPolicy: 'kserve-models-web-application',
  },
  /** `deployment.yaml` replicas. */
  replicas: 1,
  /** The Dockerfile's gunicorn `--bind 0.0.0.0:5000`; `deployment.yaml` containerPort 5000 named http. */
  containerPort: 5000,
  /** `service.yaml`: port 80 named http, targetPort 5000. */
  servicePort: { name: 'http', port: 80 },
  /** `deployment.yaml` container securityContext runAsUser. */
  runAsUser: 1000,
  /** `deployment.yaml` liveness and readiness probes (the same timings for both). */
  probes: {
    liveness: '/healthz/liveness',
    readiness: '/healthz/readiness',
    timing: {
      initialDelaySeconds: 0,
      periodSeconds: 10,
      timeoutSeconds: 1,
      failureThreshold: 3,
      successThreshold: 1,
    },
  },
  /**
   * The environment of a Kubeflow install: `deployment.yaml` env plus the ConfigMap of
   * `overlays/kubeflow/kustomization.yaml` (which replaces the base's, dropping
   * `APP_DISABLE_AUTH="True"`).
   */
  env: {
    GUNICORN_CMD_ARGS: '--limit-request-field_size 32000',
    USERID_HEADER: 'kubeflow-userid',
    USERID_PREFIX: '',
    APP_PREFIX: '/kserve-endpoints',
    GRAFANA_PREFIX: '/grafana',
    GRAFANA_CPU_MEMORY_DB: 'db/knative-serving-revision-cpu-and-memory-usage',
    GRAFANA_HTTP_REQUESTS_DB: 'db/knative-serving-revision-http-requests',
  },
  /**
   * crud_backend `settings.py`: auth is off only for the exact string `true` (any case), secure
   * cookies are on unless `APP_SECURE_COOKIES` is not `true`; the prefix default is `:`.
   */
  backendDefaults: { USERID_PREFIX: ':', APP_SECURE_COOKIES: 'true', APP_DISABLE_AUTH: 'false' },
  /** `components/istio/virtual-service.yaml` with the Kubeflow overlay's destination patch. */
  route: { prefix: '/kserve-endpoints/', rewrite: '/', port: 80 },
  /** `base/rbac.yaml` ClusterRole rules, in order. */
  rules: [
    { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
    {
      apiGroups: [''],
      resources: ['namespaces', 'pods', 'pods/log', 'events'],
      verbs: ['get', 'list'],
    },
    {
      apiGroups: ['serving.kserve.io'],
      resources: [
        'inferenceservices',
        'inferenceservices/status',
        'inferencegraphs',
        'inferencegraphs/status',
        'trainedmodels',
        'trainedmodels/status',
      ],
      verbs: WRITE,
    },
    {
      apiGroups: ['serving.knative.dev'],
      resources: [
        'services',
        'services/status',
        'routes',
        'routes/status',
        'configurations',
        'configurations/status',
        'revisions',
        'revisions/status',
      ],
      verbs: ['get', 'list'],
    },
  ] satisfies readonly RuleFact[],
  /** community-distribution 26.03.1 `applications/dashboard/overlays/istio/patches/configmap.yaml`. */
  menu: { link: '/kserve-endpoints/', text: 'KServe Endpoints', icon: 'kubeflow:models' },
} as const;

/**
 * `kustomize build applications/kserve/models-web-app/overlays/kubeflow` at
 * kubeflow/community-distribution 26.03 (the same at v1.10.2): every object, kind and
 * namespace/name, before the rename.
 */
export const PRE_RENAME_OBJECTS = [
  { kind: 'ServiceAccount', namespace: 'kubeflow', name: 'kserve-models-web-app' },
  { kind: 'ClusterRole', name: 'kserve-models-web-app-cluster-role' },
  { kind: 'ClusterRoleBinding', name: 'kserve-models-web-app-binding' },
  { kind: 'ConfigMap', namespace: 'kubeflow', name: 'kserve-models-web-app-config' },
  { kind: 'Service', namespace: 'kubeflow', name: 'kserve-models-web-app' },
  { kind: 'Deployment', namespace: 'kubeflow', name: 'kserve-models-web-app' },
  { kind: 'VirtualService', namespace: 'kubeflow', name: 'kserve-models-web-app' },
  { kind: 'AuthorizationPolicy', namespace: 'kubeflow', name: 'kserve-models-web-app' },
] as const;
