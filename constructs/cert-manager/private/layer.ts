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

export { DNS_SUBDOMAIN, throwIfProblems } from '../../core/validation';
import { DNS_SUBDOMAIN } from '../../core/validation';

/** "`path` must be a DNS subdomain ... (got "x"). Use ..." when `value` is not one. @internal */
export function checkName(path: string, value: string, problems: string[]): void {
  if (!DNS_SUBDOMAIN.test(value)) {
    problems.push(
      `\`${path}\` is not a Kubernetes object name (got "${value}"). Use lower-case letters, digits, '-' and '.', such as platform-ca.`,
    );
  }
}
