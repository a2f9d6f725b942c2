import { goListSplit, renderGoTemplate } from '../../../constructs/istio/private/go-template';
import { renderInjectionTemplate } from './template-evaluator';

describe('the template writer', () => {
  const text = renderGoTemplate(['$native := .Native'], {
    spec: {
      initContainers: goListSplit('$native', 'containers', [{ name: 'a' }], [{ name: 'b' }]),
    },
  });
  const render = (native: boolean) =>
    renderInjectionTemplate(text, { values: {}, data: { '.Native': native } });

  test('a split list keeps its tail under its own key or moves it to the other key', () => {
    expect(render(true).spec).toEqual({ initContainers: [{ name: 'a' }, { name: 'b' }] });
    expect(render(false).spec).toEqual({
      initContainers: [{ name: 'a' }],
      containers: [{ name: 'b' }],
    });
  });

  test('a split list needs items on both sides and a free key to move to', () => {
    expect(() =>
      renderGoTemplate([], { spec: { initContainers: goListSplit('$x', 'containers', [], [1]) } }),
    ).toThrow('A split list needs items on both sides (key initContainers).');
    expect(() =>
      renderGoTemplate([], {
        spec: { containers: [], initContainers: goListSplit('$x', 'containers', [1], [2]) },
      }),
    ).toThrow('A split list cannot move items to the existing key containers.');
  });
});
