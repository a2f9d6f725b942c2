import { z } from 'zod';
import { dnsLabel, url } from '../core/config/patterns';
import { problem } from '../core/config/problems';
import { ConfigRule, PresetName } from '../core/config/rules';
import { DEFAULT_MONITORING_NAMESPACE } from './names';

/** Kubernetes label keys and values (a qualified key, a value of at most 63 characters). */
const labelMap = () =>
  z.record(
    z
      .string()
      .regex(
        /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/,
        'is not a label key|Use a key such as release or app.kubernetes.io/name.',
      ),
    z
      .string()
      .regex(
        /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/,
        'is not a label value|Use at most 63 letters, digits, -, _ and ., starting and ending with a letter or digit.',
      ),
  );

/** A Prometheus duration such as `30s`, `5m`, `1h`. */
const promDuration = () =>
  z
    .string()
    .regex(
      /^[1-9][0-9]*(ms|s|m|h|d)$/,
      'is not a Prometheus duration|Use a whole number with a unit, such as 30s, 5m or 1h.',
    );

const monitoringSchema = () =>
  z
    .strictObject({
      /**
       * Off by default: the cluster must run the Prometheus Operator (kube-prometheus-stack or
       * similar) with its CRDs; with monitoring off nothing is rendered differently.
       */
      enabled: z.boolean().default(false),
      prometheus: z
        .strictObject({
          /** Where the cluster's Prometheus runs: the source of the scrape allows. */
          namespace: dnsLabel().default(DEFAULT_MONITORING_NAMESPACE),
          /**
           * Labels of the Prometheus pods. The Prometheus Operator labels every Prometheus pod
           * `app.kubernetes.io/name: prometheus` (pkg/prometheus/server/operator.go,
           * `makeSelectorLabels`, v0.93.0).
           */
          podLabels: labelMap()
            .refine((m) => Object.keys(m).length > 0, {
              message:
                'is empty|Name the labels of the Prometheus pods, e.g. app.kubernetes.io/name: prometheus; an empty selector would let every pod of the namespace in.',
            })
            .default({ 'app.kubernetes.io/name': 'prometheus' }),
          /**
           * Labels every PodMonitor and PrometheusRule carries, so the Prometheus selects them.
           * kube-prometheus-stack selects `release: <release name>` unless
           * `prometheus.prometheusSpec.*SelectorNilUsesHelmValues` is false (charts/
           * kube-prometheus-stack/templates/prometheus/prometheus.yaml, 88.5.3).
           */
          monitorLabels: labelMap().default({ release: 'kube-prometheus-stack' }),
          /** How often targets are scraped unless a target says otherwise. */
          interval: promDuration().default('30s'),
        })
        .prefault({}),
      grafana: z
        .strictObject({
          /** Where Grafana's dashboard sidecar looks for dashboard ConfigMaps. */
          namespace: dnsLabel().default(DEFAULT_MONITORING_NAMESPACE),
          /**
           * The label the sidecar loads ConfigMaps by (kube-prometheus-stack values
           * `grafana.sidecar.dashboards.label`/`labelValue`, 88.5.3).
           */
          dashboardLabel: labelMap().default({ grafana_dashboard: '1' }),
          /**
           * The annotation the sidecar reads a dashboard's folder from: k8s-sidecar's default
           * `k8s-sidecar-target-directory` (the Grafana chart's `sidecar.dashboards.folderAnnotation`
           * changes it). Grafana shows the folder when its dashboard provider has
           * `foldersFromFilesStructure: true`.
           */
          folderAnnotation: z
            .string()
            .regex(/^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, {
              message: 'is not an annotation key|Use a key such as k8s-sidecar-target-directory.',
            })
            .default('k8s-sidecar-target-directory'),
          /** The Grafana folder of the platform's dashboards. */
          folder: z
            .string()
            .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, {
              message:
                'is not a folder name|Use letters, digits, spaces, dots, hyphens and underscores.',
            })
            .default('MLOps platform'),
        })
        .prefault({}),
      alerts: z
        .strictObject({
          /**
           * Where the runbooks are published (docs/runbooks.md rendered somewhere); every alert
           * gets `runbook_url: <runbookUrl>#<alert name in lower case>`.
           * @default - no runbook_url annotation
           */
          runbookUrl: url('runbook page')
            .refine((v) => !v.includes('#'), {
              message:
                'has a fragment|Give the page without #...; each alert appends its own anchor.',
            })
            .optional(),
          /** The share of an admission webhook's calls that may fail before KubeflowWebhookCallsFailing. */
          webhookFailureRatio: z
            .number()
            .gt(0, 'must be above 0|Give a share such as 0.05 (5 %).')
            .max(1, 'must be at most 1|Give a share such as 0.05 (5 %).')
            .default(0.05),
          /** The 99th percentile of an admission webhook's latency that raises KubeflowWebhookSlow. */
          webhookLatencySeconds: z
            .number()
            .gt(0, 'must be above 0|Give seconds, such as 2.')
            .max(30, 'is above the API server webhook timeout of 30 s|Give seconds, such as 2.')
            .default(2),
          /** How long a platform workload may lack replicas before it is reported. */
          workloadUnavailableFor: promDuration().default('15m'),
        })
        .prefault({}),
    })
    .prefault({});

/** `monitoring` in the environment file: the cluster's Prometheus and Grafana. */
export const monitoringShape = (_preset: PresetName) => ({ monitoring: monitoringSchema() });

type MonitoringSlice = z.output<z.ZodObject<ReturnType<typeof monitoringShape>>>;
export type MonitoringConfig = MonitoringSlice['monitoring'];

/** Namespaces Kubernetes owns: Prometheus may run there, the platform never creates them. */
const KUBERNETES_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

export const MONITORING_RULES: readonly ConfigRule<MonitoringSlice>[] = [
  {
    id: 'MONITORING-NAMESPACE',
    description:
      "Prometheus and Grafana run in a namespace of the cluster's own, not one the platform creates: the platform's default-deny policies and labels would apply to them.",
    check: ({ monitoring }, ctx) => {
      if (!monitoring.enabled) return [];
      const platform = new Set(ctx.reservedNamespaces.filter((n) => !KUBERNETES_NAMESPACES.has(n)));
      return (['prometheus', 'grafana'] as const).flatMap((part) =>
        platform.has(monitoring[part].namespace)
          ? [
              problem(
                `monitoring.${part}.namespace`,
                'is a namespace the platform creates',
                monitoring[part].namespace,
                `Give the namespace the cluster's ${part === 'prometheus' ? 'Prometheus' : 'Grafana'} runs in, such as monitoring.`,
                'MONITORING-NAMESPACE',
              ),
            ]
          : [],
      );
    },
  },
];
