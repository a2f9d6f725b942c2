import { propProblem } from '../core/validation';

/** A link of the dashboard's left menu, as `dashboard-config` `links.menuLinks[]` holds it. */
interface MenuItemJson {
  readonly type: 'item';
  readonly link: string;
  readonly text: string;
  readonly icon?: string;
}
interface MenuSectionJson {
  readonly type: 'section';
  readonly text: string;
  readonly icon?: string;
  readonly items: readonly MenuItemJson[];
}

export interface MenuItemOptions {
  /** A path on the gateway host such as `/jupyter/`, or an `https://` URL. */
  readonly link: string;
  /** The label in the menu. */
  readonly text: string;
  /** A Polymer iron-icon name such as `book` or `kubeflow:katib`. @default - no icon */
  readonly icon?: string;
}

/**
 * One entry of the dashboard's menu: a link, or a section that groups links (the pipelines
 * entries upstream). A component that the platform enables contributes its entries, so the menu
 * never links to something not installed.
 * @see https://www.kubeflow.org/docs/components/central-dash/customizing-menu/
 */
export class MenuEntry {
  public static item(opts: MenuItemOptions): MenuEntry {
    return new MenuEntry({ type: 'item', ...opts });
  }

  public static section(opts: {
    readonly text: string;
    readonly icon?: string;
    readonly items: readonly MenuItemOptions[];
  }): MenuEntry {
    return new MenuEntry({
      type: 'section',
      text: opts.text,
      ...(opts.icon !== undefined ? { icon: opts.icon } : {}),
      items: opts.items.map((i) => ({ type: 'item', ...i })),
    });
  }

  private constructor(private readonly json: MenuItemJson | MenuSectionJson) {}

  /** Every link of the entry (a section's items). */
  public get links(): readonly string[] {
    return this.json.type === 'item' ? [this.json.link] : this.json.items.map((i) => i.link);
  }

  /** The entry as `menuLinks[]` holds it, keys in upstream's order. */
  public toJson(): Record<string, unknown> {
    const item = (i: MenuItemJson) => ({
      type: 'item',
      link: i.link,
      text: i.text,
      ...(i.icon !== undefined ? { icon: i.icon } : {}),
    });
    if (this.json.type === 'item') return item(this.json);
    return {
      type: 'section',
      text: this.json.text,
      ...(this.json.icon !== undefined ? { icon: this.json.icon } : {}),
      items: this.json.items.map(item),
    };
  }

  /** Problems of the entry at `path`. @internal */
  public problems(path: string): string[] {
    const out: string[] = [];
    const check = (i: MenuItemJson, at: string) => {
      if (!i.text.trim())
        out.push(propProblem(`${at}.text`, 'is empty', undefined, 'Name the link.'));
      if (!isMenuLink(i.link)) {
        out.push(
          propProblem(
            `${at}.link`,
            'is neither a path nor an https URL',
            `"${i.link}"`,
            'Use a path on the gateway host such as /jupyter/, or https://...',
          ),
        );
      }
    };
    if (this.json.type === 'item') check(this.json, path);
    else {
      if (!this.json.text.trim())
        out.push(propProblem(`${path}.text`, 'is empty', undefined, 'Name the section.'));
      if (this.json.items.length === 0) {
        out.push(
          propProblem(
            `${path}.items`,
            'is empty',
            undefined,
            'Give the section at least one link.',
          ),
        );
      }
      this.json.items.forEach((i, n) => check(i, `${path}.items[${n}]`));
    }
    return out;
  }
}

/** A link of the home page (`quickLinks`, `documentationItems`) or of `externalLinks`. */
export interface DashboardLink {
  readonly link: string;
  readonly text: string;
  /** One line under the text. @default - none */
  readonly desc?: string;
}

function isMenuLink(link: string): boolean {
  return /^\/[^\s]*$/.test(link) || /^https:\/\/[^\s/]+(\/[^\s]*)?$/.test(link);
}

/** Problems of home-page links at `path`. @internal */
export function linkProblems(path: string, links: readonly DashboardLink[]): string[] {
  return links.flatMap((l, n) => [
    ...(l.text.trim()
      ? []
      : [propProblem(`${path}[${n}].text`, 'is empty', undefined, 'Name the link.')]),
    ...(isMenuLink(l.link)
      ? []
      : [
          propProblem(
            `${path}[${n}].link`,
            'is neither a path nor an https URL',
            `"${l.link}"`,
            'Use a path on the gateway host such as /jupyter/new, or https://...',
          ),
        ]),
  ]);
}

/** A home-page link as `dashboard-config` holds it. @internal */
export function linkJson(l: DashboardLink): Record<string, string> {
  return { ...(l.desc !== undefined ? { desc: l.desc } : {}), link: l.link, text: l.text };
}

/** Upstream's documentation links that do not depend on an installed component. */
export const DEFAULT_DOCUMENTATION_ITEMS: readonly DashboardLink[] = [
  { desc: 'The Kubeflow website', link: 'https://www.kubeflow.org/', text: 'Kubeflow Website' },
];
