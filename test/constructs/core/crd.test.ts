import { CustomResourceDefinition, Schema } from '../../../constructs/core/crd';
import { findObject, testChart } from '../../helpers';

const labels = { name: 'example', component: 'crd' };

describe('CustomResourceDefinition', () => {
  test('renders the upstream identity and a structural schema that preserves unmodelled fields', () => {
    const { chart, synth } = testChart();
    const crd = new CustomResourceDefinition(chart, 'Crd', {
      group: 'example.io',
      kind: 'Widget',
      plural: 'widgets',
      shortNames: ['wd'],
      categories: ['all'],
      scope: 'Namespaced',
      labels,
      versions: [
        { name: 'v1alpha1', served: true, storage: false, deprecated: true },
        {
          name: 'v1',
          served: true,
          storage: true,
          statusSubresource: true,
          printerColumns: [{ name: 'Ready', type: 'string', jsonPath: '.status.ready' }],
          schema: Schema.resource(
            Schema.object(
              { size: { type: 'integer' }, template: Schema.preserve() },
              { required: ['size'] },
            ),
          ),
        },
      ],
    });
    expect(crd.apiVersion).toBe('example.io/v1');
    const obj = findObject(synth(), 'CustomResourceDefinition', undefined, 'widgets.example.io');
    expect(obj.spec.names).toEqual({
      kind: 'Widget',
      listKind: 'WidgetList',
      plural: 'widgets',
      singular: 'widget',
      shortNames: ['wd'],
      categories: ['all'],
    });
    expect(obj.spec.scope).toBe('Namespaced');
    const v1 = obj.spec.versions[1];
    expect(v1.subresources).toEqual({ status: {} });
    expect(v1.additionalPrinterColumns).toEqual([
      { name: 'Ready', type: 'string', jsonPath: '.status.ready' },
    ]);
    const spec = v1.schema.openAPIV3Schema.properties.spec;
    expect(spec.required).toEqual(['size']);
    expect(spec.properties.template['x-kubernetes-preserve-unknown-fields']).toBe(true);
    expect(
      v1.schema.openAPIV3Schema.properties.status['x-kubernetes-preserve-unknown-fields'],
    ).toBe(true);
    expect(obj.spec.versions[0]).toMatchObject({
      name: 'v1alpha1',
      storage: false,
      deprecated: true,
    });
  });

  test.each([
    [
      [{ name: 'v1', served: true, storage: false }],
      'exactly one storage version is required (got 0)',
    ],
    [[{ name: 'v1', served: false, storage: true }], 'the storage version must be served'],
  ])('rejects bad versions: %j', (versions, message) => {
    const { chart } = testChart();
    expect(
      () =>
        new CustomResourceDefinition(chart, 'Crd', {
          group: 'example.io',
          kind: 'W',
          plural: 'ws',
          scope: 'Cluster',
          labels,
          versions,
        }),
    ).toThrow(message);
  });

  test('rejects a plural that is not a DNS label and a group without a dot', () => {
    const { chart } = testChart();
    expect(
      () =>
        new CustomResourceDefinition(chart, 'Crd', {
          group: 'example',
          kind: 'W',
          plural: 'Ws',
          scope: 'Cluster',
          labels,
          versions: [{ name: 'v1', served: true, storage: true }],
        }),
    ).toThrow(
      'CRD W.example: plural must be a lower-case DNS label (got "Ws"); group must be a DNS subdomain with a dot (got "example")',
    );
  });
});
