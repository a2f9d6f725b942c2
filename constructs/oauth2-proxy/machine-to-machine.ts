import { KUBEFLOW_USERID_HEADER } from '../core/identity';
import { isHttpUrl, isHttpsUrl } from '../core/validation';

/** The issuer of service account tokens on most clusters (`--service-account-issuer`). */
export const KUBERNETES_DEFAULT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

export interface KubernetesServiceAccountsOptions {
  /** The cluster's service account issuer (`iss` of its tokens). @default KUBERNETES_DEFAULT_ISSUER */
  readonly issuer?: string;
  /**
   * The audience a token must be minted for (`kubectl create token <sa> --audience <audience>`, or
   * a projected `serviceAccountToken` volume). Choose one only this gateway accepts: the API
   * server's own audience would let any pod's default token in.
   */
  readonly audience: string;
  /**
   * Where istiod fetches the issuer's signing keys. istiod reads it without credentials, so the
   * URL must be readable anonymously with a certificate istiod trusts: a public issuer (EKS:
   * `https://oidc.eks.<region>.amazonaws.com/id/<id>/keys`) or an in-cluster JWKS proxy.
   */
  readonly jwksUri: string;
}

/**
 * Machine-to-machine access through the gateway: requests that carry a bearer token of a trusted
 * issuer bypass the browser login and are verified by the gateway itself. The token's subject
 * becomes `kubeflow-userid` (`system:serviceaccount:<namespace>:<name>`).
 */
export abstract class MachineToMachine {
  /** Kubernetes service account tokens, so that pipelines and notebooks can call platform APIs. */
  public static kubernetesServiceAccounts(
    opts: KubernetesServiceAccountsOptions,
  ): MachineToMachine {
    const issuer = opts.issuer ?? KUBERNETES_DEFAULT_ISSUER;
    const problems: string[] = [];
    if (!isHttpsUrl(issuer)) {
      problems.push(
        `\`machineToMachine.issuer\` is not an https URL (got "${issuer}"). Use the cluster's service account issuer, such as ${KUBERNETES_DEFAULT_ISSUER}.`,
      );
    }
    if (!opts.audience.trim() || /\s/.test(opts.audience)) {
      problems.push(
        `\`machineToMachine.audience\` is empty or has spaces (got "${opts.audience}"). Choose an audience such as kubeflow-gateway.`,
      );
    }
    if (!isHttpUrl(opts.jwksUri)) {
      problems.push(
        `\`machineToMachine.jwksUri\` is not a URL (got "${opts.jwksUri}"). Give where istiod can read the issuer's keys.`,
      );
    }
    return new (class extends MachineToMachine {
      public readonly issuer = issuer;
      public readonly audience = opts.audience;
      public readonly jwksUri = opts.jwksUri;
      public problems(): string[] {
        return problems;
      }
    })();
  }

  public abstract readonly issuer: string;
  public abstract readonly audience: string;
  public abstract readonly jwksUri: string;

  /** @internal */
  public abstract problems(): string[];

  /** The RequestAuthentication rule for these tokens. @internal */
  public jwtRule(): Record<string, unknown> {
    return {
      issuer: this.issuer,
      jwksUri: this.jwksUri,
      audiences: [this.audience],
      forwardOriginalToken: true,
      outputClaimToHeaders: [{ header: KUBEFLOW_USERID_HEADER, claim: 'sub' }],
      fromHeaders: [{ name: 'Authorization', prefix: 'Bearer ' }],
    };
  }
}
