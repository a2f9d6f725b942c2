import { Pack } from '../../core/types';
import { appArmor } from './apparmor';
import { capabilities } from './capabilities';
import { hostNamespaces } from './host-namespaces';
import { hostPathVolumes } from './host-path-volumes';
import { hostPorts } from './host-ports';
import { hostProbes } from './host-probes';
import { hostProcess } from './host-process';
import { privileged } from './privileged';
import { procMount } from './proc-mount';
import { seccomp } from './seccomp';
import { seLinux } from './selinux';
import { sysctls } from './sysctls';

/** Every control of the Pod Security Standards "baseline" profile, Kubernetes v1.34. */
export const pssBaseline: Pack = {
  id: 'pss-baseline',
  title: 'Pod Security Standards: baseline',
  description:
    'The controls of the baseline profile of the Kubernetes Pod Security Standards as of ' +
    'Kubernetes v1.34, applied to every pod template and to containers, init containers and ' +
    'ephemeral containers alike. It blocks the known privilege escalations while accepting ' +
    'the default pod configuration.',
  rules: [
    hostProcess,
    hostNamespaces,
    privileged,
    capabilities,
    hostPathVolumes,
    hostPorts,
    hostProbes,
    appArmor,
    seLinux,
    procMount,
    seccomp,
    sysctls,
  ],
};
