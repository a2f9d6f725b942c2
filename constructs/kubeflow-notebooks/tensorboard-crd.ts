import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { CustomResourceDefinition, Schema } from '../core/crd';
import { NOTEBOOKS_LABELS } from './private/labels';

type Props = k8s.JsonSchemaProps;

/** The Tensorboard API: one version, `v1alpha1`, served and stored (upstream's). */
export const TENSORBOARD_API = {
  group: 'tensorboard.kubeflow.org',
  kind: 'Tensorboard',
  plural: 'tensorboards',
  storageVersion: 'v1alpha1',
  apiVersion: 'tensorboard.kubeflow.org/v1alpha1',
} as const;

/**
 * `spec.logspath`: where TensorBoard reads its logs. `pvc://<claim>/<sub path>` mounts that claim
 * read-only; `gs://`, `s3://` and `/cns/` are read by TensorBoard itself; any other path is read
 * from the claim `tb-volume` (upstream's backwards compatibility).
 */
function tensorboardSpec(): Props {
  return Schema.object({ logspath: Schema.string() }, { required: ['logspath'] });
}

/** What the controller writes back: the server Deployment's conditions and ready replicas. */
function tensorboardStatus(): Props {
  return Schema.object(
    {
      conditions: Schema.array(
        Schema.object(
          // The Deployment condition type: Available, Progressing or ReplicaFailure (not an enum upstream).
          { deploymentState: Schema.string(), lastProbeTime: Schema.dateTime() },
          { required: ['deploymentState'] },
        ),
      ),
      readyReplicas: Schema.integer('int32'),
    },
    { required: ['conditions', 'readyReplicas'] },
  );
}

/**
 * The Tensorboard CRD of kubeflow/notebooks v1.11.0 (`tensorboards.tensorboard.kubeflow.org`):
 * namespaced, the one version `v1alpha1` served and stored with the status subresource, no
 * conversion stanza. Upstream's schema is small and modelled whole: a required `spec.logspath`,
 * and a status with its required lists; it has no defaults and no enums.
 * @see https://github.com/kubeflow/notebooks/tree/v1.11.0/components/tensorboard-controller/config/crd
 */
export class TensorboardCrd extends CustomResourceDefinition {
  public constructor(scope: Construct, id: string) {
    super(scope, id, {
      group: TENSORBOARD_API.group,
      kind: TENSORBOARD_API.kind,
      plural: TENSORBOARD_API.plural,
      scope: 'Namespaced',
      labels: NOTEBOOKS_LABELS.options('crds'),
      versions: [
        {
          name: TENSORBOARD_API.storageVersion,
          served: true,
          storage: true,
          statusSubresource: true,
          schema: Schema.resource(tensorboardSpec(), tensorboardStatus()),
        },
      ],
    });
  }
}
