import { IConstruct } from 'constructs';

/** A Secret the user must create before installing, because the platform only references it. */
export interface SecretPrerequisite {
  readonly namespace: string;
  readonly name: string;
  readonly keys: readonly string[];
  /** Who reads it, for the install instructions. */
  readonly purpose: string;
}

const registries = new WeakMap<IConstruct, Map<string, SecretPrerequisite>>();

/**
 * What must exist in the cluster before the platform is applied. Collected per construct tree,
 * so the install script can check it and the integrity tests know these references are intended.
 */
export class Prerequisites {
  public static of(scope: IConstruct): Prerequisites {
    return new Prerequisites(scope.node.root);
  }

  private constructor(private readonly root: IConstruct) {}

  public requireSecret(secret: SecretPrerequisite): void {
    let map = registries.get(this.root);
    if (!map) {
      map = new Map();
      registries.set(this.root, map);
    }
    const id = `${secret.namespace}/${secret.name}`;
    const previous = map.get(id);
    const keys = [...new Set([...(previous?.keys ?? []), ...secret.keys])].sort();
    map.set(id, {
      ...secret,
      keys,
      purpose: previous ? `${previous.purpose}; ${secret.purpose}` : secret.purpose,
    });
  }

  /** Sorted by namespace and name. */
  public secrets(): SecretPrerequisite[] {
    return [...(registries.get(this.root)?.values() ?? [])].sort((a, b) =>
      `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`),
    );
  }
}
