import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { CustomResourceDefinition, Schema } from '../core/crd';
import { CERT_MANAGER_API } from './names';
import {
  certificateRequestSpec,
  certificateRequestStatus,
  certificateSpec,
  certificateStatus,
  challengeSpec,
  challengeStatus,
  issuerSpec,
  issuerStatus,
  orderSpec,
  orderStatus,
} from './private/crd-schemas';
import { labelOptions } from './private/labels';

const CATEGORY = 'cert-manager';
const ACME_CATEGORY = 'cert-manager-acme';

const READY = '.status.conditions[?(@.type == "Ready")]';

function column(
  name: string,
  jsonPath: string,
  priority?: number,
): k8s.CustomResourceColumnDefinition {
  return { name, type: 'string', jsonPath, ...(priority ? { priority } : {}) };
}

/** Every cert-manager CRD ends with this column; the description is the Kubernetes one. */
const AGE: k8s.CustomResourceColumnDefinition = {
  name: 'Age',
  type: 'date',
  jsonPath: '.metadata.creationTimestamp',
  description:
    'CreationTimestamp is a timestamp representing the server time when this object was created. ' +
    'It is not guaranteed to be set in happens-before order across separate operations. ' +
    'Clients may not set this value. It is represented in RFC3339 form and is in UTC.',
};

/** Since v1.20, lists can select on the issuer (`--field-selector spec.issuerRef.name=x`). */
const ISSUER_REF_SELECTABLE = [
  '.spec.issuerRef.group',
  '.spec.issuerRef.kind',
  '.spec.issuerRef.name',
];

/**
 * The six cert-manager CRDs with upstream's identity (group, names, short names, categories,
 * scope, the single served and stored version `v1`, the status subresource, the printer
 * columns, the selectable fields) and upstream's structural schema: every field, with the
 * defaults, enums and required lists upstream declares. The only subtrees kept whole are the
 * Kubernetes core types inside an ACME solver's pod template (affinity, tolerations, resources,
 * security context), which the API server validates when it creates the solver pod.
 * @see https://cert-manager.io/docs/reference/api-docs/
 */
export class CertManagerCrds extends Construct {
  public readonly certificates: CustomResourceDefinition;
  public readonly certificateRequests: CustomResourceDefinition;
  public readonly issuers: CustomResourceDefinition;
  public readonly clusterIssuers: CustomResourceDefinition;
  public readonly orders: CustomResourceDefinition;
  public readonly challenges: CustomResourceDefinition;

  public constructor(scope: Construct, id: string) {
    super(scope, id);
    const labels = labelOptions('crds');
    const v1 = (
      schema: k8s.JsonSchemaProps,
      printerColumns: k8s.CustomResourceColumnDefinition[],
      selectableFields: readonly string[] = [],
    ) => [
      {
        name: CERT_MANAGER_API.version,
        served: true,
        storage: true,
        statusSubresource: true,
        schema,
        printerColumns: [...printerColumns, AGE],
        selectableFields,
      },
    ];
    const { group, acmeGroup } = CERT_MANAGER_API;

    this.certificates = new CustomResourceDefinition(this, 'Certificates', {
      group,
      kind: 'Certificate',
      plural: 'certificates',
      shortNames: ['cert', 'certs'],
      categories: [CATEGORY],
      scope: 'Namespaced',
      labels,
      versions: v1(
        Schema.resource(certificateSpec(), certificateStatus()),
        [
          column('Ready', `${READY}.status`),
          column('Secret', '.spec.secretName'),
          column('Issuer', '.spec.issuerRef.name', 1),
          column('Status', `${READY}.message`, 1),
        ],
        ISSUER_REF_SELECTABLE,
      ),
    });
    this.certificateRequests = new CustomResourceDefinition(this, 'CertificateRequests', {
      group,
      kind: 'CertificateRequest',
      plural: 'certificaterequests',
      shortNames: ['cr', 'crs'],
      categories: [CATEGORY],
      scope: 'Namespaced',
      labels,
      versions: v1(
        Schema.resource(certificateRequestSpec(), certificateRequestStatus()),
        [
          column('Approved', '.status.conditions[?(@.type == "Approved")].status'),
          column('Denied', '.status.conditions[?(@.type == "Denied")].status'),
          column('Ready', `${READY}.status`),
          column('Issuer', '.spec.issuerRef.name'),
          column('Requester', '.spec.username'),
          column('Status', `${READY}.message`, 1),
        ],
        ISSUER_REF_SELECTABLE,
      ),
    });
    const issuerColumns = [
      column('Ready', `${READY}.status`),
      column('Status', `${READY}.message`, 1),
    ];
    this.issuers = new CustomResourceDefinition(this, 'Issuers', {
      group,
      kind: 'Issuer',
      plural: 'issuers',
      shortNames: ['iss'],
      categories: [CATEGORY],
      scope: 'Namespaced',
      labels,
      versions: v1(
        Schema.resource(issuerSpec(), issuerStatus(), { required: ['spec'] }),
        issuerColumns,
      ),
    });
    this.clusterIssuers = new CustomResourceDefinition(this, 'ClusterIssuers', {
      group,
      kind: 'ClusterIssuer',
      plural: 'clusterissuers',
      shortNames: ['ciss'],
      categories: [CATEGORY],
      scope: 'Cluster',
      labels,
      versions: v1(
        Schema.resource(issuerSpec(), issuerStatus(), { required: ['spec'] }),
        issuerColumns,
      ),
    });
    this.orders = new CustomResourceDefinition(this, 'Orders', {
      group: acmeGroup,
      kind: 'Order',
      plural: 'orders',
      categories: [CATEGORY, ACME_CATEGORY],
      scope: 'Namespaced',
      labels,
      versions: v1(
        Schema.resource(orderSpec(), orderStatus(), { required: ['metadata', 'spec'] }),
        [
          column('State', '.status.state'),
          column('Issuer', '.spec.issuerRef.name', 1),
          column('Reason', '.status.reason', 1),
        ],
        ISSUER_REF_SELECTABLE,
      ),
    });
    this.challenges = new CustomResourceDefinition(this, 'Challenges', {
      group: acmeGroup,
      kind: 'Challenge',
      plural: 'challenges',
      categories: [CATEGORY, ACME_CATEGORY],
      scope: 'Namespaced',
      labels,
      versions: v1(
        Schema.resource(challengeSpec(), challengeStatus(), { required: ['metadata', 'spec'] }),
        [
          column('State', '.status.state'),
          column('Domain', '.spec.dnsName'),
          column('Reason', '.status.reason', 1),
        ],
        ISSUER_REF_SELECTABLE,
      ),
    });
  }

  /** All six, in upstream's order. */
  public all(): readonly CustomResourceDefinition[] {
    return [
      this.certificateRequests,
      this.certificates,
      this.challenges,
      this.clusterIssuers,
      this.issuers,
      this.orders,
    ];
  }
}
