import { Construct } from 'constructs';
import { Contracts, defineComponent } from '../core/component';
import { Layer } from '../core/layers';
import { JobSet } from '../jobset/jobset';
import { jobSetSelectorUpgrade } from '../jobset/upgrade';
import { JOBSET_VERSION } from '../jobset/versions';
import { KubeflowTrainerRoles } from '../trainer/aggregated-roles';
import { ClusterTrainingRuntimes } from '../trainer/cluster-training-runtimes';
import { TRAINER_API_VERSION } from '../trainer/crds';
import { KubeflowTrainer } from '../trainer/kubeflow-trainer';
import { TrainJob } from '../trainer/train-job';
import { TRAINER_VERSION } from '../trainer/versions';
import { JOBSET_NAMES, JOBSET_PORTS } from '../jobset/names';
import { TRAINER_PORTS } from '../trainer/names';
import { monitorTraining } from './monitoring';
import {
  TRAINING_RULES,
  TrainJobConfig,
  trainJobProps,
  trainingShape,
  trainingTenantShape,
} from './config';

/** Where Kubeflow Trainer and JobSet run (Kubeflow 26.03.1's `kubeflow-system`). */
export const TRAINING_NAMESPACE = 'kubeflow-system';

/**
 * Distributed training with Kubeflow Trainer v2.2.0 on JobSet v0.11.0, both in `kubeflow-system`
 * as Kubeflow places them: the controller managers with their webhooks (certificates from the
 * platform's service CA), the CRDs, the ClusterTrainingRuntimes of the release (restricted), the
 * Trainer's rights in the Kubeflow roles, and every tenant's train jobs of the environment file.
 */
export const trainingComponent = defineComponent({
  key: 'training',
  description: 'Kubeflow Trainer with JobSet: distributed train jobs on training runtimes',
  toggle: 'kubeflow.training.enabled',
  config: { shape: trainingShape, tenantShape: trainingTenantShape, rules: TRAINING_RULES },
  namespaces: [TRAINING_NAMESPACE],
  needs: [Contracts.serviceIssuer, Contracts.kubeflowProfiles],
  offers: [Contracts.trainingRuntimes],
  uses: [Contracts.monitoring],
  // JobSet first: its upgrade step compares with the recorded JobSet version.
  versions: () => [
    { project: 'jobset', version: JOBSET_VERSION },
    { project: 'trainer', version: TRAINER_VERSION },
  ],
  // Trainer v2.2.0 also changed the TrainJob API (runtimePatches replaces podTemplateOverrides;
  // the runtimes' elasticPolicy and numProcPerNode are gone): the CRDs update in place and the
  // platform renders only the new fields; TrainJobs of your own are rewritten (README).
  upgrades: [jobSetSelectorUpgrade(TRAINING_NAMESPACE)],
  enabled: (config) => config.kubeflow.training.enabled,
  build(ctx) {
    const settings = ctx.config.kubeflow.training;
    const scope = ctx.chart(Layer.PLATFORM_CONTROLLERS);
    // No meshed pod runs here: both managers are called only by the API server (webhooks).
    const namespace = ctx.namespace(TRAINING_NAMESPACE, { owner: 'kubeflow', mesh: false });
    const issuer = ctx.get(Contracts.serviceIssuer);
    const profiles = ctx.get(Contracts.kubeflowProfiles);

    // Each creates its CRDs in the CRD layer.
    const jobSet = new JobSet(scope, 'JobSet', {
      namespace,
      issuer,
      replicas: settings.replicas,
    });
    const trainer = new KubeflowTrainer(scope, 'KubeflowTrainer', {
      namespace,
      issuer,
      replicas: settings.replicas,
    });
    const monitoring = ctx.tryGet(Contracts.monitoring);
    if (monitoring) {
      monitorTraining(scope, {
        monitoring,
        namespace,
        jobSetPods: jobSet.podSelector,
        jobSetTls: {
          caSecret: { name: JOBSET_NAMES.metricsCertificateSecret, key: 'ca.crt' },
          serverName: `${JOBSET_NAMES.metricsService}.${namespace.name}.svc`,
        },
        trainerPods: trainer.podSelector,
        jobSetPort: JOBSET_PORTS.metrics,
        trainerPort: TRAINER_PORTS.metrics,
      });
    }
    const runtimes = new ClusterTrainingRuntimes(scope, 'ClusterTrainingRuntimes', {
      ...(settings.runtimes ? { runtimes: settings.runtimes } : {}),
      // Training pods find each other through JobSet's headless Service, which names no port:
      // with sidecars, a node's plain rendezvous (torch 29500, NCCL, MPI's ssh) would meet the
      // other node's STRICT mTLS. They stay outside the mesh, as Katib's trials do; the tenant's
      // network policies still apply.
      sidecarInjection: 'disabled',
    });
    new KubeflowTrainerRoles(scope, 'KubeflowTrainerRoles');
    ctx.offer(Contracts.trainingRuntimes, {
      apiVersion: TRAINER_API_VERSION,
      runtimes: runtimes.runtimeNames,
    });

    const declared = new Map(ctx.config.tenants.map((t) => [t.name, t.trainJobs]));
    profiles.addToProfiles({
      id: 'training',
      build: (tenantScope, tenantNamespace) => {
        for (const j of declared.get(tenantNamespace) ?? []) {
          tenantTrainJob(tenantScope, tenantNamespace, j, runtimes.runtimeNames);
        }
      },
    });
  },
});

function tenantTrainJob(
  scope: Construct,
  namespace: string,
  j: TrainJobConfig,
  runtimes: readonly string[],
): void {
  new TrainJob(scope, `TrainJob-${j.name}`, trainJobProps(namespace, j, runtimes));
}
