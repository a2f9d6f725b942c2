import { ComponentLabels } from '../../core/labels';
import { KATIB_VERSION } from '../versions';

/** The parts of the component (`app.kubernetes.io/component`). @internal */
export type KatibPart =
  | 'crds'
  | 'controller'
  | 'certificate'
  | 'config'
  | 'rbac'
  | 'webhook'
  | 'db-manager'
  | 'mysql'
  | 'ui'
  | 'trial-templates'
  | 'kubeflow-roles'
  | 'mesh-policy';

/** Labels of the component's objects. @internal */
export const KATIB_LABELS = new ComponentLabels<KatibPart>({
  name: 'katib',
  version: KATIB_VERSION,
});
