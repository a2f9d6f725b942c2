import { ComponentLabels } from '../../core/labels';
import { KNATIVE_SERVING_VERSION } from '../versions';

/**
 * The parts of the component (`app.kubernetes.io/component`). The config ConfigMaps use
 * upstream's values, which the config webhook's object selector matches
 * (`config/core/webhooks/configmap-validation.yaml`). @internal
 */
export type KnativeServingPart =
  | 'activator'
  | 'autoscaler'
  | 'controller'
  | 'webhook'
  | 'queue-proxy'
  | 'networking'
  | 'logging'
  | 'observability'
  | 'tracing'
  | 'crds'
  | 'rbac';

/** Labels of the component's objects (`app.kubernetes.io/name: knative-serving`). @internal */
export const KNATIVE_SERVING_LABELS = new ComponentLabels<KnativeServingPart>({
  name: 'knative-serving',
  version: KNATIVE_SERVING_VERSION,
});
