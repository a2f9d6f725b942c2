import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { standardLabels } from '../core/labels';
import { GatewayRoute } from '../core/mesh';
import { istioApiVersion } from './crd-data';
import { ISTIO_VERSION } from './versions';
import { DNS_LABEL } from '../core/validation';

/** What a route needs from the gateway it is bound to. */
export interface RouteTarget {
  readonly hosts: readonly string[];
  readonly gatewayRef: string;
}

/**
 * Creates the VirtualService for one gateway route in `scope`. `id` becomes the object name, so
 * it must be a DNS label; `taken` guards against two routes of one gateway with the same name.
 */
export function createGatewayRoute(
  scope: Construct,
  id: string,
  gateway: RouteTarget,
  route: GatewayRoute,
  taken: Set<string>,
): ApiObject {
  const problems: string[] = [];
  if (!DNS_LABEL.test(id) || id.length > 63) {
    problems.push(`the id must be a DNS label, e.g. dex (got "${id}")`);
  } else if (taken.has(`${route.namespace}/${id}`)) {
    problems.push(
      `a route "${id}" already exists in namespace ${route.namespace}; ids are object names`,
    );
  }
  if (!route.prefix.startsWith('/')) {
    problems.push(`\`prefix\` must start with "/" (got "${route.prefix}")`);
  }
  if (route.rewrite !== undefined && !route.rewrite.startsWith('/')) {
    problems.push(`\`rewrite\` must start with "/" (got "${route.rewrite}")`);
  }
  const { host, port } = route.destination;
  if (!host.trim()) problems.push('`destination.host` is empty; use the Service FQDN');
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    problems.push(`\`destination.port\` must be from 1 to 65535 (got ${port})`);
  }
  if (route.timeoutSeconds !== undefined && !(route.timeoutSeconds > 0)) {
    problems.push(`\`timeoutSeconds\` must be positive (got ${route.timeoutSeconds})`);
  }
  if (problems.length > 0) {
    throw new Error(`Gateway route "${id}": ${problems.join('; ')}.`);
  }
  taken.add(`${route.namespace}/${id}`);
  return new ApiObject(scope, `Route-${route.namespace}-${id}`, {
    apiVersion: istioApiVersion('VirtualService'),
    kind: 'VirtualService',
    metadata: {
      name: id,
      namespace: route.namespace,
      labels: standardLabels({
        name: 'istio',
        component: 'route',
        instance: id,
        version: ISTIO_VERSION,
      }),
    },
    spec: {
      hosts: [...gateway.hosts],
      gateways: [gateway.gatewayRef],
      http: [
        {
          name: id,
          match: [{ uri: { prefix: route.prefix } }],
          ...(route.rewrite !== undefined ? { rewrite: { uri: route.rewrite } } : {}),
          route: [{ destination: { host, port: { number: port } } }],
          ...(route.timeoutSeconds !== undefined ? { timeout: `${route.timeoutSeconds}s` } : {}),
        },
      ],
    },
  });
}
