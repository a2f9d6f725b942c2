import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ProfilePeople } from '../core/kubeflow';
import { standardLabels } from '../core/labels';
import { ISTIO_SECURITY_API_VERSION } from '../core/mesh-policy';
import { INamespace, IngressAllow, NetworkPeer } from '../core/network';
import { IObjectStore, tenantArtifactPrefixes } from '../core/object-store';
import { KNATIVE_DATA_PLANE_PORTS } from '../knative-serving/net-istio-names';
import {
  RevisionTrafficSources,
  revisionAuthorizationRules,
  revisionIngressAllows,
} from '../knative-serving/net-istio-tenant';
import { KSERVE_KEYS, KSERVE_MODEL_PORTS } from '../kserve/names';
import { ISTIO_MERGED_METRICS_PORT } from '../core/monitoring';

/** The service account a tenant's models run as: it carries the tenant's object-store keys. */
export const MODEL_SERVICE_ACCOUNT = 'kserve-models';

/** The path prefix of a model on the gateway (`pathTemplate` of KServe's ingress config). */
export const modelPath = (namespace: string, name: string): string =>
  `/serving/${namespace}/${name}`;

/** Ports of a model pod in Standard mode: the model server and, with a logger, KServe's agent. */
const STANDARD_PORTS = [KSERVE_MODEL_PORTS.predictorHttp, KSERVE_MODEL_PORTS.agent];

const labels = (component: string) => standardLabels({ name: 'model-serving', component });

/** A Prometheus that scrapes models: its namespace and pods. */
export interface MetricsScraper {
  readonly namespace: string;
  readonly podLabels?: Readonly<Record<string, string>>;
}

/** What the serving access of every tenant is made from. */
export interface ServingAccessContext {
  readonly serverless: boolean;
  /** The ingress gateway's identity and pods: users come through it. */
  readonly gatewayPrincipal: string;
  readonly gatewayPeer: NetworkPeer;
  /** Knative's cluster-local gateway (Serverless). */
  readonly localGateway?: {
    readonly principal: string;
    readonly namespace: string;
    readonly podLabels: Readonly<Record<string, string>>;
    readonly peer: NetworkPeer;
  };
  /** Where Knative's activator and autoscaler run (Serverless). */
  readonly knativeNamespace?: string;
  readonly trustDomain: string;
  /** How the gateway names the user: `<prefix><user>` in this header. */
  readonly userIdHeader: string;
  readonly userIdPrefix: string;
  readonly store: IObjectStore;
  readonly bucket: string;
  readonly scraper?: MetricsScraper;
}

/**
 * Who may call a tenant's models through the gateway: the owner, the members, and the tenant's
 * service accounts (a machine token's subject, `system:serviceaccount:<ns>:<name>`).
 */
export function modelCallers(namespace: string, people: ProfilePeople, prefix: string): string[] {
  return [
    ...new Set([people.owner, ...people.members.map((m) => m.user)].map((u) => `${prefix}${u}`)),
    `${prefix}system:serviceaccount:${namespace}:*`,
  ];
}

/**
 * The hosts of a tenant's models as the cluster-local gateway sees them: KServe rewrites the
 * authority to `<service>.<ns>.svc.cluster.local`, and clients in the mesh call
 * `<name>.<ns>.svc.cluster.local` (with or without the port).
 */
export function tenantModelHosts(namespace: string, name = '*'): string[] {
  const names = name === '*' ? ['*'] : [name, `${name}-predictor`, `${name}-transformer`];
  return names.flatMap((n) =>
    [`${n}.${namespace}.svc.cluster.local`, `${n}.${namespace}.svc`, `${n}.${namespace}`].flatMap(
      (h) => [h, `${h}:*`],
    ),
  );
}

/**
 * What every tenant needs to serve models, also those its members create at runtime (the models
 * web app, kubectl): the model service account with the tenant's own object-store keys, the
 * network allows and AuthorizationPolicies that let the gateways, Knative and the tenant itself
 * reach model pods, and, in Serverless mode, the cluster-local gateway's policy that admits the
 * tenant's callers to the tenant's hosts only. Nothing admits every caller.
 */
export function tenantServingAccess(
  scope: Construct,
  namespace: string,
  people: ProfilePeople,
  ctx: ServingAccessContext,
): void {
  const tenantNamespace = people.network;
  const credentials = ctx.store.scopedCredentials(scope, {
    namespace,
    bucket: ctx.bucket,
    prefixes: tenantArtifactPrefixes(namespace),
  });
  new k8s.KubeServiceAccount(scope, 'ModelServiceAccount', {
    metadata: {
      name: MODEL_SERVICE_ACCOUNT,
      namespace,
      labels: labels('service-account'),
      annotations: {
        'mlops-blueprint.dev/purpose': `KServe reads models with the keys in ${credentials.secretName} (the tenant's prefixes only)`,
      },
    },
    // KServe's storage initializer takes S3 keys from the Secrets listed here.
    secrets: [{ name: credentials.secretName }],
    automountServiceAccountToken: false,
  });

  const callers = modelCallers(namespace, people, ctx.userIdPrefix);
  const header = `request.headers[${ctx.userIdHeader}]`;
  const rules: Record<string, unknown>[] = [];
  if (ctx.serverless && ctx.localGateway && ctx.knativeNamespace) {
    const sources: RevisionTrafficSources = {
      knativeNamespace: ctx.knativeNamespace,
      gatewayPeers: [ctx.localGateway.peer],
      gatewayPrincipals: [ctx.localGateway.principal],
      trustDomain: ctx.trustDomain,
    };
    // One NetworkPolicy for Knative's traffic to revision pods (the cluster-local gateway and the
    // activator on queue-proxy's ports, the autoscaler on its metrics port): each tenant pays one
    // object, not two; the AuthorizationPolicy below keeps each source to its own ports.
    const revisionAllows = Object.values(revisionIngressAllows(sources));
    tenantNamespace.allowIngress('knative-revisions', {
      description: "Knative's gateway, activator and autoscaler reaching revision pods",
      from: revisionAllows.flatMap((a) => a.from),
      ports: revisionAllows.flatMap((a) => a.ports ?? []),
    });
    rules.push(...revisionAuthorizationRules(sources), {
      from: [{ source: { namespaces: [namespace] } }],
      to: [
        {
          operation: {
            ports: [KNATIVE_DATA_PLANE_PORTS.queueHttp1, KNATIVE_DATA_PLANE_PORTS.queueH2c].map(
              String,
            ),
          },
        },
      ],
    });
    // The cluster-local gateway routes by host: the tenant's callers reach the tenant's hosts.
    new ApiObject(scope, 'LocalGatewayPolicy', {
      apiVersion: ISTIO_SECURITY_API_VERSION,
      kind: 'AuthorizationPolicy',
      metadata: {
        name: `models-${namespace}`,
        namespace: ctx.localGateway.namespace,
        labels: labels('access'),
      },
      spec: {
        action: 'ALLOW',
        selector: { matchLabels: { ...ctx.localGateway.podLabels } },
        rules: [
          {
            from: [{ source: { principals: [ctx.gatewayPrincipal] } }],
            to: [{ operation: { hosts: tenantModelHosts(namespace) } }],
            when: [{ key: header, values: callers }],
          },
          {
            from: [{ source: { namespaces: [namespace] } }],
            to: [{ operation: { hosts: tenantModelHosts(namespace) } }],
          },
        ],
      },
    });
  } else {
    tenantNamespace.allowIngress('models-from-gateway', {
      description: 'Users and machines calling models through the gateway (Standard mode)',
      from: [ctx.gatewayPeer],
      ports: STANDARD_PORTS.map((port) => ({ port })),
    });
    const ports = STANDARD_PORTS.map(String);
    rules.push(
      {
        from: [{ source: { principals: [ctx.gatewayPrincipal] } }],
        to: [{ operation: { ports } }],
        when: [{ key: header, values: callers }],
      },
      { from: [{ source: { namespaces: [namespace] } }], to: [{ operation: { ports } }] },
    );
  }
  if (ctx.scraper) {
    const metricsPorts = [
      ISTIO_MERGED_METRICS_PORT,
      KSERVE_MODEL_PORTS.podPrometheus,
      KSERVE_MODEL_PORTS.aggregatedPrometheus,
    ];
    const allow: IngressAllow = {
      description: 'Prometheus scraping model servers (latency, throughput, errors per model)',
      from: [
        NetworkPeer.namespace(
          ctx.scraper.namespace,
          ctx.scraper.podLabels ? { ...ctx.scraper.podLabels } : undefined,
        ),
      ],
      ports: metricsPorts.map((port) => ({ port })),
    };
    tenantNamespace.allowIngress('models-from-metrics-scraper', allow);
    rules.push({
      from: [{ source: { namespaces: [ctx.scraper.namespace] } }],
      to: [
        {
          operation: {
            ports: [KSERVE_MODEL_PORTS.podPrometheus, KSERVE_MODEL_PORTS.aggregatedPrometheus].map(
              String,
            ),
            methods: ['GET'],
          },
        },
      ],
    });
  }
  new ApiObject(scope, 'ModelPolicy', {
    apiVersion: ISTIO_SECURITY_API_VERSION,
    kind: 'AuthorizationPolicy',
    metadata: { name: 'model-serving', namespace, labels: labels('access') },
    spec: { action: 'ALLOW', rules },
  });
}

/**
 * In-cluster callers a model admits besides its tenant (`allowFrom`): in Serverless mode at the
 * cluster-local gateway, for this model's hosts only; in Standard mode at the model's pods.
 */
export function modelAllowFrom(
  scope: Construct,
  model: {
    readonly namespace: string;
    readonly name: string;
    readonly allowFrom: readonly string[];
  },
  tenantNamespace: INamespace,
  ctx: ServingAccessContext,
): void {
  if (model.allowFrom.length === 0) return;
  const id = `model-${model.name}`;
  if (ctx.serverless && ctx.localGateway) {
    new ApiObject(scope, 'AllowFrom', {
      apiVersion: ISTIO_SECURITY_API_VERSION,
      kind: 'AuthorizationPolicy',
      metadata: {
        name: `models-${model.namespace}-${model.name}`,
        namespace: ctx.localGateway.namespace,
        labels: labels('access'),
      },
      spec: {
        action: 'ALLOW',
        selector: { matchLabels: { ...ctx.localGateway.podLabels } },
        rules: [
          {
            from: [{ source: { namespaces: [...model.allowFrom] } }],
            to: [{ operation: { hosts: tenantModelHosts(model.namespace, model.name) } }],
          },
        ],
      },
    });
    return;
  }
  const podLabels = { [KSERVE_KEYS.inferenceServicePodLabel]: model.name };
  tenantNamespace.allowIngress(id, {
    description: `Callers of model ${model.name} in ${model.allowFrom.join(', ')}`,
    podLabels,
    from: model.allowFrom.map((ns) => NetworkPeer.namespace(ns)),
    ports: STANDARD_PORTS.map((port) => ({ port })),
  });
  new ApiObject(scope, 'AllowFrom', {
    apiVersion: ISTIO_SECURITY_API_VERSION,
    kind: 'AuthorizationPolicy',
    metadata: { name: id, namespace: model.namespace, labels: labels('access') },
    spec: {
      action: 'ALLOW',
      selector: { matchLabels: podLabels },
      rules: [
        {
          from: [{ source: { namespaces: [...model.allowFrom] } }],
          to: [{ operation: { ports: STANDARD_PORTS.map(String) } }],
        },
      ],
    },
  });
}
