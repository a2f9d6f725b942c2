import { asString, dig } from './access';
import { KubeObject, ObjectIndexView } from './types';

/**
 * The object set indexed once, so that cross-object rules stay linear: the gate runs over about
 * ten thousand objects for a thousand tenants, and a rule that scanned every object for every
 * namespace would be quadratic.
 */
export class ObjectIndex implements ObjectIndexView {
  private readonly byKind = new Map<string, KubeObject[]>();
  private readonly policiesByNamespace = new Map<string, KubeObject[]>();

  constructor(objects: readonly KubeObject[]) {
    for (const obj of objects) {
      const kind = obj.kind;
      if (typeof kind !== 'string') {
        continue;
      }
      push(this.byKind, kind, obj);
      if (kind === 'NetworkPolicy') {
        // An unnamespaced policy lands in whatever namespace it is applied to; only "default"
        // is a safe guess for a manifest.
        const namespace = asString(dig(obj, 'metadata', 'namespace')) ?? 'default';
        push(this.policiesByNamespace, namespace, obj);
      }
    }
  }

  ofKind(kind: string): readonly KubeObject[] {
    return this.byKind.get(kind) ?? [];
  }

  networkPoliciesIn(namespace: string): readonly KubeObject[] {
    return this.policiesByNamespace.get(namespace) ?? [];
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list === undefined) {
    map.set(key, [value]);
  } else {
    list.push(value);
  }
}
