import { loadAll } from 'js-yaml';
import { parseAllDocuments } from 'yaml';
import { outputFiles } from '../../apps/cdk8s/output';
import { ENVIRONMENTS, renderEnv } from '../helpers';

describe.each(ENVIRONMENTS)('the manifests of $name', ({ env }) => {
  const rendered = renderEnv(env);
  const files = new Map(outputFiles(rendered).map((f) => [f.name, f.content]));

  test('read back as exactly the rendered objects, in YAML 1.2 and in YAML 1.1', () => {
    const layers = rendered.layers.filter((l) => l.objects.length > 0);
    expect(layers.length).toBeGreaterThan(3);
    for (const layer of layers) {
      const text = files.get(`${layer.info.id}.k8s.yaml`) ?? '';
      const expected = JSON.parse(JSON.stringify(layer.objects)) as unknown;
      expect(loadAll(text)).toEqual(expected);
      const v11 = parseAllDocuments(text, { version: '1.1' });
      expect(Array.isArray(v11)).toBe(true);
      expect((v11 as { toJS(): unknown }[]).map((d) => d.toJS())).toEqual(expected);
    }
  });
});
