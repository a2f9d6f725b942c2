import { IConstruct } from 'constructs';

/** A Secret the user must create before installing, because the platform only references it. */
export interface SecretPrerequisite {
  readonly namespace: string;
  readonly name: string;
  readonly keys: readonly string[];
  /** Who reads it, for the install instructions. */
  readonly purpose: string;
}

/** A CRD that must already be installed, because a component the cluster brings owns it. */
export interface CrdPrerequisite {
  /** `<plural>.<group>`, e.g. `clusterissuers.cert-manager.io`. */
  readonly name: string;
  readonly group: string;
  readonly kind: string;
  readonly purpose: string;
}

/**
 * An ext-authz provider that the mesh config of an Istio the platform does not manage must
 * contain, because a component's policies name it.
 */
export interface MeshProviderPrerequisite {
  readonly name: string;
  /** Namespace and name of the ConfigMap holding the mesh config, e.g. `istio-system/istio`. */
  readonly namespace: string;
  readonly configMap: string;
  /** The entry to add under `meshConfig.extensionProviders`, as YAML. */
  readonly entry: string;
}

/** A namespace that must exist, because a component the cluster brings runs in it. */
export interface NamespacePrerequisite {
  readonly name: string;
  readonly purpose: string;
}

interface Registry {
  readonly namespaces: Map<string, NamespacePrerequisite>;
  readonly secrets: Map<string, SecretPrerequisite>;
  readonly crds: Map<string, CrdPrerequisite>;
  readonly meshProviders: Map<string, MeshProviderPrerequisite>;
}

const registries = new WeakMap<IConstruct, Registry>();

/**
 * What must exist in the cluster before the platform is applied. Collected per construct tree,
 * so the install script can check it and the integrity tests know these references are intended.
 */
export class Prerequisites {
  public static of(scope: IConstruct): Prerequisites {
    return new Prerequisites(scope.node.root);
  }

  private constructor(private readonly root: IConstruct) {}

  private registry(): Registry {
    let r = registries.get(this.root);
    if (!r) {
      r = { namespaces: new Map(), secrets: new Map(), crds: new Map(), meshProviders: new Map() };
      registries.set(this.root, r);
    }
    return r;
  }

  public requireSecret(secret: SecretPrerequisite): void {
    const map = this.registry().secrets;
    const id = `${secret.namespace}/${secret.name}`;
    const previous = map.get(id);
    const keys = [...new Set([...(previous?.keys ?? []), ...secret.keys])].sort();
    map.set(id, {
      ...secret,
      keys,
      // Each purpose once, however many clients state it.
      purpose: previous
        ? [...new Set([...previous.purpose.split('; '), secret.purpose])].join('; ')
        : secret.purpose,
    });
  }

  public requireCrd(crd: CrdPrerequisite): void {
    this.registry().crds.set(crd.name, crd);
  }

  public requireNamespace(namespace: NamespacePrerequisite): void {
    this.registry().namespaces.set(namespace.name, namespace);
  }

  /** Sorted by name. */
  public namespaces(): NamespacePrerequisite[] {
    return [...(registries.get(this.root)?.namespaces.values() ?? [])].sort((a, b) =>
      a.name.localeCompare(b.name),
    );
  }

  public requireMeshProvider(provider: MeshProviderPrerequisite): void {
    this.registry().meshProviders.set(provider.name, provider);
  }

  /** Sorted by name. */
  public meshProviders(): MeshProviderPrerequisite[] {
    return [...(registries.get(this.root)?.meshProviders.values() ?? [])].sort((a, b) =>
      a.name.localeCompare(b.name),
    );
  }

  /** Sorted by namespace and name. */
  public secrets(): SecretPrerequisite[] {
    return [...(registries.get(this.root)?.secrets.values() ?? [])].sort((a, b) =>
      `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`),
    );
  }

  /** Sorted by name. */
  public crds(): CrdPrerequisite[] {
    return [...(registries.get(this.root)?.crds.values() ?? [])].sort((a, b) =>
      a.name.localeCompare(b.name),
    );
  }
}
