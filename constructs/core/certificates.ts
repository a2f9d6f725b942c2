/** A cert-manager issuer reference, as a Certificate's `spec.issuerRef` names it. */
export interface IssuerRef {
  readonly name: string;
  readonly kind: 'Issuer' | 'ClusterIssuer';
  /** @default 'cert-manager.io' */
  readonly group: string;
}

/**
 * Something that issues certificates: a ClusterIssuer this platform creates or one the cluster
 * already has. Components ask for certificates from an `ICertificateIssuer`, never by name.
 */
export interface ICertificateIssuer {
  readonly issuerRef: IssuerRef;
  /** Namespaces the issuer serves; `undefined` for a ClusterIssuer (every namespace). */
  readonly namespace?: string;
  /**
   * The issuer answers ACME HTTP-01 challenges through the gateway, so plain HTTP on port 80 must
   * reach the solver instead of a blanket redirect to HTTPS.
   * @default false
   */
  readonly solvesHttp01?: boolean;
}
