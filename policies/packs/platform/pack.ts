import { Pack } from '../../core/types';
import { clusterAdminBinding } from './cluster-admin-binding';
import { imagePinned } from './image-pinned';
import { literalCredentials } from './literal-credentials';
import { namespaceDefaultDeny } from './namespace-default-deny';
import { namespacePodSecurity } from './namespace-pod-security';
import { passwordHashes } from './password-hashes';
import { rbacWildcards } from './rbac-wildcards';
import { readOnlyRootFilesystem } from './read-only-root-filesystem';
import { cpuLimit, memoryLimit, resourceRequests } from './resources';

/** The blueprint's own platform rules, on top of the Pod Security Standards. */
export const platformPack: Pack = {
  id: 'platform',
  title: 'Platform',
  description:
    'Operational and multi-tenancy rules of the blueprint: reproducible images, resource ' +
    'bounds, no literal credentials or password hashes, least-privilege RBAC and namespaces that enforce pod ' +
    'security and deny ingress by default.',
  rules: [
    imagePinned,
    resourceRequests,
    memoryLimit,
    cpuLimit,
    literalCredentials,
    passwordHashes,
    rbacWildcards,
    clusterAdminBinding,
    namespacePodSecurity,
    namespaceDefaultDeny,
    readOnlyRootFilesystem,
  ],
};
