import { Contracts, ObjectRef, UpgradeStep, defineComponent } from '../core/component';
import { Layer } from '../core/layers';
import { kubeflowDashboardShape } from './config';
import { KubeflowDashboard } from './kubeflow-dashboard';
import { KUBEFLOW_DASHBOARD_VERSION } from './versions';

/** The namespace of Kubeflow's core (upstream's `kubeflow`). */
export const KUBEFLOW_NAMESPACE = 'kubeflow';

const inKubeflow = (resource: string, name: string): ObjectRef => ({
  resource,
  namespace: KUBEFLOW_NAMESPACE,
  name,
});

/**
 * From Kubeflow 1.x (`applications/centraldashboard` and `applications/profiles` of
 * kubeflow/manifests v1.10) to dashboard v2.0.0: the dashboard's objects were renamed from
 * `centraldashboard` to `dashboard`, and the profile controller's from kubebuilder's
 * `profiles-*` names, bound to cluster-admin. The old objects are removed after the new ones
 * run; the old catch-all route would otherwise compete for `/`, and the cluster-admin binding
 * would outlive the controller it served. The controller's Deployment keeps its name with another
 * selector, which is immutable, so it is replaced. Profiles and their CRD stay untouched.
 */
export const DASHBOARD_2_UPGRADE: UpgradeStep = {
  version: KUBEFLOW_DASHBOARD_VERSION,
  description:
    'Kubeflow dashboard 1.x to 2.0: replace the profile controller Deployment (new selector), remove the renamed centraldashboard objects and the cluster-admin binding of the old profile controller; Profiles and their CRD stay',
  deleteBeforeApply: [inKubeflow('deployment', 'profiles-deployment')],
  pruneAfterApply: [
    ...['deployment', 'service', 'serviceaccount', 'role', 'rolebinding'].map((r) =>
      inKubeflow(r, 'centraldashboard'),
    ),
    inKubeflow('configmap', 'centraldashboard-config'),
    inKubeflow('virtualservice.networking.istio.io', 'centraldashboard'),
    inKubeflow('authorizationpolicy.security.istio.io', 'central-dashboard'),
    { resource: 'clusterrole', name: 'centraldashboard' },
    { resource: 'clusterrolebinding', name: 'centraldashboard' },
    { resource: 'clusterrolebinding', name: 'profiles-cluster-rolebinding' },
    { resource: 'clusterrolebinding', name: 'profiles-proxy-rolebinding' },
    { resource: 'clusterrole', name: 'profiles-manager-role' },
    { resource: 'clusterrole', name: 'profiles-proxy-role' },
    inKubeflow('rolebinding', 'profiles-leader-election-rolebinding'),
    inKubeflow('serviceaccount', 'profiles-controller-manager'),
    inKubeflow('service', 'profiles-controller-manager-metrics-service'),
  ],
};

/**
 * Kubeflow's core in the platform-controllers layer: the Profile CRD, the profile controller,
 * KFAM, the aggregated Kubeflow roles and the central dashboard on `/`, offered as
 * `IKubeflowProfiles` so that web apps add their menu entries and tenants become profiles.
 */
export const kubeflowDashboardComponent = defineComponent({
  key: 'kubeflow-dashboard',
  description: 'the central dashboard, profiles and access management of Kubeflow',
  toggle: 'kubeflow.dashboard.enabled',
  config: { shape: kubeflowDashboardShape },
  namespaces: [KUBEFLOW_NAMESPACE],
  needs: [Contracts.gateway, Contracts.mesh],
  // With monitoring, the dashboard, the profile controller and KFAM are scraped and alerted on.
  uses: [Contracts.monitoring],
  offers: [Contracts.kubeflowProfiles],
  versions: [{ project: 'dashboard', version: KUBEFLOW_DASHBOARD_VERSION }],
  upgrades: [DASHBOARD_2_UPGRADE],
  enabled: (config) => config.kubeflow.dashboard.enabled,
  build(ctx) {
    const settings = ctx.config.kubeflow.dashboard;
    const monitoring = ctx.tryGet(Contracts.monitoring);
    const dashboard = new KubeflowDashboard(
      ctx.chart(Layer.PLATFORM_CONTROLLERS),
      'KubeflowDashboard',
      {
        namespace: ctx.namespace(KUBEFLOW_NAMESPACE, { owner: 'kubeflow', mesh: true }),
        gateway: ctx.get(Contracts.gateway),
        mesh: ctx.get(Contracts.mesh),
        ...(monitoring ? { monitoring } : {}),
        registrationFlow: settings.selfRegistration,
        clusterAdmins: settings.clusterAdmins,
      },
    );
    ctx.offer(Contracts.kubeflowProfiles, dashboard);
  },
});
