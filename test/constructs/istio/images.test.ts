import { CORE_IMAGES } from '../../../constructs/core/versions';
import {
  BillOfMaterials,
  imageReference,
  REGISTRY_MIRROR_CONTEXT,
} from '../../../constructs/core/images';
import { ISTIO_IMAGES, ISTIO_VERSION, splitImage } from '../../../constructs/istio';
import { injectorConfig, istioFixture, Manifest, synth } from './helpers';

const POD_KINDS = ['Deployment', 'DaemonSet'];

function containerImages(objects: Manifest[]): string[] {
  return objects
    .filter((o) => POD_KINDS.includes(o.kind))
    .flatMap((o) => [
      ...(o.spec.template.spec.initContainers ?? []),
      ...o.spec.template.spec.containers,
    ])
    .map((c: Manifest) => c.image);
}

function proxyImageOf(objects: Manifest[], name?: string): string {
  const { values } = injectorConfig(objects, name);
  return `${values.global.hub}/${values.global.proxy.image}:${values.global.tag}`;
}

describe('images', () => {
  test('one Istio version for every image', () => {
    for (const ref of Object.values(ISTIO_IMAGES)) {
      expect(ref.tag).toBe(ISTIO_VERSION);
      expect(ref.registry).toBe('docker.io');
    }
    expect(ISTIO_VERSION).toBe('1.30.1');
  });

  test('every image, including the injected proxy, is pinned to versions.ts', () => {
    const fixture = istioFixture();
    const objects = synth(fixture.chart);
    // The Istio images, and (in the bill) the core kubectl image of the startup check.
    const pinned = [...Object.values(ISTIO_IMAGES), CORE_IMAGES.kubectl].map((ref) =>
      imageReference(ref),
    );
    expect(new Set(containerImages(objects))).toEqual(
      new Set([
        'docker.io/istio/pilot:1.30.1',
        'docker.io/istio/install-cni:1.30.1',
        'docker.io/istio/proxyv2:1.30.1',
      ]),
    );
    for (const image of containerImages(objects)) expect(pinned).toContain(image);
    expect(proxyImageOf(objects)).toBe(imageReference(ISTIO_IMAGES.proxy));
    expect(BillOfMaterials.of(fixture.chart).images()).toEqual([...pinned].sort());
  });

  test('a registry mirror replaces the registry of every image, the injected proxy included', () => {
    const mirror = 'registry.internal:5000/mirror';
    const fixture = istioFixture({}, { [REGISTRY_MIRROR_CONTEXT]: mirror });
    const objects = synth(fixture.chart);
    for (const image of containerImages(objects)) {
      expect(image.startsWith(`${mirror}/`)).toBe(true);
    }
    expect(proxyImageOf(objects)).toBe(`${mirror}/istio/proxyv2:1.30.1`);
    expect(BillOfMaterials.of(fixture.chart).images()).toEqual([
      `${mirror}/istio/install-cni:1.30.1`,
      `${mirror}/istio/pilot:1.30.1`,
      `${mirror}/istio/proxyv2:1.30.1`,
      `${mirror}/kubectl:v1.34.1`,
    ]);
  });

  test('splitting an image for the injector keeps registry ports and digests', () => {
    expect(splitImage('registry.internal:5000/mirror/istio/proxyv2:1.30.1')).toEqual({
      hub: 'registry.internal:5000/mirror/istio',
      name: 'proxyv2',
      tag: '1.30.1',
    });
    const digest = `sha256:${'a'.repeat(64)}`;
    const split = splitImage(`docker.io/istio/proxyv2:1.30.1@${digest}`);
    expect(`${split.hub}/${split.name}:${split.tag}`).toBe(
      `docker.io/istio/proxyv2:1.30.1@${digest}`,
    );
    expect(() => splitImage('proxyv2')).toThrow('Image "proxyv2" must be <registry>/<path>:<tag>.');
  });
});
