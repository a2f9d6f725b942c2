import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KubeObject } from '../../stacks/render';
import { REPO_ROOT, allObjects, readEnvironment, renderEnv } from '../helpers';

/**
 * Every object of the committed environments, as a digest (canonical JSON, keys sorted), so that
 * a change of any object is a deliberate, reviewed change of these fixtures. Regenerate them with
 * `UPDATE_OBJECT_DIGESTS=1 npx jest test/integration/refactor.test.ts` and add a line here.
 *
 * - The restructuring onto the component model (issue 8) changed no object; the platform layer
 *   became `06-platform-controllers` and `07-platform-resources` and the tenants layer
 *   `08-tenants` (file names only).
 * - The move to the Kubeflow 26.03.1 release set (issue 9) changed the objects of Istio 1.30.1,
 *   cert-manager v1.20.2 (UID 65532, RBAC, CRD schemas with upstream's defaults), Dex v2.45.1
 *   (two replicas), oauth2-proxy v7.15.2 (flags, a 32-byte cookie key, gateway policies that
 *   leave plain HTTP to its redirect) and added the TrafficExtension CRD.
 * - Kubeflow's core (issue 11) added the dashboard, profiles, KFAM, PodDefaults and Notebooks
 *   objects and the in-cluster CA of their webhooks (prod, whose issuer is ACME). Tenants became
 *   profiles: each namespace carries the profile labels, the `owner` annotation and `baseline`
 *   pod security; the quota and the owner's binding moved into the `Profile` (the controller
 *   writes them); member and group bindings are named by subject and role in KFAM's format.
 * - Kubeflow Pipelines (issue 12) added its objects (MySQL, Argo, the KFP services, ML Metadata,
 *   per-tenant launcher config, artifact repository and scoped object-store keys); of the objects
 *   before, only `dashboard-config` changed (its menu gained the Pipelines pages). Each tenant then got
 *   the `access-ml-pipeline` PodDefault (a projected token for the Pipelines API), and the three
 *   gateway allows of its web apps' pods became one (`allow-notebooks-from-gateway`, ports 8888,
 *   8080 and 6006), which keeps 1,000 tenants within the synthesis budget. MinIO then accepted pipeline
 *   steps, which run without a sidecar, on its S3 port (`minio-clients-without-mesh`).
 * - Model serving (issue 13) added KServe, its runtimes, the models web app and Knative Serving
 *   with net-istio and the cluster-local gateway, and per tenant the model service account and
 *   the serving policies; of the objects before, only `dashboard-config` changed (its menu gained
 *   KServe Endpoints). The tenants' object-store keys are shared with Pipelines (one identity).
 * - Training and AutoML (issue 14) added Katib, Kubeflow Trainer, JobSet and their runtimes; of
 *   the objects before, `dashboard-config` changed (Katib Experiments on the menu), and MySQL's
 *   init script and backup gained Katib's database `katib` (declared with `addDatabase`), and MySQL
 *   accepts Katib's DB manager, which runs without a sidecar, in plain text on 3306
 *   (`mysql-clients-without-mesh`).
 * - Tracking and the model registry (issue 15) added Kubeflow Hub (the UI, the catalog with its
 *   PostgreSQL, the storage initializer, and per tenant a registry with its own PostgreSQL); of the
 *   objects before, `dashboard-config` changed (Model Registry on the menu). MLflow is off by
 *   default and adds nothing here.
 * - Day two (issue 16): monitoring is off by default and adds nothing. Protected objects (CRDs,
 *   namespaces, profiles, volumes and claims, StatefulSets, Secrets) gained the annotations that
 *   keep them from Argo CD's and Flux's pruning, and every Job the hash of its pod template with
 *   the annotations that re-create it (its template is immutable); nothing else changed.
 */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

function digests(objects: readonly KubeObject[]): Record<string, string> {
  return Object.fromEntries(
    objects.map((o) => [
      `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`,
      createHash('sha256')
        .update(JSON.stringify(canonical(o)))
        .digest('hex')
        .slice(0, 16),
    ]),
  );
}

describe.each(['dev', 'prod'])('stacks/%s.yaml synthesizes the reviewed objects', (env) => {
  test('object for object', () => {
    const fixture = path.join(REPO_ROOT, 'test/fixtures/refactor', `${env}.json`);
    const after = digests(allObjects(renderEnv(readEnvironment(`stacks/${env}.yaml`))));
    if (process.env.UPDATE_OBJECT_DIGESTS === '1') {
      fs.writeFileSync(fixture, `${JSON.stringify(after, null, 2)}\n`);
    }
    const before = JSON.parse(fs.readFileSync(fixture, 'utf8')) as Record<string, string>;
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    const changed = Object.keys(before).filter((k) => before[k] !== after[k]);
    expect(changed).toEqual([]);
  });
});
