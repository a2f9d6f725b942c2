import { IOidcProvider } from '../../core/identity';
import { IGateway } from '../../core/mesh';
import { PublicPath } from '../gateway-auth';
import { OAUTH2_PROXY_PATH } from '../names';

/** Where ACME HTTP-01 challenges are answered (cert-manager's solver pods). @internal */
export const ACME_CHALLENGE_PATH = '/.well-known/acme-challenge/*';

/** The public paths: the proxy's own, the provider's on the gateway host, ACME, the user's. @internal */
export function publicPathsOf(
  props: {
    readonly provider: IOidcProvider;
    readonly gateway: IGateway;
    readonly publicPaths?: readonly PublicPath[];
  },
  host: string,
): PublicPath[] {
  const issuer = new URL(props.provider.issuerUrl);
  const onGateway = [...props.gateway.hosts, host].includes(issuer.host);
  const issuerPath = issuer.pathname.replace(/\/+$/, '');
  return [
    { path: `${OAUTH2_PROXY_PATH}/*`, reason: 'oauth2-proxy sign-in, callback and sign-out' },
    ...(onGateway && issuerPath
      ? [
          {
            path: `${issuerPath}/*`,
            reason: "the identity provider's login pages, discovery, keys and token endpoint",
          },
        ]
      : []),
    {
      path: ACME_CHALLENGE_PATH,
      reason: 'ACME HTTP-01 challenges, answered by cert-manager solver pods',
    },
    ...(props.publicPaths ?? []),
  ];
}
