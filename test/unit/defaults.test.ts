// The defaults table: package.json's settings, the host's reading of them and the webview's fallbacks all agree with it.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SETTING_BOUNDS, SETTING_DEFAULTS, defaultViewOptions } from '../../src/core/defaults';
import { readSettings } from '../../src/host/settings';
import { readOptions } from '../../webview/validate';

interface SettingSchema {
  default?: unknown;
  minimum?: number;
  maximum?: number;
}

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, SettingSchema> } };
};
const properties = manifest.contributes.configuration.properties;

describe('defaults table', () => {
  it('package.json declares exactly the settings of the table, with the same defaults', () => {
    assert.deepEqual(Object.keys(properties).sort(), Object.keys(SETTING_DEFAULTS).map((name) => `netlens.${name}`).sort());
    for (const [name, value] of Object.entries(SETTING_DEFAULTS)) assert.deepEqual(properties[`netlens.${name}`].default, value, name);
  });

  it('package.json declares the same bounds', () => {
    for (const [name, bounds] of Object.entries(SETTING_BOUNDS)) {
      const schema = properties[`netlens.${name}`];
      assert.deepEqual({ minimum: schema.minimum, maximum: schema.maximum }, bounds, name);
    }
  });

  it('the host falls back to the table for missing or malformed settings', () => {
    const fromNothing = readSettings({});
    assert.deepEqual(fromNothing.view, defaultViewOptions());
    assert.equal(fromNothing.liveDiagnostics, SETTING_DEFAULTS.liveDiagnostics);
    assert.deepEqual(readSettings({ collapseDepth: 'deep', runMemoryBudgetMiB: 1, nodeDetails: 7 }).view, defaultViewOptions());
    assert.equal(readSettings({ runMemoryBudgetMiB: 1e9 }).view.runMemoryBudgetMiB, SETTING_BOUNDS.runMemoryBudgetMiB.maximum);
  });

  it('the webview falls back to the same values (the forward-pass budget included)', () => {
    assert.deepEqual(readOptions(undefined), defaultViewOptions());
    assert.equal(readOptions({ runMemoryBudgetMiB: -5 }).runMemoryBudgetMiB, SETTING_DEFAULTS.runMemoryBudgetMiB);
  });
});
