import { IConstruct } from 'constructs';

/** One pinned upstream image. Versions are data: each component lists its images in `versions.ts`. */
export interface ImageRef {
  /** Registry host, e.g. `quay.io`. */
  readonly registry: string;
  /** Path inside the registry, e.g. `minio/minio`. */
  readonly repository: string;
  /** The upstream release tag. Never `latest`. */
  readonly tag: string;
  /** Content digest (`sha256:...`) where upstream publishes one we have verified. */
  readonly digest?: string;
}

/** Construct context key: a registry that mirrors every upstream image under the same path. */
export const REGISTRY_MIRROR_CONTEXT = 'mlops-blueprint:registryMirror';

/**
 * The image reference as a container runtime pulls it. With a mirror, the upstream registry host is
 * replaced and the repository path kept: `quay.io/minio/minio:T` becomes `<mirror>/minio/minio:T`.
 */
export function imageReference(ref: ImageRef, registryMirror?: string): string {
  const registry = registryMirror ? registryMirror.replace(/\/+$/, '') : ref.registry;
  const digest = ref.digest ? `@${ref.digest}` : '';
  return `${registry}/${ref.repository}:${ref.tag}${digest}`;
}

const IMAGE_REFERENCE =
  /^([a-z0-9][a-z0-9.-]*(?::[0-9]+)?)\/([a-z0-9][a-z0-9._/-]*):([\w][\w.-]{0,127})(?:@(sha256:[a-f0-9]{64}))?$/;

/**
 * An image reference as written in settings (`registry/repository:tag[@sha256:...]`) as an
 * `ImageRef`; `undefined` unless it names a registry and a tag other than `latest`.
 */
export function parseImageReference(reference: string): ImageRef | undefined {
  const m = IMAGE_REFERENCE.exec(reference);
  if (!m || m[3] === 'latest') return undefined;
  return { registry: m[1], repository: m[2], tag: m[3], ...(m[4] ? { digest: m[4] } : {}) };
}

const boms = new WeakMap<IConstruct, Set<string>>();

/**
 * Every image the platform can run, collected while constructs resolve their images. This includes
 * images that only appear in flags, ConfigMaps or custom resources, which a scan of pod specs would
 * miss; it is what an air-gapped install mirrors.
 */
export class BillOfMaterials {
  /** The bill of the construct tree `scope` belongs to. */
  public static of(scope: IConstruct): BillOfMaterials {
    return new BillOfMaterials(scope.node.root);
  }

  private constructor(private readonly root: IConstruct) {}

  public add(image: string): void {
    let set = boms.get(this.root);
    if (!set) {
      set = new Set();
      boms.set(this.root, set);
    }
    set.add(image);
  }

  /** Sorted, so that the output is deterministic. */
  public images(): string[] {
    return [...(boms.get(this.root) ?? [])].sort();
  }
}

/**
 * Resolves an image for use in `scope`: applies the registry mirror set in the construct context
 * and records the result in the bill of materials. Call it for every image a component deploys or
 * names, including images passed in flags or config.
 */
export function resolveImage(scope: IConstruct, ref: ImageRef): string {
  const mirror: unknown = scope.node.tryGetContext(REGISTRY_MIRROR_CONTEXT);
  const image = imageReference(ref, typeof mirror === 'string' && mirror ? mirror : undefined);
  BillOfMaterials.of(scope).add(image);
  return image;
}

/**
 * A component README's version table, generated from its `versions.ts` so that the docs never
 * state another version than the code deploys: one row per image with what runs it.
 */
export function imageTable<K extends string>(
  images: Readonly<Record<K, ImageRef>>,
  usedBy: Readonly<Record<K, string>>,
): string {
  const rows = (Object.keys(images) as K[]).map(
    (key) => `| ${key} | \`${imageReference(images[key])}\` | ${usedBy[key]} |`,
  );
  return ['| image | reference | used by |', '| --- | --- | --- |', ...rows].join('\n');
}
