import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';

/** Horizontal autoscaling of a Deployment on CPU, as the upstream charts configure it. */
export interface Autoscaling {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Target average CPU utilization, in percent of the CPU request. */
  readonly targetCpuUtilizationPercent: number;
}

/** Upstream's default for istiod and the gateway: 1 to 5 replicas at 80 % CPU. */
export const DEFAULT_AUTOSCALING: Autoscaling = {
  minReplicas: 1,
  maxReplicas: 5,
  targetCpuUtilizationPercent: 80,
};

/** Problems with an autoscaling setting; `path` names the prop in messages. */
export function autoscalingProblems(path: string, a: Autoscaling): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(a.minReplicas) || a.minReplicas < 1) {
    problems.push(
      `\`${path}.minReplicas\` must be an integer of at least 1 (got ${a.minReplicas}).`,
    );
  }
  if (!Number.isInteger(a.maxReplicas) || a.maxReplicas < a.minReplicas) {
    problems.push(
      `\`${path}.maxReplicas\` must be an integer not below minReplicas (got ${a.maxReplicas}).`,
    );
  }
  const cpu = a.targetCpuUtilizationPercent;
  if (!Number.isInteger(cpu) || cpu < 1 || cpu > 100) {
    problems.push(
      `\`${path}.targetCpuUtilizationPercent\` must be an integer from 1 to 100 (got ${cpu}).`,
    );
  }
  return problems;
}

export interface ScalingObjectsProps {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly selector: Record<string, string>;
  readonly autoscaling: Autoscaling;
}

/**
 * An autoscaler for the Deployment `name` and, when at least two replicas always run, a
 * PodDisruptionBudget keeping one of them. With a single replica the budget is left out, as
 * upstream does: `minAvailable: 1` on one pod would block every node drain.
 */
export function addScalingObjects(scope: Construct, props: ScalingObjectsProps): void {
  const { name, namespace, labels, autoscaling } = props;
  new k8s.KubeHorizontalPodAutoscalerV2(scope, 'Autoscaler', {
    metadata: { name, namespace, labels },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: autoscaling.minReplicas,
      maxReplicas: autoscaling.maxReplicas,
      metrics: [
        {
          type: 'Resource',
          resource: {
            name: 'cpu',
            target: {
              type: 'Utilization',
              averageUtilization: autoscaling.targetCpuUtilizationPercent,
            },
          },
        },
      ],
    },
  });
  if (autoscaling.minReplicas > 1) {
    new k8s.KubePodDisruptionBudget(scope, 'DisruptionBudget', {
      metadata: { name, namespace, labels },
      spec: {
        minAvailable: k8s.IntOrString.fromNumber(1),
        selector: { matchLabels: props.selector },
      },
    });
  }
}
