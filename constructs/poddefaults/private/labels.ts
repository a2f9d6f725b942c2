import { ComponentLabels } from '../../core/labels';
import { POD_DEFAULTS_VERSION } from '../versions';

/** The parts of the component (`app.kubernetes.io/component`). @internal */
export type PodDefaultsPart = 'webhook' | 'crds' | 'certificate' | 'rbac';

/** Labels of the component's objects. @internal */
export const POD_DEFAULTS_LABELS = new ComponentLabels<PodDefaultsPart>({
  name: 'poddefaults-webhook',
  version: POD_DEFAULTS_VERSION,
});
