import { k8s } from 'cdk8s-plus-27';
import { ResourceSpec } from '../core/resources';
import { KNATIVE_SERVING_PORTS as P } from './names';

/** Upstream's requests and limits (`config/core/deployments/*.yaml`). */
export const KNATIVE_SERVING_DEFAULT_RESOURCES = {
  activator: { cpu: { request: '300m', limit: '1' }, memory: { request: '60Mi', limit: '600Mi' } },
  autoscaler: {
    cpu: { request: '100m', limit: '1' },
    memory: { request: '100Mi', limit: '1000Mi' },
  },
  controller: {
    cpu: { request: '100m', limit: '1' },
    memory: { request: '100Mi', limit: '1000Mi' },
  },
  webhook: {
    cpu: { request: '100m', limit: '500m' },
    memory: { request: '100Mi', limit: '500Mi' },
  },
} as const satisfies Record<string, ResourceSpec>;

const port = (n: number) => k8s.IntOrString.fromNumber(n);
const field = (name: string, fieldPath: string): k8s.EnvVar => ({
  name,
  valueFrom: { fieldRef: { fieldPath } },
});

/** What a workload's container differs in: upstream's env, ports and probes. @internal */
export interface WorkloadFacts {
  readonly env: k8s.EnvVar[];
  readonly ports: k8s.ContainerPort[];
  readonly readinessProbe: k8s.Probe;
  readonly livenessProbe: k8s.Probe;
  readonly terminationGracePeriodSeconds?: number;
}

const CONFIG_ENV: k8s.EnvVar[] = [
  { name: 'CONFIG_LOGGING_NAME', value: 'config-logging' },
  { name: 'CONFIG_OBSERVABILITY_NAME', value: 'config-observability' },
];
const POD_NAME = field('POD_NAME', 'metadata.name');
const POD_IP = field('POD_IP', 'status.podIP');
const SYSTEM_NAMESPACE = field('SYSTEM_NAMESPACE', 'metadata.namespace');
const tcp = (name: string, containerPort: number): k8s.ContainerPort => ({
  name,
  containerPort,
  protocol: 'TCP',
});

/** `config/core/deployments/activator.yaml`. @internal */
export const ACTIVATOR_FACTS: WorkloadFacts = {
  // The activator buffers requests: upstream trades memory for fewer GC pauses.
  env: [{ name: 'GOGC', value: '500' }, POD_NAME, POD_IP, SYSTEM_NAMESPACE, ...CONFIG_ENV],
  ports: [
    tcp('metrics', P.activator.metrics),
    tcp('profiling', P.activator.profiling),
    tcp('http1', P.activator.http1),
    tcp('h2c', P.activator.h2c),
  ],
  readinessProbe: {
    httpGet: { port: port(P.activator.http1) },
    periodSeconds: 5,
    failureThreshold: 5,
  },
  livenessProbe: {
    httpGet: { port: port(P.activator.http1) },
    periodSeconds: 10,
    failureThreshold: 12,
    initialDelaySeconds: 15,
  },
  // Requests in flight drain before the pod goes (upstream: 10 minutes).
  terminationGracePeriodSeconds: 600,
};

/** `config/core/deployments/autoscaler.yaml`. @internal */
export const AUTOSCALER_FACTS: WorkloadFacts = {
  env: [POD_NAME, POD_IP, SYSTEM_NAMESPACE, ...CONFIG_ENV],
  ports: [
    tcp('metrics', P.autoscaler.metrics),
    tcp('profiling', P.autoscaler.profiling),
    tcp('websocket', P.autoscaler.websocket),
  ],
  readinessProbe: { httpGet: { port: port(P.autoscaler.websocket) } },
  livenessProbe: { httpGet: { port: port(P.autoscaler.websocket) }, failureThreshold: 6 },
};

/** `config/core/deployments/controller.yaml`. @internal */
export const CONTROLLER_FACTS: WorkloadFacts = {
  env: [POD_NAME, SYSTEM_NAMESPACE, ...CONFIG_ENV],
  ports: [
    tcp('metrics', P.controller.metrics),
    tcp('profiling', P.controller.profiling),
    tcp('probes', P.controller.probes),
  ],
  readinessProbe: {
    httpGet: { path: '/readiness', port: k8s.IntOrString.fromString('probes'), scheme: 'HTTP' },
    periodSeconds: 5,
    failureThreshold: 3,
  },
  livenessProbe: {
    httpGet: { path: '/health', port: k8s.IntOrString.fromString('probes'), scheme: 'HTTP' },
    periodSeconds: 5,
    failureThreshold: 6,
  },
};

/** `config/core/deployments/webhook.yaml`. @internal */
export const WEBHOOK_FACTS: WorkloadFacts = {
  env: [
    POD_NAME,
    SYSTEM_NAMESPACE,
    ...CONFIG_ENV,
    { name: 'WEBHOOK_NAME', value: 'webhook' },
    { name: 'WEBHOOK_PORT', value: String(P.webhook.https) },
  ],
  ports: [
    tcp('metrics', P.webhook.metrics),
    tcp('profiling', P.webhook.profiling),
    tcp('https-webhook', P.webhook.https),
  ],
  readinessProbe: { periodSeconds: 1, httpGet: { scheme: 'HTTPS', port: port(P.webhook.https) } },
  livenessProbe: {
    periodSeconds: 10,
    httpGet: { scheme: 'HTTPS', port: port(P.webhook.https) },
    failureThreshold: 6,
    initialDelaySeconds: 20,
  },
  terminationGracePeriodSeconds: 300,
};
