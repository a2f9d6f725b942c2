import { ComponentLabels } from '../../core/labels';
import { KFP_VERSION } from '../versions';

/** The parts of the component (`app.kubernetes.io/component`). @internal */
export type PipelinesPart =
  | 'crds'
  | 'api-server'
  | 'persistence-agent'
  | 'scheduled-workflow'
  | 'cache-server'
  | 'certificate'
  | 'ui'
  | 'viewer-controller'
  | 'visualization-server'
  | 'metadata-grpc'
  | 'metadata-envoy'
  | 'metadata-writer'
  | 'config'
  | 'rbac'
  | 'mesh-policy'
  | 'tenant'
  | 'artifact-mirror';

/** Labels of the component's objects. @internal */
export const KFP_LABELS = new ComponentLabels<PipelinesPart>({
  name: 'kubeflow-pipelines',
  version: KFP_VERSION,
});
