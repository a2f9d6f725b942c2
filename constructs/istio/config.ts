import { z } from 'zod';
import { dnsLabel } from '../core/config/patterns';

const revision = dnsLabel()
  .refine((r) => r !== 'default', {
    message: 'names the default revision|Leave revision out to use the default revision.',
  })
  .optional();

/** Istio installed by the platform. */
const managedSchema = z.strictObject({
  mode: z.literal('managed').default('managed'),
  /** The Istio revision whose injector and control plane the platform uses. */
  revision,
  /** How the ingress gateway is exposed. */
  ingress: z
    .strictObject({
      /** @default LoadBalancer */
      serviceType: z.enum(['LoadBalancer', 'NodePort', 'ClusterIP']).optional(),
      /** Annotations for the cloud load balancer. */
      annotations: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
});

/** The cluster's own Istio: the platform routes through an existing gateway. */
const externalSchema = z.strictObject({
  mode: z.literal('external'),
  revision,
  /** The existing ingress gateway's namespace, pod selector and Gateway resource. */
  gateway: z.strictObject(
    {
      namespace: dnsLabel(),
      selector: z.record(z.string(), z.string()).refine((sel) => Object.keys(sel).length > 0, {
        message:
          'is empty|Name the labels of your gateway pods, e.g. istio: ingressgateway; an empty selector would match every pod.',
      }),
      /** Name of the Istio `Gateway` (in `namespace`) that the platform's routes bind to. */
      name: dnsLabel(),
      /**
       * Service account of the gateway pods: platform services admit only the gateway's mTLS
       * identity, which is made from it.
       */
      serviceAccount: dnsLabel({
        error: (issue) =>
          issue.input === undefined
            ? 'is required for an external gateway|Name the service account of your gateway pods (kubectl -n <namespace> get pods -l <selector> -o jsonpath={..serviceAccountName}); Dex and the auth proxy admit only the gateway by its identity.'
            : undefined,
      }),
      /**
       * The gateway's plain-HTTP server as its pods see it (container port, e.g. 8080, and whether
       * it redirects to HTTPS), so that authentication leaves that port to the redirect.
       */
      plainHttp: z
        .strictObject({
          port: z.number().int().min(1).max(65535),
          redirectsToHttps: z.boolean(),
        })
        .optional(),
    },
    {
      error: (issue) =>
        issue.input === undefined
          ? 'is required when mesh.istio.mode is external|Give the namespace, pod selector and Gateway name of the ingress gateway the platform routes through.|ISTIO-MODE-SETTINGS'
          : undefined,
    },
  ),
});

/** Rules the schema enforces while parsing; their messages carry these IDs. */
export const ISTIO_PARSE_RULES = [
  {
    id: 'ISTIO-MODE-SETTINGS',
    description:
      'An external Istio names the gateway the platform routes through; a managed one is configured by ingress instead.',
  },
] as const;

/** The key `mesh` of the environment file. */
export const istioShape = () => ({
  mesh: z
    .strictObject({
      istio: z.discriminatedUnion('mode', [managedSchema, externalSchema]).prefault({}),
    })
    .prefault({}),
});

export type IstioConfig = z.output<typeof managedSchema> | z.output<typeof externalSchema>;
