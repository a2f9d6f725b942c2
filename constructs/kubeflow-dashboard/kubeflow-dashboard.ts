import { Construct } from 'constructs';
import { KUBEFLOW_USERID_HEADER } from '../core/identity';
import {
  IKubeflowProfiles,
  KubeflowMenuItem,
  KubeflowMenuSection,
  ProfileContribution,
  ProfileIngress,
} from '../core/kubeflow';
import { Layer, scopeInLayer } from '../core/layers';
import { IGateway, IMesh, gatewayPrincipal } from '../core/mesh';
import { IMonitoring } from '../core/monitoring';
import { INamespace } from '../core/network';
import { ResourceSpec } from '../core/resources';
import { propProblem, throwIfProblems } from '../core/validation';
import { AccessManagement } from './access-management';
import { CentralDashboard } from './central-dashboard';
import { ProfileCrd } from './crds';
import {
  DASHBOARD_DEFAULT_RESOURCES,
  DEFAULT_DASHBOARD_SETTINGS,
  DEFAULT_PROFILE_NAMESPACE_LABELS,
  KFAM_DEFAULT_RESOURCES,
  PROFILE_CONTROLLER_DEFAULT_RESOURCES,
} from './defaults';
import { KubeflowRoles } from './kubeflow-roles';
import { addDashboardMonitoring } from './monitoring';
import { DEFAULT_DOCUMENTATION_ITEMS, DashboardLink, MenuEntry, linkProblems } from './menu';
import { KUBEFLOW_DASHBOARD_NAMES as NAMES } from './names';
import { trustDomainOf } from './private/workload';
import { ProfileController } from './profile-controller';

export interface KubeflowDashboardProps {
  /** The namespace of the dashboard, the profile controller and KFAM (Kubeflow's `kubeflow`); meshed. */
  readonly namespace: INamespace;
  /** The gateway: the dashboard owns its route `/`, and profile namespaces admit its principal. */
  readonly gateway: IGateway;
  /** The mesh: its injection labels are added to every profile namespace. */
  readonly mesh: IMesh;
  /**
   * The cluster's Prometheus: the dashboard, the profile controller (whose metrics are then
   * turned on) and KFAM are read through their sidecars, with down and error alerts.
   * @default - not monitored
   */
  readonly monitoring?: IMonitoring;
  /**
   * The dashboard's menu, one entry per installed web app (the platform passes what its enabled
   * components contribute).
   * @default [] - no links: nothing is linked that is not installed
   */
  readonly menu?: readonly MenuEntry[];
  /** Links on the home page. @default [] */
  readonly quickLinks?: readonly DashboardLink[];
  /** Documentation links on the home page. @default DEFAULT_DOCUMENTATION_ITEMS (the Kubeflow website) */
  readonly documentationItems?: readonly DashboardLink[];
  /** Links to other sites in the menu. @default [] */
  readonly externalLinks?: readonly DashboardLink[];
  /** The dashboard's `settings`. @default DEFAULT_DASHBOARD_SETTINGS (`DASHBOARD_FORCE_IFRAME: true`) */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** The header the gateway passes the user in. @default 'kubeflow-userid' */
  readonly userIdHeader?: string;
  /** What precedes the user in that header. @default '' */
  readonly userIdPrefix?: string;
  /**
   * Whether a user without a profile may create one from the dashboard (`REGISTRATION_FLOW`).
   * @default false - profiles are declared as code (upstream's setting)
   */
  readonly registrationFlow?: boolean;
  /** Where the dashboard's sign-out goes (`LOGOUT_URL`). @default '/oauth2/sign_out' */
  readonly logoutUrl?: string;
  /**
   * Labels of every profile namespace (with the mesh's injection labels added).
   * @default DEFAULT_PROFILE_NAMESPACE_LABELS - upstream's `kubeflow-pss` overlay
   */
  readonly profileNamespaceLabels?: Readonly<Record<string, string>>;
  /**
   * Principals admitted into every profile namespace by `ns-owner-access-istio`, besides the
   * gateway's.
   * @default - upstream's service accounts in `namespace`: `notebook-controller-service-account`
   * and `ml-pipeline-ui`, in the gateway's trust domain
   */
  readonly notebookControllerPrincipal?: string;
  /** @default - `<trust domain>/ns/<namespace>/sa/ml-pipeline-ui` */
  readonly pipelinesUiPrincipal?: string;
  /** Users KFAM treats as cluster admins (`-cluster-admin`). @default [] */
  readonly clusterAdmins?: readonly string[];
  /** @default DASHBOARD_DEFAULT_RESOURCES */
  readonly dashboardResources?: ResourceSpec;
  /** @default PROFILE_CONTROLLER_DEFAULT_RESOURCES */
  readonly profileControllerResources?: ResourceSpec;
  /** @default KFAM_DEFAULT_RESOURCES */
  readonly kfamResources?: ResourceSpec;
}

/**
 * Kubeflow's core of kubeflow/dashboard v2.0.0: the `Profile` CRD (in the CRD layer), the
 * aggregated Kubeflow roles, the profile controller with a least-privilege ClusterRole, KFAM
 * behind the dashboard only, and the central dashboard on the gateway's `/`.
 * @see https://github.com/kubeflow/dashboard/tree/v2.0.0
 */
export class KubeflowDashboard extends Construct implements IKubeflowProfiles {
  public readonly namespace: string;
  public readonly userIdHeader: string;
  public readonly userIdPrefix: string;
  public readonly registrationFlow: boolean;
  public readonly logoutUrl: string;
  public get menu(): readonly MenuEntry[] {
    return this.menuEntries;
  }
  public readonly namespaceLabels: Readonly<Record<string, string>>;
  public readonly contributorPrincipals: readonly string[];
  private readonly menuEntries: MenuEntry[];
  private readonly ingress: ProfileIngress[] = [];
  private readonly contributions: ProfileContribution[] = [];
  public readonly profileNamespaceLabels: Readonly<Record<string, string>>;
  /** The principal of the dashboard's pods, the only caller KFAM admits. */
  public readonly dashboardPrincipal: string;
  public readonly profileCrd: ProfileCrd;
  public readonly dashboard: CentralDashboard;
  public readonly profileController: ProfileController;
  public readonly accessManagement: AccessManagement;

  public constructor(scope: Construct, id: string, props: KubeflowDashboardProps) {
    super(scope, id);
    const menu = props.menu ?? [];
    const quickLinks = props.quickLinks ?? [];
    const documentationItems = props.documentationItems ?? DEFAULT_DOCUMENTATION_ITEMS;
    const externalLinks = props.externalLinks ?? [];
    throwIfProblems('KubeflowDashboard', [
      ...menu.flatMap((m, i) => m.problems(`menu[${i}]`)),
      ...duplicateLinks(menu),
      ...linkProblems('quickLinks', quickLinks),
      ...linkProblems('documentationItems', documentationItems),
      ...linkProblems('externalLinks', externalLinks),
    ]);

    const ns = props.namespace.name;
    this.namespace = ns;
    this.userIdHeader = props.userIdHeader ?? KUBEFLOW_USERID_HEADER;
    this.userIdPrefix = props.userIdPrefix ?? '';
    this.registrationFlow = props.registrationFlow ?? false;
    this.logoutUrl = props.logoutUrl ?? '/oauth2/sign_out';
    this.menuEntries = [...menu];
    this.profileNamespaceLabels = {
      ...(props.profileNamespaceLabels ?? DEFAULT_PROFILE_NAMESPACE_LABELS),
      ...props.mesh.injectionLabels,
    };
    const gateway = gatewayPrincipal(props.gateway, 'The central dashboard');
    const trustDomain = trustDomainOf(gateway);
    const principal = (sa: string) => `${trustDomain}/ns/${ns}/sa/${sa}`;
    this.dashboardPrincipal = principal(NAMES.dashboard);

    this.profileCrd = new ProfileCrd(scopeInLayer(this, Layer.CRDS), 'ProfileCrd');
    new KubeflowRoles(this, 'KubeflowRoles');
    this.profileController = new ProfileController(this, 'ProfileController', {
      namespace: ns,
      userIdHeader: this.userIdHeader,
      userIdPrefix: this.userIdPrefix,
      namespaceLabels: this.profileNamespaceLabels,
      principals: {
        ingressGateway: gateway,
        notebookController:
          props.notebookControllerPrincipal ?? principal('notebook-controller-service-account'),
        pipelinesUi: props.pipelinesUiPrincipal ?? principal('ml-pipeline-ui'),
      },
      clusterAdmins: props.clusterAdmins ?? [],
      resources: props.profileControllerResources ?? PROFILE_CONTROLLER_DEFAULT_RESOURCES,
      metrics: props.monitoring !== undefined,
    });
    this.dashboard = new CentralDashboard(this, 'Dashboard', {
      namespace: props.namespace,
      gateway: props.gateway,
      userIdHeader: this.userIdHeader,
      userIdPrefix: this.userIdPrefix,
      registrationFlow: this.registrationFlow,
      logoutUrl: this.logoutUrl,
      kfamHost: `${NAMES.kfam}.${ns}`,
      menu: this.menuEntries,
      quickLinks,
      documentationItems,
      externalLinks,
      settings: props.settings ?? DEFAULT_DASHBOARD_SETTINGS,
      resources: props.dashboardResources ?? DASHBOARD_DEFAULT_RESOURCES,
    });
    this.namespaceLabels = this.profileNamespaceLabels;
    this.contributorPrincipals = [
      gateway,
      props.pipelinesUiPrincipal ?? principal('ml-pipeline-ui'),
    ];
    this.accessManagement = new AccessManagement(this, 'AccessManagement', {
      namespace: props.namespace,
      dashboardPodLabels: this.dashboard.podLabels,
      dashboardPrincipal: this.dashboardPrincipal,
      resources: props.kfamResources ?? KFAM_DEFAULT_RESOURCES,
    });
    if (props.monitoring) {
      addDashboardMonitoring(this, {
        monitoring: props.monitoring,
        namespace: props.namespace,
        dashboard: { deployment: this.dashboard.deployment, podLabels: this.dashboard.podLabels },
        profileController: this.profileController,
        accessManagement: this.accessManagement,
      });
    }
  }

  /** Adds a menu entry; links are unique across the menu. */
  public addMenuEntry(entry: KubeflowMenuItem | KubeflowMenuSection): void {
    const m = 'items' in entry ? MenuEntry.section(entry) : MenuEntry.item(entry);
    const at = `menu[${this.menuEntries.length}]`;
    throwIfProblems('KubeflowDashboard', [
      ...m.problems(at),
      ...duplicateLinks([...this.menuEntries, m]).filter((p) => p.includes(at)),
    ]);
    this.menuEntries.push(m);
  }

  public allowIntoProfiles(allow: ProfileIngress): void {
    if (this.ingress.some((a) => a.id === allow.id)) {
      throw new Error(
        `Profile ingress "${allow.id}" is added twice. Give every allow into profile namespaces its own id.`,
      );
    }
    this.ingress.push(allow);
  }

  public get profileIngress(): readonly ProfileIngress[] {
    return this.ingress;
  }

  public addToProfiles(contribution: ProfileContribution): void {
    if (this.contributions.some((c) => c.id === contribution.id)) {
      throw new Error(
        `Profile contribution "${contribution.id}" is added twice. Give every contribution its own id.`,
      );
    }
    this.contributions.push(contribution);
  }

  public get profileContributions(): readonly ProfileContribution[] {
    return this.contributions;
  }
}

function duplicateLinks(menu: readonly MenuEntry[]): string[] {
  const seen = new Set<string>();
  const problems: string[] = [];
  menu.forEach((m, i) => {
    for (const link of m.links) {
      if (seen.has(link)) {
        problems.push(
          propProblem(
            `menu[${i}]`,
            'links to a path another entry links to',
            `"${link}"`,
            'List each link once.',
          ),
        );
      }
      seen.add(link);
    }
  });
  return problems;
}
