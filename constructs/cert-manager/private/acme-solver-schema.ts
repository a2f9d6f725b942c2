import { k8s } from 'cdk8s-plus-27';
import { Schema } from '../../core/crd';
import { parts } from './schema-parts';

type Props = k8s.JsonSchemaProps;
const { strings, stringMap, defaulted, secretKeySelector, serviceAccountRef } = parts;

/**
 * The pod fields a solver may override. Affinity, tolerations, resources and the security
 * context are Kubernetes' own core/v1 types, which upstream copies in full; they are kept whole
 * here, and the API server validates them when the controller creates the solver pod.
 */
const solverPodTemplate = (): Props =>
  Schema.object({
    metadata: Schema.object({ annotations: stringMap(), labels: stringMap() }),
    spec: Schema.object({
      affinity: Schema.preserve(),
      // A list map keyed by `name` needs the key on every item: upstream defaults it to "".
      imagePullSecrets: Schema.listMap(
        { ...Schema.object({ name: defaulted('') }), xKubernetesMapType: 'atomic' },
        ['name'],
      ),
      nodeSelector: stringMap(),
      priorityClassName: Schema.string(),
      resources: Schema.preserve(),
      securityContext: Schema.preserve(),
      serviceAccountName: Schema.string(),
      tolerations: Schema.list(Schema.preserve()),
    }),
  });

/** `http01.ingress`: the solver answers through an Ingress. */
const ingress = (): Props =>
  Schema.object({
    class: Schema.string(),
    ingressClassName: Schema.string(),
    ingressTemplate: Schema.object({
      metadata: Schema.object({ annotations: stringMap(), labels: stringMap() }),
    }),
    name: Schema.string(),
    podTemplate: solverPodTemplate(),
    serviceType: Schema.string(),
  });

/**
 * `http01.gatewayHTTPRoute`: the solver answers through an HTTPRoute. A parent reference
 * defaults to a Gateway of the Gateway API group, as in the Gateway API itself.
 */
const gatewayHttpRoute = (): Props =>
  Schema.object({
    labels: stringMap(),
    parentRefs: Schema.list(
      Schema.object(
        {
          group: defaulted('gateway.networking.k8s.io'),
          kind: defaulted('Gateway'),
          name: Schema.string(),
          namespace: Schema.string(),
          port: Schema.integer('int32'),
          sectionName: Schema.string(),
        },
        { required: ['name'] },
      ),
    ),
    podTemplate: solverPodTemplate(),
    serviceType: Schema.string(),
  });

/** `dns01`: every DNS provider upstream supports, with its credentials by reference. */
const dns01 = (): Props =>
  Schema.object({
    acmeDNS: Schema.object(
      { accountSecretRef: secretKeySelector(), host: Schema.string() },
      { required: ['accountSecretRef', 'host'] },
    ),
    akamai: Schema.object(
      {
        accessTokenSecretRef: secretKeySelector(),
        clientSecretSecretRef: secretKeySelector(),
        clientTokenSecretRef: secretKeySelector(),
        serviceConsumerDomain: Schema.string(),
      },
      {
        required: [
          'accessTokenSecretRef',
          'clientSecretSecretRef',
          'clientTokenSecretRef',
          'serviceConsumerDomain',
        ],
      },
    ),
    azureDNS: Schema.object(
      {
        clientID: Schema.string(),
        clientSecretSecretRef: secretKeySelector(),
        environment: Schema.oneOf([
          'AzurePublicCloud',
          'AzureChinaCloud',
          'AzureGermanCloud',
          'AzureUSGovernmentCloud',
        ]),
        hostedZoneName: Schema.string(),
        managedIdentity: Schema.object({
          clientID: Schema.string(),
          resourceID: Schema.string(),
          tenantID: Schema.string(),
        }),
        resourceGroupName: Schema.string(),
        subscriptionID: Schema.string(),
        tenantID: Schema.string(),
        // New in v1.20 (private zones are experimental upstream).
        zoneType: Schema.oneOf(['AzurePublicZone', 'AzurePrivateZone']),
      },
      { required: ['resourceGroupName', 'subscriptionID'] },
    ),
    cloudDNS: Schema.object(
      {
        hostedZoneName: Schema.string(),
        project: Schema.string(),
        serviceAccountSecretRef: secretKeySelector(),
      },
      { required: ['project'] },
    ),
    cloudflare: Schema.object({
      apiKeySecretRef: secretKeySelector(),
      apiTokenSecretRef: secretKeySelector(),
      email: Schema.string(),
    }),
    cnameStrategy: Schema.oneOf(['None', 'Follow']),
    digitalocean: Schema.object(
      { tokenSecretRef: secretKeySelector() },
      { required: ['tokenSecretRef'] },
    ),
    rfc2136: Schema.object(
      {
        nameserver: Schema.string(),
        protocol: Schema.oneOf(['TCP', 'UDP']),
        tsigAlgorithm: Schema.string(),
        tsigKeyName: Schema.string(),
        tsigSecretSecretRef: secretKeySelector(),
      },
      { required: ['nameserver'] },
    ),
    route53: Schema.object({
      accessKeyID: Schema.string(),
      accessKeyIDSecretRef: secretKeySelector(),
      auth: Schema.object(
        {
          kubernetes: Schema.object(
            { serviceAccountRef: serviceAccountRef() },
            { required: ['serviceAccountRef'] },
          ),
        },
        { required: ['kubernetes'] },
      ),
      hostedZoneID: Schema.string(),
      region: Schema.string(),
      role: Schema.string(),
      secretAccessKeySecretRef: secretKeySelector(),
    }),
    webhook: Schema.object(
      {
        // Any JSON the external solver understands, as upstream declares it (no type).
        config: { xKubernetesPreserveUnknownFields: true },
        groupName: Schema.string(),
        solverName: Schema.string(),
      },
      { required: ['groupName', 'solverName'] },
    ),
  });

/**
 * One ACME challenge solver (`ACMEChallengeSolver`), as Issuers and ClusterIssuers list it in
 * `spec.acme.solvers` and a Challenge carries it in `spec.solver`: the selector, HTTP-01 through
 * an Ingress or an HTTPRoute, DNS-01 through a provider. Modelled in full, so that the API server
 * applies upstream's defaults inside it.
 * @internal
 */
export const acmeSolverSchema = (): Props =>
  Schema.object({
    dns01: dns01(),
    http01: Schema.object({ gatewayHTTPRoute: gatewayHttpRoute(), ingress: ingress() }),
    selector: Schema.object({
      dnsNames: strings(),
      dnsZones: strings(),
      matchLabels: stringMap(),
    }),
  });
