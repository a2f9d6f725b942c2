import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { CustomResourceDefinition, Schema } from '../core/crd';
import { ComponentLabelOptions } from '../core/labels';
import { crdCategories, ISTIO_CRDS, IstioCrdData, SpecField } from './crd-data';
import { ISTIO_VERSION } from './versions';

/** Labels of the Istio CRDs. */
export const ISTIO_CRD_LABELS: ComponentLabelOptions = {
  name: 'istio',
  component: 'crds',
  version: ISTIO_VERSION,
};

/**
 * Every Istio custom resource type of the pinned release, with the upstream identity. Schemas model
 * the top level (`spec`, `status`) and the few spec fields listed in crd-data.ts; the rest of each
 * spec is preserved, which keeps the schema structural and prunes nothing istiod reads. Validation
 * of the content is istiod's validating webhook's job.
 */
export class IstioCrds extends Construct {
  /** The CRDs by kind. */
  public readonly byKind: ReadonlyMap<string, CustomResourceDefinition>;

  public constructor(scope: Construct, id: string) {
    super(scope, id);
    const byKind = new Map<string, CustomResourceDefinition>();
    for (const data of ISTIO_CRDS) {
      const schema = crdSchema(data);
      byKind.set(
        data.kind,
        new CustomResourceDefinition(this, data.kind, {
          group: data.group,
          kind: data.kind,
          plural: data.plural,
          shortNames: data.shortNames,
          categories: crdCategories(data.group),
          scope: 'Namespaced',
          labels: ISTIO_CRD_LABELS,
          versions: data.versions.map((v) => ({
            name: v.name,
            served: v.served,
            storage: v.storage,
            schema,
            statusSubresource: true,
            printerColumns: data.printerColumns.map((c) => ({
              name: c.name,
              type: c.type,
              jsonPath: c.jsonPath,
            })),
          })),
        }),
      );
    }
    this.byKind = byKind;
  }
}

function fieldSchema(field: SpecField): k8s.JsonSchemaProps {
  switch (field.type) {
    case 'string':
      return field.enum ? Schema.oneOf(field.enum) : Schema.string();
    case 'string-array':
      return Schema.array(Schema.string());
    case 'object':
      return Schema.preserve(field.fields ? { properties: fieldSchemas(field.fields) } : {});
  }
}

function fieldSchemas(
  fields: Readonly<Record<string, SpecField>>,
): Record<string, k8s.JsonSchemaProps> {
  return Object.fromEntries(Object.entries(fields).map(([name, f]) => [name, fieldSchema(f)]));
}

/** The schema shared by every version of a CRD (upstream's versions differ only in name). */
function crdSchema(data: IstioCrdData): k8s.JsonSchemaProps {
  const spec = Schema.preserve({
    description: `Specification of the ${data.kind}; see the Istio ${ISTIO_VERSION} reference.`,
    properties: fieldSchemas(data.specFields),
    required: data.requiredSpecFields,
  });
  return Schema.resource(spec, Schema.preserve(), {
    required: data.specRequired ? ['spec'] : [],
  });
}
