import { synthesize } from '../../../stacks/pipeline';
import { validateEnvironment } from '../../../stacks/config/validate';
import { Manifest } from '../../helpers';

describe('images an organisation maintains', () => {
  test('the server and mc images are settings, and the bill of materials follows them', () => {
    const { rendered } = synthesize({
      name: 'dev',
      preset: 'dev',
      objectStore: {
        type: 'minio',
        images: {
          server: 'registry.example.com/minio/minio:2026.10.1-corp@sha256:' + 'a'.repeat(64),
          client: 'registry.example.com/minio/mc:2026.10.1-corp',
        },
      },
    });
    const objects = rendered.layers.flatMap((l) => l.objects) as Manifest[];
    const sts = objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'minio');
    expect(sts?.spec.template.spec.containers[0].image).toBe(
      'registry.example.com/minio/minio:2026.10.1-corp@sha256:' + 'a'.repeat(64),
    );
    expect(sts?.metadata.labels['app.kubernetes.io/version']).toBe('2026.10.1-corp');
    const job = objects.find(
      (o) => o.kind === 'Job' && o.metadata.name === 'minio-bucket-provisioner',
    );
    expect(job?.spec.template.spec.containers[0].image).toBe(
      'registry.example.com/minio/mc:2026.10.1-corp',
    );
    expect(rendered.images.filter((i) => i.includes('minio'))).toEqual([
      'registry.example.com/minio/mc:2026.10.1-corp',
      'registry.example.com/minio/minio:2026.10.1-corp@sha256:' + 'a'.repeat(64),
    ]);
  });

  test.each([
    'minio/minio:latest',
    'registry.example.com/minio/minio:latest',
    'registry.example.com/minio/minio',
  ])('an unpinned reference is refused: %s', (server) => {
    expect(() =>
      validateEnvironment({
        name: 'dev',
        preset: 'dev',
        objectStore: { type: 'minio', images: { server } },
      }),
    ).toThrow(
      `\`objectStore.images.server\` is not a pinned image reference (got "${server}"). Give registry/repository:tag, optionally @sha256:digest, with a release tag rather than latest.`,
    );
  });
});
