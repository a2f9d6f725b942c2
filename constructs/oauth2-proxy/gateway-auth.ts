import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { KUBEFLOW_GROUPS_HEADER, KUBEFLOW_USERID_HEADER } from '../core/identity';
import { IGateway } from '../core/mesh';
import { MachineToMachine } from './machine-to-machine';
import { OAUTH2_PROXY_NAMES } from './names';
import { proxyLabels } from './private/labels';
import { ISTIO_SECURITY_API_VERSION } from './private/util';

/** A path the gateway serves without a login, and why. */
export interface PublicPath {
  /** An Istio path: exact, `/prefix/*` or `*suffix`. */
  readonly path: string;
  readonly reason: string;
}

export interface GatewayAuthenticationProps {
  readonly gateway: IGateway;
  /** The ext-authz provider registered in the mesh config. */
  readonly providerName: string;
  readonly publicPaths: readonly PublicPath[];
  /** The OIDC provider's issuer and keys. */
  readonly issuer: string;
  readonly jwksUri: string;
  /** Audiences accepted in the provider's tokens. */
  readonly audiences: readonly string[];
  /** The claims that become `kubeflow-userid` and `kubeflow-groups`. */
  readonly identityClaim: string;
  readonly groupsClaim: string;
  readonly machineToMachine?: MachineToMachine;
}

/**
 * Authentication at the ingress gateway, as Kubeflow wires it:
 * - a CUSTOM AuthorizationPolicy sends every request without an `Authorization` header, except on
 *   public paths, to oauth2-proxy, which answers with the session's ID token as a bearer token;
 * - a RequestAuthentication verifies bearer tokens of the provider (and of machine issuers) and
 *   writes the identity claim to `kubeflow-userid` and the groups claim to `kubeflow-groups`;
 * - a DENY AuthorizationPolicy refuses every non-public request without a verified token, so the
 *   identity headers always come from a verified token.
 * Istio runs CUSTOM before authentication and DENY after it, which is what makes this order work.
 * @see https://istio.io/latest/docs/tasks/security/authorization/authz-custom/
 */
export class GatewayAuthentication extends Construct {
  public readonly extAuthzPolicy: ApiObject;
  public readonly requireJwtPolicy: ApiObject;
  public readonly requestAuthentication: ApiObject;

  public constructor(scope: Construct, id: string, props: GatewayAuthenticationProps) {
    super(scope, id);
    const { gateway } = props;
    const labels = proxyLabels('gateway-auth');
    const selector = { matchLabels: { ...gateway.selector } };
    const notPaths = props.publicPaths.map((p) => p.path);

    this.extAuthzPolicy = new ApiObject(this, 'ExtAuthzPolicy', {
      apiVersion: ISTIO_SECURITY_API_VERSION,
      kind: 'AuthorizationPolicy',
      metadata: { name: OAUTH2_PROXY_NAMES.extAuthzPolicy, namespace: gateway.namespace, labels },
      spec: {
        selector,
        action: 'CUSTOM',
        provider: { name: props.providerName },
        rules: [
          {
            to: [{ operation: { notPaths } }],
            // Bearer requests are verified by the RequestAuthentication instead.
            when: [{ key: 'request.headers[authorization]', notValues: ['*'] }],
          },
        ],
      },
    });

    this.requireJwtPolicy = new ApiObject(this, 'RequireJwtPolicy', {
      apiVersion: ISTIO_SECURITY_API_VERSION,
      kind: 'AuthorizationPolicy',
      metadata: { name: OAUTH2_PROXY_NAMES.requireJwtPolicy, namespace: gateway.namespace, labels },
      spec: {
        selector,
        action: 'DENY',
        rules: [
          {
            from: [{ source: { notRequestPrincipals: ['*'] } }],
            to: [{ operation: { notPaths } }],
          },
        ],
      },
    });

    this.requestAuthentication = new ApiObject(this, 'RequestAuthentication', {
      apiVersion: ISTIO_SECURITY_API_VERSION,
      kind: 'RequestAuthentication',
      metadata: {
        name: OAUTH2_PROXY_NAMES.requestAuthentication,
        namespace: gateway.namespace,
        labels,
      },
      spec: {
        selector,
        jwtRules: [
          {
            issuer: props.issuer,
            jwksUri: props.jwksUri,
            ...(props.audiences.length > 0 ? { audiences: [...props.audiences] } : {}),
            forwardOriginalToken: true,
            outputClaimToHeaders: [
              { header: KUBEFLOW_USERID_HEADER, claim: props.identityClaim },
              { header: KUBEFLOW_GROUPS_HEADER, claim: props.groupsClaim },
            ],
            fromHeaders: [{ name: 'Authorization', prefix: 'Bearer ' }],
          },
          ...(props.machineToMachine ? [props.machineToMachine.jwtRule()] : []),
        ],
      },
    });
  }
}
