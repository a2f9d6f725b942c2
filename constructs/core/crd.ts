import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ComponentLabelOptions, standardLabels } from './labels';
import { DNS_LABEL } from './validation';

type Props = k8s.JsonSchemaProps;

/**
 * cdk8s passes `items` and `additionalProperties` through without renaming the camel-case keys of
 * a `JsonSchemaProps`, so nested schemas in those two places are written in their JSON form.
 */
function json(schema: Props): Record<string, unknown> {
  return k8s.toJson_JsonSchemaProps(schema) ?? {};
}

/**
 * Structural-schema building blocks for CRD versions, with the types upstream projects use. A
 * component's CRD file states only its upstream schema data with them.
 */
export const Schema = {
  /**
   * A subtree we do not model: kept as is, so nothing a controller reads is pruned. The fields
   * given in `properties` are modelled; their siblings stay preserved.
   */
  preserve(
    opts: {
      readonly description?: string;
      readonly properties?: Record<string, Props>;
      readonly required?: readonly string[];
    } = {},
  ): Props {
    return {
      type: 'object',
      xKubernetesPreserveUnknownFields: true,
      ...(opts.description ? { description: opts.description } : {}),
      ...(opts.properties && Object.keys(opts.properties).length > 0
        ? { properties: opts.properties }
        : {}),
      ...(opts.required?.length ? { required: [...opts.required] } : {}),
    };
  },
  object(
    properties: Record<string, Props>,
    opts: { readonly required?: readonly string[]; readonly description?: string } = {},
  ): Props {
    return {
      type: 'object',
      properties,
      ...(opts.required?.length ? { required: [...opts.required] } : {}),
      ...(opts.description ? { description: opts.description } : {}),
    };
  },
  string(opts: { readonly maxLength?: number } = {}): Props {
    return { type: 'string', ...opts };
  },
  /** One of `values`. */
  oneOf(values: readonly string[]): Props {
    return { type: 'string', enum: [...values] };
  },
  /** Base64-encoded bytes (PEM blobs, CSRs). */
  bytes(): Props {
    return { type: 'string', format: 'byte' };
  },
  dateTime(): Props {
    return { type: 'string', format: 'date-time' };
  },
  boolean(): Props {
    return { type: 'boolean' };
  },
  integer(format?: 'int32' | 'int64'): Props {
    return { type: 'integer', ...(format ? { format } : {}) };
  },
  /** A list without a list type (Kubernetes' default: atomic). */
  array(item: Props): Props {
    return { type: 'array', items: json(item) };
  },
  /** A list replaced as a whole on merge (`x-kubernetes-list-type: atomic`). */
  list(item: Props): Props {
    return { type: 'array', items: json(item), xKubernetesListType: 'atomic' };
  },
  /** A list of objects merged by `keys` (`x-kubernetes-list-type: map`), e.g. conditions by type. */
  listMap(item: Props, keys: readonly string[]): Props {
    return {
      type: 'array',
      items: json(item),
      xKubernetesListType: 'map',
      xKubernetesListMapKeys: [...keys],
    };
  },
  /** A map whose values all have the schema `value`. */
  map(value: Props): Props {
    return { type: 'object', additionalProperties: json(value) };
  },
  /**
   * The top level of a custom resource: apiVersion, kind, metadata, and the given `spec` and
   * `status` (both preserved unless modelled); `required` names required top-level fields.
   */
  resource(
    spec: Props = Schema.preserve(),
    status: Props = Schema.preserve(),
    opts: { readonly required?: readonly string[] } = {},
  ): Props {
    return Schema.object(
      {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: { type: 'object' },
        spec,
        status,
      },
      { required: opts.required },
    );
  },
};

export interface CrdVersion {
  readonly name: string;
  readonly served: boolean;
  readonly storage: boolean;
  /** @default - `Schema.resource()`: spec and status preserved */
  readonly schema?: k8s.JsonSchemaProps;
  /** @default false */
  readonly statusSubresource?: boolean;
  readonly scaleSubresource?: k8s.CustomResourceSubresourceScale;
  readonly printerColumns?: readonly k8s.CustomResourceColumnDefinition[];
  readonly deprecated?: boolean;
  readonly deprecationWarning?: string;
  /**
   * JSON paths of the fields a list may select on (`kubectl get --field-selector`), such as
   * `.spec.issuerRef.name` (Kubernetes 1.32 and later).
   * @default - none
   */
  readonly selectableFields?: readonly string[];
}

/** The identity of a custom resource type exactly as upstream declares it. */
export interface CustomResourceDefinitionProps {
  readonly group: string;
  readonly kind: string;
  readonly plural: string;
  /** @default - kind in lower case */
  readonly singular?: string;
  /** @default - `${kind}List` */
  readonly listKind?: string;
  readonly shortNames?: readonly string[];
  readonly categories?: readonly string[];
  readonly scope: 'Namespaced' | 'Cluster';
  readonly versions: readonly CrdVersion[];
  /** @default - no conversion (`None`) */
  readonly conversion?: k8s.CustomResourceConversion;
  readonly labels: ComponentLabelOptions;
  readonly annotations?: Record<string, string>;
}

/** What other constructs need to create custom resources of a type. */
export interface ICustomResourceType {
  readonly group: string;
  readonly kind: string;
  readonly plural: string;
  /** `group/version` of the storage version. */
  readonly apiVersion: string;
}

/**
 * A CustomResourceDefinition with the upstream identity (group, names, scope, versions,
 * subresources) and a structural schema. Identity mistakes throw here, not at install time.
 */
export class CustomResourceDefinition extends Construct implements ICustomResourceType {
  public readonly group: string;
  public readonly kind: string;
  public readonly plural: string;
  public readonly apiVersion: string;
  /** `<plural>.<group>`, the object name Kubernetes requires. */
  public readonly crdName: string;

  public constructor(scope: Construct, id: string, props: CustomResourceDefinitionProps) {
    super(scope, id);
    const problems: string[] = [];
    const storage = props.versions.filter((v) => v.storage);
    if (storage.length !== 1) {
      problems.push(`exactly one storage version is required (got ${storage.length})`);
    }
    if (props.versions.some((v) => v.storage && !v.served)) {
      problems.push('the storage version must be served');
    }
    if (!DNS_LABEL.test(props.plural)) {
      problems.push(`plural must be a lower-case DNS label (got "${props.plural}")`);
    }
    if (!props.group.includes('.')) {
      problems.push(`group must be a DNS subdomain with a dot (got "${props.group}")`);
    }
    if (problems.length > 0) {
      throw new Error(`CRD ${props.kind}.${props.group}: ${problems.join('; ')}`);
    }
    this.group = props.group;
    this.kind = props.kind;
    this.plural = props.plural;
    this.apiVersion = `${props.group}/${storage[0].name}`;
    this.crdName = `${props.plural}.${props.group}`;

    const resource: k8s.KubeCustomResourceDefinitionProps = {
      metadata: {
        name: this.crdName,
        labels: standardLabels(props.labels),
        ...(props.annotations ? { annotations: props.annotations } : {}),
      },
      spec: {
        group: props.group,
        names: {
          kind: props.kind,
          listKind: props.listKind ?? `${props.kind}List`,
          plural: props.plural,
          singular: props.singular ?? props.kind.toLowerCase(),
          ...(props.shortNames?.length ? { shortNames: [...props.shortNames] } : {}),
          ...(props.categories?.length ? { categories: [...props.categories] } : {}),
        },
        scope: props.scope,
        ...(props.conversion ? { conversion: props.conversion } : {}),
        versions: props.versions.map((v) => ({
          name: v.name,
          served: v.served,
          storage: v.storage,
          ...(v.deprecated ? { deprecated: true } : {}),
          ...(v.deprecationWarning ? { deprecationWarning: v.deprecationWarning } : {}),
          schema: { openApiv3Schema: v.schema ?? Schema.resource() },
          ...(v.statusSubresource || v.scaleSubresource
            ? {
                subresources: {
                  ...(v.statusSubresource ? { status: {} } : {}),
                  ...(v.scaleSubresource ? { scale: v.scaleSubresource } : {}),
                },
              }
            : {}),
          ...(v.printerColumns?.length ? { additionalPrinterColumns: [...v.printerColumns] } : {}),
        })),
      },
    };
    new KubeCrdWithSelectableFields(this, 'Resource', resource, props.versions);
  }
}

/**
 * The Kubernetes 1.27 types of cdk8s-plus-27 predate a version's `selectableFields`, and their
 * `toJson` drops the keys they do not know (JSON patches included), so they are added after it.
 */
class KubeCrdWithSelectableFields extends k8s.KubeCustomResourceDefinition {
  public constructor(
    scope: Construct,
    id: string,
    props: k8s.KubeCustomResourceDefinitionProps,
    private readonly versions: readonly CrdVersion[],
  ) {
    super(scope, id, props);
  }

  public override toJson(): Record<string, unknown> {
    const json = super.toJson() as { spec: { versions: Record<string, unknown>[] } };
    json.spec.versions = json.spec.versions.map((version, i) => {
      const fields = this.versions[i].selectableFields;
      if (!fields?.length) return version;
      const withFields = { ...version, selectableFields: fields.map((jsonPath) => ({ jsonPath })) };
      return Object.fromEntries(Object.entries(withFields).sort(([a], [b]) => a.localeCompare(b)));
    });
    return json;
  }
}
