import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ComponentLabelOptions, standardLabels } from './labels';
import { DNS_LABEL } from './validation';

/** Structural-schema shorthands for CRD versions. */
export const Schema = {
  /** A subtree we do not model: kept as is, so nothing a controller reads is pruned. */
  preserve(description?: string): k8s.JsonSchemaProps {
    return {
      type: 'object',
      xKubernetesPreserveUnknownFields: true,
      ...(description ? { description } : {}),
    };
  },
  object(
    properties: Record<string, k8s.JsonSchemaProps>,
    opts: { required?: string[]; description?: string } = {},
  ): k8s.JsonSchemaProps {
    return {
      type: 'object',
      properties,
      ...(opts.required?.length ? { required: opts.required } : {}),
      ...(opts.description ? { description: opts.description } : {}),
    };
  },
  string(description?: string): k8s.JsonSchemaProps {
    return { type: 'string', ...(description ? { description } : {}) };
  },
  /**
   * The top level of a custom resource: apiVersion, kind, metadata, and the given `spec` and
   * `status` (both preserved unless modelled).
   */
  resource(
    spec: k8s.JsonSchemaProps = Schema.preserve(),
    status: k8s.JsonSchemaProps = Schema.preserve(),
    opts: { specRequired?: boolean } = {},
  ): k8s.JsonSchemaProps {
    return Schema.object(
      {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: { type: 'object' },
        spec,
        status,
      },
      opts.specRequired ? { required: ['spec'] } : {},
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

    new k8s.KubeCustomResourceDefinition(this, 'Resource', {
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
    });
  }
}
