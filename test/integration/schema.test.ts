import { ENVIRONMENTS, allObjects, renderEnv } from '../helpers';

/** The kubernetes-models class for a built-in kind, or undefined for a custom resource. */
function modelFor(
  apiVersion: string,
  kind: string,
): (new (data: unknown) => { validate(): void }) | undefined {
  const path = apiVersion === 'v1' ? `v1/${kind}` : `${apiVersion}/${kind}`;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(`kubernetes-models/${path}`) as Record<
      string,
      new (data: unknown) => { validate(): void }
    >;
    return mod[kind];
  } catch {
    return undefined;
  }
}

describe.each(ENVIRONMENTS)(
  'every object of $name validates against the Kubernetes schemas',
  ({ env }) => {
    const objects = allObjects(renderEnv(env));

    test('built-in kinds validate with kubernetes-models', () => {
      const errors: string[] = [];
      let validated = 0;
      for (const o of objects) {
        const Model = modelFor(o.apiVersion, o.kind);
        if (!Model) continue;
        try {
          new Model(o).validate();
          validated++;
        } catch (err) {
          errors.push(
            `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}: ${(err as Error).message}`,
          );
        }
      }
      expect(errors).toEqual([]);
      expect(validated).toBeGreaterThan(10);
    });

    test('every object is a built-in kind or a custom resource of a CRD in the output', () => {
      const crdKinds = new Set(
        objects
          .filter((o) => o.kind === 'CustomResourceDefinition')
          .map((o) => `${o.spec.group}/${o.spec.names.kind}`),
      );
      const unknown = objects.filter(
        (o) =>
          !modelFor(o.apiVersion, o.kind) &&
          !crdKinds.has(`${o.apiVersion.split('/')[0]}/${o.kind}`),
      );
      expect(unknown.map((o) => `${o.apiVersion} ${o.kind}`)).toEqual([]);
    });
  },
);

test('the schema check catches an invalid object', () => {
  const Model = modelFor('apps/v1', 'Deployment');
  if (!Model) throw new Error('no model for Deployment');
  expect(() =>
    new Model({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'x' },
      spec: { replicas: 'two' },
    }).validate(),
  ).toThrow();
});
