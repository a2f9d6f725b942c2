import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { CustomResourceDefinition, Schema } from '../core/crd';
import { DASHBOARD_LABELS } from './private/labels';

/**
 * A quantity as the Kubernetes API writes it in a schema (`anyOf` integer or string, with the
 * quantity pattern): the values of `resourceQuotaSpec.hard`.
 */
const QUANTITY: k8s.JsonSchemaProps = {
  anyOf: [{ type: 'integer' }, { type: 'string' }],
  pattern:
    '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$',
  xKubernetesIntOrString: true,
};

/**
 * The schema of a Profile, the same in v1 and v1beta1 (controller-gen v0.16.4 output of
 * `components/profile-controller/api/*\/profile_types.go` at v2.0.0). It declares no defaults and
 * no enums; its required fields are the owner's `kind` and `name` and a scope selector
 * expression's `operator` and `scopeName`. A plugin's `spec` is kept whole.
 */
function profileSchema(): k8s.JsonSchemaProps {
  const owner: k8s.JsonSchemaProps = {
    ...Schema.object(
      {
        apiGroup: Schema.string(),
        kind: Schema.string(),
        name: Schema.string(),
        namespace: Schema.string(),
      },
      { required: ['kind', 'name'] },
    ),
    xKubernetesMapType: 'atomic',
  };
  const plugin = Schema.object({
    apiVersion: Schema.string(),
    kind: Schema.string(),
    spec: Schema.preserve(),
  });
  const scopeSelector: k8s.JsonSchemaProps = {
    ...Schema.object({
      matchExpressions: Schema.array(
        Schema.object(
          {
            operator: Schema.string(),
            scopeName: Schema.string(),
            values: Schema.array(Schema.string()),
          },
          { required: ['operator', 'scopeName'] },
        ),
      ),
    }),
    xKubernetesMapType: 'atomic',
  };
  const spec = Schema.object({
    owner,
    plugins: Schema.array(plugin),
    resourceQuotaSpec: Schema.object({
      hard: Schema.map(QUANTITY),
      scopeSelector,
      scopes: Schema.array(Schema.string()),
    }),
  });
  const status = Schema.object({
    conditions: Schema.array(
      Schema.object({ message: Schema.string(), status: Schema.string(), type: Schema.string() }),
    ),
  });
  return Schema.resource(spec, status);
}

/**
 * `profiles.kubeflow.org`: cluster-scoped, v1 served and stored, v1beta1 served (KFAM still
 * talks v1beta1), conversion `None` (the schemas are identical), status subresource on both.
 * Never delete it: deleting the CRD deletes every Profile and with it every profile namespace.
 * @see https://github.com/kubeflow/dashboard/tree/v2.0.0/components/profile-controller/manifests/kustomize/base/crd
 */
export class ProfileCrd extends CustomResourceDefinition {
  public constructor(scope: Construct, id: string) {
    super(scope, id, {
      group: 'kubeflow.org',
      kind: 'Profile',
      plural: 'profiles',
      scope: 'Cluster',
      conversion: { strategy: 'None' },
      labels: DASHBOARD_LABELS.options('profile-crd'),
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          statusSubresource: true,
          schema: profileSchema(),
        },
        {
          name: 'v1beta1',
          served: true,
          storage: false,
          statusSubresource: true,
          schema: profileSchema(),
        },
      ],
    });
  }
}
