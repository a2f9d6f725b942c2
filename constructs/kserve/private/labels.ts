import { ComponentLabels } from '../../core/labels';
import { KSERVE_VERSION } from '../versions';

/** The parts of the component (`app.kubernetes.io/component`). @internal */
export type KServePart = 'crds' | 'controller' | 'rbac' | 'webhook' | 'config' | 'certificate';

/** Labels of the component's objects. @internal */
export const KSERVE_LABELS = new ComponentLabels<KServePart>({
  name: 'kserve',
  version: KSERVE_VERSION,
});
