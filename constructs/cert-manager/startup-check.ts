import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { resolveImage } from '../core/images';
import { standardLabels } from '../core/labels';
import { JOB_RESOURCES, toResourceRequirements } from '../core/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { CORE_IMAGES } from '../core/versions';
import { CERT_MANAGER_API, CERT_MANAGER_NAMES } from './names';

/** Name of the Job, its ServiceAccount and Role. */
export const STARTUP_CHECK_NAME = 'cert-manager-startup-check';

// A server-side dry run passes through both admission webhooks, so it succeeds only once the
// webhook serves and cainjector has injected its CA. Nothing is stored.
const CHECK_SCRIPT = [
  'set -eu',
  'cat > /tmp/check.yaml <<EOF',
  `apiVersion: ${CERT_MANAGER_API.apiVersion}`,
  'kind: Certificate',
  'metadata:',
  '  name: startup-check',
  'spec:',
  '  secretName: startup-check',
  '  dnsNames: [startup-check.invalid]',
  '  issuerRef: { name: startup-check, kind: Issuer }',
  'EOF',
  'until kubectl create --dry-run=server --namespace "$POD_NAMESPACE" -f /tmp/check.yaml; do',
  '  echo "cert-manager webhook not ready yet"; sleep 3',
  'done',
].join('\n');

export interface CertManagerStartupCheckProps {
  readonly namespace: string;
}

/**
 * A Job that completes once cert-manager admits resources: the webhook serves with an injected
 * CA. Its layer is done only when the Job is, so issuers in the next layer never meet a webhook
 * that is not ready (upstream answers this with a post-install hook and retries).
 */
export class CertManagerStartupCheck extends Construct {
  public readonly jobName = STARTUP_CHECK_NAME;

  public constructor(scope: Construct, id: string, props: CertManagerStartupCheckProps) {
    super(scope, id);
    const name = STARTUP_CHECK_NAME;
    const namespace = props.namespace;
    const labels = standardLabels({
      name: 'cert-manager',
      instance: CERT_MANAGER_NAMES.controller,
      component: 'startup-check',
    });
    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name, namespace, labels },
      automountServiceAccountToken: false,
    });
    new k8s.KubeRole(this, 'Role', {
      metadata: { name, namespace, labels },
      rules: [
        { apiGroups: [CERT_MANAGER_API.group], resources: ['certificates'], verbs: ['create'] },
      ],
    });
    new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata: { name, namespace, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace }],
    });
    new k8s.KubeJob(this, 'Job', {
      metadata: { name, namespace, labels },
      spec: {
        backoffLimit: 3,
        activeDeadlineSeconds: 600,
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: true,
            restartPolicy: 'OnFailure',
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext({
              runAsUser: 65532,
              runAsGroup: 65532,
              fsGroup: 65532,
            }),
            containers: [
              {
                name: 'check',
                image: resolveImage(this, CORE_IMAGES.kubectl),
                command: ['/bin/bash', '-c', CHECK_SCRIPT],
                env: [
                  { name: 'HOME', value: '/tmp' },
                  {
                    name: 'POD_NAMESPACE',
                    valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } },
                  },
                ],
                resources: toResourceRequirements(JOB_RESOURCES),
                securityContext: restrictedContainerSecurityContext(),
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
              },
            ],
            volumes: [
              {
                name: 'tmp',
                emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('8Mi') },
              },
            ],
          },
        },
      },
    });
  }
}
