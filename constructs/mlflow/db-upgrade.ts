import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ImageRef, imageReference, parseImageReference, resolveImage } from '../core/images';
import { INamespace, NetworkPeer } from '../core/network';
import { ResourceSpec, toResourceRequirements } from '../core/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { propProblem, throwIfProblems } from '../core/validation';
import { MIGRATE, databaseConnection } from './private/launcher';
import { MLFLOW_LABELS } from './private/labels';
import { MlflowDatabase } from './server';
import { MLFLOW_IMAGES, MLFLOW_VERSION } from './versions';

/**
 * The Job's name for an MLflow version: `mlflow-db-upgrade-3-15-2`. A Job's pod template cannot
 * change, so a new version is a new Job; the old one stays, completed.
 */
export function mlflowDbUpgradeJobName(version: string = MLFLOW_VERSION): string {
  return `mlflow-db-upgrade-${version.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`;
}

/**
 * Upstream's migration resources (`values.yaml` `migrations.resources`): Alembic and MLflow's
 * models load in about 200 MiB.
 */
export const MLFLOW_DB_UPGRADE_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '100m', limit: '500m' },
  memory: { request: '256Mi', limit: '512Mi' },
};

/**
 * Pod retries. Each attempt waits about 100 s for the database (MLflow's engine retries), and the
 * Job controller backs off 10 s, 20 s, 40 s ... up to 6 min between pods: 10 attempts outlast a
 * database that is still being created or started on a fresh install (well over 30 min), where
 * upstream's 3 would give up after about 6 min.
 */
export const MLFLOW_DB_UPGRADE_BACKOFF_LIMIT = 10;

export interface MlflowDbUpgradeProps {
  /** Where the Job runs: the server's namespace (the database credentials are there). */
  readonly namespace: INamespace;
  /** The server's database: the same `IDatabase` and name as `MlflowServer`'s. */
  readonly database: MlflowDatabase;
  /** @default MLFLOW_IMAGES.server - the server's image, so the schema matches its MLflow */
  readonly image?: ImageRef;
  /** The MLflow release in `image`, for the Job's name. @default MLFLOW_VERSION */
  readonly mlflowVersion?: string;
  /** @default MLFLOW_DB_UPGRADE_DEFAULT_RESOURCES */
  readonly resources?: ResourceSpec;
}

/** The user of upstream's pod security context. */
const MLFLOW_UID = 1000;

/**
 * MLflow's schema migration as a Job, upstream's `templates/migration-job.yaml` (a Helm
 * pre-install/pre-upgrade hook there) with MLflow's own functions instead of its script
 * (`MIGRATE`): an empty database gets MLflow's tables at the head revision, an existing one is
 * upgraded (`mlflow db upgrade`), and the Job fails unless the schema ends at this MLflow's head.
 * Run it with no server writing: the install waits for `Complete` before it starts the server,
 * and a server of an older MLflow must be stopped before the Job of a newer one runs (migrations
 * are not transactional on MySQL). The server refuses to start on an out-of-date schema.
 *
 * The pod runs without an Istio sidecar (a Job with one never completes), so an in-mesh database
 * is asked to accept its plain connection.
 */
export class MlflowDbUpgrade extends Construct {
  public readonly jobName: string;
  public readonly job: k8s.KubeJob;
  public readonly podLabels: Readonly<Record<string, string>>;

  public constructor(scope: Construct, id: string, props: MlflowDbUpgradeProps) {
    super(scope, id);
    const ns = props.namespace.name;
    const db = props.database.database;
    const image = props.image ?? MLFLOW_IMAGES.server;
    const version = props.mlflowVersion ?? MLFLOW_VERSION;
    const problems: string[] = [];
    if (!/^[0-9]+(\.[0-9]+)*([a-z0-9.-]*)$/i.test(version)) {
      problems.push(
        propProblem('mlflowVersion', 'is not a version', `"${version}"`, 'Use one such as 3.15.2.'),
      );
    }
    const written = imageReference(image);
    if (!parseImageReference(written)) {
      problems.push(
        propProblem(
          'image',
          'is not a pinned image',
          `"${written}"`,
          'Name a registry and a tag other than latest.',
        ),
      );
    }
    throwIfProblems('MlflowDbUpgrade', problems);

    this.jobName = mlflowDbUpgradeJobName(version);
    const labels = MLFLOW_LABELS.labels('db-upgrade');
    const selector = MLFLOW_LABELS.selector('db-upgrade');
    this.podLabels = selector;
    const conn = databaseConnection(db, props.database.name, ns);

    this.job = new k8s.KubeJob(this, 'Job', {
      metadata: { name: this.jobName, namespace: ns, labels },
      spec: {
        backoffLimit: MLFLOW_DB_UPGRADE_BACKOFF_LIMIT,
        template: {
          metadata: { labels: { ...labels, 'sidecar.istio.io/inject': 'false' } },
          spec: {
            restartPolicy: 'Never',
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext({
              runAsUser: MLFLOW_UID,
              runAsGroup: MLFLOW_UID,
              fsGroup: MLFLOW_UID,
            }),
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            containers: [
              {
                name: 'db-upgrade',
                image: resolveImage(this, image),
                imagePullPolicy: 'IfNotPresent',
                command: ['python', '-c', MIGRATE],
                env: [{ name: 'MLFLOW_DISABLE_TELEMETRY', value: 'true' }, ...conn.env],
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }, ...conn.mounts],
                resources: toResourceRequirements(
                  props.resources ?? MLFLOW_DB_UPGRADE_DEFAULT_RESOURCES,
                ),
                securityContext: restrictedContainerSecurityContext(),
              },
            ],
            volumes: [
              { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('128Mi') } },
              ...conn.volumes,
            ],
          },
        },
      },
    });

    db.addDatabase(props.database.name);
    db.grantAccess(this.jobName, NetworkPeer.namespace(ns, { ...selector }));
    db.acceptClientsWithoutMesh?.(
      "MLflow's schema migration Job runs without an Istio sidecar (a Job with one never completes).",
    );
  }
}
