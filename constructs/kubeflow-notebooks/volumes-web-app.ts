import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { GatewayExposure } from '../core/gateway-exposure';
import { ImageRef, imageReference, parseImageReference, resolveImage } from '../core/images';
import { IGateway } from '../core/mesh';
import { INamespace } from '../core/network';
import { ResourceSpec } from '../core/resources';
import { DNS_SUBDOMAIN, propProblem, throwIfProblems } from '../core/validation';
import { crudWebApp, replicasProblems } from './private/crud-web-app';
import { UserRole } from './rbac';
import {
  PVC_VIEWER_BASE_PREFIX,
  VOLUMES_PREFIX,
  VOLUMES_WEB_APP_POD_LABELS,
  WEB_APPS_IMAGES,
  WEB_APPS_LABELS,
  WEB_APPS_NAMES,
  WEB_APPS_PORTS,
  WEB_APPS_USERID_HEADER,
} from './web-apps-versions';

/** Requests and limits of the web app (three gunicorn workers). */
export const VOLUMES_WEB_APP_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '50m', limit: '1' },
  memory: { request: '256Mi', limit: '512Mi' },
};

/**
 * Requests and limits of each PVC viewer (a file browser). Upstream sets none; a profile with a
 * ResourceQuota rejects pods without them.
 */
export const PVC_VIEWER_POD_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '10m', limit: '500m' },
  memory: { request: '64Mi', limit: '256Mi' },
};

/**
 * The volumes web app's ClusterRole, rule by rule as upstream's
 * `crud-web-apps/volumes/manifests/base/cluster-role.yaml` at v1.11.0. The app acts for the user
 * only after a SubjectAccessReview says the user may; it lists notebooks and pods to show which
 * use a volume.
 */
export const VOLUMES_WEB_APP_RULES: readonly k8s.PolicyRule[] = [
  { apiGroups: [''], resources: ['namespaces', 'pods'], verbs: ['get', 'list'] },
  { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
  {
    apiGroups: [''],
    resources: ['persistentvolumeclaims'],
    verbs: ['create', 'delete', 'get', 'list', 'watch', 'update', 'patch'],
  },
  { apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: [''], resources: ['events'], verbs: ['list'] },
  { apiGroups: ['kubeflow.org'], resources: ['notebooks'], verbs: ['list'] },
  {
    apiGroups: ['kubeflow.org'],
    resources: ['pvcviewers'],
    verbs: ['get', 'list', 'create', 'delete'],
  },
];

const PVC_VERBS = ['create', 'delete', 'get', 'list', 'watch', 'update', 'patch'];

/** Upstream's aggregated user roles of the volumes web app (in its `cluster-role.yaml`). */
export const VOLUMES_USER_ROLES: readonly UserRole[] = [
  { name: WEB_APPS_NAMES.userRoles.volumeUiAdmin, aggregateTo: ['kubeflow-admin'], rules: [] },
  {
    name: WEB_APPS_NAMES.userRoles.volumeUiEdit,
    aggregateTo: ['kubeflow-edit'],
    rules: [
      { apiGroups: [''], resources: ['persistentvolumeclaims'], verbs: PVC_VERBS },
      {
        apiGroups: ['kubeflow.org'],
        resources: ['pvcviewers'],
        verbs: ['get', 'list', 'create', 'delete'],
      },
    ],
  },
  {
    name: WEB_APPS_NAMES.userRoles.volumeUiView,
    aggregateTo: ['kubeflow-view'],
    rules: [
      { apiGroups: [''], resources: ['persistentvolumeclaims'], verbs: ['get', 'list', 'watch'] },
      {
        apiGroups: ['storage.k8s.io'],
        resources: ['storageclasses'],
        verbs: ['get', 'list', 'watch'],
      },
      { apiGroups: ['kubeflow.org'], resources: ['pvcviewers'], verbs: ['get', 'list'] },
    ],
  },
];

/** How the web app makes the PVCViewer of a volume (its `viewer-spec.yaml`). */
export interface PvcViewerSettings {
  /** The file browser the viewer runs. @default WEB_APPS_IMAGES.pvcViewer - upstream's */
  readonly image?: ImageRef;
  /** The ServiceAccount viewer pods run as in the user's namespace. @default 'default-editor' */
  readonly serviceAccountName?: string;
  /**
   * Schedule a viewer of a ReadWriteOnce volume onto the node that mounts it.
   * @default true - upstream's
   */
  readonly rwoScheduling?: boolean;
  /** Timeout of the viewer's route. @default 30 - upstream's */
  readonly timeoutSeconds?: number;
  /** @default PVC_VIEWER_POD_DEFAULT_RESOURCES */
  readonly resources?: ResourceSpec;
}

/** The viewer settings after defaults. */
export interface ResolvedPvcViewerSettings {
  readonly image: ImageRef;
  readonly serviceAccountName: string;
  readonly rwoScheduling: boolean;
  readonly timeoutSeconds: number;
  readonly resources: ResourceSpec;
}

export interface VolumesWebAppProps {
  /** Where the web app runs (`kubeflow` upstream). */
  readonly namespace: INamespace;
  /** Users reach the app at `/volumes/` on this gateway. */
  readonly gateway: IGateway;
  /** @default - upstream's file browser as `default-editor`, see `PvcViewerSettings` */
  readonly viewer?: PvcViewerSettings;
  /** @default 'cluster.local' */
  readonly clusterDomain?: string;
  /** @default 1 - upstream's */
  readonly replicas?: number;
  /** @default VOLUMES_WEB_APP_DEFAULT_RESOURCES */
  readonly resources?: ResourceSpec;
}

/** The environment variable the app substitutes into `viewer-spec.yaml` (viewer.py). */
const VIEWER_IMAGE_ENV = 'VOLUME_VIEWER_IMAGE';
const CONFIG_DIR = '/etc/config';

/**
 * The volumes web app of kubeflow/notebooks v1.11.0 at `/volumes/`: users list, create and delete
 * the PersistentVolumeClaims of their namespaces and open a file browser on one (a PVCViewer made
 * from `viewer-spec.yaml`, generated here from typed settings). Deployment
 * `volumes-web-app-deployment`, Service, ServiceAccount, ConfigMap, ClusterRole (upstream's rules),
 * the aggregated user roles, and the gateway exposure (route, network allow, AuthorizationPolicy
 * for the gateway only). PVCViewers need the PVCViewer controller and CRD, which this construct
 * does not deploy.
 * @see https://github.com/kubeflow/notebooks/tree/v1.11.0/components/crud-web-apps/volumes
 */
export class VolumesWebApp extends Construct {
  public readonly namespace: string;
  public readonly serviceHost: string;
  public readonly viewer: ResolvedPvcViewerSettings;
  public readonly replicas: number;
  public readonly resources: ResourceSpec;
  /** The pod labels; the Service, the network allow and the AuthorizationPolicy select them. */
  public readonly podLabels: Readonly<Record<string, string>>;
  public readonly deployment: k8s.KubeDeployment;
  public readonly exposure: GatewayExposure;

  public constructor(scope: Construct, id: string, props: VolumesWebAppProps) {
    super(scope, id);
    const ns = props.namespace.name;
    const N = WEB_APPS_NAMES.volumes;
    this.namespace = ns;
    this.serviceHost = `${N.service}.${ns}.svc.${props.clusterDomain ?? 'cluster.local'}`;
    this.replicas = props.replicas ?? 1;
    this.resources = props.resources ?? VOLUMES_WEB_APP_DEFAULT_RESOURCES;
    this.viewer = {
      image: props.viewer?.image ?? WEB_APPS_IMAGES.pvcViewer,
      serviceAccountName: props.viewer?.serviceAccountName ?? 'default-editor',
      rwoScheduling: props.viewer?.rwoScheduling ?? true,
      timeoutSeconds: props.viewer?.timeoutSeconds ?? 30,
      resources: props.viewer?.resources ?? PVC_VIEWER_POD_DEFAULT_RESOURCES,
    };
    throwIfProblems('VolumesWebApp', problems(this.viewer, this.replicas));
    this.podLabels = VOLUMES_WEB_APP_POD_LABELS;

    const labels = WEB_APPS_LABELS.labels('volumes-web-app');
    new k8s.KubeConfigMap(this, 'ViewerSpec', {
      metadata: { name: N.viewerSpec, namespace: ns, labels },
      data: { 'viewer-spec.yaml': viewerSpec(this.viewer) },
    });
    const app = crudWebApp(this, {
      namespace: props.namespace,
      gateway: props.gateway,
      names: N,
      prefix: VOLUMES_PREFIX,
      userIdHeader: WEB_APPS_USERID_HEADER,
      extraEnv: { [VIEWER_IMAGE_ENV]: resolveImage(this, this.viewer.image) },
      image: WEB_APPS_IMAGES.volumesWebApp,
      replicas: this.replicas,
      resources: this.resources,
      ports: WEB_APPS_PORTS,
      serviceHost: this.serviceHost,
      rules: VOLUMES_WEB_APP_RULES,
      userRoles: VOLUMES_USER_ROLES,
      labels: {
        app: labels,
        rbac: WEB_APPS_LABELS.labels('rbac'),
        mesh: WEB_APPS_LABELS.labels('mesh-policy'),
      },
      podLabels: this.podLabels,
      volumes: [
        {
          volume: { name: 'viewer-spec', configMap: { name: N.viewerSpec } },
          // The directory rather than upstream's subPath, so that a changed spec arrives.
          mount: { name: 'viewer-spec', mountPath: CONFIG_DIR, readOnly: true },
        },
      ],
      component: 'Volumes web app',
      description: 'the volumes web app at /volumes/ from the ingress gateway',
    });
    this.deployment = app.deployment;
    this.exposure = app.exposure;
  }
}

/**
 * The PVCViewer spec template. The app substitutes `$NAME`, `$NAMESPACE` and its environment
 * (`$VOLUME_VIEWER_IMAGE`) with `string.Template`, so no other `$` may appear in it.
 */
function viewerSpec(v: ResolvedPvcViewerSettings): string {
  const port = WEB_APPS_PORTS.pvcViewer;
  const spec = {
    pvc: '$NAME',
    podSpec: {
      serviceAccountName: v.serviceAccountName,
      containers: [
        {
          name: 'main',
          image: `$${VIEWER_IMAGE_ENV}`,
          env: [
            { name: 'FB_ADDRESS', value: '0.0.0.0' },
            { name: 'FB_PORT', value: String(port) },
            { name: 'FB_DATABASE', value: '/tmp/filebrowser.db' },
            // The gateway has authenticated the user and the route is per namespace.
            { name: 'FB_NOAUTH', value: 'true' },
            { name: 'FB_BASEURL', value: `${PVC_VIEWER_BASE_PREFIX}/$NAMESPACE/$NAME/` },
          ],
          readinessProbe: { tcpSocket: { port }, initialDelaySeconds: 2, periodSeconds: 10 },
          // The PVCViewer controller adds the volume named `viewer-volume` itself.
          volumeMounts: [{ name: 'viewer-volume', mountPath: '/srv' }],
          workingDir: '/srv',
          resources: {
            requests: { cpu: v.resources.cpu.request, memory: v.resources.memory.request },
            limits: {
              ...(v.resources.cpu.limit ? { cpu: v.resources.cpu.limit } : {}),
              memory: v.resources.memory.limit,
            },
          },
          securityContext: {
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'] },
            seccompProfile: { type: 'RuntimeDefault' },
          },
        },
      ],
      volumes: [{ name: 'viewer-volume', persistentVolumeClaim: { claimName: '$NAME' } }],
    },
    networking: {
      targetPort: port,
      basePrefix: PVC_VIEWER_BASE_PREFIX,
      rewrite: '/',
      timeout: `${v.timeoutSeconds}s`,
    },
    rwoScheduling: v.rwoScheduling,
  };
  return stringify(spec, { lineWidth: 0 });
}

function problems(v: ResolvedPvcViewerSettings, replicas: number): string[] {
  const out: string[] = [];
  const written = imageReference(v.image);
  if (!parseImageReference(written)) {
    out.push(
      propProblem(
        'viewer.image',
        'is not a pinned image',
        `"${written}"`,
        'Name a registry and a tag other than latest.',
      ),
    );
  }
  if (!DNS_SUBDOMAIN.test(v.serviceAccountName)) {
    out.push(
      propProblem(
        'viewer.serviceAccountName',
        'is not a ServiceAccount name',
        `"${v.serviceAccountName}"`,
        "Use a DNS subdomain such as 'default-editor'.",
      ),
    );
  }
  if (!Number.isInteger(v.timeoutSeconds) || v.timeoutSeconds < 1) {
    out.push(
      propProblem(
        'viewer.timeoutSeconds',
        'is not a whole number of at least 1',
        String(v.timeoutSeconds),
        'Use 1 or more.',
      ),
    );
  }
  out.push(...replicasProblems(replicas));
  return out;
}
