// Drives the VS Code workbench served by code-server through playwright-core: files, commands, webviews, screenshots.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';

export const SHOTS_DIR = path.join(__dirname, '..', '..', '..', 'test-results', 'vscode');

export async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `probe` until it returns a value other than undefined/false, or throws with `what` after the timeout. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SHOTS_DIR, { recursive: true });
  const file = path.join(SHOTS_DIR, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

export async function waitForWorkbench(page: Page): Promise<void> {
  await page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
  // The explorer lists the workspace once the file service is up.
  await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 60_000 });
}

/** Takes keyboard focus back from a webview iframe, so workbench shortcuts (F1, Ctrl+P, Ctrl+G) reach VS Code. */
export async function focusWorkbench(page: Page): Promise<void> {
  await page.evaluate(() => {
    const active = document.activeElement;
    if (active instanceof HTMLElement && active.tagName === 'IFRAME') active.blur();
  });
  await page.keyboard.press('Escape');
}

/** Opens the quick input with a shortcut, retrying once when the first key press is swallowed by a focus change. */
async function openQuickInput(page: Page, shortcut: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  for (let attempt = 0; attempt < 3; attempt++) {
    await focusWorkbench(page);
    await page.keyboard.press(shortcut);
    try {
      await input.waitFor({ state: 'visible', timeout: 3000 });
      return;
    } catch {
      // try again
    }
  }
  throw new Error(`the quick input did not open with ${shortcut}`);
}

/** Quick Open (Ctrl+P), type the file name, pick the exact match; waits until its editor tab is the active one. */
/** Opens a workspace file by name or by workspace-relative path (`unet_project/unet/model.py`) with Quick Open. */
export async function openFile(page: Page, fileName: string): Promise<void> {
  const baseName = fileName.split('/').pop() ?? fileName;
  const exactName = new RegExp(`^\\s*${baseName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
  const activeTab = page.locator(`.tabs-container .tab.active[data-resource-name="${baseName}"]`).first();
  // A webview taking focus back can close the quick input mid-way: retry the whole gesture.
  for (let attempt = 1; ; attempt++) {
    try {
      await openQuickInput(page, 'Control+P');
      await page.locator('.quick-input-widget input').fill(fileName);
      // The list first shows recently opened files and re-renders as results arrive: let it settle, then pick.
      await sleep(400);
      const row = page.locator('.quick-input-widget .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: exactName }) }).first();
      await row.waitFor({ timeout: 5000 });
      await row.click();
      await activeTab.waitFor({ timeout: 5000 });
      break;
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
  await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor({ timeout: 15_000 });
}

/** F1, type the command's title, Enter. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await openQuickInput(page, 'F1');
  const input = page.locator('.quick-input-widget input');
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
}

/** Moves the editor cursor with "Go to Line/Column" (Ctrl+G). */
export async function goToLine(page: Page, line: number, column = 1): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  // The quick input is sometimes left inert by a focus change while it opens: close it and open it again.
  for (let attempt = 1; ; attempt++) {
    await openQuickInput(page, 'Control+G');
    try {
      await input.fill(`:${line}:${column}`, { timeout: 5000 });
      break;
    } catch (error) {
      if (attempt >= 3) throw error;
      await page.keyboard.press('Escape');
    }
  }
  await page.keyboard.press('Enter');
}

/** Makes the file's editor tab the active one without moving its cursor (e.g. after clicking inside a webview). */
export async function activateTab(page: Page, fileName: string): Promise<void> {
  await page.locator(`.tabs-container .tab[data-resource-name="${fileName}"]`).first().click();
}

/** The active editor's 1-based cursor line, read from the status bar ("Ln 41, Col 9"). */
export async function cursorLine(page: Page): Promise<number | undefined> {
  const text = await page.locator('[id="status.editor.selection"]').first().textContent({ timeout: 2000 });
  const match = /Ln\s+(\d+)/.exec(text ?? '');
  return match ? Number(match[1]) : undefined;
}

/** The frame (nested inside the webview's two iframes) whose document matches the selector. */
export async function findFrame(page: Page, selector: string): Promise<Frame | undefined> {
  for (const frame of page.frames()) {
    try {
      if (await frame.$(selector)) return frame;
    } catch {
      // Frames detach while webviews reload; try the others.
    }
  }
  return undefined;
}
