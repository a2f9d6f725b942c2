import { Layer } from '../../../constructs/core/layers';
import {
  ComponentFacts,
  architectureMermaid,
  componentFacts,
} from '../../../apps/docs/architecture';
import { BUILT_IN_COMPONENTS } from '../../../stacks/components';

describe('architecture picture', () => {
  const facts = componentFacts();
  const of = (key: string): ComponentFacts => {
    const f = facts.find((x) => x.key === key);
    if (!f) throw new Error(`no component ${key}`);
    return f;
  };
  const mermaid = architectureMermaid(facts);

  test('has a node for every built-in component', () => {
    expect(facts.map((f) => f.key)).toEqual(BUILT_IN_COMPONENTS.map((c) => c.key));
    for (const c of BUILT_IN_COMPONENTS) expect(mermaid).toContain(`["${c.key}<br/>layers `);
  });

  test('draws an arrow from the offering component to each one that needs the contract', () => {
    expect(mermaid).toContain('istio -->|"IGateway, IMesh"| kubeflow_dashboard');
    expect(mermaid).toContain('dex -->|"IOidcProvider"| oauth2_proxy');
    expect(mermaid).toContain('kubeflow_pipelines -->|"IDatabase"| katib');
  });

  test('a contract used only when offered is dotted', () => {
    expect(of('kubeflow-pipelines').optional.map((c) => c.name)).toContain('IPodDefaults');
    expect(mermaid).toContain('poddefaults -.->|"IPodDefaults"| kubeflow_pipelines');
  });

  test('needs that depend on settings are evaluated for the example environments', () => {
    // the managed Istio of both examples takes its certificates from cert-manager
    expect(of('istio').needs.map((c) => c.name)).toEqual(['ICertificateIssuer']);
  });

  test('layers are where the component built objects', () => {
    expect(of('cert-manager').layers).toEqual(
      expect.arrayContaining([Layer.CRDS, Layer.INFRASTRUCTURE, Layer.INFRASTRUCTURE_CONFIG]),
    );
    expect(of('tenants').layers).toContain(Layer.TENANTS);
    expect(of('tenants').layers).not.toContain(Layer.CRDS);
    expect(of('dex').layers).toContain(Layer.IDENTITY);
  });
});
