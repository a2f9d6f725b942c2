import { ComponentLabels } from '../../core/labels';
import { MLFLOW_VERSION } from '../versions';

/** The parts of the component (`app.kubernetes.io/component`). @internal */
export type MlflowPart = 'server' | 'db-upgrade' | 'rbac' | 'kubeflow-roles';

/** Labels of MLflow's objects. @internal */
export const MLFLOW_LABELS = new ComponentLabels<MlflowPart>({
  name: 'mlflow',
  version: MLFLOW_VERSION,
});
