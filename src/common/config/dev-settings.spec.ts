import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEV_SETTINGS_FILE, formatDevSettings, liveDevPid, readDevSettings } from './dev-settings';

describe('dev settings (.dev/env)', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'dev-settings-'));
    mkdirSync(join(root, '.dev'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('reads back exactly what dev wrote, # and quotes included', () => {
    const values = {
      DATABASE_URL: 'postgres://u:p#w@127.0.0.1:5432/pledges',
      MAIL_FROM: 'Campaign receipts <receipts@localhost>',
      ORGANIZATION_NAME: "Friends' campaign",
    };
    writeFileSync(join(root, DEV_SETTINGS_FILE), formatDevSettings(values, 4242));
    expect(readDevSettings(root)).toEqual(values);
  });

  it('is absent when dev never ran, and names only a dev process that still runs', () => {
    expect(readDevSettings(root)).toBeUndefined();
    expect(liveDevPid(root)).toBeUndefined();
    writeFileSync(join(root, DEV_SETTINGS_FILE), formatDevSettings({}, process.ppid));
    expect(liveDevPid(root)).toBe(process.ppid);
    writeFileSync(join(root, DEV_SETTINGS_FILE), formatDevSettings({}, 2 ** 22 + 1));
    expect(liveDevPid(root)).toBeUndefined();
  });
});
