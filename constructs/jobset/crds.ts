import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { CustomResourceDefinition, Schema } from '../core/crd';
import { JOBSET_LABELS } from './private/labels';

type Props = k8s.JsonSchemaProps;

/** The JobSet API: one version, served and stored (`api/jobset/v1alpha2`). */
export const JOBSET_API = {
  group: 'jobset.x-k8s.io',
  version: 'v1alpha2',
  apiVersion: 'jobset.x-k8s.io/v1alpha2',
  kind: 'JobSet',
  plural: 'jobsets',
  crdName: 'jobsets.jobset.x-k8s.io',
} as const;

/** `successPolicy.operator` (`Operator` of `jobset_types.go`). */
export const JOBSET_SUCCESS_OPERATORS = ['All', 'Any'] as const;
/** `failurePolicy.restartStrategy`, default `Recreate`. */
export const JOBSET_RESTART_STRATEGIES = [
  'Recreate',
  'BlockingRecreate',
  'InPlaceRestart',
] as const;
/** `failurePolicy.rules[].action`. */
export const JOBSET_FAILURE_ACTIONS = [
  'FailJobSet',
  'RestartJobSet',
  'RestartJobSetAndIgnoreMaxRestarts',
] as const;
/** `startupPolicy.startupPolicyOrder`. */
export const JOBSET_STARTUP_ORDERS = ['AnyOrder', 'InOrder'] as const;
/** `replicatedJobs[].dependsOn[].status`. */
export const JOBSET_DEPENDS_ON_STATUSES = ['Ready', 'Complete'] as const;
/** `volumeClaimPolicies[].retentionPolicy.whenDeleted`, default `Delete`. */
export const JOBSET_VOLUME_RETENTION = ['Delete', 'Retain'] as const;

/** Upstream's CEL rule for fields that cannot change after creation. */
const IMMUTABLE: k8s.ValidationRule = { message: 'Value is immutable', rule: 'self == oldSelf' };

function immutable(schema: Props): Props {
  return { ...schema, xKubernetesValidations: [IMMUTABLE] };
}

function int32(extra: Partial<Props> = {}): Props {
  return { ...Schema.integer('int32'), ...extra };
}

function enumWithDefault(values: readonly string[], value: string): Props {
  return { ...Schema.oneOf(values), default: value };
}

/** One entry of `spec.replicatedJobs`: its Job template is kept whole. */
function replicatedJob(): Props {
  const dependsOn = Schema.object(
    { name: Schema.string(), status: Schema.oneOf(JOBSET_DEPENDS_ON_STATUSES) },
    { required: ['name', 'status'] },
  );
  return Schema.object(
    {
      dependsOn: immutable({ ...Schema.listMap(dependsOn, ['name']), maxItems: 5 }),
      groupName: { ...Schema.string(), default: 'default' },
      name: Schema.string(),
      replicas: int32({ default: 1 }),
      // A batch/v1 JobTemplateSpec: the API server validates the Jobs the controller creates.
      template: Schema.preserve(),
    },
    { required: ['name', 'template'] },
  );
}

function failurePolicy(): Props {
  const rule = Schema.object(
    {
      action: Schema.oneOf(JOBSET_FAILURE_ACTIONS),
      name: Schema.string(),
      onJobFailureMessagePatterns: Schema.array(Schema.string()),
      onJobFailureReasons: Schema.array(Schema.string()),
      targetReplicatedJobs: Schema.list(Schema.string()),
    },
    { required: ['action', 'name'] },
  );
  return immutable(
    Schema.object({
      maxRestarts: int32(),
      restartStrategy: enumWithDefault(JOBSET_RESTART_STRATEGIES, 'Recreate'),
      rules: Schema.array(rule),
    }),
  );
}

/** A PersistentVolumeClaim template: kept whole apart from the namespace upstream's rule reads. */
function claimTemplate(): Props {
  return Schema.preserve({
    properties: {
      metadata: Schema.preserve({ properties: { namespace: Schema.string() } }),
    },
  });
}

/**
 * One entry of `spec.volumeClaimPolicies`: the claim templates (core PersistentVolumeClaims) are
 * kept whole; the retention policy and upstream's rule against a namespace are modelled.
 */
function volumeClaimPolicy(): Props {
  return {
    ...Schema.object({
      retentionPolicy: Schema.object({
        whenDeleted: enumWithDefault(JOBSET_VOLUME_RETENTION, 'Delete'),
      }),
      // CEL reaches only declared fields: the rule below reads `metadata.namespace`.
      templates: { ...Schema.list(claimTemplate()), maxItems: 50 },
    }),
    xKubernetesValidations: [
      {
        message: 'namespace cannot be set for VolumeClaimPolicies templates',
        rule: 'self.templates.all(t, !has(t.metadata.namespace) || size(t.metadata.namespace) == 0)',
      },
    ],
  };
}

/**
 * `spec` of a JobSet as `config/components/crd/bases/jobset.x-k8s.io_jobsets.yaml` has it at
 * v0.11.0, down to the Job templates and claim templates (kept whole): every default, enum,
 * required list, bound and CEL rule upstream declares there.
 */
export function jobSetSpecSchema(): Props {
  return {
    ...Schema.object({
      coordinator: Schema.object(
        { jobIndex: Schema.integer(), podIndex: Schema.integer(), replicatedJob: Schema.string() },
        { required: ['replicatedJob'] },
      ),
      failurePolicy: failurePolicy(),
      managedBy: Schema.string(),
      network: immutable(
        Schema.object({
          enableDNSHostnames: Schema.boolean(),
          publishNotReadyAddresses: Schema.boolean(),
          subdomain: Schema.string(),
        }),
      ),
      replicatedJobs: Schema.listMap(replicatedJob(), ['name']),
      startupPolicy: immutable(
        Schema.object(
          { startupPolicyOrder: Schema.oneOf(JOBSET_STARTUP_ORDERS) },
          { required: ['startupPolicyOrder'] },
        ),
      ),
      successPolicy: immutable(
        Schema.object(
          {
            operator: Schema.oneOf(JOBSET_SUCCESS_OPERATORS),
            targetReplicatedJobs: Schema.list(Schema.string()),
          },
          { required: ['operator'] },
        ),
      ),
      suspend: Schema.boolean(),
      ttlSecondsAfterFinished: int32({ minimum: 0 }),
      volumeClaimPolicies: immutable({ ...Schema.list(volumeClaimPolicy()), maxItems: 50 }),
    }),
    xKubernetesValidations: [
      {
        message: 'StartupPolicy and DependsOn APIs are mutually exclusive',
        rule: "!(has(self.startupPolicy) && self.startupPolicy.startupPolicyOrder == 'InOrder' && self.replicatedJobs.exists(x, has(x.dependsOn)))",
      },
    ],
  };
}

/** The printer columns of `kubectl get jobsets`, upstream's. */
export const JOBSET_PRINTER_COLUMNS: readonly k8s.CustomResourceColumnDefinition[] = [
  {
    description: 'Final state of JobSet',
    jsonPath: '.status.terminalState',
    name: 'TerminalState',
    type: 'string',
  },
  {
    description: 'Number of restarts',
    jsonPath: '.status.restarts',
    name: 'Restarts',
    type: 'string',
  },
  {
    jsonPath: '.status.conditions[?(@.type=="Completed")].status',
    name: 'Completed',
    type: 'string',
  },
  { description: 'JobSet suspended', jsonPath: '.spec.suspend', name: 'Suspended', type: 'string' },
  {
    description: 'Time this JobSet was created',
    jsonPath: '.metadata.creationTimestamp',
    name: 'Age',
    type: 'date',
  },
];

/** Where the CRD's conversion webhook is, and whose CA cainjector puts into it. */
export interface JobSetConversionWebhook {
  readonly namespace: string;
  /** The webhook Service. */
  readonly service: string;
  /** `<namespace>/<Certificate>` for `cert-manager.io/inject-ca-from`. */
  readonly injectCaFrom: string;
}

export interface JobSetCrdsProps {
  /**
   * Upstream's release sets `conversion.strategy: Webhook` to the manager's Service
   * (`config/components/crd/patches/webhook_in_jobsets.yaml`). With a single version the API
   * server never calls it; it is kept for an identical identity, with the CA injected.
   * @default - strategy None
   */
  readonly conversion?: JobSetConversionWebhook;
}

/** The `jobsets.jobset.x-k8s.io` CRD of v0.11.0; status is kept whole. */
export class JobSetCrds extends Construct {
  public readonly jobSets: CustomResourceDefinition;

  public constructor(scope: Construct, id: string, props: JobSetCrdsProps = {}) {
    super(scope, id);
    const c = props.conversion;
    this.jobSets = new CustomResourceDefinition(this, 'JobSets', {
      group: JOBSET_API.group,
      kind: JOBSET_API.kind,
      plural: JOBSET_API.plural,
      singular: 'jobset',
      listKind: 'JobSetList',
      scope: 'Namespaced',
      labels: JOBSET_LABELS.options('crds'),
      ...(c ? { annotations: { 'cert-manager.io/inject-ca-from': c.injectCaFrom } } : {}),
      ...(c
        ? {
            conversion: {
              strategy: 'Webhook',
              webhook: {
                clientConfig: {
                  service: {
                    name: c.service,
                    namespace: c.namespace,
                    path: '/convert',
                  },
                },
                conversionReviewVersions: ['v1'],
              },
            },
          }
        : {}),
      versions: [
        {
          name: JOBSET_API.version,
          served: true,
          storage: true,
          statusSubresource: true,
          printerColumns: JOBSET_PRINTER_COLUMNS,
          schema: Schema.resource(jobSetSpecSchema(), Schema.preserve()),
        },
      ],
    });
  }
}
