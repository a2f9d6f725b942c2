import { Dashboard, DashboardPanel } from '../core/monitoring';

/** Grafana's dashboard JSON model version written here (Grafana 10.4/11). */
export const GRAFANA_SCHEMA_VERSION = 39;

/** The dashboard variable every query's data source refers to. */
export const DATASOURCE_VARIABLE = 'datasource';
const DATASOURCE = { type: 'prometheus', uid: `\${${DATASOURCE_VARIABLE}}` } as const;

/** Grid of Grafana (24 columns); two panels side by side, eight rows high. */
const GRID_COLUMNS = 24;
const PANEL_WIDTH = 12;
const PANEL_HEIGHT = 8;

/** Where a panel sits on the dashboard's grid. */
export interface GridPos {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Query refIds: A, B, ... */
function refId(i: number): string {
  return String.fromCharCode(65 + i);
}

function panelJson(panel: DashboardPanel, id: number, gridPos: GridPos): Json {
  return {
    datasource: { ...DATASOURCE },
    ...(panel.description ? { description: panel.description } : {}),
    fieldConfig: { defaults: { unit: panel.unit ?? 'short' }, overrides: [] },
    gridPos: { ...gridPos },
    id,
    options: {},
    targets: panel.queries.map((q, i) => ({
      datasource: { ...DATASOURCE },
      expr: q.expr,
      ...(q.legend ? { legendFormat: q.legend } : {}),
      refId: refId(i),
    })),
    title: panel.title,
    type: panel.type ?? 'timeseries',
  };
}

/** The panels (row headers included) of a dashboard with their grid positions, top to bottom. */
export function layoutPanels(dashboard: Dashboard): Json[] {
  const panels: Json[] = [];
  let id = 1;
  let y = 0;
  for (const row of dashboard.rows) {
    panels.push({
      collapsed: false,
      gridPos: { h: 1, w: GRID_COLUMNS, x: 0, y },
      id: id++,
      panels: [],
      title: row.title,
      type: 'row',
    });
    y += 1;
    row.panels.forEach((panel, i) => {
      const x = (i % 2) * PANEL_WIDTH;
      const py = y + Math.floor(i / 2) * PANEL_HEIGHT;
      panels.push(panelJson(panel, id++, { x, y: py, w: PANEL_WIDTH, h: PANEL_HEIGHT }));
    });
    y += Math.ceil(row.panels.length / 2) * PANEL_HEIGHT;
  }
  return panels;
}

function variablesJson(dashboard: Dashboard): Json[] {
  return [
    {
      current: {},
      hide: 0,
      includeAll: false,
      label: 'Data source',
      multi: false,
      name: DATASOURCE_VARIABLE,
      options: [],
      query: 'prometheus',
      refresh: 1,
      regex: '',
      type: 'datasource',
    },
    ...(dashboard.variables ?? []).map((v) => {
      const multi = v.multi ?? false;
      const definition = `label_values(${v.query}, ${v.label})`;
      return {
        current: {},
        datasource: { ...DATASOURCE },
        definition,
        hide: 0,
        includeAll: multi,
        label: v.name,
        multi,
        name: v.name,
        options: [],
        query: { query: definition, refId: 'PrometheusVariableQueryEditor-VariableQuery' },
        refresh: 2,
        regex: '',
        sort: 1,
        type: 'query',
      };
    }),
  ];
}

/** Grafana's JSON model of `dashboard`, as an object. */
export function dashboardModel(dashboard: Dashboard, tags: readonly string[] = []): Json {
  return {
    annotations: { list: [] },
    description: dashboard.description,
    editable: false,
    graphTooltip: 1,
    links: [],
    panels: layoutPanels(dashboard),
    refresh: '1m',
    schemaVersion: GRAFANA_SCHEMA_VERSION,
    tags: [...tags],
    templating: { list: variablesJson(dashboard) },
    time: { from: 'now-6h', to: 'now' },
    timepicker: {},
    timezone: 'browser',
    title: dashboard.title,
    uid: dashboard.uid,
    version: 1,
  };
}

/** JSON with every object's keys sorted: the same dashboard always renders the same bytes. */
export function stableJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return `${JSON.stringify(sort(value), undefined, 2)}\n`;
}

/** The dashboard as the file Grafana's sidecar loads. */
export function renderDashboard(dashboard: Dashboard, tags: readonly string[] = []): string {
  return stableJson(dashboardModel(dashboard, tags));
}
