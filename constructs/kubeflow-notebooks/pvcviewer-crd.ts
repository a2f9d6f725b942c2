import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ComponentLabels } from '../core/labels';
import { CustomResourceDefinition, Schema } from '../core/crd';
import { KUBEFLOW_NOTEBOOKS_VERSION } from './versions';

type Props = k8s.JsonSchemaProps;

/** The PVCViewer API: one version, `v1alpha1`, served and stored (upstream's). */
export const PVC_VIEWER_API = {
  group: 'kubeflow.org',
  kind: 'PVCViewer',
  plural: 'pvcviewers',
  version: 'v1alpha1',
  apiVersion: 'kubeflow.org/v1alpha1',
} as const;

/** The parts of the PVC viewer (`app.kubernetes.io/component`). @internal */
export type PvcViewerPart = 'crds' | 'pvcviewer-controller' | 'rbac' | 'certificate';

/** Labels of the PVC viewer's objects: the same name and version as the rest of Notebooks. @internal */
export const PVC_VIEWER_LABELS = new ComponentLabels<PvcViewerPart>({
  name: 'kubeflow-notebooks',
  version: KUBEFLOW_NOTEBOOKS_VERSION,
});

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
 * A Kubernetes `Container`: its name is required, ports merge by `containerPort` and `protocol`
 * (TCP by default) and the probes keep their gRPC default; the API server validates the rest when
 * the controller creates the viewer's Deployment, so it is kept whole.
 */
function container(): Props {
  return Schema.preserve({
    required: ['name'],
    properties: {
      name: Schema.string(),
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

/** `spec.podSpec`: the viewer's pod; the defaulting webhook fills it when it is left empty. */
function podSpec(): Props {
  return Schema.preserve({
    required: ['containers'],
    properties: {
      containers: Schema.array(container()),
      initContainers: Schema.array(container()),
      ephemeralContainers: Schema.array(container()),
    },
  });
}

function spec(): Props {
  return Schema.object(
    {
      networking: Schema.object({
        basePrefix: Schema.string(),
        rewrite: Schema.string(),
        targetPort: {
          anyOf: [{ type: 'integer' }, { type: 'string' }],
          xKubernetesIntOrString: true,
        },
        timeout: Schema.string(),
      }),
      podSpec: podSpec(),
      pvc: Schema.string(),
      rwoScheduling: { type: 'boolean', default: false },
    },
    { required: ['pvc', 'rwoScheduling'] },
  );
}

function status(): Props {
  return Schema.object(
    {
      // Copies of the viewer Deployment's conditions (`DeploymentCondition`).
      conditions: Schema.array(
        Schema.object(
          {
            lastTransitionTime: Schema.dateTime(),
            lastUpdateTime: Schema.dateTime(),
            message: Schema.string(),
            reason: Schema.string(),
            status: Schema.string(),
            type: Schema.string(),
          },
          { required: ['status', 'type'] },
        ),
      ),
      ready: { type: 'boolean', default: false },
      url: Schema.string(),
    },
    { required: ['ready'] },
  );
}

/**
 * The PVCViewer CRD of kubeflow/notebooks v1.11.0 (`pvcviewers.kubeflow.org`): namespaced, one
 * version `v1alpha1` (served, stored) with the status subresource. The schema carries upstream's
 * defaults (`rwoScheduling` and `status.ready` false, the pod spec's port protocol and gRPC probe
 * service) and required fields; the pod spec's Kubernetes types are kept whole apart from those.
 *
 * Upstream's kustomization patches the CRD to conversion `Webhook` at `/convert`; the controller
 * never serves that path (controller-runtime registers it only for a kind with several versions)
 * and the API server never converts a kind with one version, so we keep conversion `None` and the
 * CRD layer free of a reference to a Service and a CA that only exist in a later layer.
 * @see https://github.com/kubeflow/notebooks/tree/v1.11.0/components/pvcviewer-controller/config/crd
 */
export class PvcViewerCrd extends CustomResourceDefinition {
  public constructor(scope: Construct, id: string) {
    super(scope, id, {
      group: PVC_VIEWER_API.group,
      kind: PVC_VIEWER_API.kind,
      plural: PVC_VIEWER_API.plural,
      scope: 'Namespaced',
      labels: PVC_VIEWER_LABELS.options('crds'),
      conversion: { strategy: 'None' },
      versions: [
        {
          name: PVC_VIEWER_API.version,
          served: true,
          storage: true,
          statusSubresource: true,
          schema: Schema.resource(spec(), status()),
        },
      ],
    });
  }
}
