import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { KUBEFLOW_GROUPS_HEADER, KUBEFLOW_USERID_HEADER } from '../core/identity';
import { IGateway } from '../core/mesh';
import { ISTIO_SECURITY_API_VERSION } from '../core/mesh-policy';
import { MachineToMachine } from './machine-to-machine';
import { OAUTH2_PROXY_NAMES } from './names';
import { PROXY_LABELS } from './private/labels';

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

/** Lua that removes the named request headers and every header with `prefix`. @internal */
export function stripHeadersLua(names: readonly string[], prefix: string): string {
  return [
    'function envoy_on_request(handle)',
    '  local headers = handle:headers()',
    '  local drop = {}',
    '  for name, _ in pairs(headers) do',
    `    if string.sub(name, 1, ${prefix.length}) == "${prefix}" then table.insert(drop, name) end`,
    '  end',
    ...names.map((n) => `  table.insert(drop, "${n}")`),
    '  for _, name in ipairs(drop) do headers:remove(name) end',
    'end',
    '',
  ].join('\n');
}

/**
 * Authentication at the ingress gateway, as Kubeflow wires it, plus one safeguard:
 * - an EnvoyFilter, first in the gateway's HTTP filter chain, removes `kubeflow-userid`,
 *   `kubeflow-groups` and `x-auth-request-*` headers a client sent;
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
  /** Drops identity headers a client sends, before ext-authz and token verification run. */
  public readonly stripIdentityHeaders: ApiObject;
  public readonly extAuthzPolicy: ApiObject;
  public readonly requireJwtPolicy: ApiObject;
  public readonly requestAuthentication: ApiObject;

  public constructor(scope: Construct, id: string, props: GatewayAuthenticationProps) {
    super(scope, id);
    const { gateway } = props;
    const labels = PROXY_LABELS.labels('gateway-auth');
    const selector = { matchLabels: { ...gateway.selector } };
    const notPaths = props.publicPaths.map((p) => p.path);

    // A token without a groups claim (a service account token, a user without groups) leaves
    // kubeflow-groups unset, so a value the client sent would pass on as if verified; the same
    // holds for the x-auth-request-* headers oauth2-proxy may not return. Only the gateway's own
    // filters may set them, so they are removed first, before any other HTTP filter.
    this.stripIdentityHeaders = new ApiObject(this, 'StripIdentityHeaders', {
      apiVersion: 'networking.istio.io/v1alpha3',
      kind: 'EnvoyFilter',
      metadata: {
        name: OAUTH2_PROXY_NAMES.stripIdentityHeaders,
        namespace: gateway.namespace,
        labels,
      },
      spec: {
        workloadSelector: { labels: { ...gateway.selector } },
        configPatches: [
          {
            applyTo: 'HTTP_FILTER',
            match: {
              context: 'GATEWAY',
              listener: {
                filterChain: {
                  filter: { name: 'envoy.filters.network.http_connection_manager' },
                },
              },
            },
            patch: {
              operation: 'INSERT_FIRST',
              value: {
                name: 'mlops.strip_identity_headers',
                typed_config: {
                  '@type': 'type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua',
                  inlineCode: stripHeadersLua(
                    [KUBEFLOW_USERID_HEADER, KUBEFLOW_GROUPS_HEADER],
                    'x-auth-request-',
                  ),
                },
              },
            },
          },
        ],
      },
    });

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
