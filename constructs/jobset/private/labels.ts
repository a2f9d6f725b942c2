import { ComponentLabels } from '../../core/labels';
import { JOBSET_VERSION } from '../versions';

/** The parts of the component (`app.kubernetes.io/component`). @internal */
export type JobSetPart =
  'crds' | 'controller-manager' | 'rbac' | 'webhook' | 'metrics' | 'certificate';

/** Labels of the component's objects. @internal */
export const JOBSET_LABELS = new ComponentLabels<JobSetPart>({
  name: 'jobset',
  version: JOBSET_VERSION,
});
