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

describe('Schema', () => {
  /** The synthesized `openAPIV3Schema` of a one-version CRD with `schema`. */
  function synthesized(schema: ReturnType<typeof Schema.resource>) {
    const { chart, synth } = testChart();
    new CustomResourceDefinition(chart, 'Crd', {
      group: 'example.io',
      kind: 'Widget',
      plural: 'widgets',
      scope: 'Namespaced',
      labels,
      versions: [{ name: 'v1', served: true, storage: true, schema }],
    });
    return findObject(synth(), 'CustomResourceDefinition', undefined, 'widgets.example.io').spec
      .versions[0].schema.openAPIV3Schema;
  }

  test('scalars carry the types and formats upstream declares', () => {
    expect(Schema.string({ maxLength: 64 })).toEqual({ type: 'string', maxLength: 64 });
    expect(Schema.oneOf(['A', 'B'])).toEqual({ type: 'string', enum: ['A', 'B'] });
    expect(Schema.bytes()).toEqual({ type: 'string', format: 'byte' });
    expect(Schema.dateTime()).toEqual({ type: 'string', format: 'date-time' });
    expect(Schema.boolean()).toEqual({ type: 'boolean' });
    expect(Schema.integer()).toEqual({ type: 'integer' });
    expect(Schema.integer('int32')).toEqual({ type: 'integer', format: 'int32' });
  });

  test('nested schemas in items and additionalProperties are written with their JSON keys', () => {
    const root = synthesized(
      Schema.resource(
        Schema.object({
          atomic: Schema.list(Schema.preserve()),
          plain: Schema.array(Schema.string()),
          byName: Schema.listMap(Schema.object({ name: Schema.string() }, { required: ['name'] }), [
            'name',
          ]),
          annotations: Schema.map(Schema.string()),
          nested: Schema.map(Schema.list(Schema.string())),
        }),
      ),
    );
    const p = root.properties.spec.properties;
    expect(p.atomic).toEqual({
      type: 'array',
      items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      'x-kubernetes-list-type': 'atomic',
    });
    expect(p.plain).toEqual({ type: 'array', items: { type: 'string' } });
    expect(p.byName).toEqual({
      type: 'array',
      items: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
    });
    expect(p.annotations).toEqual({ type: 'object', additionalProperties: { type: 'string' } });
    expect(p.nested.additionalProperties).toEqual({
      type: 'array',
      items: { type: 'string' },
      'x-kubernetes-list-type': 'atomic',
    });
  });

  test('a preserved subtree may model some fields and require them', () => {
    expect(Schema.preserve()).toEqual({ type: 'object', xKubernetesPreserveUnknownFields: true });
    expect(
      Schema.preserve({
        description: 'the spec',
        properties: { host: Schema.string() },
        required: ['host'],
      }),
    ).toEqual({
      type: 'object',
      xKubernetesPreserveUnknownFields: true,
      description: 'the spec',
      properties: { host: { type: 'string' } },
      required: ['host'],
    });
    expect(Schema.preserve({ properties: {}, required: [] })).toEqual(Schema.preserve());
  });

  test('the resource root requires what upstream requires, and nothing by default', () => {
    expect(Schema.resource().required).toBeUndefined();
    const root = synthesized(
      Schema.resource(Schema.preserve(), Schema.preserve(), { required: ['metadata', 'spec'] }),
    );
    expect(root.required).toEqual(['metadata', 'spec']);
    expect(Object.keys(root.properties).sort()).toEqual([
      'apiVersion',
      'kind',
      'metadata',
      'spec',
      'status',
    ]);
  });
});
