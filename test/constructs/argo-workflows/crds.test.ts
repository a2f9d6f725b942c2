import {
  CustomResourceDefinition,
  ICustomResourceDefinition,
} from 'kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition';
import { ARGO_WORKFLOWS_API, ArgoWorkflows } from '../../../constructs/argo-workflows';
import { Layer } from '../../../constructs/core/layers';
import { FakeNamespace, FakeObjectStore } from '../../fakes';
import { LayeredApp } from '../../helpers';
import { admissionProblems, compareSchema, describeSchema } from '../poddefaults/schema-facts';
import { CRD_FACTS, GENERATED_SCHEMAS, MINIMAL_SCHEMAS } from './facts';
import { Manifest, buildArgo } from './helpers';

const built = buildArgo();
const objects = built.objects();
const crd = (name: string): Manifest => objects.find('CustomResourceDefinition', undefined, name);
const schemaOf = (name: string): Manifest => crd(name).spec.versions[0].schema.openAPIV3Schema;
const crds = objects.ofKind('CustomResourceDefinition');
const fieldSet = (f: string | undefined) => (f ?? '').split(' ').sort();

describe('argoproj.io CRDs against argo-workflows v3.7.3 (manifests/base/crds/minimal)', () => {
  test('exactly the eight CRDs upstream installs, nothing else in the group', () => {
    expect(crds.map((c) => c.metadata.name).sort()).toEqual(CRD_FACTS.map((f) => f.name));
    expect(built.argo.crds?.types.workflows.apiVersion).toBe(ARGO_WORKFLOWS_API.apiVersion);
  });

  test.each(CRD_FACTS.map((f) => [f.name, f] as const))(
    '%s: group, names, scope, the one version, subresources and printer columns',
    (name, facts) => {
      const c = crd(name);
      expect(c.spec.group).toBe('argoproj.io');
      expect(c.spec.names).toEqual(facts.names);
      expect(c.spec.scope).toBe(facts.scope);
      expect(c.spec.conversion).toBeUndefined();
      expect(c.spec.versions).toHaveLength(1);
      expect({ ...c.spec.versions[0], schema: undefined }).toEqual({
        ...facts.version,
        schema: undefined,
      });
    },
  );

  test.each(Object.keys(MINIMAL_SCHEMAS))(
    '%s: the minimal schema, spec (and status) kept whole and atomic',
    (name) => {
      expect(schemaOf(name)).toEqual(MINIMAL_SCHEMAS[name]);
    },
  );

  describe.each(Object.keys(GENERATED_SCHEMAS))('%s (generated in full upstream)', (name) => {
    // Upstream's `below` (empty-name defaults, one enum) is left to the controller.
    const { facts } = GENERATED_SCHEMAS[name];
    const schema = schemaOf(name);

    test("carries upstream's required lists where it models the schema", () => {
      const [ours, upstream] = compareSchema(schema, facts).rules;
      expect(ours).toEqual(upstream);
    });

    test("models upstream's fields down to each artifact and parameter", () => {
      const { fields } = describeSchema(schema);
      for (const [path, expected] of Object.entries(facts.fields)) {
        expect([path, fieldSet(fields[path])]).toEqual([path, fieldSet(expected)]);
      }
    });

    test('keeps artifacts and valueFrom whole: no default and no enum, so nothing is pruned there', () => {
      const { constraints } = describeSchema(schema);
      expect(constraints.filter((c) => c[0] !== 'required')).toEqual([]);
      for (const path of facts.keptWhole) {
        const node = path.split('.').reduce<Manifest>((n, part) => {
          const key = part.replace(/(\[\]|\{\})$/, '');
          let next = n.properties[key] as Manifest;
          if (part.endsWith('[]')) next = next.items;
          if (part.endsWith('{}')) next = next.additionalProperties;
          return next;
        }, schema);
        expect([path, node['x-kubernetes-preserve-unknown-fields']]).toEqual([path, true]);
      }
    });
  });

  test('every CRD validates against the Kubernetes CustomResourceDefinition schema', () => {
    for (const c of crds)
      expect(() =>
        new CustomResourceDefinition(c as ICustomResourceDefinition).validate(),
      ).not.toThrow();
  });

  describe('admission', () => {
    test('a Workflow as Kubeflow Pipelines submits it is admitted whole; one without spec is refused', () => {
      const wf = {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Workflow',
        metadata: { generateName: 'hello-', namespace: 'team-a' },
        spec: {
          entrypoint: 'entrypoint',
          serviceAccountName: 'pipeline-runner',
          podMetadata: { labels: { 'pipelines.kubeflow.org/v2_component': 'true' } },
          templates: [{ name: 'entrypoint', dag: { tasks: [{ name: 'a', template: 'a' }] } }],
        },
        status: { phase: 'Running', nodes: { x: { id: 'x', phase: 'Running' } } },
      };
      const schema = schemaOf('workflows.argoproj.io');
      expect(admissionProblems(wf, schema)).toEqual([]);
      const noSpec: Partial<typeof wf> = { ...wf };
      delete noSpec.spec;
      expect(admissionProblems(noSpec, schema)).toEqual(['<root>: required field spec is missing']);
    });

    test('a WorkflowTaskResult as the wait container writes it keeps every field', () => {
      const result = {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'WorkflowTaskResult',
        metadata: { name: 'hello-1234', labels: { 'workflows.argoproj.io/workflow': 'hello' } },
        outputs: {
          artifacts: [
            {
              name: 'main-logs',
              s3: { key: 'private-artifacts/team-a/hello/main.log', accessKeySecret: { key: 'k' } },
            },
          ],
          parameters: [{ name: 'out', value: '1', valueFrom: { path: '/tmp/out' } }],
          exitCode: '0',
          result: 'done',
        },
        phase: 'Succeeded',
        progress: '1/1',
      };
      expect(admissionProblems(result, schemaOf('workflowtaskresults.argoproj.io'))).toEqual([]);
      const unnamed = structuredClone(result);
      delete (unnamed.outputs.artifacts[0] as { name?: string }).name;
      expect(admissionProblems(unnamed, schemaOf('workflowtaskresults.argoproj.io'))).toEqual([
        'outputs.artifacts[0]: required field name is missing',
      ]);
    });

    test('a WorkflowEventBinding needs an event selector and a template to submit', () => {
      const schema = schemaOf('workfloweventbindings.argoproj.io');
      const binding = {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'WorkflowEventBinding',
        metadata: { name: 'on-push' },
        spec: {
          event: { selector: 'payload.message != ""' },
          submit: {
            workflowTemplateRef: { name: 'build' },
            arguments: { parameters: [{ name: 'm', valueFrom: { event: 'payload.message' } }] },
          },
        },
      };
      expect(admissionProblems(binding, schema)).toEqual([]);
      expect(admissionProblems({ ...binding, spec: { event: {}, submit: {} } }, schema)).toEqual([
        'spec.event: required field selector is missing',
        'spec.submit: required field workflowTemplateRef is missing',
      ]);
    });

    test('a WorkflowArtifactGCTask with its results by node', () => {
      const schema = schemaOf('workflowartifactgctasks.argoproj.io');
      const task = {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'WorkflowArtifactGCTask',
        metadata: { name: 'hello-artgc-1' },
        spec: {
          artifactsByNode: {
            'hello-1': {
              archiveLocation: { s3: { bucket: 'mlpipeline' } },
              artifacts: { out: { name: 'out', s3: { key: 'a/b' } } },
            },
          },
        },
        status: {
          artifactResultsByNode: {
            'hello-1': { artifactResults: { out: { name: 'out', success: true } } },
          },
        },
      };
      expect(admissionProblems(task, schema)).toEqual([]);
      const pruned = { ...task, status: { artifactResultsByNode: { n: { other: 1 } } } };
      expect(admissionProblems(pruned, schema)).toEqual([
        'status.artifactResultsByNode.n.other: unknown field, would be pruned',
      ]);
    });
  });

  test('in a platform, the CRDs are in the CRD layer and nothing else is', () => {
    const platform = new LayeredApp();
    new ArgoWorkflows(platform.chartFor(Layer.PLATFORM_CONTROLLERS), 'Argo', {
      namespace: new FakeNamespace('kubeflow'),
      objectStore: new FakeObjectStore(),
    });
    const inCrds = platform.objectsIn(Layer.CRDS).all;
    expect(inCrds.map((o) => o.kind)).toEqual(Array(8).fill('CustomResourceDefinition'));
    expect(
      platform.objectsIn(Layer.PLATFORM_CONTROLLERS).ofKind('CustomResourceDefinition'),
    ).toEqual([]);
  });

  test('crds: false leaves them out', () => {
    const without = buildArgo({ props: { crds: false } });
    expect(without.argo.crds).toBeUndefined();
    expect(without.objects().ofKind('CustomResourceDefinition')).toEqual([]);
  });
});
