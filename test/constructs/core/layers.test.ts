import { Construct } from 'constructs';
import { Testing } from 'cdk8s';
import { LAYERS, Layer, layerInfo, scopeInLayer } from '../../../constructs/core/layers';

describe('layers', () => {
  test('are numbered in install order', () => {
    expect(LAYERS.map((l) => l.id)).toEqual([
      '01-crds',
      '02-namespaces',
      '03-infrastructure',
      '04-infrastructure-config',
      '05-identity',
      '06-platform-controllers',
      '07-platform-resources',
      '08-tenants',
    ]);
    expect(layerInfo(Layer.PLATFORM_CONTROLLERS).order).toBe(6);
  });

  test('scopeInLayer falls back to the component itself outside a platform', () => {
    const component = new Construct(Testing.app(), 'Component');
    expect(scopeInLayer(component, Layer.CRDS)).toBe(component);
  });
});
