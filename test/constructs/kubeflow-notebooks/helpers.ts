import { Chart, Testing } from 'cdk8s';
import {
  JupyterWebApp,
  JupyterWebAppProps,
  NotebookController,
  NotebookControllerProps,
} from '../../../constructs/kubeflow-notebooks';
import { FakeGateway, FakeNamespace } from '../../fakes';
import { Manifest, Objects } from '../../helpers';

export type { Manifest };
export { Objects };

export const NS = 'kubeflow';

export interface Built {
  readonly chart: Chart;
  readonly namespace: FakeNamespace;
  readonly gateway: FakeGateway;
  readonly controller: NotebookController;
  readonly jupyter: JupyterWebApp;
  readonly objects: () => Objects;
}

export function buildNotebooks(
  opts: {
    controller?: Partial<NotebookControllerProps>;
    jupyter?: Partial<JupyterWebAppProps>;
    context?: Record<string, unknown>;
  } = {},
): Built {
  const app = Testing.app();
  for (const [k, v] of Object.entries(opts.context ?? {})) app.node.setContext(k, v);
  const chart = new Chart(app, 'Test');
  const namespace = new FakeNamespace(NS);
  const gateway = new FakeGateway(chart, 'Gateway');
  const controller = new NotebookController(chart, 'NotebookController', {
    namespace,
    gateway,
    ...opts.controller,
  });
  const jupyter = new JupyterWebApp(chart, 'JupyterWebApp', {
    namespace,
    gateway,
    ...opts.jupyter,
  });
  return {
    chart,
    namespace,
    gateway,
    controller,
    jupyter,
    objects: () => new Objects(Testing.synth(chart) as Manifest[]),
  };
}
