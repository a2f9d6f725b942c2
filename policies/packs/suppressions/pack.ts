import { Pack } from '../../core/types';
import { suppressionKnownRule, suppressionReasonRequired, suppressionWellFormed } from './rules';

/** Rules about suppressions themselves. They always run and cannot be suppressed. */
export const suppressionsPack: Pack = {
  id: 'suppressions',
  title: 'Suppressions',
  description:
    'Checks on the suppressions annotation itself. These rules run with every pack selection ' +
    'and cannot be suppressed.',
  rules: [suppressionWellFormed, suppressionReasonRequired, suppressionKnownRule],
};
