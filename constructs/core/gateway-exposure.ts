import { boundedName } from './names';
import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { GatewayRoute, IGateway, gatewayPrincipal } from './mesh';
import { ISTIO_SECURITY_API_VERSION } from './mesh-policy';
import { INamespace, NetworkPeer } from './network';
import { DNS_LABEL, propProblem, throwIfProblems } from './validation';

export interface GatewayExposureProps {
  /** The ingress gateway users come through. */
  readonly gateway: IGateway;
  /** The namespace of the exposed pods: it receives the network allow. */
  readonly namespace: INamespace;
  /**
   * Name of the route (VirtualService); the network allow is `allow-<id>-from-gateway`. A DNS
   * label of at most 50 characters.
   */
  readonly id: string;
  /** URI prefix on the gateway's hosts, e.g. `/dex/`. */
  readonly prefix: string;
  /** Rewrite the matched prefix to this value. @default - no rewrite */
  readonly rewrite?: string;
  /** @default - the mesh default */
  readonly timeoutSeconds?: number;
  /** The Service the gateway routes to: its FQDN and port. */
  readonly service: { readonly host: string; readonly port: number };
  /** The port the pods receive on, where the Service maps another port to it. @default - service.port */
  readonly podPort?: number;
  /** Labels of the pods behind the Service. */
  readonly podLabels: Readonly<Record<string, string>>;
  /** What users reach through the gateway, for the network allow's description. */
  readonly description: string;
  /** Who is exposed, for messages, e.g. `Dex`. */
  readonly component: string;
  /** Labels of the AuthorizationPolicy. */
  readonly labels: Readonly<Record<string, string>>;
  /** @default - the `id` */
  readonly authorizationPolicyName?: string;
}

/** What a namespace admitted with `allowFromNamespace` needs. */
export interface NamespaceAdmission {
  /** Why the namespace calls the service, for the network allow's description. */
  readonly description: string;
  /** @default - `<id>-from-<namespace>`, shortened with a stable hash past 57 characters */
  readonly allowId?: string;
}

/**
 * A service exposed through the ingress gateway, made of the three pieces that only work
 * together: the gateway route to the Service, the NetworkPolicy allow from the gateway pods to
 * the service's pods on their port, and an Istio AuthorizationPolicy that admits the gateway's
 * mutual-TLS identity on that port and nobody else. Further callers are admitted through
 * `allowFromNamespace` and `allowUnauthenticatedGet`. Create it with `exposeThroughGateway`.
 */
export class GatewayExposure extends Construct {
  /** The ALLOW policy on the pods; its rules are read at synthesis. */
  public readonly authorizationPolicy: ApiObject;
  /** The port the pods receive on. */
  public readonly podPort: number;

  private readonly props: GatewayExposureProps;
  private readonly namespaces = new Set<string>();
  private readonly unauthenticatedGetPaths: string[] = [];

  public constructor(scope: Construct, id: string, props: GatewayExposureProps) {
    super(scope, id);
    this.props = props;
    this.podPort = props.podPort ?? props.service.port;
    throwIfProblems(`Gateway exposure "${props.id}"`, exposureProblems(props));
    const principal = gatewayPrincipal(props.gateway, props.component);
    const namespace = props.namespace.name;

    const route: GatewayRoute = {
      namespace,
      prefix: props.prefix,
      ...(props.rewrite !== undefined ? { rewrite: props.rewrite } : {}),
      destination: { host: props.service.host, port: props.service.port },
      ...(props.timeoutSeconds !== undefined ? { timeoutSeconds: props.timeoutSeconds } : {}),
    };
    props.gateway.addRoute(props.id, route, this);
    props.namespace.allowIngress(`${props.id}-from-gateway`, {
      description: props.description,
      podLabels: { ...props.podLabels },
      from: [props.gateway.peer],
      ports: [{ port: this.podPort }],
    });

    const port = String(this.podPort);
    this.authorizationPolicy = new ApiObject(this, 'AuthorizationPolicy', {
      apiVersion: ISTIO_SECURITY_API_VERSION,
      kind: 'AuthorizationPolicy',
      metadata: {
        name: props.authorizationPolicyName ?? props.id,
        namespace,
        labels: { ...props.labels },
      },
      spec: {
        selector: { matchLabels: { ...props.podLabels } },
        action: 'ALLOW',
        rules: Lazy.any({
          produce: () => {
            const namespaces = [...this.namespaces].sort();
            const paths = this.unauthenticatedGetPaths;
            return [
              {
                from: [{ source: { principals: [principal] } }],
                to: [{ operation: { ports: [port] } }],
              },
              ...(namespaces.length > 0
                ? [{ from: [{ source: { namespaces } }], to: [{ operation: { ports: [port] } }] }]
                : []),
              ...(paths.length > 0
                ? [{ to: [{ operation: { ports: [port], methods: ['GET'], paths: [...paths] } }] }]
                : []),
            ];
          },
        }),
      },
    });
  }

  /**
   * Admits the pods of `namespace` as well, over mutual TLS: a network allow and an
   * AuthorizationPolicy rule on the pod port. A namespace admitted before is left as it is.
   */
  public allowFromNamespace(namespace: string, admission: NamespaceAdmission): void {
    if (this.namespaces.has(namespace)) return;
    const { props } = this;
    throwIfProblems(`Gateway exposure "${props.id}"`, [
      ...(DNS_LABEL.test(namespace)
        ? []
        : [
            propProblem(
              'namespace',
              'is not a namespace name',
              `"${namespace}"`,
              'Name the namespace of the calling pods.',
            ),
          ]),
      ...(admission.description.trim()
        ? []
        : [propProblem('description', 'is empty', undefined, 'Say why the namespace calls.')]),
    ]);
    this.namespaces.add(namespace);
    // The policy is named `allow-<id>`: 57 characters leave room for the prefix, and a hash keeps
    // two long namespaces with one prefix apart.
    const allowId = admission.allowId ?? boundedName([props.id, 'from', namespace], { max: 57 });
    props.namespace.allowIngress(allowId, {
      description: admission.description,
      podLabels: { ...props.podLabels },
      from: [
        namespace === props.namespace.name
          ? NetworkPeer.sameNamespace()
          : NetworkPeer.namespace(namespace),
      ],
      ports: [{ port: this.podPort }],
    });
  }

  /**
   * Lets anyone the network policies let through GET `paths` on the pod port without a mesh
   * identity (a caller without a sidecar, such as istiod fetching signing keys). Only for paths
   * that are public through the gateway anyway.
   */
  public allowUnauthenticatedGet(paths: readonly string[]): void {
    const problems = paths.flatMap((path, i) =>
      /^\/\S*$/.test(path)
        ? []
        : [
            propProblem(
              `paths[${i}]`,
              'is not an absolute path',
              `"${path}"`,
              'Use a path such as /dex/keys.',
            ),
          ],
    );
    if (paths.length === 0) {
      problems.push(propProblem('paths', 'is empty', '[]', 'Name the paths to open.'));
    }
    throwIfProblems(`Gateway exposure "${this.props.id}"`, problems);
    for (const path of paths) {
      if (!this.unauthenticatedGetPaths.includes(path)) this.unauthenticatedGetPaths.push(path);
    }
  }
}

function exposureProblems(props: GatewayExposureProps): string[] {
  const problems: string[] = [];
  if (!DNS_LABEL.test(props.id) || props.id.length > 50) {
    problems.push(
      propProblem(
        'id',
        'is not a DNS label of at most 50 characters',
        `"${props.id}"`,
        "Use lower-case letters, digits and '-', such as dex.",
      ),
    );
  }
  const policyName = props.authorizationPolicyName;
  if (policyName !== undefined && !DNS_LABEL.test(policyName)) {
    problems.push(
      propProblem(
        'authorizationPolicyName',
        'is not a DNS label',
        `"${policyName}"`,
        "Use lower-case letters, digits and '-', such as dex.",
      ),
    );
  }
  if (Object.keys(props.podLabels).length === 0) {
    problems.push(
      propProblem(
        'podLabels',
        'is empty',
        '{}',
        'Select the pods behind the Service; an empty selector would admit the gateway to every pod of the namespace.',
      ),
    );
  }
  const ports: [string, number][] = [['service.port', props.service.port]];
  if (props.podPort !== undefined) ports.push(['podPort', props.podPort]);
  for (const [path, port] of ports) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      problems.push(
        propProblem(path, 'is not a port number', String(port), 'Use a port from 1 to 65535.'),
      );
    }
  }
  if (!props.description.trim()) {
    problems.push(
      propProblem(
        'description',
        'is empty',
        undefined,
        'Say what users reach through the gateway; it documents the network allow.',
      ),
    );
  }
  return problems;
}

/** A host name with an optional port, as a browser sends it in `Host`. */
const HOST_WITH_PORT =
  /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*(:[0-9]{1,5})?$/;

/**
 * The problem with `host` (the prop at `path`, with an optional port) when it is not one of the
 * hosts `gateway` serves; `undefined` when it is. A component whose URLs users open (an issuer, a
 * callback, a web app) checks its host with this.
 */
export function gatewayHostProblem(
  path: string,
  host: string,
  gateway: IGateway,
): string | undefined {
  const hosts = gateway.hosts;
  if (HOST_WITH_PORT.test(host) && hosts.includes(host.replace(/:[0-9]+$/, ''))) return undefined;
  return propProblem(
    path,
    "is not one of the gateway's hosts",
    `"${host}"; the gateway serves ${hosts.join(', ') || 'none'}`,
    'Use a host the gateway routes.',
  );
}

/**
 * Exposes a service through the platform's ingress gateway: the route, the network allow from
 * the gateway and the AuthorizationPolicy that admits only the gateway's mutual-TLS identity, all
 * created in `scope` so that they install with the service. Every web app of the platform is
 * exposed this way.
 */
export function exposeThroughGateway(
  scope: Construct,
  props: GatewayExposureProps,
): GatewayExposure {
  return new GatewayExposure(scope, `GatewayExposure-${props.id}`, props);
}
