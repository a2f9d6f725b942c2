import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CATALOGUE_PACKS, renderCatalogue } from '../../policies';
import { main } from '../../policies/docs';

const ROOT = path.join(__dirname, '..', '..');
const RULES_MD = path.join(ROOT, 'policies', 'RULES.md');

describe('rule catalogue', () => {
  const generated = renderCatalogue(CATALOGUE_PACKS);

  it('is up to date in policies/RULES.md (run npm run docs:policies)', () => {
    expect(fs.readFileSync(RULES_MD, 'utf8')).toBe(generated);
  });

  it('is already formatted the way Prettier wants it', () => {
    // Prettier 3 loads plugins with dynamic import, which jest's VM cannot run; use its CLI.
    const bin = require.resolve('prettier/bin/prettier.cjs');
    const result = spawnSync(process.execPath, [bin, '--check', RULES_MD], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('documents every rule with its level, rationale and remediation', () => {
    for (const pack of CATALOGUE_PACKS) {
      expect(generated).toContain(`## ${pack.id}\n\n**${pack.title}.** ${pack.description}`);
      for (const rule of pack.rules) {
        expect(generated).toContain(`### \`${rule.id}\`\n\n${rule.title}.\n`);
        expect(generated).toContain(`**Rationale.** ${rule.rationale}`);
        expect(generated).toContain(`**Remediation.** ${rule.remediation}`);
      }
    }
    expect(generated).toContain('- **Level:** warning (error with `production: true`)');
  });

  describe('docs script', () => {
    let stderr: jest.SpyInstance;
    beforeEach(() => {
      stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    });
    afterEach(() => stderr.mockRestore());

    it('--check passes on the committed file', () => {
      expect(main(['--check'], ROOT)).toBe(0);
    });

    it('--check fails on a stale file', () => {
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rules-md-'));
      try {
        fs.mkdirSync(path.join(tmp, 'policies'));
        fs.writeFileSync(path.join(tmp, 'policies', 'RULES.md'), '# old\n');
        expect(main(['--check'], tmp)).toBe(1);
        expect(stderr).toHaveBeenCalledWith(
          'policies/RULES.md is stale; run npm run docs:policies\n',
        );
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    });
  });
});
