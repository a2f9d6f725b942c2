import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { CustomResourceDefinition, Schema } from '../core/crd';
import { POD_DEFAULTS_LABELS } from './private/labels';

type Props = k8s.JsonSchemaProps;

/** The API of PodDefaults, upstream's (`kubeflow.org/v1alpha1`, the only version). */
export const POD_DEFAULT_API = {
  group: 'kubeflow.org',
  version: 'v1alpha1',
  apiVersion: 'kubeflow.org/v1alpha1',
  kind: 'PodDefault',
  plural: 'poddefaults',
} as const;

/**
 * A probe of an injected container: only `grpc.service` carries a default upstream (`''`), and
 * `grpc.port` is required there; the rest of the probe is a Kubernetes core type, kept whole.
 */
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
 * A container injected as an init container or a sidecar (a Kubernetes `Container`): its name is
 * required, its ports are merged by `containerPort` and `protocol` (defaulted to TCP) as in a pod,
 * and the probes carry their gRPC default. The API server validates the rest when the pod is
 * created, so it is kept whole.
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

/** `spec` of a PodDefault: what the webhook merges into every pod its selector matches. */
function podDefaultSpec(): Props {
  const strings = Schema.array(Schema.string());
  return Schema.object(
    {
      annotations: Schema.map(Schema.string()),
      args: strings,
      automountServiceAccountToken: Schema.boolean(),
      command: strings,
      desc: Schema.string(),
      env: Schema.array(
        Schema.preserve({ required: ['name'], properties: { name: Schema.string() } }),
      ),
      envFrom: Schema.array(Schema.preserve()),
      imagePullSecrets: Schema.array(Schema.preserve()),
      initContainers: Schema.array(container()),
      labels: Schema.map(Schema.string()),
      selector: {
        ...Schema.object({
          matchExpressions: Schema.array(
            Schema.object(
              { key: Schema.string(), operator: Schema.string(), values: strings },
              { required: ['key', 'operator'] },
            ),
          ),
          matchLabels: Schema.map(Schema.string()),
        }),
        xKubernetesMapType: 'atomic',
      },
      serviceAccountName: Schema.string(),
      sidecars: Schema.array(container()),
      tolerations: Schema.array(Schema.preserve()),
      volumeMounts: Schema.array(
        Schema.preserve({
          required: ['mountPath', 'name'],
          properties: { mountPath: Schema.string(), name: Schema.string() },
        }),
      ),
      volumes: Schema.array(
        Schema.preserve({ required: ['name'], properties: { name: Schema.string() } }),
      ),
    },
    { required: ['selector'] },
  );
}

/**
 * The PodDefault CRD of kubeflow/dashboard v2.0.0 (`poddefaults.kubeflow.org`): upstream's
 * identity (namespaced, one served and stored version `v1alpha1` with the status subresource)
 * and a structural schema with every field of `spec`, upstream's required lists and defaults.
 * The Kubernetes core types inside (env sources, volumes, tolerations, containers) are kept
 * whole apart from the fields that carry upstream's defaults and required lists.
 * @see https://github.com/kubeflow/dashboard/tree/v2.0.0/components/poddefaults-webhooks
 */
export class PodDefaultCrd extends CustomResourceDefinition {
  public constructor(scope: Construct, id: string) {
    super(scope, id, {
      group: POD_DEFAULT_API.group,
      kind: POD_DEFAULT_API.kind,
      plural: POD_DEFAULT_API.plural,
      scope: 'Namespaced',
      labels: POD_DEFAULTS_LABELS.options('crds'),
      versions: [
        {
          name: POD_DEFAULT_API.version,
          served: true,
          storage: true,
          statusSubresource: true,
          schema: Schema.resource(podDefaultSpec(), { type: 'object' }),
        },
      ],
    });
  }
}
