import { Pack } from '../core/types';
import { platformPack } from './platform/pack';
import { pssBaseline } from './pss-baseline/pack';
import { pssRestricted } from './pss-restricted/pack';
import { suppressionsPack } from './suppressions/pack';

export { platformPack, pssBaseline, pssRestricted, suppressionsPack };

/** The packs applied by default, in report order. */
export const ALL_PACKS: readonly Pack[] = [pssBaseline, pssRestricted, platformPack];

/** Every pack including the always-on suppression rules: the rule catalogue. */
export const CATALOGUE_PACKS: readonly Pack[] = [...ALL_PACKS, suppressionsPack];

/** Looks a pack up by ID, e.g. for a `--pack` command-line option. */
export function packById(id: string): Pack | undefined {
  return CATALOGUE_PACKS.find((pack) => pack.id === id);
}
