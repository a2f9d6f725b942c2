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

import { DNS_SUBDOMAIN, propProblem } from '../../core/validation';

/** "`path` must be a DNS subdomain ... (got "x"). Use ..." when `value` is not one. @internal */
export function checkName(path: string, value: string, problems: string[]): void {
  if (!DNS_SUBDOMAIN.test(value)) {
    problems.push(
      propProblem(
        path,
        'is not a Kubernetes object name',
        `"${value}"`,
        "Use lower-case letters, digits, '-' and '.', such as platform-ca.",
      ),
    );
  }
}
