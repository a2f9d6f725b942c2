import { k8s } from 'cdk8s-plus-27';

type Props = k8s.JsonSchemaProps;

/**
 * cdk8s passes `items` and `additionalProperties` through without renaming the camel-case keys of
 * a `JsonSchemaProps`, so nested schemas in those two places are written in their JSON form.
 */
function json(schema: Props): Record<string, unknown> {
  return k8s.toJson_JsonSchemaProps(schema) ?? {};
}

/**
 * Structural-schema building blocks for cert-manager's CRDs: the types upstream uses (lists are
 * atomic, conditions are a map keyed by type) and preserved subtrees where we do not model.
 * @internal
 */
export const T = {
  string: (opts: { maxLength?: number } = {}): Props => ({ type: 'string', ...opts }),
  /** Base64-encoded bytes (PEM blobs, CSRs). */
  bytes: (): Props => ({ type: 'string', format: 'byte' }),
  dateTime: (): Props => ({ type: 'string', format: 'date-time' }),
  boolean: (): Props => ({ type: 'boolean' }),
  integer: (): Props => ({ type: 'integer' }),
  int32: (): Props => ({ type: 'integer', format: 'int32' }),
  oneOf: (values: readonly string[]): Props => ({ type: 'string', enum: [...values] }),
  list: (item: Props): Props => ({
    type: 'array',
    items: json(item),
    xKubernetesListType: 'atomic',
  }),
  strings: (): Props => T.list(T.string()),
  stringMap: (): Props => ({ type: 'object', additionalProperties: { type: 'string' } }),
  object: (properties: Record<string, Props>, required: readonly string[] = []): Props => ({
    type: 'object',
    properties,
    ...(required.length > 0 ? { required: [...required] } : {}),
  }),
  /** A subtree we do not model: every field in it is kept, none pruned. */
  preserve: (): Props => ({ type: 'object', xKubernetesPreserveUnknownFields: true }),
  /** `{name, kind?, group?}`, as Certificates, Orders and Challenges name their issuer. */
  issuerRef: (): Props =>
    T.object({ group: T.string(), kind: T.string(), name: T.string() }, ['name']),
  /** `{name, key?}` of a Secret in the issuer's (or cluster resource) namespace. */
  secretKeySelector: (): Props => T.object({ key: T.string(), name: T.string() }, ['name']),
  /** `status.conditions`: a list map keyed by `type`, as upstream declares it. */
  conditions: (opts: { observedGeneration: boolean }): Props => ({
    type: 'array',
    items: json(
      T.object(
        {
          lastTransitionTime: T.dateTime(),
          message: T.string(),
          ...(opts.observedGeneration
            ? { observedGeneration: { type: 'integer', format: 'int64' } }
            : {}),
          reason: T.string(),
          status: T.oneOf(['True', 'False', 'Unknown']),
          type: T.string(),
        },
        ['status', 'type'],
      ),
    ),
    xKubernetesListType: 'map',
    xKubernetesListMapKeys: ['type'],
  }),
  /** The top level of a resource: apiVersion, kind, metadata, spec and status. */
  root: (spec: Props, status: Props, required: readonly string[] = []): Props =>
    T.object(
      {
        apiVersion: T.string(),
        kind: T.string(),
        metadata: { type: 'object' },
        spec,
        status,
      },
      required,
    ),
};
