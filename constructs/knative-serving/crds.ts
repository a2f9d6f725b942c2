import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { CrdVersion, CustomResourceDefinition, Schema } from '../core/crd';
import { KNATIVE_SERVING_LABELS } from './private/labels';

type Props = k8s.JsonSchemaProps;
type Column = k8s.CustomResourceColumnDefinition;

const ready = (quote: string): Column[] => [
  {
    name: 'Ready',
    type: 'string',
    jsonPath: `.status.conditions[?(@.type==${quote}Ready${quote})].status`,
  },
  {
    name: 'Reason',
    type: 'string',
    jsonPath: `.status.conditions[?(@.type==${quote}Ready${quote})].reason`,
  },
];
const READY = ready("'");

/** A Knative status: conditions and observedGeneration modelled loosely, the rest preserved. */
const status = (required?: readonly string[]): Props =>
  Schema.preserve({
    properties: { observedGeneration: Schema.integer('int64') },
    required,
  });

/** A Service's or Configuration's spec: the revision template, preserved. */
const templated = (extra: Record<string, Props> = {}): Props =>
  Schema.preserve({
    properties: {
      template: Schema.preserve({
        properties: {
          metadata: Schema.preserve(),
          spec: Schema.preserve({ required: ['containers'] }),
        },
      }),
      ...extra,
    },
  });

/** One Knative CRD: a single served storage version with the status subresource. */
interface KnativeCrd {
  readonly id: string;
  readonly group: string;
  readonly kind: string;
  readonly plural: string;
  readonly shortNames?: readonly string[];
  readonly categories: readonly string[];
  readonly scope?: 'Namespaced' | 'Cluster';
  readonly version: string;
  readonly spec: Props;
  readonly status?: Props;
  readonly columns?: readonly Column[];
  /** Labels upstream sets on the CRD beyond the common ones (duck typing, networking). */
  readonly labels?: Record<string, string>;
}

const SERVING = 'serving.knative.dev';
const AUTOSCALING = 'autoscaling.internal.knative.dev';
const NETWORKING = 'networking.internal.knative.dev';
const CACHING = 'caching.internal.knative.dev';
const PUBLIC = ['all', 'knative', 'serving'];
const ADDRESSABLE = { 'duck.knative.dev/addressable': 'true' };
const PODSPECABLE = { 'duck.knative.dev/podspecable': 'true' };

/**
 * Identity of every CRD of `config/core/300-resources/*.yaml` and `config/core/300-imagecache.yaml`
 * at knative-v1.22.0: group, kind, plural, short names, categories, scope, the one version
 * (served, storage), the status subresource, printer columns and the required fields of upstream's
 * schema. There is no namespaced DomainClaim at this tag, only ClusterDomainClaim.
 */
export const KNATIVE_SERVING_CRDS: readonly KnativeCrd[] = [
  {
    id: 'Services',
    group: SERVING,
    kind: 'Service',
    plural: 'services',
    shortNames: ['kservice', 'ksvc'],
    categories: PUBLIC,
    version: 'v1',
    spec: templated({ traffic: Schema.array(Schema.preserve()) }),
    columns: [
      { name: 'URL', type: 'string', jsonPath: '.status.url' },
      { name: 'LatestCreated', type: 'string', jsonPath: '.status.latestCreatedRevisionName' },
      { name: 'LatestReady', type: 'string', jsonPath: '.status.latestReadyRevisionName' },
      ...READY,
    ],
    labels: { ...ADDRESSABLE, ...PODSPECABLE },
  },
  {
    id: 'Configurations',
    group: SERVING,
    kind: 'Configuration',
    plural: 'configurations',
    shortNames: ['config', 'cfg'],
    categories: PUBLIC,
    version: 'v1',
    spec: templated(),
    columns: [
      { name: 'LatestCreated', type: 'string', jsonPath: '.status.latestCreatedRevisionName' },
      { name: 'LatestReady', type: 'string', jsonPath: '.status.latestReadyRevisionName' },
      ...READY,
    ],
    labels: PODSPECABLE,
  },
  {
    id: 'Revisions',
    group: SERVING,
    kind: 'Revision',
    plural: 'revisions',
    shortNames: ['rev'],
    categories: PUBLIC,
    version: 'v1',
    spec: Schema.preserve({
      properties: { containers: Schema.array(Schema.preserve()) },
      required: ['containers'],
    }),
    columns: [
      {
        name: 'Config Name',
        type: 'string',
        jsonPath: ".metadata.labels['serving\\.knative\\.dev/configuration']",
      },
      {
        name: 'Generation',
        type: 'string',
        jsonPath: ".metadata.labels['serving\\.knative\\.dev/configurationGeneration']",
      },
      ...READY,
      { name: 'Actual Replicas', type: 'integer', jsonPath: '.status.actualReplicas' },
      { name: 'Desired Replicas', type: 'integer', jsonPath: '.status.desiredReplicas' },
    ],
  },
  {
    id: 'Routes',
    group: SERVING,
    kind: 'Route',
    plural: 'routes',
    shortNames: ['rt'],
    categories: PUBLIC,
    version: 'v1',
    spec: Schema.preserve({ properties: { traffic: Schema.array(Schema.preserve()) } }),
    columns: [{ name: 'URL', type: 'string', jsonPath: '.status.url' }, ...READY],
    labels: ADDRESSABLE,
  },
  {
    id: 'DomainMappings',
    group: SERVING,
    kind: 'DomainMapping',
    plural: 'domainmappings',
    shortNames: ['dm'],
    categories: PUBLIC,
    version: 'v1beta1',
    spec: Schema.preserve({ properties: { ref: Schema.preserve() }, required: ['ref'] }),
    columns: [{ name: 'URL', type: 'string', jsonPath: '.status.url' }, ...READY],
  },
  {
    id: 'PodAutoscalers',
    group: AUTOSCALING,
    kind: 'PodAutoscaler',
    plural: 'podautoscalers',
    shortNames: ['kpa', 'pa'],
    categories: ['knative-internal', 'autoscaling'],
    version: 'v1alpha1',
    spec: Schema.preserve({
      properties: { protocolType: Schema.string(), scaleTargetRef: Schema.preserve() },
      required: ['protocolType', 'scaleTargetRef'],
    }),
    status: status(['metricsServiceName', 'serviceName']),
    columns: [
      { name: 'DesiredScale', type: 'integer', jsonPath: '.status.desiredScale' },
      { name: 'ActualScale', type: 'integer', jsonPath: '.status.actualScale' },
      ...READY,
    ],
  },
  {
    id: 'Metrics',
    group: AUTOSCALING,
    kind: 'Metric',
    plural: 'metrics',
    categories: ['knative-internal', 'autoscaling'],
    version: 'v1alpha1',
    spec: Schema.preserve({
      properties: {
        panicWindow: Schema.integer('int64'),
        scrapeTarget: Schema.string(),
        stableWindow: Schema.integer('int64'),
      },
      required: ['panicWindow', 'scrapeTarget', 'stableWindow'],
    }),
    columns: READY,
  },
  {
    id: 'Certificates',
    group: NETWORKING,
    kind: 'Certificate',
    plural: 'certificates',
    shortNames: ['kcert'],
    categories: ['knative-internal', 'networking'],
    version: 'v1alpha1',
    spec: Schema.preserve({
      properties: { dnsNames: Schema.array(Schema.string()), secretName: Schema.string() },
      required: ['dnsNames', 'secretName'],
    }),
    // Upstream quotes "Ready" with double quotes in this CRD only.
    columns: ready('"'),
  },
  {
    id: 'ClusterDomainClaims',
    group: NETWORKING,
    kind: 'ClusterDomainClaim',
    plural: 'clusterdomainclaims',
    shortNames: ['cdc'],
    categories: ['knative-internal', 'networking'],
    scope: 'Cluster',
    version: 'v1alpha1',
    spec: Schema.preserve({ properties: { namespace: Schema.string() }, required: ['namespace'] }),
  },
  {
    id: 'Ingresses',
    group: NETWORKING,
    kind: 'Ingress',
    plural: 'ingresses',
    shortNames: ['kingress', 'king'],
    categories: ['knative-internal', 'networking'],
    version: 'v1alpha1',
    spec: Schema.preserve(),
    columns: READY,
  },
  {
    id: 'ServerlessServices',
    group: NETWORKING,
    kind: 'ServerlessService',
    plural: 'serverlessservices',
    shortNames: ['sks'],
    categories: ['knative-internal', 'networking'],
    version: 'v1alpha1',
    spec: Schema.preserve({
      properties: { objectRef: Schema.preserve(), protocolType: Schema.string() },
      required: ['objectRef', 'protocolType'],
    }),
    columns: [
      { name: 'Mode', type: 'string', jsonPath: '.spec.mode' },
      { name: 'Activators', type: 'integer', jsonPath: '.spec.numActivators' },
      { name: 'ServiceName', type: 'string', jsonPath: '.status.serviceName' },
      { name: 'PrivateServiceName', type: 'string', jsonPath: '.status.privateServiceName' },
      ...READY,
    ],
  },
  {
    id: 'Images',
    group: CACHING,
    kind: 'Image',
    plural: 'images',
    categories: ['knative-internal', 'caching'],
    version: 'v1alpha1',
    spec: Schema.preserve({ properties: { image: Schema.string() }, required: ['image'] }),
    columns: [{ name: 'Image', type: 'string', jsonPath: '.spec.image' }],
  },
];

/** The label upstream sets on all its CRDs (`knative.dev/crd-install`). */
const CRD_INSTALL_LABEL = 'knative.dev/crd-install';

/** The twelve CRDs of Knative Serving 1.22.0 core, with upstream identity. */
export class KnativeServingCrds extends Construct {
  public readonly crds: readonly CustomResourceDefinition[];

  public constructor(scope: Construct, id: string) {
    super(scope, id);
    this.crds = KNATIVE_SERVING_CRDS.map((c) => {
      const version: CrdVersion = {
        name: c.version,
        served: true,
        storage: true,
        schema: Schema.resource(c.spec, c.status ?? status()),
        statusSubresource: true,
        printerColumns: c.columns,
      };
      const crd = new CustomResourceDefinition(this, c.id, {
        group: c.group,
        kind: c.kind,
        plural: c.plural,
        shortNames: c.shortNames,
        categories: c.categories,
        scope: c.scope ?? 'Namespaced',
        versions: [version],
        labels: KNATIVE_SERVING_LABELS.options('crds'),
      });
      const object = crd.node.findChild('Resource') as ApiObject;
      object.metadata.addLabel(CRD_INSTALL_LABEL, 'true');
      for (const [k, v] of Object.entries(c.labels ?? {})) object.metadata.addLabel(k, v);
      return crd;
    });
  }
}
