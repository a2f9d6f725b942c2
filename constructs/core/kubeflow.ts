import { Construct } from 'constructs';
import { INamespace, IngressAllow } from './network';

/** A link in the central dashboard's menu, to a web app the platform installs. */
export interface KubeflowMenuItem {
  /** A path on the gateway host, e.g. `/jupyter/`, or an https URL. */
  readonly link: string;
  readonly text: string;
  /** A Material icon name, e.g. `book`. @default - none */
  readonly icon?: string;
}

/** A section of the menu that groups several links. */
export interface KubeflowMenuSection {
  readonly text: string;
  readonly icon?: string;
  readonly items: readonly KubeflowMenuItem[];
}

/** What profile namespaces let in from the platform, besides the gateway's user traffic. */
export interface ProfileIngress extends IngressAllow {
  /** Object name part of the NetworkPolicy, `allow-<id>`; a DNS label. */
  readonly id: string;
}

/**
 * A profile the platform renders, as a contribution sees it: who works there (owner and members,
 * as the gateway names them) and its namespace, to add network allows to.
 */
export interface ProfilePeople {
  readonly owner: string;
  readonly members: readonly { readonly user: string; readonly role: string }[];
  readonly network: INamespace;
}

/**
 * What a component adds to every profile namespace the platform renders (each tenant): built in
 * the tenant's scope, so that it installs with the tenant.
 */
export interface ProfileContribution {
  /** Names the contribution's constructs; unique per platform. */
  readonly id: string;
  build(scope: Construct, namespace: string, people: ProfilePeople): void;
}

/**
 * Kubeflow profiles: the namespaces users work in, their Kubeflow roles, and the central
 * dashboard that lists them. Offered by the dashboard component; web apps add their menu entry and
 * the traffic their pods in profile namespaces need, tenants become profiles through it.
 */
export interface IKubeflowProfiles {
  /** Where the profile controller, KFAM and the dashboard run (`kubeflow`). */
  readonly namespace: string;
  /** Labels every profile namespace carries (the profile controller's defaults and the mesh's). */
  readonly namespaceLabels: Readonly<Record<string, string>>;
  /** The header the gateway passes the user in, and the prefix before the user. */
  readonly userIdHeader: string;
  readonly userIdPrefix: string;
  /**
   * Principals a contributor's AuthorizationPolicy admits, as KFAM writes them: the ingress
   * gateway's and the Pipelines UI's.
   */
  readonly contributorPrincipals: readonly string[];
  /** Adds an entry to the dashboard's menu; the menu is written when the platform synthesizes. */
  addMenuEntry(entry: KubeflowMenuItem | KubeflowMenuSection): void;
  /** Traffic every profile namespace admits, e.g. the gateway to notebook pods. */
  allowIntoProfiles(allow: ProfileIngress): void;
  /** What `allowIntoProfiles` collected, in the order it was added. */
  readonly profileIngress: readonly ProfileIngress[];
  /**
   * Objects every tenant's profile namespace gets (Pipelines' launcher config and artifact
   * credentials). Profiles created at runtime through the dashboard do not get them.
   */
  addToProfiles(contribution: ProfileContribution): void;
  readonly profileContributions: readonly ProfileContribution[];
}

/**
 * PodDefaults: the admission webhook that applies a namespace's PodDefault objects to pods that
 * select them (the notebook web app offers them as "configurations").
 */
export interface IPodDefaults {
  /** The CRD, `poddefaults.kubeflow.org`. */
  readonly crdName: string;
  /** Labels a namespace needs for the webhook to act in it. */
  readonly namespaceSelector: Readonly<Record<string, string>>;
}
