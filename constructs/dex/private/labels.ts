import { ComponentLabels } from '../../core/labels';
import { DEX_VERSION } from '../versions';

/** The parts of the Dex component (`app.kubernetes.io/component`). */
export type DexPart =
  'server' | 'crds' | 'rbac' | 'network-policy' | 'mesh-policy' | 'static-user' | 'client';

/** Labels of Dex's objects; the server's pods are selected with `DEX_LABELS.selector('server')`. @internal */
export const DEX_LABELS = new ComponentLabels<DexPart>({ name: 'dex', version: DEX_VERSION });
