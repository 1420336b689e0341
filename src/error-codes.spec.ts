import 'reflect-metadata';
import { getMetadataStorage } from 'class-validator';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
// Every controller, and so every request class, is reached from the HTTP API's module.
import './app.module';
import { codeOf } from './common/validation/field-errors';
import { CODE_BY_STATUS } from './common/errors/all-exceptions.filter';
import { ERROR_CODES, FIELD_ERROR_CODES } from './common/errors/error-codes';

/**
 * Every `code` the API can send is listed in ERROR_CODES or FIELD_ERROR_CODES (which the
 * OpenAPI error schema and the README's "Error codes" table are made from): a code raised in
 * the source, the filter's codes by status, and each validation rule of the request classes.
 */
const ROOT = join(__dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** Codes written in the source where errors are raised, with the file of each. */
function raisedCodes(): { code: string; file: string; field: boolean }[] {
  const found: { code: string; file: string; field: boolean }[] = [];
  for (const file of sources(join(ROOT, 'src'))) {
    const text = readFileSync(file, 'utf8');
    const name = file.slice(ROOT.length + 1);
    for (const m of text.matchAll(/new DomainError\(\s*'([^']*)'/g))
      found.push({ code: m[1], file: name, field: false });
    for (const m of text.matchAll(/invalidField\(\s*[^,]+,\s*'([^']*)'/g))
      found.push({ code: m[1], file: name, field: true });
  }
  return found;
}

describe('error codes', () => {
  it('lists every code raised in the source', () => {
    const raised = raisedCodes();
    expect(raised.length).toBeGreaterThan(50);
    const unlisted = raised.filter(({ code, field }) =>
      field ? !(code in FIELD_ERROR_CODES) : !(code in ERROR_CODES),
    );
    expect(unlisted).toEqual([]);
  });

  it('lists every code the exception filter gives by status, with that status', () => {
    for (const [status, code] of Object.entries(CODE_BY_STATUS)) {
      expect([code, ERROR_CODES[code].status]).toEqual([code, Number(status)]);
    }
  });

  it('lists the code of every validation rule of the request classes', () => {
    const storage = getMetadataStorage() as unknown as {
      validationMetadatas: Map<
        unknown,
        { type: string; target: { name: string }; constraintCls: unknown }[]
      >;
      getTargetValidatorConstraints(cls: unknown): { name: string }[];
    };
    const rules = new Set(['whitelistValidation', 'nestedValidation']);
    for (const list of storage.validationMetadatas.values()) {
      for (const m of list) {
        if (m.target.name === 'Environment' || m.type === 'conditionalValidation') continue;
        if (m.type !== 'customValidation') rules.add(m.type);
        else
          for (const c of storage.getTargetValidatorConstraints(m.constraintCls)) rules.add(c.name);
      }
    }
    expect(rules.size).toBeGreaterThan(10);
    expect([...rules].map(codeOf).filter((code) => !(code in FIELD_ERROR_CODES))).toEqual([]);
  });

  it('lists every code in the README, with its status', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = /\n### Error codes\n([\s\S]*?)(\n#{2,3} |$)/.exec(readme)?.[1] ?? '';
    const rows = [...section.matchAll(/^\| `([a-z0-9_]+)` \| ([^|]*) \|/gm)].map((m) => [
      m[1],
      m[2].trim(),
    ]);
    const expected = [
      ...Object.entries(ERROR_CODES).map(([code, { status }]) => [
        code,
        status ? String(status) : 'any other',
      ]),
      ...Object.keys(FIELD_ERROR_CODES).map((code) => [code, '400 (`errors[].code`)']),
    ];
    expect(rows).toEqual(expected);
  });
});
