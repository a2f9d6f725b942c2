import { Chart, Testing } from 'cdk8s';
import {
  MLFLOW_DB_UPGRADE_BACKOFF_LIMIT,
  MlflowDbUpgrade,
  MlflowDbUpgradeProps,
  mlflowDbUpgradeJobName,
} from '../../../constructs/mlflow/db-upgrade';
import { FakeNamespace } from '../../fakes';
import { Manifest, Objects } from '../../helpers';
import { FakeDatabase, MLFLOW_FACTS as F } from './facts';

const NS = 'kubeflow';

function build(props: Partial<MlflowDbUpgradeProps> = {}, database = new FakeDatabase()) {
  const chart = new Chart(Testing.app(), 'Test');
  const upgrade = new MlflowDbUpgrade(chart, 'Upgrade', {
    namespace: new FakeNamespace(NS),
    database: { database, name: 'mlflow' },
    ...props,
  });
  const objects = new Objects(Testing.synth(chart) as Manifest[]);
  const job = objects.find('Job', NS, upgrade.jobName);
  const pod = job.spec.template.spec as Manifest;
  const container = pod.containers[0] as Manifest;
  const env = new Map<string, Manifest>(
    (container.env as Manifest[]).map((e) => [e.name as string, e]),
  );
  return { upgrade, job, pod, container, env, database };
}

const { upgrade, job, pod, container, env, database } = build();

describe('MlflowDbUpgrade', () => {
  test('name carries the MLflow version', () => {
    expect(upgrade.jobName).toBe('mlflow-db-upgrade-3-15-2');
    expect(mlflowDbUpgradeJobName('3.16.0')).toBe('mlflow-db-upgrade-3-16-0');
    expect(build({ mlflowVersion: '3.16.0' }).upgrade.jobName).toBe('mlflow-db-upgrade-3-16-0');
  });

  test('job: retries outlast a starting database, no TTL, Never restarts', () => {
    expect(job.spec.backoffLimit).toBe(MLFLOW_DB_UPGRADE_BACKOFF_LIMIT);
    expect(job.spec.backoffLimit).toBe(10);
    expect(job.spec.ttlSecondsAfterFinished).toBeUndefined();
    expect(pod.restartPolicy).toBe(F.migration.restartPolicy);
    expect(pod.automountServiceAccountToken).toBe(F.migration.automountServiceAccountToken);
    expect(job.spec.template.metadata.labels['sidecar.istio.io/inject']).toBe('false');
  });

  test('command: URI from DB_* env, bootstrap or upgrade with MLflow, verify the head', () => {
    expect(container.image).toBe(F.image);
    expect(container.command[0]).toBe('python');
    expect(container.command[1]).toBe('-c');
    const script = container.command[2] as string;
    expect(script).toContain('quote(e["DB_PASSWORD"], safe="")');
    expect(script).toContain('utils.create_sqlalchemy_engine_with_retry(');
    expect(script).toContain(
      'if utils._get_schema_version(engine) is None:\n    utils._initialize_tables(engine)\nelse:\n    utils._upgrade_db(engine)\nutils._verify_schema(engine)',
    );
    expect(env.get('DB_SCHEME')?.value).toBe('mysql+pymysql');
    expect(env.get('DB_NAME')?.value).toBe('mlflow');
    expect(env.get('DB_PASSWORD')?.valueFrom).toEqual({
      secretKeyRef: { name: 'mlflow-db', key: 'password' },
    });
  });

  test('restricted security and resources', () => {
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.resources).toEqual({
      requests: { cpu: '100m', memory: '256Mi' },
      limits: { cpu: '500m', memory: '512Mi' },
    });
  });

  test('database: declared, granted, plain connection accepted for the sidecar-less pod', () => {
    expect(database.databases).toEqual(['mlflow']);
    expect(database.grants.map((g) => g.id)).toEqual(['mlflow-db-upgrade-3-15-2']);
    expect(database.plainReasons).toHaveLength(1);
  });
});
