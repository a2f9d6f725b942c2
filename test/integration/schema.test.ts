import Ajv, { ValidateFunction } from 'ajv';
import { ENVIRONMENTS, allObjects, renderEnv } from '../helpers';

type Model = new (data: unknown) => { validate(): void };

/**
 * The apiVersion a model class validates. Istio's v1 APIs are earlier schemas promoted unchanged;
 * the CommonJS schema package models some kinds only at the earlier version.
 */
function modelledVersion(Model: Model): string {
  return (new Model({}) as unknown as { apiVersion: string }).apiVersion;
}

function load(path: string, kind: string): Model | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(path) as Record<string, Model>)[kind];
  } catch {
    return undefined;
  }
}

/** Schema packages for the custom resources the platform creates, by API group. */
const CRD_MODELS: Record<string, (version: string, kind: string) => Model | undefined> = {
  'cert-manager.io': (v, k) => load(`@kubernetes-models/cert-manager/cert-manager.io/${v}/${k}`, k),
  'acme.cert-manager.io': (v, k) =>
    load(`@kubernetes-models/cert-manager/acme.cert-manager.io/${v}/${k}`, k),
  'networking.istio.io': (v, k) =>
    load(`@kubernetes-models/istio/networking.istio.io/${v === 'v1' ? 'v1beta1' : v}/${k}`, k),
  'security.istio.io': (v, k) =>
    load(`@kubernetes-models/istio/security.istio.io/${v}/${k}`, k) ??
    load(`@kubernetes-models/istio/security.istio.io/v1beta1/${k}`, k),
  'telemetry.istio.io': (v, k) =>
    load(`@kubernetes-models/istio/telemetry.istio.io/${v === 'v1' ? 'v1alpha1' : v}/${k}`, k),
};

/** The kubernetes-models class for a built-in kind, or undefined for a custom resource. */
function modelFor(apiVersion: string, kind: string): Model | undefined {
  return load(`kubernetes-models/${apiVersion === 'v1' ? 'v1' : apiVersion}/${kind}`, kind);
}

/** The schema-package class for a custom resource, if a package models its group. */
function crdModelFor(apiVersion: string, kind: string): Model | undefined {
  const [group, version] = apiVersion.split('/');
  return CRD_MODELS[group]?.(version, kind);
}

describe.each(ENVIRONMENTS)(
  'every object of $name validates against the Kubernetes schemas',
  ({ env }) => {
    const rendered = renderEnv(env);
    const objects = allObjects(rendered);

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

    test('custom resources validate against their CRD schema package where one exists', () => {
      const custom = objects.filter((o) => !modelFor(o.apiVersion, o.kind));
      const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
      const crdSchemas = new Map<string, ValidateFunction>();
      for (const crd of objects.filter((o) => o.kind === 'CustomResourceDefinition')) {
        for (const v of crd.spec.versions as {
          name: string;
          schema: { openAPIV3Schema: object };
        }[]) {
          crdSchemas.set(
            `${crd.spec.group}/${v.name}/${crd.spec.names.kind}`,
            ajv.compile(v.schema.openAPIV3Schema),
          );
        }
      }
      let validatedByCrd = 0;
      const errors: string[] = [];
      const unmodelled: string[] = [];
      for (const o of custom) {
        const Model = crdModelFor(o.apiVersion, o.kind);
        if (!Model) {
          // No schema package (Kubeflow's kinds): the CRD of the output, whose schema the
          // component tests compare with upstream's field by field.
          const schema = crdSchemas.get(`${o.apiVersion}/${o.kind}`);
          if (!schema) {
            unmodelled.push(`${o.apiVersion} ${o.kind}`);
            continue;
          }
          const valid: boolean = schema(JSON.parse(JSON.stringify(o)));
          if (!valid) {
            errors.push(
              `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}: ${ajv.errorsText(schema.errors)}`,
            );
          }
          validatedByCrd++;
          continue;
        }
        try {
          new Model({ ...o, apiVersion: modelledVersion(Model) }).validate();
        } catch (err) {
          errors.push(
            `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}: ${(err as Error).message}`,
          );
        }
      }
      expect(errors).toEqual([]);
      if (custom.some((o) => o.kind === 'Profile')) expect(validatedByCrd).toBeGreaterThan(0);
      // Every custom resource the platform creates has a schema package or its CRD's schema.
      expect([...new Set(unmodelled)]).toEqual([]);
    });

    test('every object is a built-in kind or a custom resource of a CRD in the output', () => {
      // The CRDs of the output, and those of components the cluster brings (checked by install.sh).
      const crdKinds = new Set([
        ...objects
          .filter((o) => o.kind === 'CustomResourceDefinition')
          .map((o) => `${o.spec.group}/${o.spec.names.kind}`),
        ...rendered.requiredCrds.map((c) => `${c.group}/${c.kind}`),
      ]);
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

test('the CRD schema check catches an invalid custom resource', () => {
  const Model = crdModelFor('cert-manager.io/v1', 'Certificate');
  if (!Model) throw new Error('no model for Certificate');
  const bad = {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: { name: 'x' },
    spec: { secretName: 'x', dnsNames: 'not-a-list', issuerRef: { name: 'i' } },
  };
  expect(() => new Model(bad).validate()).toThrow(/dnsNames/);
});
