import { Pack } from '../../core/types';
import { allowPrivilegeEscalation } from './allow-privilege-escalation';
import { addOnlyNetBindService, dropAllCapabilities } from './capabilities';
import { runAsNonRoot } from './run-as-non-root';
import { runAsUser } from './run-as-user';
import { seccompRestricted } from './seccomp';
import { volumeTypes } from './volume-types';

/**
 * What the Pod Security Standards "restricted" profile adds to baseline, Kubernetes v1.34. Apply
 * it together with `pssBaseline` for the full restricted profile.
 */
export const pssRestricted: Pack = {
  id: 'pss-restricted',
  title: 'Pod Security Standards: restricted',
  description:
    'The controls the restricted profile of the Kubernetes Pod Security Standards adds to ' +
    'baseline (Kubernetes v1.34; the v1.35 user-namespace relaxations do not apply). Apply it ' +
    'together with pss-baseline for the full restricted profile. Where a restricted control ' +
    'tightens a baseline one (seccomp, capabilities, hostPath among the volume types), both ' +
    'rules report, so that each can be suppressed on its own terms.',
  rules: [
    volumeTypes,
    allowPrivilegeEscalation,
    runAsNonRoot,
    runAsUser,
    seccompRestricted,
    dropAllCapabilities,
    addOnlyNetBindService,
  ],
};
