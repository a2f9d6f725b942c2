import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ImageRef, resolveImage } from '../core/images';
import { INamespace, NetworkPeer } from '../core/network';
import { IObjectStore } from '../core/object-store';
import { Prerequisites } from '../core/prerequisites';
import { JOB_RESOURCES, toResourceRequirements } from '../core/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { KFP_LABELS } from './private/labels';

/** A second S3 location the artifact bucket is copied to. */
export interface ArtifactMirrorTarget {
  /** `https://host[:port]` of the S3 endpoint. */
  readonly endpoint: string;
  readonly bucket: string;
  /** Key prefix in the target bucket. @default '' */
  readonly prefix?: string;
  /** A Secret in the mirror's namespace with an access key pair that may write the target. */
  readonly credentials: {
    readonly secretName: string;
    readonly accessKeyKey: string;
    readonly secretKeyKey: string;
  };
}

export interface ArtifactMirrorProps {
  readonly namespace: INamespace;
  /** The platform's store, with credentials of the mirror's namespace that read `prefixes`. */
  readonly source: IObjectStore;
  readonly bucket: string;
  /** Prefixes of the bucket that are copied, each ending in `/`. */
  readonly prefixes: readonly string[];
  readonly target: ArtifactMirrorTarget;
  /** A five-field cron schedule (validated by the config rule). */
  readonly schedule: string;
  /** An image with the MinIO client `mc`. */
  readonly image: ImageRef;
}

/** The CronJob and its network allow's name. */
export const ARTIFACT_MIRROR = 'artifact-mirror';

/** Runs as any user: `mc` is a static binary. */
const MIRROR_UID = 65532;

/**
 * Copies each prefix to the target with `mc mirror --overwrite`: new and changed objects; nothing
 * is deleted at the target, so a deletion at the source (or a compromised key) cannot reach it.
 */
export const ARTIFACT_MIRROR_SCRIPT = [
  'set -eu',
  'mc alias set src "$SOURCE_ENDPOINT" "$SOURCE_ACCESS_KEY" "$SOURCE_SECRET_KEY" >/dev/null',
  'mc alias set dst "$TARGET_ENDPOINT" "$TARGET_ACCESS_KEY" "$TARGET_SECRET_KEY" >/dev/null',
  'for prefix in $PREFIXES; do',
  '  mc mirror --overwrite "src/$SOURCE_BUCKET/$prefix" "dst/$TARGET_BUCKET/$TARGET_PREFIX$prefix"',
  'done',
].join('\n');

/**
 * A scheduled copy of the artifact bucket to a second location (another region, another
 * provider), with the platform's scoped keys at the source and the target's keys from a Secret the
 * user creates (a prerequisite).
 */
export class ArtifactMirror extends Construct {
  public readonly cronJob: k8s.KubeCronJob;

  public constructor(scope: Construct, id: string, props: ArtifactMirrorProps) {
    super(scope, id);
    const ns = props.namespace.name;
    const labels = KFP_LABELS.labels('artifact-mirror');
    const selector = KFP_LABELS.selector('artifact-mirror');
    const source = props.source.credentials;
    const target = props.target.credentials;
    Prerequisites.of(this).requireSecret({
      namespace: ns,
      name: target.secretName,
      keys: [target.accessKeyKey, target.secretKeyKey],
      purpose: `the artifact mirror's keys for ${props.target.endpoint}/${props.target.bucket}`,
    });
    props.source.grantAccess(ARTIFACT_MIRROR, NetworkPeer.namespace(ns, selector));
    const key = (secretName: string, k: string) => ({
      valueFrom: { secretKeyRef: { name: secretName, key: k } },
    });
    this.cronJob = new k8s.KubeCronJob(this, 'CronJob', {
      metadata: { name: ARTIFACT_MIRROR, namespace: ns, labels },
      spec: {
        schedule: props.schedule,
        timeZone: 'Etc/UTC',
        concurrencyPolicy: 'Forbid',
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          spec: {
            backoffLimit: 2,
            template: {
              metadata: { labels },
              spec: {
                restartPolicy: 'Never',
                automountServiceAccountToken: false,
                enableServiceLinks: false,
                securityContext: restrictedPodSecurityContext({
                  runAsUser: MIRROR_UID,
                  runAsGroup: MIRROR_UID,
                  fsGroup: MIRROR_UID,
                }),
                containers: [
                  {
                    name: 'mirror',
                    image: resolveImage(this, props.image),
                    command: ['/bin/sh', '-c', ARTIFACT_MIRROR_SCRIPT],
                    env: [
                      { name: 'HOME', value: '/tmp' },
                      { name: 'MC_CONFIG_DIR', value: '/tmp/.mc' },
                      { name: 'SOURCE_ENDPOINT', value: props.source.endpointUrl },
                      { name: 'SOURCE_ACCESS_KEY', ...key(source.secretName, source.accessKeyKey) },
                      { name: 'SOURCE_SECRET_KEY', ...key(source.secretName, source.secretKeyKey) },
                      { name: 'SOURCE_BUCKET', value: props.bucket },
                      { name: 'PREFIXES', value: props.prefixes.join(' ') },
                      { name: 'TARGET_ENDPOINT', value: props.target.endpoint },
                      { name: 'TARGET_ACCESS_KEY', ...key(target.secretName, target.accessKeyKey) },
                      { name: 'TARGET_SECRET_KEY', ...key(target.secretName, target.secretKeyKey) },
                      { name: 'TARGET_BUCKET', value: props.target.bucket },
                      { name: 'TARGET_PREFIX', value: props.target.prefix ?? '' },
                    ],
                    resources: toResourceRequirements(JOB_RESOURCES),
                    securityContext: restrictedContainerSecurityContext(),
                    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
                  },
                ],
                volumes: [
                  { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
                ],
              },
            },
          },
        },
      },
    });
  }
}
