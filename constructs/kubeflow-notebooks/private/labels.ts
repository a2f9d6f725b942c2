import { ComponentLabels } from '../../core/labels';
import { KUBEFLOW_NOTEBOOKS_VERSION } from '../versions';

/** The parts of the component (`app.kubernetes.io/component`). @internal */
export type NotebooksPart =
  'crds' | 'notebook-controller' | 'jupyter-web-app' | 'rbac' | 'mesh-policy';

/** Labels of the component's objects. @internal */
export const NOTEBOOKS_LABELS = new ComponentLabels<NotebooksPart>({
  name: 'kubeflow-notebooks',
  version: KUBEFLOW_NOTEBOOKS_VERSION,
});
