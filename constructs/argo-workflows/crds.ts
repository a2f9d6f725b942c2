import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { CustomResourceDefinition, ICustomResourceType, Schema } from '../core/crd';
import { ARGO_WORKFLOWS_LABELS } from './private/labels';

type Props = k8s.JsonSchemaProps;

/** The Argo Workflows API: one version, served and stored, no conversion (upstream's). */
export const ARGO_WORKFLOWS_API = {
  group: 'argoproj.io',
  version: 'v1alpha1',
  apiVersion: 'argoproj.io/v1alpha1',
} as const;

/**
 * `spec` or `status` of the "minimal" CRDs: kept whole and replaced as a whole on merge
 * (`x-kubernetes-map-type: atomic`), as upstream declares them.
 */
function atomic(): Props {
  return { ...Schema.preserve(), xKubernetesMapType: 'atomic' };
}

/**
 * An `Artifact`: `name` is required; its location (s3, gcs, git, http, ...) is kept whole. The
 * controller and the executor validate a location when they use it.
 */
function artifact(): Props {
  return Schema.preserve({ properties: { name: Schema.string() }, required: ['name'] });
}

/** A `Parameter`, as upstream; `valueFrom` (a ConfigMap key, an expression, ...) is kept whole. */
function parameter(): Props {
  return Schema.object(
    {
      default: Schema.string(),
      description: Schema.string(),
      enum: Schema.array(Schema.string()),
      globalName: Schema.string(),
      name: Schema.string(),
      value: Schema.string(),
      valueFrom: Schema.preserve(),
    },
    { required: ['name'] },
  );
}

/** The top level of an argoproj.io resource: `metadata` is required everywhere upstream. */
function resource(
  fields: Record<string, Props>,
  required: readonly string[] = ['metadata', 'spec'],
): Props {
  return Schema.object(
    { apiVersion: Schema.string(), kind: Schema.string(), metadata: { type: 'object' }, ...fields },
    { required },
  );
}

/** `submit` of a WorkflowEventBinding: the template to run, with arguments and metadata. */
function eventSubmit(): Props {
  return Schema.object(
    {
      arguments: Schema.object({
        artifacts: Schema.array(artifact()),
        parameters: Schema.array(parameter()),
      }),
      metadata: Schema.object({
        annotations: Schema.map(Schema.string()),
        finalizers: Schema.array(Schema.string()),
        generateName: Schema.string(),
        labels: Schema.map(Schema.string()),
        name: Schema.string(),
        namespace: Schema.string(),
      }),
      workflowTemplateRef: Schema.object({
        clusterScope: Schema.boolean(),
        name: Schema.string(),
      }),
    },
    { required: ['workflowTemplateRef'] },
  );
}

/** One custom resource type of Argo Workflows, as upstream declares it. */
export interface ArgoCrdFacts {
  readonly kind: string;
  readonly plural: string;
  readonly shortNames: readonly string[];
  readonly scope: 'Namespaced' | 'Cluster';
  readonly statusSubresource: boolean;
  readonly printerColumns?: readonly k8s.CustomResourceColumnDefinition[];
  readonly schema: () => Props;
}

/**
 * The eight CRDs of `manifests/base/crds/minimal` at v3.7.3, the variant Kubeflow Pipelines
 * 2.16.1 installs (`third-party/argo/installs/cluster`). Five of them keep `spec` and `status`
 * whole (`x-kubernetes-preserve-unknown-fields`, atomic): the full schemas of Workflow,
 * WorkflowTemplate, ClusterWorkflowTemplate, CronWorkflow and WorkflowTaskSet exceed what the
 * API server stores in an annotation for client-side apply (kubernetes/kubernetes#82292), and the
 * controller validates workflows itself. The other three are generated in full upstream; we model
 * their structure and required fields down to each artifact and parameter, and keep an artifact's
 * location whole (its only defaults upstream are `name: ""` of Secret and ConfigMap key
 * selectors, which is Go's zero value: nothing the controller reads depends on them).
 */
export const ARGO_WORKFLOWS_CRDS = {
  workflows: {
    kind: 'Workflow',
    plural: 'workflows',
    shortNames: ['wf'],
    scope: 'Namespaced',
    // Upstream writes `subresources: {}`: the controller updates status with the object.
    statusSubresource: false,
    printerColumns: [
      {
        description: 'Status of the workflow',
        jsonPath: '.status.phase',
        name: 'Status',
        type: 'string',
      },
      {
        description: 'When the workflow was started',
        format: 'date-time',
        jsonPath: '.status.startedAt',
        name: 'Age',
        type: 'date',
      },
      {
        description:
          'Human readable message indicating details about why the workflow is in this condition.',
        jsonPath: '.status.message',
        name: 'Message',
        type: 'string',
      },
    ],
    schema: () => resource({ spec: atomic(), status: atomic() }),
  },
  workflowTemplates: {
    kind: 'WorkflowTemplate',
    plural: 'workflowtemplates',
    shortNames: ['wftmpl'],
    scope: 'Namespaced',
    statusSubresource: false,
    schema: () => resource({ spec: atomic() }),
  },
  clusterWorkflowTemplates: {
    kind: 'ClusterWorkflowTemplate',
    plural: 'clusterworkflowtemplates',
    shortNames: ['clusterwftmpl', 'cwft'],
    scope: 'Cluster',
    statusSubresource: false,
    schema: () => resource({ spec: atomic() }),
  },
  cronWorkflows: {
    kind: 'CronWorkflow',
    plural: 'cronworkflows',
    shortNames: ['cwf', 'cronwf'],
    scope: 'Namespaced',
    statusSubresource: false,
    schema: () => resource({ spec: atomic(), status: atomic() }),
  },
  workflowTaskResults: {
    kind: 'WorkflowTaskResult',
    plural: 'workflowtaskresults',
    shortNames: [],
    scope: 'Namespaced',
    statusSubresource: false,
    // Written by the executor's wait container; the fields sit at the top level.
    schema: () =>
      resource(
        {
          message: Schema.string(),
          outputs: Schema.object({
            artifacts: Schema.array(artifact()),
            exitCode: Schema.string(),
            parameters: Schema.array(parameter()),
            result: Schema.string(),
          }),
          phase: Schema.string(),
          progress: Schema.string(),
        },
        ['metadata'],
      ),
  },
  workflowTaskSets: {
    kind: 'WorkflowTaskSet',
    plural: 'workflowtasksets',
    shortNames: ['wfts'],
    scope: 'Namespaced',
    statusSubresource: true,
    schema: () => resource({ spec: atomic(), status: atomic() }),
  },
  workflowArtifactGcTasks: {
    kind: 'WorkflowArtifactGCTask',
    plural: 'workflowartifactgctasks',
    shortNames: ['wfat'],
    scope: 'Namespaced',
    statusSubresource: true,
    schema: () =>
      resource({
        spec: Schema.object({
          artifactsByNode: Schema.map(
            Schema.object({
              archiveLocation: Schema.preserve(),
              artifacts: Schema.map(artifact()),
            }),
          ),
        }),
        status: Schema.object({
          artifactResultsByNode: Schema.map(
            Schema.object({
              artifactResults: Schema.map(
                Schema.object(
                  { error: Schema.string(), name: Schema.string(), success: Schema.boolean() },
                  { required: ['name'] },
                ),
              ),
            }),
          ),
        }),
      }),
  },
  workflowEventBindings: {
    kind: 'WorkflowEventBinding',
    plural: 'workfloweventbindings',
    shortNames: ['wfeb'],
    scope: 'Namespaced',
    statusSubresource: false,
    schema: () =>
      resource({
        spec: Schema.object(
          {
            event: Schema.object({ selector: Schema.string() }, { required: ['selector'] }),
            submit: eventSubmit(),
          },
          { required: ['event'] },
        ),
      }),
  },
} as const satisfies Record<string, ArgoCrdFacts>;

export type ArgoCrdKey = keyof typeof ARGO_WORKFLOWS_CRDS;

/**
 * The CRDs the workflow controller of Argo Workflows v3.7.3 watches and writes, each with
 * upstream's identity (`argoproj.io`, names, short names, scope, `v1alpha1` served and stored,
 * subresources, printer columns) and the schema described at `ARGO_WORKFLOWS_CRDS`.
 * @see https://github.com/argoproj/argo-workflows/tree/v3.7.3/manifests/base/crds/minimal
 */
export class ArgoWorkflowsCrds extends Construct {
  /** Each type, by the key of `ARGO_WORKFLOWS_CRDS`, for constructs that create such objects. */
  public readonly types: Readonly<Record<ArgoCrdKey, ICustomResourceType>>;

  public constructor(scope: Construct, id: string) {
    super(scope, id);
    const types: Partial<Record<ArgoCrdKey, ICustomResourceType>> = {};
    for (const [key, facts] of Object.entries(ARGO_WORKFLOWS_CRDS) as [
      ArgoCrdKey,
      ArgoCrdFacts,
    ][]) {
      types[key] = new CustomResourceDefinition(this, facts.kind, {
        group: ARGO_WORKFLOWS_API.group,
        kind: facts.kind,
        plural: facts.plural,
        shortNames: facts.shortNames,
        scope: facts.scope,
        labels: ARGO_WORKFLOWS_LABELS.options('crds'),
        versions: [
          {
            name: ARGO_WORKFLOWS_API.version,
            served: true,
            storage: true,
            statusSubresource: facts.statusSubresource,
            printerColumns: facts.printerColumns,
            schema: facts.schema(),
          },
        ],
      });
    }
    this.types = types as Record<ArgoCrdKey, ICustomResourceType>;
  }
}
