/**
 * The containers of kubeflow/dashboard v2.0.0 as upstream's kustomize declares them
 * (`components/*\/manifests/kustomize`): `centraldashboard/base/deployment.yaml` and `params.env`,
 * `profile-controller/base/manager/manager.yaml`, and KFAM from `components/kfam/
 * manager_kfam_patch.yaml` and `service.yaml`. Image users from each `Dockerfile`.
 */
export const WORKLOAD_FACTS = {
  dashboard: {
    deployment: 'dashboard',
    container: 'dashboard',
    image: 'ghcr.io/kubeflow/dashboard/dashboard:v2.0.0',
    ports: [{ name: 'http', containerPort: 8082, protocol: 'TCP' }],
    liveness: { path: '/healthz', port: 8082, initialDelaySeconds: 15, periodSeconds: 30 },
    readiness: { path: '/healthz', port: 8082, initialDelaySeconds: 15, periodSeconds: 30 },
    /** `params.env` and the Deployment's env, with the kfam port the server defaults to. */
    env: {
      USERID_HEADER: 'kubeflow-userid',
      USERID_PREFIX: '',
      REGISTRATION_FLOW: 'false',
      COLLECT_METRICS: 'true',
      PROFILES_KFAM_SERVICE_HOST: 'profiles-kfam.kubeflow',
      PROFILES_KFAM_SERVICE_PORT: '8081',
      DASHBOARD_CONFIGMAP: 'dashboard-config',
      LOGOUT_URL: '/oauth2/sign_out',
    },
    /** `USER node:node` of node:16.20.2-alpine. */
    uid: 1000,
    service: { name: 'dashboard', port: 80, targetPort: 8082 },
  },
  profileController: {
    deployment: 'profiles-deployment',
    container: 'manager',
    image: 'ghcr.io/kubeflow/dashboard/profile-controller:v2.0.0',
    command: [
      '/manager',
      '-userid-header',
      '$(USERID_HEADER)',
      '-userid-prefix',
      '$(USERID_PREFIX)',
      '-workload-identity',
      '$(WORKLOAD_IDENTITY)',
    ],
    args: ['--leader-elect', '--health-probe-bind-address=:9876', '--metrics-bind-address=0'],
    ports: [{ name: 'http', containerPort: 9876, protocol: 'TCP' }],
    liveness: { path: '/healthz', port: 9876, initialDelaySeconds: 15, periodSeconds: 30 },
    readiness: { path: '/readyz', port: 9876, initialDelaySeconds: 5, periodSeconds: 10 },
    serviceAccount: 'profiles-controller-service-account',
    /** `gcr.io/distroless/static:nonroot`, `USER 65532:65532`. */
    uid: 65532,
    namespaceLabelsMount: '/etc/profile-controller',
  },
  kfam: {
    deployment: 'profiles-kfam',
    container: 'access-management',
    image: 'ghcr.io/kubeflow/dashboard/access-management:v2.0.0',
    command: [
      '/access-management',
      '-cluster-admin',
      '$(ADMIN)',
      '-userid-header',
      '$(USERID_HEADER)',
      '-userid-prefix',
      '$(USERID_PREFIX)',
    ],
    ports: [{ name: 'http-kfam', containerPort: 8081, protocol: 'TCP' }],
    liveness: { path: '/metrics', port: 8081, initialDelaySeconds: 15, periodSeconds: 30 },
    readiness: { path: '/metrics', port: 8081, initialDelaySeconds: 15, periodSeconds: 30 },
    uid: 65532,
    service: { name: 'profiles-kfam', port: 8081, portName: 'http-kfam' },
  },
  /** `profiles-config` of the `kubeflow` overlay (`overlays/kubeflow/params.env`). */
  profilesConfig: {
    ADMIN: '',
    WORKLOAD_IDENTITY: '',
    USERID_HEADER: 'kubeflow-userid',
    USERID_PREFIX: '',
    /** Upstream's is the gateway's account; here the test gateway's. */
    ISTIO_INGRESS_GATEWAY_PRINCIPAL: 'cluster.local/ns/istio-system/sa/istio-ingressgateway',
    NOTEBOOK_CONTROLLER_PRINCIPAL:
      'cluster.local/ns/kubeflow/sa/notebook-controller-service-account',
    KFP_UI_PRINCIPAL: 'cluster.local/ns/kubeflow/sa/ml-pipeline-ui',
  },
} as const;
