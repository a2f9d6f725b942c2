import { k8s } from 'cdk8s-plus-27';
import { Schema } from '../../core/crd';

type Props = k8s.JsonSchemaProps;

/** Small schema pieces that the cert-manager CRDs repeat, as upstream declares them. @internal */
export const parts = {
  /** A list of strings, atomic as upstream declares its lists. */
  strings: (): Props => Schema.list(Schema.string()),
  /** A map of strings (labels, annotations, node selectors). */
  stringMap: (): Props => Schema.map(Schema.string()),
  /** A string the API server fills in with `value` when it is missing. */
  defaulted: (value: string): Props => ({ ...Schema.string(), default: value }),
  /** `{name, key?}` of a Secret (in the issuer's or the cluster resource namespace). */
  secretKeySelector: (): Props =>
    Schema.object({ key: Schema.string(), name: Schema.string() }, { required: ['name'] }),
  /** `{name}` of an object in the same namespace. */
  localReference: (): Props => Schema.object({ name: Schema.string() }, { required: ['name'] }),
  /** `{name, audiences?}` of a ServiceAccount whose bound token cert-manager requests. */
  serviceAccountRef: (): Props =>
    Schema.object(
      { audiences: Schema.list(Schema.string()), name: Schema.string() },
      { required: ['name'] },
    ),
};
