import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { CustomResourceDefinition, Schema } from '../core/crd';
import { NOTEBOOKS_LABELS } from './private/labels';

type Props = k8s.JsonSchemaProps;

/** The Notebook API: three served versions, `v1` stored, no conversion webhook (upstream's). */
export const NOTEBOOK_API = {
  group: 'kubeflow.org',
  kind: 'Notebook',
  plural: 'notebooks',
  storageVersion: 'v1',
  apiVersion: 'kubeflow.org/v1',
  /** Served versions in upstream's order; the schemas are the same. */
  versions: ['v1', 'v1alpha1', 'v1beta1'],
} as const;

/** A probe: only `grpc.service` has a default upstream, and `grpc.port` is required there. */
function probe(): Props {
  return Schema.preserve({
    properties: {
      grpc: Schema.preserve({
        properties: { port: Schema.integer('int32'), service: { type: 'string', default: '' } },
        required: ['port'],
      }),
    },
  });
}

/**
 * A container of the pod template (a Kubernetes `Container`): upstream's required fields, ports
 * merged by `containerPort` and `protocol` (defaulted to TCP), the probes' gRPC default; the rest
 * is validated by the API server when the controller creates the StatefulSet, so it is kept whole.
 */
function container(required: readonly string[]): Props {
  return Schema.preserve({
    required,
    properties: {
      name: Schema.string(),
      ...(required.includes('image') ? { image: Schema.string() } : {}),
      ports: Schema.listMap(
        Schema.preserve({
          required: ['containerPort'],
          properties: {
            containerPort: Schema.integer('int32'),
            protocol: { type: 'string', default: 'TCP' },
          },
        }),
        ['containerPort', 'protocol'],
      ),
      livenessProbe: probe(),
      readinessProbe: probe(),
      startupProbe: probe(),
    },
  });
}

/** `spec.template.spec`: a pod spec with at least one container that names its image. */
function podSpec(): Props {
  return Schema.preserve({
    required: ['containers'],
    properties: {
      // Upstream's validation patch: at least one container, each with a name and an image.
      containers: { ...Schema.array(container(['name', 'image'])), minItems: 1 },
      initContainers: Schema.array(container(['name'])),
      ephemeralContainers: Schema.array(container(['name'])),
    },
  });
}

function notebookStatus(): Props {
  return Schema.object(
    {
      conditions: Schema.array(
        Schema.object(
          {
            lastProbeTime: Schema.dateTime(),
            lastTransitionTime: Schema.dateTime(),
            message: Schema.string(),
            reason: Schema.string(),
            status: Schema.string(),
            type: Schema.string(),
          },
          { required: ['status', 'type'] },
        ),
      ),
      // A Kubernetes ContainerState (running, terminated, waiting), kept whole.
      containerState: Schema.preserve(),
      readyReplicas: Schema.integer('int32'),
    },
    { required: ['conditions', 'containerState', 'readyReplicas'] },
  );
}

/**
 * The Notebook CRD of kubeflow/notebooks v1.11.0 (`notebooks.kubeflow.org`): namespaced, the
 * versions `v1` (stored), `v1alpha1` and `v1beta1`, all served with the same schema and the status
 * subresource, conversion `None`. The schema carries upstream's required fields and defaults and
 * its validation patch (at least one container, with name and image); the pod template's
 * Kubernetes types are kept whole apart from those fields.
 * @see https://github.com/kubeflow/notebooks/tree/v1.11.0/components/notebook-controller/config/crd
 */
export class NotebookCrd extends CustomResourceDefinition {
  public constructor(scope: Construct, id: string) {
    const schema = (): Props =>
      Schema.resource(
        Schema.object({
          template: Schema.object({ spec: podSpec() }),
        }),
        notebookStatus(),
      );
    super(scope, id, {
      group: NOTEBOOK_API.group,
      kind: NOTEBOOK_API.kind,
      plural: NOTEBOOK_API.plural,
      scope: 'Namespaced',
      labels: NOTEBOOKS_LABELS.options('crds'),
      conversion: { strategy: 'None' },
      versions: NOTEBOOK_API.versions.map((name) => ({
        name,
        served: true,
        storage: name === NOTEBOOK_API.storageVersion,
        statusSubresource: true,
        schema: schema(),
      })),
    });
  }
}
