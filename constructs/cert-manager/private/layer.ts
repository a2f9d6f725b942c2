import { Construct } from 'constructs';
import { ILayerCharts, LAYERS_CONTEXT, Layer, scopeInLayer } from '../../core/layers';

/**
 * `scopeInLayer`, except that a construct already inside the layer's chart stays where it is
 * (an issuer bound in the infrastructure-config chart creates its root Certificate next to it).
 * @internal
 */
export function layerScope(construct: Construct, layer: Layer): Construct {
  const charts = construct.node.tryGetContext(LAYERS_CONTEXT) as ILayerCharts | undefined;
  if (charts && construct.node.scopes.includes(charts.chartFor(layer))) return construct;
  return scopeInLayer(construct, layer);
}

/** A DNS-1123 subdomain: the names of Secrets, issuers and certificates. @internal */
export const DNS_SUBDOMAIN =
  /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Throws one error listing every problem, if there are any. @internal */
export function throwIfProblems(what: string, problems: readonly string[]): void {
  if (problems.length > 0) {
    throw new Error(
      `${what}: ${problems.length === 1 ? problems[0] : `\n- ${problems.join('\n- ')}`}`,
    );
  }
}

/** "`path` must be a DNS subdomain ... (got "x"). Use ..." when `value` is not one. @internal */
export function checkName(path: string, value: string, problems: string[]): void {
  if (!DNS_SUBDOMAIN.test(value)) {
    problems.push(
      `\`${path}\` is not a Kubernetes object name (got "${value}"). Use lower-case letters, digits, '-' and '.', such as platform-ca.`,
    );
  }
}
