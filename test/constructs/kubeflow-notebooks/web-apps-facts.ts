/**
 * Upstream facts of the volumes and tensorboards web apps of kubeflow/notebooks v1.11.0, written
 * down from `components/crud-web-apps/{volumes,tensorboards}/manifests` at that tag (after the
 * kustomize name prefix, namespace and image transformer, and `params.env` substituted into the
 * env). The tests compare the synthesized objects to these, field by field; they are stated
 * independently of the constructs on purpose.
 */

/** A ClusterRole rule as upstream writes it. */
export interface RuleFact {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

export interface UserRoleFact {
  readonly name: string;
  /** The `rbac.authorization.kubeflow.org/aggregate-to-<x>` labels it carries. */
  readonly aggregateTo: readonly string[];
  readonly rules: readonly RuleFact[];
}

export interface WebAppFacts {
  /** `manifests/base/kustomization.yaml`: `images[0].newName:newTag`. */
  readonly image: string;
  /** `manifests/base/deployment.yaml`: container name. */
  readonly container: string;
  /** `deployment.yaml` env with `params.env` substituted, in upstream's order. */
  readonly env: readonly { name: string; value: string }[];
  /** `deployment.yaml` containerPort; the Dockerfile's gunicorn `--bind 0.0.0.0:5000`. */
  readonly containerPort: number;
  /** `deployment.yaml` container securityContext `runAsUser`. */
  readonly runAsUser: number;
  /** `deployment.yaml` replicas. */
  readonly replicas: number;
  /** `service.yaml`: port 80 named http to 5000. */
  readonly servicePort: { readonly name: string; readonly port: number };
  /** Names after `namePrefix`. */
  readonly names: {
    readonly deployment: string;
    readonly service: string;
    readonly serviceAccount: string;
    readonly clusterRole: string;
    readonly clusterRoleBinding: string;
    /** `overlays/istio/authorization-policy.yaml` name. */
    readonly authorizationPolicy: string;
  };
  /** `overlays/istio/virtual-service.yaml`: match prefix, rewrite, destination. */
  readonly route: {
    readonly prefix: string;
    readonly rewrite: string;
    readonly host: string;
    readonly port: number;
  };
  /** `manifests/base/cluster-role.yaml`, the first ClusterRole, rule by rule. */
  readonly rules: readonly RuleFact[];
  /** The aggregated ClusterRoles in the same file. */
  readonly userRoles: readonly UserRoleFact[];
}

export const VOLUMES_FACTS: WebAppFacts = {
  image: 'ghcr.io/kubeflow/notebooks/volumes-web-app:v1.11.0',
  container: 'volumes-web-app',
  env: [
    { name: 'APP_PREFIX', value: '/volumes' },
    { name: 'USERID_HEADER', value: 'kubeflow-userid' },
    { name: 'USERID_PREFIX', value: '' },
    { name: 'APP_SECURE_COOKIES', value: 'true' },
    { name: 'VOLUME_VIEWER_IMAGE', value: 'filebrowser/filebrowser:v2.32.0' },
    { name: 'METRICS', value: '1' },
  ],
  containerPort: 5000,
  runAsUser: 1000,
  replicas: 1,
  servicePort: { name: 'http', port: 80 },
  names: {
    deployment: 'volumes-web-app-deployment',
    service: 'volumes-web-app-service',
    serviceAccount: 'volumes-web-app-service-account',
    clusterRole: 'volumes-web-app-cluster-role',
    clusterRoleBinding: 'volumes-web-app-cluster-role-binding',
    authorizationPolicy: 'volumes-web-app',
  },
  route: {
    prefix: '/volumes/',
    rewrite: '/',
    host: 'volumes-web-app-service.kubeflow.svc.cluster.local',
    port: 80,
  },
  rules: [
    { apiGroups: [''], resources: ['namespaces', 'pods'], verbs: ['get', 'list'] },
    {
      apiGroups: ['authorization.k8s.io'],
      resources: ['subjectaccessreviews'],
      verbs: ['create'],
    },
    {
      apiGroups: [''],
      resources: ['persistentvolumeclaims'],
      verbs: ['create', 'delete', 'get', 'list', 'watch', 'update', 'patch'],
    },
    {
      apiGroups: ['storage.k8s.io'],
      resources: ['storageclasses'],
      verbs: ['get', 'list', 'watch'],
    },
    { apiGroups: [''], resources: ['events'], verbs: ['list'] },
    { apiGroups: ['kubeflow.org'], resources: ['notebooks'], verbs: ['list'] },
    {
      apiGroups: ['kubeflow.org'],
      resources: ['pvcviewers'],
      verbs: ['get', 'list', 'create', 'delete'],
    },
  ],
  userRoles: [
    { name: 'kubeflow-volume-ui-admin', aggregateTo: ['kubeflow-admin'], rules: [] },
    {
      name: 'kubeflow-volume-ui-edit',
      aggregateTo: ['kubeflow-edit'],
      rules: [
        {
          apiGroups: [''],
          resources: ['persistentvolumeclaims'],
          verbs: ['create', 'delete', 'get', 'list', 'watch', 'update', 'patch'],
        },
        {
          apiGroups: ['kubeflow.org'],
          resources: ['pvcviewers'],
          verbs: ['get', 'list', 'create', 'delete'],
        },
      ],
    },
    {
      name: 'kubeflow-volume-ui-view',
      aggregateTo: ['kubeflow-view'],
      rules: [
        {
          apiGroups: [''],
          resources: ['persistentvolumeclaims'],
          verbs: ['get', 'list', 'watch'],
        },
        {
          apiGroups: ['storage.k8s.io'],
          resources: ['storageclasses'],
          verbs: ['get', 'list', 'watch'],
        },
        { apiGroups: ['kubeflow.org'], resources: ['pvcviewers'], verbs: ['get', 'list'] },
      ],
    },
  ],
};

/**
 * `crud-web-apps/volumes/manifests/base/viewer-spec.yaml`, parsed: the PVCViewer template. The
 * deployment mounts it at `/etc/config/viewer-spec.yaml`, where `apps/common/viewer.py` reads it.
 */
export const VOLUMES_VIEWER_SPEC_FACTS = {
  path: '/etc/config/viewer-spec.yaml',
  configMap: 'volumes-web-app-viewer-spec',
  spec: {
    pvc: '$NAME',
    podSpec: {
      serviceAccountName: 'default-editor',
      containers: [
        {
          name: 'main',
          image: '$VOLUME_VIEWER_IMAGE',
          env: [
            { name: 'FB_ADDRESS', value: '0.0.0.0' },
            { name: 'FB_PORT', value: '8080' },
            { name: 'FB_DATABASE', value: '/tmp/filebrowser.db' },
            { name: 'FB_NOAUTH', value: 'true' },
            { name: 'FB_BASEURL', value: '/pvcviewers/$NAMESPACE/$NAME/' },
          ],
          readinessProbe: { tcpSocket: { port: 8080 }, initialDelaySeconds: 2, periodSeconds: 10 },
          volumeMounts: [{ name: 'viewer-volume', mountPath: '/srv' }],
          workingDir: '/srv',
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
        },
      ],
      volumes: [{ name: 'viewer-volume', persistentVolumeClaim: { claimName: '$NAME' } }],
    },
    networking: { targetPort: 8080, basePrefix: '/pvcviewers', rewrite: '/', timeout: '30s' },
    rwoScheduling: true,
  },
} as const;

export const TENSORBOARDS_FACTS: WebAppFacts = {
  image: 'ghcr.io/kubeflow/notebooks/tensorboards-web-app:v1.11.0',
  container: 'tensorboards-web-app',
  env: [
    { name: 'APP_PREFIX', value: '/tensorboards' },
    { name: 'USERID_HEADER', value: 'kubeflow-userid' },
    { name: 'USERID_PREFIX', value: '' },
    { name: 'APP_SECURE_COOKIES', value: 'true' },
    { name: 'METRICS', value: '1' },
  ],
  containerPort: 5000,
  runAsUser: 1000,
  replicas: 1,
  servicePort: { name: 'http', port: 80 },
  names: {
    deployment: 'tensorboards-web-app-deployment',
    service: 'tensorboards-web-app-service',
    serviceAccount: 'tensorboards-web-app-service-account',
    clusterRole: 'tensorboards-web-app-cluster-role',
    clusterRoleBinding: 'tensorboards-web-app-cluster-role-binding',
    authorizationPolicy: 'tensorboards-web-app',
  },
  route: {
    prefix: '/tensorboards/',
    rewrite: '/',
    host: 'tensorboards-web-app-service.kubeflow.svc.cluster.local',
    port: 80,
  },
  rules: [
    { apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list'] },
    {
      apiGroups: ['authorization.k8s.io'],
      resources: ['subjectaccessreviews'],
      verbs: ['create'],
    },
    {
      apiGroups: ['tensorboard.kubeflow.org'],
      resources: ['tensorboards', 'tensorboards/finalizers'],
      verbs: ['get', 'list', 'create', 'delete'],
    },
    {
      apiGroups: [''],
      resources: ['persistentvolumeclaims'],
      verbs: ['create', 'delete', 'get', 'list'],
    },
    {
      apiGroups: ['storage.k8s.io'],
      resources: ['storageclasses'],
      verbs: ['get', 'list', 'watch'],
    },
    { apiGroups: ['kubeflow.org'], resources: ['poddefaults'], verbs: ['get', 'list', 'watch'] },
  ],
  userRoles: [
    { name: 'kubeflow-tensorboard-ui-admin', aggregateTo: ['kubeflow-admin'], rules: [] },
    {
      name: 'kubeflow-tensorboard-ui-edit',
      aggregateTo: ['kubeflow-edit'],
      rules: [
        {
          apiGroups: ['tensorboard.kubeflow.org'],
          resources: ['tensorboards', 'tensorboards/finalizers'],
          verbs: ['get', 'list', 'create', 'delete'],
        },
        {
          apiGroups: ['kubeflow.org'],
          resources: ['poddefaults'],
          verbs: ['get', 'list', 'watch'],
        },
      ],
    },
    {
      name: 'kubeflow-tensorboard-ui-view',
      aggregateTo: ['kubeflow-view'],
      rules: [
        {
          apiGroups: ['tensorboard.kubeflow.org'],
          resources: ['tensorboards', 'tensorboards/finalizers'],
          verbs: ['get', 'list'],
        },
        {
          apiGroups: ['storage.k8s.io'],
          resources: ['storageclasses'],
          verbs: ['get', 'list', 'watch'],
        },
        {
          apiGroups: ['kubeflow.org'],
          resources: ['poddefaults'],
          verbs: ['get', 'list', 'watch'],
        },
      ],
    },
  ],
};
