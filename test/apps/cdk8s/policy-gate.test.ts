import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PolicyGateError, writeRendered } from '../../../apps/cdk8s/synth';
import { evaluate } from '../../../policies';
import { SUPPRESSIONS_ANNOTATION } from '../../../policies/suppressions';
import { RenderedPlatform } from '../../../stacks/render';
import { ENVIRONMENTS, allObjects, renderEnv } from '../../helpers';

describe.each(ENVIRONMENTS)('the policy gate passes $name', ({ env }) => {
  test('with no unsuppressed error, and every suppression has a reason', () => {
    const rendered = renderEnv(env);
    const report = evaluate(allObjects(rendered), { production: rendered.production });
    expect(report.errors.map((f) => f.message)).toEqual([]);
    for (const o of allObjects(rendered)) {
      const raw = o.metadata.annotations?.[SUPPRESSIONS_ANNOTATION];
      for (const s of raw ? (JSON.parse(raw) as { reason: string }[]) : []) {
        expect(s.reason.trim().length).toBeGreaterThan(10);
      }
    }
  });
});

describe('synthesis stops at the policy gate', () => {
  const privileged = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'debug', namespace: 'minio' },
    spec: {
      containers: [{ name: 'sh', image: 'busybox:latest', securityContext: { privileged: true } }],
    },
  };

  function withObject(obj: object): RenderedPlatform {
    const r = renderEnv();
    return {
      ...r,
      layers: r.layers.map((l, i) =>
        i === 5 ? { ...l, objects: [...l.objects, obj as never] } : l,
      ),
    };
  }

  test('an unsuppressed error writes nothing and reports the object and field', () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'gate-'));
    const out = path.join(parent, 'dist');
    let error: unknown;
    try {
      writeRendered(withObject(privileged), out);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PolicyGateError);
    const message = (error as Error).message;
    expect(message).toContain('Pod minio/debug');
    expect(message).toContain('pss-baseline/privileged');
    expect(message).toContain('platform/image-pinned');
    expect(fs.readdirSync(parent)).toEqual([]);
  });

  test('a suppression with a reason lets it through and is listed in the report', () => {
    const reasons = [
      'pss-baseline/privileged',
      'pss-restricted/allow-privilege-escalation',
      'pss-restricted/run-as-non-root',
      'pss-restricted/seccomp',
      'pss-restricted/capabilities-drop-all',
      'platform/image-pinned',
      'platform/resource-requests',
      'platform/memory-limit',
      'platform/cpu-limit',
      'platform/read-only-root-filesystem',
    ].map((rule) => ({ rule, reason: 'Break-glass debugging pod, removed after use.' }));
    const obj = {
      ...privileged,
      metadata: {
        ...privileged.metadata,
        annotations: { [SUPPRESSIONS_ANNOTATION]: JSON.stringify(reasons) },
      },
    };
    const report = evaluate([obj as never], {});
    expect(report.errors).toEqual([]);
    expect(report.passed).toBe(true);
    expect(report.suppressed.map((f) => f.ruleId)).toContain('pss-baseline/privileged');
    expect(
      report.suppressed.every((f) => f.reason === 'Break-glass debugging pod, removed after use.'),
    ).toBe(true);
  });
});
