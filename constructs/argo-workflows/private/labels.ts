import { ComponentLabels } from '../../core/labels';
import { ARGO_WORKFLOWS_VERSION } from '../versions';

/** The parts of the component (`app.kubernetes.io/component`). @internal */
export type ArgoWorkflowsPart = 'crds' | 'workflow-controller' | 'rbac';

/** Labels of the component's objects. @internal */
export const ARGO_WORKFLOWS_LABELS = new ComponentLabels<ArgoWorkflowsPart>({
  name: 'argo-workflows',
  version: ARGO_WORKFLOWS_VERSION,
});
