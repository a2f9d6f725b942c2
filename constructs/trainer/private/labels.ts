import { ComponentLabels } from '../../core/labels';
import { TRAINER_VERSION } from '../versions';

/** The parts of the component (`app.kubernetes.io/component`). @internal */
export type TrainerPart =
  'crds' | 'manager' | 'rbac' | 'webhook' | 'config' | 'certificate' | 'runtime';

/** Labels of the component's objects. @internal */
export const TRAINER_LABELS = new ComponentLabels<TrainerPart>({
  name: 'trainer',
  version: TRAINER_VERSION,
});
