import { ComponentLabelOptions, selectorLabels, standardLabels } from '../../core/labels';
import { OAUTH2_PROXY_VERSION } from '../versions';

/** The parts of the component (`app.kubernetes.io/component`). */
export type ProxyPart = 'proxy' | 'gateway-auth' | 'mesh-policy' | 'cookie-secret';

/** @internal */
export function proxyLabelOptions(part: ProxyPart): ComponentLabelOptions {
  return { name: 'oauth2-proxy', component: part, version: OAUTH2_PROXY_VERSION };
}

/** @internal */
export function proxyLabels(part: ProxyPart): Record<string, string> {
  return standardLabels(proxyLabelOptions(part));
}

/** The pod selector of the proxy. @internal */
export function proxySelector(): Record<string, string> {
  return selectorLabels(proxyLabelOptions('proxy'));
}
