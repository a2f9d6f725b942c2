import { ComponentLabels } from '../../core/labels';
import { OAUTH2_PROXY_VERSION } from '../versions';

/** The parts of the component (`app.kubernetes.io/component`). */
export type ProxyPart = 'proxy' | 'gateway-auth' | 'mesh-policy' | 'cookie-secret';

/** Labels of the component's objects; the proxy's pods are selected with `PROXY_LABELS.selector('proxy')`. @internal */
export const PROXY_LABELS = new ComponentLabels<ProxyPart>({
  name: 'oauth2-proxy',
  version: OAUTH2_PROXY_VERSION,
});
