import { describeSchema } from '../cert-manager/schema-walk';
import {
  PROFILE_ATOMIC_MAPS,
  PROFILE_CRD_FACTS,
  PROFILE_PRESERVED,
  PROFILE_SCHEMA_CONSTRAINTS,
  PROFILE_SCHEMA_FIELDS,
  QUANTITY_FACT,
} from './crd-facts';
import { Manifest, build } from './helpers';

const built = build();
const crd = built.crds().find('CustomResourceDefinition', undefined, PROFILE_CRD_FACTS.name);
const versions = crd.spec.versions as Manifest[];
const sorted = (list: readonly (readonly unknown[])[]) =>
  [...list]
    .map((c) => [c[0], c[1], c[0] === 'required' ? [...(c[2] as string[])].sort() : c[2]])
    .sort((a, b) =>
      `${String(a[0])} ${String(a[1])}`.localeCompare(`${String(b[0])} ${String(b[1])}`),
    );

/** Paths of nodes with `key: value`. */
function pathsWith(root: Manifest, key: string, value: unknown): string[] {
  const out: string[] = [];
  const walk = (node: Manifest, path: string) => {
    if (node[key] === value) out.push(path);
    for (const [k, child] of Object.entries((node.properties ?? {}) as Record<string, Manifest>)) {
      walk(child, path === '<root>' ? k : `${path}.${k}`);
    }
    if (node.items) walk(node.items, `${path}[]`);
    if (typeof node.additionalProperties === 'object') walk(node.additionalProperties, `${path}{}`);
  };
  walk(root, '<root>');
  return out;
}

describe('Profile CRD against kubeflow/dashboard v2.0.0', () => {
  test('is installed in the CRD layer, not with the controllers', () => {
    expect(built.objects().ofKind('CustomResourceDefinition')).toEqual([]);
  });

  test('has upstream identity: group, names, scope, conversion', () => {
    expect(crd.spec.group).toBe(PROFILE_CRD_FACTS.group);
    expect(crd.spec.names).toEqual(PROFILE_CRD_FACTS.names);
    expect(crd.spec.scope).toBe(PROFILE_CRD_FACTS.scope);
    expect(crd.spec.conversion).toEqual(PROFILE_CRD_FACTS.conversion);
  });

  test('serves v1 (storage) and v1beta1, both with the status subresource', () => {
    expect(
      versions.map((v) => [v.name, v.served, v.storage, v.subresources?.status !== undefined]),
    ).toEqual(PROFILE_CRD_FACTS.versions);
    for (const v of versions) expect(v.subresources).toEqual({ status: {} });
  });

  test.each(['v1', 'v1beta1'])('%s: defaults, enums and required fields path by path', (name) => {
    const schema = versions.find((v) => v.name === name)?.schema.openAPIV3Schema as Manifest;
    const ours = describeSchema(schema);
    expect(sorted(ours.constraints)).toEqual(sorted(PROFILE_SCHEMA_CONSTRAINTS));
    expect(ours.constraints.filter((c) => c[0] !== 'required')).toEqual([]);
  });

  test.each(['v1', 'v1beta1'])('%s: every field with its type, nothing pruned', (name) => {
    const schema = versions.find((v) => v.name === name)?.schema.openAPIV3Schema as Manifest;
    const ours = describeSchema(schema);
    expect(ours.fields).toEqual(PROFILE_SCHEMA_FIELDS);
    expect(ours.preserved).toEqual(PROFILE_PRESERVED);
    expect(pathsWith(schema, 'x-kubernetes-map-type', 'atomic')).toEqual(PROFILE_ATOMIC_MAPS);
    expect(
      schema.properties.spec.properties.resourceQuotaSpec.properties.hard.additionalProperties,
    ).toEqual(QUANTITY_FACT);
  });

  test('the quantity pattern accepts what a ResourceQuota accepts', () => {
    const pattern = new RegExp(QUANTITY_FACT.pattern);
    for (const ok of ['4', '500m', '8Gi', '1.5', '1e3']) expect(pattern.test(ok)).toBe(true);
    for (const bad of ['4 cpus', 'Gi', '']) expect(pattern.test(bad)).toBe(false);
  });

  test('the construct offers the storage version for Profiles it creates', () => {
    expect(built.dashboard.profileCrd.apiVersion).toBe('kubeflow.org/v1');
    expect(built.dashboard.profileCrd.crdName).toBe('profiles.kubeflow.org');
  });
});
