import { ComponentLabels } from '../core/labels';
import { KubeflowMenuItem } from '../core/kubeflow';
import { MODELS_WEB_APP_VERSION } from './versions';

/**
 * Names of the web app's objects after the 26.03.1 rename, upstream's at kserve/models-web-app
 * v0.18.0 (`manifests/kustomize/base/{deployment,service,rbac}.yaml`,
 * `components/istio/{virtual-service,authorization-policy}.yaml`), so that they match an upstream
 * install and the pre-rename objects (`MODELS_WEB_APP_RENAMED_OBJECTS`) never collide with them.
 */
export const MODELS_WEB_APP_NAMES = {
  deployment: 'kserve-models-web-application',
  container: 'kserve-models-web-application',
  serviceAccount: 'kserve-models-web-application',
  service: 'kserve-models-web-application',
  clusterRole: 'kserve-models-web-application-cluster-role',
  clusterRoleBinding: 'kserve-models-web-application-binding',
  /** The VirtualService and the AuthorizationPolicy. */
  route: 'kserve-models-web-application',
} as const;

export const MODELS_WEB_APP_PORTS = {
  /** gunicorn's `--bind 0.0.0.0:5000` (the image's entrypoint, `Dockerfile`), `containerPort` 5000. */
  app: 5000,
  /** `service.yaml`: port 80 named http, target 5000. */
  service: 80,
} as const;

/**
 * The app's path on the gateway, `APP_PREFIX` of Kubeflow's overlay
 * (`manifests/kustomize/overlays/kubeflow/kustomization.yaml`); the VirtualService matches it with
 * a trailing slash and rewrites it to `/`.
 */
export const MODELS_WEB_APP_PREFIX = '/kserve-endpoints';

/**
 * The central dashboard's menu entry for the app, as Kubeflow 26.03.1 writes it in the dashboard
 * config (`applications/dashboard/overlays/istio/patches/configmap.yaml` of
 * kubeflow/community-distribution at f09f3eea).
 */
export const MODELS_WEB_APP_MENU_ITEM: KubeflowMenuItem = {
  link: `${MODELS_WEB_APP_PREFIX}/`,
  text: 'KServe Endpoints',
  icon: 'kubeflow:models',
};

/** The header the gateway passes the user in: Kubeflow's overlay `USERID_HEADER`. */
export const MODELS_WEB_APP_USERID_HEADER = 'kubeflow-userid';
/**
 * Kubeflow's overlay `USERID_PREFIX` (empty). It must be set: the backend's own default is `:`
 * (`crud_backend/settings.py`).
 */
export const MODELS_WEB_APP_USERID_PREFIX = '';

/** The parts of the web app (`app.kubernetes.io/component`). @internal */
export type ModelsWebAppPart = 'kserve-models-web-application' | 'rbac' | 'mesh-policy';

/**
 * Labels of the web app's objects: `app.kubernetes.io/name` as upstream's common component
 * (`manifests/kustomize/components/common`), the pods' component as upstream's selector.
 */
export const MODELS_WEB_APP_LABELS = new ComponentLabels<ModelsWebAppPart>({
  name: 'models-web-application',
  version: MODELS_WEB_APP_VERSION,
});

/** The pod labels; the Service, the network allow and the AuthorizationPolicy select them. */
export const MODELS_WEB_APP_POD_LABELS: Readonly<Record<string, string>> =
  MODELS_WEB_APP_LABELS.selector('kserve-models-web-application');
