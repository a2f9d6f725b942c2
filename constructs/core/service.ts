import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';

export interface HttpServiceProps {
  readonly metadata: k8s.ObjectMeta;
  /** Labels of the pods behind the Service. */
  readonly selector: Record<string, string>;
  readonly port: number;
  /** Name of the container port, also the Service port's name. @default 'http' */
  readonly portName?: string;
}

/**
 * A ClusterIP Service with one HTTP port that targets a named container port, so the mesh and
 * the network policies know the protocol and the port can move without touching the Service.
 */
export function httpService(
  scope: Construct,
  id: string,
  props: HttpServiceProps,
): k8s.KubeService {
  const name = props.portName ?? 'http';
  return new k8s.KubeService(scope, id, {
    metadata: props.metadata,
    spec: {
      type: 'ClusterIP',
      selector: props.selector,
      ports: [
        {
          name,
          port: props.port,
          targetPort: k8s.IntOrString.fromString(name),
          protocol: 'TCP',
          appProtocol: 'http',
        },
      ],
    },
  });
}

/**
 * Keeps one pod of a replicated workload running through voluntary disruptions (node drains).
 * A single replica gets none: a budget would block every drain.
 */
export function disruptionBudget(
  scope: Construct,
  id: string,
  props: { metadata: k8s.ObjectMeta; selector: Record<string, string>; replicas: number },
): k8s.KubePodDisruptionBudget | undefined {
  if (props.replicas <= 1) return undefined;
  return new k8s.KubePodDisruptionBudget(scope, id, {
    metadata: props.metadata,
    spec: {
      minAvailable: k8s.IntOrString.fromNumber(1),
      selector: { matchLabels: props.selector },
    },
  });
}
