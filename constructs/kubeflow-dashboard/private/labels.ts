import { ComponentLabels } from '../../core/labels';
import { KUBEFLOW_DASHBOARD_VERSION } from '../versions';

/** The parts of the component (`app.kubernetes.io/component`). */
export type DashboardPart =
  'dashboard' | 'profile-controller' | 'access-management' | 'profile-crd' | 'kubeflow-roles';

/** Labels of the component's objects. @internal */
export const DASHBOARD_LABELS = new ComponentLabels<DashboardPart>({
  name: 'kubeflow-dashboard',
  version: KUBEFLOW_DASHBOARD_VERSION,
});
