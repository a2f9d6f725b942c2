import { ComponentLabels } from '../../core/labels';
import { KATIB_VERSION } from '../versions';

/**
 * Names, ports and labels of Katib's DB manager, UI, trial templates and Kubeflow roles, as
 * upstream's manifests name them at v0.19.0 (`manifests/v1beta1/components/{db-manager,ui}`,
 * `components/controller/trial-templates.yaml`, `installs/katib-with-kubeflow`). The controller,
 * the UI and the metrics collectors find the DB manager by its Service name, and the UI finds
 * trial templates by their label, so these are fixed. @internal
 */
export const KATIB_APPS_NAMES = {
  dbManager: {
    deployment: 'katib-db-manager',
    container: 'katib-db-manager',
    /** Upstream runs the DB manager under the namespace's default account; ours is its own. */
    serviceAccount: 'katib-db-manager',
    /** `KATIB_DB_MANAGER_SERVICE_IP` default of the controller, the UI and the collectors. */
    service: 'katib-db-manager',
    /** Upstream's container and Service port name. */
    portName: 'api',
  },
  ui: {
    deployment: 'katib-ui',
    container: 'katib-ui',
    serviceAccount: 'katib-ui',
    service: 'katib-ui',
    clusterRole: 'katib-ui',
    clusterRoleBinding: 'katib-ui',
    /** The VirtualService and the AuthorizationPolicy (`installs/katib-with-kubeflow`). */
    route: 'katib-ui',
    portName: 'ui',
  },
  trialTemplates: {
    /** `components/controller/trial-templates.yaml`. */
    configMap: 'trial-templates',
  },
  roles: {
    admin: 'kubeflow-katib-admin',
    edit: 'kubeflow-katib-edit',
    view: 'kubeflow-katib-view',
  },
} as const;

export const KATIB_APPS_PORTS = {
  /** gRPC of the DB manager (`defaultListenAddress` in `cmd/db-manager/v1beta1/main.go`). */
  dbManager: 6789,
  /** The UI's HTTP listener (`--port=8080` in `components/ui/ui.yaml`). */
  ui: 8080,
  /** The UI's Service port (`components/ui/service.yaml`). */
  uiService: 80,
} as const;

/** The path the UI serves under and the gateway routes (`cmd/ui/v1beta1/main.go`, `ui-virtual-service.yaml`). */
export const KATIB_UI_PREFIX = '/katib/';

/** Upstream's own pod label of each Katib service (`katib.kubeflow.org/component: ui`). */
export const KATIB_UPSTREAM_COMPONENT_LABEL = 'katib.kubeflow.org/component';

/** The parts of Katib this module builds (`app.kubernetes.io/component`). @internal */
export type KatibAppsPart =
  'db-manager' | 'ui' | 'trial-templates' | 'kubeflow-roles' | 'rbac' | 'mesh-policy';

/** Labels of the objects; the same name and version as the rest of Katib. @internal */
export const KATIB_APPS_LABELS = new ComponentLabels<KatibAppsPart>({
  name: 'katib',
  version: KATIB_VERSION,
});

/**
 * The pod selector of `part`: our recommended selector labels and upstream's
 * `katib.kubeflow.org/component`, which Kubeflow's network policies select on.
 */
export function katibPodSelector(part: 'db-manager' | 'ui'): Record<string, string> {
  return { ...KATIB_APPS_LABELS.selector(part), [KATIB_UPSTREAM_COMPONENT_LABEL]: part };
}

/** The full labels of a pod of `part`. */
export function katibPodLabels(part: 'db-manager' | 'ui'): Record<string, string> {
  return { ...KATIB_APPS_LABELS.labels(part), [KATIB_UPSTREAM_COMPONENT_LABEL]: part };
}
