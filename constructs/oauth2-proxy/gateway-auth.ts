import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { KUBEFLOW_GROUPS_HEADER, KUBEFLOW_USERID_HEADER } from '../core/identity';
import { IGateway } from '../core/mesh';
import { ISTIO_SECURITY_API_VERSION } from '../core/mesh-policy';
import { MachineToMachine } from './machine-to-machine';
import { OAUTH2_PROXY_NAMES } from './names';
import { PROXY_LABELS } from './private/labels';
import { ACME_CHALLENGE_PATH } from './private/public-paths';

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
 * The `to` operations of the gateway's CUSTOM and DENY policies, and the extra DENY rule for plain
 * HTTP, from what the gateway says about its port 80.
 *
 * Envoy runs ext-authz and RBAC before the router, and the router is what answers a plain-HTTP
 * request with the redirect to HTTPS; policies that cover the plain-HTTP port therefore send such
 * a request to the sign-in page (or refuse it) instead of redirecting it. So when the gateway
 * redirects plain HTTP, that port is exempt from both policies: every request on it is redirected
 * before it reaches a backend. The exemption names the plain-HTTP port (`notPorts`) rather than
 * listing the HTTPS one (`ports`): should the number be wrong, plain HTTP is still checked (the
 * old behaviour) instead of HTTPS going unchecked. A gateway that does not redirect (ACME HTTP-01
 * needs plain HTTP) gets no sign-in on plain HTTP, where the secure cookie could never come back,
 * and a DENY of everything there except the challenges: no password, token or page crosses the
 * network in clear text. A gateway that does not say (an external one) keeps policies on every
 * port.
 * @internal
 */
export function portScope(
  gateway: IGateway,
  notPaths: readonly string[],
): { operation: Record<string, string[]>; plainHttpDeny?: Record<string, unknown> } {
  const plain = gateway.plainHttp;
  const operation: Record<string, string[]> = {
    ...(plain ? { notPorts: [String(plain.port)] } : {}),
    notPaths: [...notPaths],
  };
  if (!plain || plain.redirectsToHttps) return { operation };
  return {
    operation,
    plainHttpDeny: {
      to: [{ operation: { ports: [String(plain.port)], notPaths: [ACME_CHALLENGE_PATH] } }],
    },
  };
}

/**
 * Authentication at the ingress gateway, as Kubeflow wires it, plus two safeguards:
 * - an EnvoyFilter, first in the gateway's HTTP filter chain, removes `kubeflow-userid`,
 *   `kubeflow-groups` and `x-auth-request-*` headers a client sent;
 * - a CUSTOM AuthorizationPolicy sends every request without an `Authorization` header, except on
 *   public paths, to oauth2-proxy, which answers with the session's ID token as a bearer token;
 * - a RequestAuthentication verifies bearer tokens of the provider (and of machine issuers) and
 *   writes the identity claim to `kubeflow-userid` and the groups claim to `kubeflow-groups`;
 * - a DENY AuthorizationPolicy refuses every non-public request without a verified token, so the
 *   identity headers always come from a verified token;
 * - both policies leave the gateway's plain-HTTP port to its redirect to HTTPS (see `portScope`).
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
    const ports = portScope(gateway, notPaths);

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
                  // `default_source_code`, a DataSource; `inline_code` is deprecated in Envoy's
                  // Lua filter, and Istio's own Lua support fills this field.
                  defaultSourceCode: {
                    inlineString: stripHeadersLua(
                      [KUBEFLOW_USERID_HEADER, KUBEFLOW_GROUPS_HEADER],
                      'x-auth-request-',
                    ),
                  },
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
            to: [{ operation: { ...ports.operation } }],
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
            to: [{ operation: { ...ports.operation } }],
          },
          ...(ports.plainHttpDeny ? [ports.plainHttpDeny] : []),
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
