import { ComponentLabelOptions, selectorLabels, standardLabels } from '../../core/labels';
import { DEX_VERSION } from '../versions';

/** The parts of the Dex component (`app.kubernetes.io/component`). */
export type DexPart =
  'server' | 'crds' | 'rbac' | 'network-policy' | 'mesh-policy' | 'static-user' | 'client';

/** @internal */
export function dexLabelOptions(part: DexPart): ComponentLabelOptions {
  return { name: 'dex', component: part, version: DEX_VERSION };
}

/** @internal */
export function dexLabels(part: DexPart): Record<string, string> {
  return standardLabels(dexLabelOptions(part));
}

/** The pod selector of the Dex server. @internal */
export function dexSelector(): Record<string, string> {
  return selectorLabels(dexLabelOptions('server'));
}
