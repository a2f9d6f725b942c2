import { ComponentLabels } from '../core/labels';
import { ImageRef } from '../core/images';
import { KUBEFLOW_NOTEBOOKS_VERSION } from './versions';

/**
 * Images of the volumes and tensorboards web apps, as upstream's kustomizations pin them at
 * v1.11.0 (`components/crud-web-apps/{volumes,tensorboards}/manifests/base`), and the file browser
 * the volumes web app starts as a PVC viewer (`VOLUME_VIEWER_IMAGE` of its Deployment).
 * @see https://github.com/kubeflow/notebooks/tree/v1.11.0/components/crud-web-apps
 */
export const WEB_APPS_IMAGES = {
  volumesWebApp: {
    registry: 'ghcr.io',
    repository: 'kubeflow/notebooks/volumes-web-app',
    tag: KUBEFLOW_NOTEBOOKS_VERSION,
  },
  tensorboardsWebApp: {
    registry: 'ghcr.io',
    repository: 'kubeflow/notebooks/tensorboards-web-app',
    tag: KUBEFLOW_NOTEBOOKS_VERSION,
  },
  pvcViewer: { registry: 'docker.io', repository: 'filebrowser/filebrowser', tag: 'v2.32.0' },
} as const satisfies Record<string, ImageRef>;

/**
 * Names of the two web apps' objects: upstream's after its kustomize name prefixes
 * (`volumes-web-app-`, `tensorboards-web-app-`), so that they match an upstream install.
 */
export const WEB_APPS_NAMES = {
  volumes: {
    deployment: 'volumes-web-app-deployment',
    container: 'volumes-web-app',
    serviceAccount: 'volumes-web-app-service-account',
    service: 'volumes-web-app-service',
    /** The ConfigMap with `viewer-spec.yaml`, the template of every PVCViewer. */
    viewerSpec: 'volumes-web-app-viewer-spec',
    clusterRole: 'volumes-web-app-cluster-role',
    clusterRoleBinding: 'volumes-web-app-cluster-role-binding',
    /** The VirtualService and AuthorizationPolicy (upstream's policy name). */
    route: 'volumes-web-app',
  },
  tensorboards: {
    deployment: 'tensorboards-web-app-deployment',
    container: 'tensorboards-web-app',
    serviceAccount: 'tensorboards-web-app-service-account',
    service: 'tensorboards-web-app-service',
    clusterRole: 'tensorboards-web-app-cluster-role',
    clusterRoleBinding: 'tensorboards-web-app-cluster-role-binding',
    route: 'tensorboards-web-app',
  },
  /** The aggregated user roles Kubeflow's `kubeflow-admin/edit/view` pick up. */
  userRoles: {
    volumeUiAdmin: 'kubeflow-volume-ui-admin',
    volumeUiEdit: 'kubeflow-volume-ui-edit',
    volumeUiView: 'kubeflow-volume-ui-view',
    tensorboardUiAdmin: 'kubeflow-tensorboard-ui-admin',
    tensorboardUiEdit: 'kubeflow-tensorboard-ui-edit',
    tensorboardUiView: 'kubeflow-tensorboard-ui-view',
  },
} as const;

export const WEB_APPS_PORTS = {
  /** Both apps' gunicorn port (`--bind 0.0.0.0:5000` in their images). */
  app: 5000,
  /** Both Services' port. */
  service: 80,
  /** The file browser's port in a PVC viewer pod (`FB_PORT`). */
  pvcViewer: 8080,
} as const;

/** The volumes web app's path on the gateway (`APP_PREFIX`). */
export const VOLUMES_PREFIX = '/volumes';
/** The tensorboards web app's path on the gateway (`APP_PREFIX`). */
export const TENSORBOARDS_PREFIX = '/tensorboards';
/** Where the PVCViewer controller routes each viewer: `<prefix>/<namespace>/<name>/`. */
export const PVC_VIEWER_BASE_PREFIX = '/pvcviewers';

/** The header the gateway passes the user in (`*WA_USERID_HEADER` upstream). */
export const WEB_APPS_USERID_HEADER = 'kubeflow-userid';

/** The parts of the two web apps (`app.kubernetes.io/component`). @internal */
export type WebAppsPart = 'volumes-web-app' | 'tensorboards-web-app' | 'rbac' | 'mesh-policy';

/** Labels of the two web apps' objects: the same name and version as the rest of Notebooks. */
export const WEB_APPS_LABELS = new ComponentLabels<WebAppsPart>({
  name: 'kubeflow-notebooks',
  version: KUBEFLOW_NOTEBOOKS_VERSION,
});

/** The volumes web app's pod labels (its Service, network allow and policy select them). */
export const VOLUMES_WEB_APP_POD_LABELS: Readonly<Record<string, string>> =
  WEB_APPS_LABELS.selector('volumes-web-app');
/** The tensorboards web app's pod labels. */
export const TENSORBOARDS_WEB_APP_POD_LABELS: Readonly<Record<string, string>> =
  WEB_APPS_LABELS.selector('tensorboards-web-app');
