import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { CustomResourceDefinition, Schema } from '../core/crd';
import { TRAINJOB_MANAGERS } from './names';
import { TRAINER_LABELS } from './private/labels';

type Props = k8s.JsonSchemaProps;

/** The API group and version of every Trainer kind (`pkg/apis/trainer/v1alpha1`). */
export const TRAINER_GROUP = 'trainer.kubeflow.org';
export const TRAINER_API_VERSION = `${TRAINER_GROUP}/v1alpha1`;

const IMMUTABLE = { rule: 'self == oldSelf', message: 'field is immutable' };

const withRules = (schema: Props, ...rules: k8s.ValidationRule[]): Props => ({
  ...schema,
  xKubernetesValidations: rules,
});

const str = (opts: { min?: number; max?: number } = {}): Props => ({
  type: 'string',
  ...(opts.min !== undefined ? { minLength: opts.min } : {}),
  ...(opts.max !== undefined ? { maxLength: opts.max } : {}),
});

const stringMap = (): Props => Schema.map({ type: 'string' });

/** `metav1.ObjectMeta` as controller-gen writes it inside a template. */
const templateMeta = (): Props =>
  Schema.object({
    annotations: stringMap(),
    finalizers: Schema.array({ type: 'string' }),
    labels: stringMap(),
    name: { type: 'string' },
    namespace: { type: 'string' },
  });

/** A list keyed by `name` whose items are kept whole but must have a name. */
const namedList = (maxItems?: number, item: Props = Schema.preserve()): Props => ({
  // The API server refuses a list-map whose key is not a property of its items.
  ...Schema.listMap(
    {
      ...item,
      properties: { name: { type: 'string' }, ...(item.properties ?? {}) },
      required: [...new Set(['name', ...(item.required ?? [])])],
    },
    ['name'],
  ),
  ...(maxItems !== undefined ? { maxItems } : {}),
});

/** `[]corev1.EnvVar` keyed by name (`valueFrom` kept as is). */
const envList = (): Props =>
  namedList(
    128,
    Schema.object({
      name: { type: 'string' },
      value: { type: 'string' },
      valueFrom: Schema.preserve(),
    }),
  );

const quantityMap = (): Props => Schema.map({ xKubernetesIntOrString: true });

/** `DatasetInitializer` and `ModelInitializer` have the same fields. */
const initializerStep = (): Props =>
  Schema.object({
    storageUri: str({ max: 2048 }),
    env: envList(),
    secretRef: {
      ...Schema.object({ name: { type: 'string', default: '' } }),
      xKubernetesMapType: 'atomic',
    },
  });

const stringList = (): Props => ({
  ...Schema.list({ type: 'string', maxLength: 65536 }),
  maxItems: 128,
});

/** `ContainerPatch`: what a runtime patch may change in a named container. */
const containerPatch = (): Props =>
  Schema.object(
    {
      name: str({ min: 1, max: 253 }),
      env: envList(),
      volumeMounts: namedList(
        128,
        Schema.preserve({
          properties: { name: { type: 'string' }, mountPath: { type: 'string' } },
          required: ['mountPath'],
        }),
      ),
      securityContext: Schema.preserve(),
    },
    { required: ['name'] },
  );

/**
 * `PodSpecPatch`: the pod fields a runtime patch may set (TrainJob v2.2.0 API). Upstream also
 * marks `volumes`, `initContainers`, `containers`, `imagePullSecrets` and `securityContext`
 * immutable with CEL; here those subtrees are kept whole (`x-kubernetes-preserve-unknown-fields`),
 * whose size the API server cannot bound when it estimates a rule's cost, and a patch reaches
 * 16 x 100 of them, so only `serviceAccountName` keeps its rule.
 */
const podSpecPatch = (): Props =>
  Schema.object({
    serviceAccountName: withRules(str({ max: 253 }), IMMUTABLE),
    volumes: namedList(128),
    initContainers: namedList(64, containerPatch()),
    containers: namedList(64, containerPatch()),
    imagePullSecrets: namedList(64, Schema.object({ name: { type: 'string', default: '' } })),
    securityContext: Schema.preserve(),
    nodeSelector: stringMap(),
    affinity: Schema.preserve(),
    tolerations: { ...Schema.list(Schema.preserve()), maxItems: 128 },
    schedulingGates: namedList(16, Schema.object({ name: { type: 'string' } })),
  });

/**
 * `RuntimePatch` (2.2's replacement of `podTemplateOverrides`): patches keyed by `manager`, each
 * reaching JobSet, Job and pod metadata and a restricted pod spec per replicated job.
 */
const runtimePatch = (): Props =>
  Schema.object(
    {
      manager: withRules(str({ min: 1, max: 253 }), IMMUTABLE),
      time: Schema.dateTime(),
      trainingRuntimeSpec: Schema.object({
        template: Schema.object({
          metadata: templateMeta(),
          spec: Schema.object({
            replicatedJobs: {
              ...Schema.listMap(
                Schema.object(
                  {
                    name: str({ min: 1, max: 253 }),
                    template: Schema.object({
                      metadata: templateMeta(),
                      spec: Schema.object({
                        template: Schema.object({
                          metadata: templateMeta(),
                          spec: podSpecPatch(),
                        }),
                      }),
                    }),
                  },
                  { required: ['name'] },
                ),
                ['name'],
              ),
              maxItems: 100,
            },
          }),
        }),
      }),
    },
    { required: ['manager'] },
  );

/**
 * The TrainJob spec a team writes (`TrainJobSpec` at v2.2.0): runtimeRef with its defaults,
 * trainer, initializer, runtimePatches, suspend, managedBy and activeDeadlineSeconds, with
 * upstream's limits, enums, defaults and immutability rules.
 */
export function trainJobSpecSchema(): Props {
  return Schema.object(
    {
      runtimeRef: withRules(
        Schema.object(
          {
            name: str({ min: 1, max: 253 }),
            apiGroup: { ...str({ max: 253 }), default: TRAINER_GROUP },
            kind: { ...str({ max: 253 }), default: 'ClusterTrainingRuntime' },
          },
          { required: ['name'] },
        ),
        IMMUTABLE,
      ),
      initializer: withRules(
        Schema.object({ dataset: initializerStep(), model: initializerStep() }),
        IMMUTABLE,
      ),
      trainer: withRules(
        Schema.object({
          image: str({ max: 500 }),
          command: stringList(),
          args: stringList(),
          env: envList(),
          numNodes: Schema.integer('int32'),
          resourcesPerNode: Schema.object({
            claims: namedList(
              undefined,
              Schema.object({ name: { type: 'string' }, request: { type: 'string' } }),
            ),
            limits: quantityMap(),
            requests: quantityMap(),
          }),
          numProcPerNode: Schema.integer('int32'),
        }),
        IMMUTABLE,
      ),
      runtimePatches: { ...Schema.listMap(runtimePatch(), ['manager']), maxItems: 16 },
      suspend: { type: 'boolean', default: false },
      activeDeadlineSeconds: withRules({ ...Schema.integer('int64'), minimum: 1 }, IMMUTABLE),
      managedBy: withRules(
        { ...str({ max: 253 }), default: TRAINJOB_MANAGERS[0] },
        {
          rule: `self in [${TRAINJOB_MANAGERS.map((m) => `'${m}'`).join(', ')}]`,
          message: `ManagedBy must be ${TRAINJOB_MANAGERS.join(' or ')} if set`,
        },
        IMMUTABLE,
      ),
    },
    { required: ['runtimeRef'] },
  );
}

/** The whole TrainJob: metadata.name must be an RFC 1035 label (it names Services and Jobs). */
export function trainJobSchema(): Props {
  return withRules(
    Schema.resource(trainJobSpecSchema(), Schema.preserve()),
    {
      rule: "self.metadata.name.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$')",
      message: 'metadata.name must match RFC 1035 DNS label format',
    },
    {
      rule: 'size(self.metadata.name) <= 63',
      message: 'metadata.name must be no more than 63 characters',
    },
  );
}

/** `MPIImplementation` values the v2.2.0 CRD accepts (Intel and MPICH are not enabled). */
export const MPI_IMPLEMENTATIONS = ['OpenMPI', ''] as const;

/** `MLPolicy`: node count and at most one framework policy. */
const mlPolicy = (): Props =>
  withRules(
    Schema.object({
      numNodes: Schema.integer('int32'),
      torch: { type: 'object' },
      mpi: Schema.object({
        numProcPerNode: { ...Schema.integer('int32'), default: 1 },
        mpiImplementation: { ...Schema.oneOf(MPI_IMPLEMENTATIONS), default: 'OpenMPI' },
        sshAuthMountPath: { ...str({ max: 4096 }), default: '/root/.ssh' },
        runLauncherAsNode: { type: 'boolean', default: false },
      }),
      flux: Schema.object({
        numProcPerNode: withRules(
          { ...Schema.integer('int32'), default: 1 },
          { rule: 'self >= 1', message: 'NumProcPerNode in fluxPolicy must be >= 1' },
        ),
      }),
      jax: { type: 'object' },
      xgboost: { type: 'object' },
    }),
    {
      rule: '[has(self.torch), has(self.mpi), has(self.jax), has(self.xgboost),has(self.flux)].filter(x, x).size() <= 1',
      message: 'Only one of the policy can be configured',
    },
  );

const podGroupPolicy = (): Props =>
  Schema.object({
    coscheduling: Schema.object({
      scheduleTimeoutSeconds: { ...Schema.integer('int32'), default: 60 },
    }),
    volcano: Schema.object({
      networkTopology: Schema.object({
        highestTierAllowed: { type: 'integer', default: 1 },
        mode: { ...Schema.oneOf(['hard', 'soft']), default: 'hard' },
      }),
    }),
  });

/**
 * The JobSet template of a runtime: its replicated jobs (keyed by name, with JobSet's defaults for
 * `replicas` and `groupName`) and success policy are modelled; the Job and pod templates and the
 * rest of the JobSet spec are kept as written.
 */
const jobSetTemplate = (): Props => ({
  ...Schema.object({
    metadata: templateMeta(),
    spec: Schema.preserve({
      properties: {
        replicatedJobs: Schema.listMap(
          Schema.preserve({
            properties: {
              name: { type: 'string' },
              replicas: { ...Schema.integer('int32'), default: 1 },
              groupName: { type: 'string', default: 'default' },
              dependsOn: Schema.listMap(
                Schema.object(
                  { name: { type: 'string' }, status: Schema.oneOf(['Ready', 'Complete']) },
                  { required: ['name', 'status'] },
                ),
                ['name'],
              ),
              template: Schema.preserve(),
            },
            required: ['name', 'template'],
          }),
          ['name'],
        ),
        successPolicy: Schema.object(
          {
            operator: Schema.oneOf(['All', 'Any']),
            targetReplicatedJobs: Schema.list({ type: 'string' }),
          },
          { required: ['operator'] },
        ),
      },
    }),
  }),
  minProperties: 1,
});

/** `TrainingRuntimeSpec`, shared by TrainingRuntime and ClusterTrainingRuntime. */
export function trainingRuntimeSpecSchema(): Props {
  return {
    ...Schema.object({
      mlPolicy: mlPolicy(),
      podGroupPolicy: podGroupPolicy(),
      template: jobSetTemplate(),
    }),
    minProperties: 1,
  };
}

/** A TrainingRuntime or ClusterTrainingRuntime (no status). */
export function trainingRuntimeSchema(): Props {
  const resource = Schema.resource(trainingRuntimeSpecSchema());
  const properties = { ...resource.properties };
  delete properties.status;
  return { ...resource, properties };
}

/** No settings: the CRDs are upstream's facts. */
export type TrainerCrdsProps = Record<string, never>;

/**
 * The three Trainer CRDs with upstream's identity (`manifests/base/crds/*.yaml` at v2.2.0):
 * group `trainer.kubeflow.org`, version v1alpha1 served and stored, no short names or
 * categories; TrainJob namespaced with the status subresource and the `State` and `Age`
 * columns; TrainingRuntime namespaced and ClusterTrainingRuntime cluster-scoped, neither with
 * subresources or columns.
 */
export class TrainerCrds extends Construct {
  public readonly trainJob: CustomResourceDefinition;
  public readonly trainingRuntime: CustomResourceDefinition;
  public readonly clusterTrainingRuntime: CustomResourceDefinition;

  public constructor(scope: Construct, id: string, _props: TrainerCrdsProps = {}) {
    super(scope, id);
    const labels = TRAINER_LABELS.options('crds');
    this.trainJob = new CustomResourceDefinition(this, 'TrainJob', {
      group: TRAINER_GROUP,
      kind: 'TrainJob',
      plural: 'trainjobs',
      scope: 'Namespaced',
      labels,
      versions: [
        {
          name: 'v1alpha1',
          served: true,
          storage: true,
          statusSubresource: true,
          schema: trainJobSchema(),
          printerColumns: [
            { name: 'State', type: 'string', jsonPath: '.status.conditions[-1:].type' },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
        },
      ],
    });
    const runtime = (cid: string, kind: string, plural: string, scope: 'Namespaced' | 'Cluster') =>
      new CustomResourceDefinition(this, cid, {
        group: TRAINER_GROUP,
        kind,
        plural,
        scope,
        labels,
        versions: [
          { name: 'v1alpha1', served: true, storage: true, schema: trainingRuntimeSchema() },
        ],
      });
    this.trainingRuntime = runtime(
      'TrainingRuntime',
      'TrainingRuntime',
      'trainingruntimes',
      'Namespaced',
    );
    this.clusterTrainingRuntime = runtime(
      'ClusterTrainingRuntime',
      'ClusterTrainingRuntime',
      'clustertrainingruntimes',
      'Cluster',
    );
  }
}
