import { field, show } from '../../core/access';
import { containerRule } from '../../core/define';

/** The tag and digest of an image reference, parsed the way container runtimes read it. */
export function parseImageReference(image: string): { tag?: string; digest?: string } {
  const at = image.indexOf('@');
  const digest = at < 0 ? undefined : image.slice(at + 1);
  const name = at < 0 ? image : image.slice(0, at);
  // A colon before the last slash belongs to a registry port (localhost:5000/app), not a tag.
  const colon = name.lastIndexOf(':');
  const tag = colon > name.lastIndexOf('/') ? name.slice(colon + 1) : undefined;
  return {
    ...(tag === undefined || tag === '' ? {} : { tag }),
    ...(digest === undefined || digest === '' ? {} : { digest }),
  };
}

export const imagePinned = containerRule({
  id: 'platform/image-pinned',
  level: 'error',
  title: 'Images are pinned by tag or digest, never latest',
  rationale:
    'An untagged or `latest` image changes under the same manifest: two nodes may run ' +
    'different code, a rollback does not roll back, and the platform cannot be mirrored for an ' +
    'air-gapped cluster. A digest pins the image even when a tag is also given.',
  remediation:
    "Pin the image to a release tag or digest, taken from the component's versions.ts " +
    '(`registry.example.com/app:1.4.2` or `registry.example.com/app@sha256:...`).',
  checkContainer(c) {
    const image = c.container.image;
    const path = field(c.path, 'image');
    if (typeof image !== 'string' || image.trim() === '') {
      return [{ path, problem: 'must name a pinned image', found: show(image) }];
    }
    const { tag, digest } = parseImageReference(image.trim());
    if (digest !== undefined) {
      return [];
    }
    if (tag === undefined) {
      return [{ path, problem: 'must have a tag or digest', found: show(image) }];
    }
    if (tag === 'latest') {
      return [{ path, problem: 'must not use the latest tag', found: show(image) }];
    }
    return [];
  },
});
