// A Keras model in the standalone page: the forward pass runs channels-last on WebGL (SwiftShader) and agrees with CPU.
import * as assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { analyzeSource } from '../../src/core/analyze';
import { launch, openPage, screenshot, writePage } from './harness';

interface Snapshot {
  state: string;
  backend?: string;
  output?: number[];
  outputSample?: number[];
  mismatches?: number;
  error?: string;
}

const snapshot = (page: Page): Promise<Snapshot> => page.evaluate(() => (window as unknown as { __netlensRun: Snapshot }).__netlensRun);

async function runAndWait(page: Page, start: () => Promise<void>): Promise<Snapshot> {
  await start();
  await page.waitForSelector('[data-run-state="running"]', { timeout: 10_000 }).catch(() => undefined);
  await page.waitForSelector('[data-run-state="done"], [data-run-state="error"]', { timeout: 150_000 });
  return snapshot(page);
}

/** Odd spatial sizes (asymmetric "same" padding), depthwise and separable convolutions, merges, BatchNormalization. */
const SOURCE = `
import keras
from keras import layers

def block(x, filters, stride, name):
    shortcut = layers.Conv2D(filters, 1, strides=stride, name=name + "_proj")(x)
    y = layers.DepthwiseConv2D(3, strides=stride, padding="same", name=name + "_dw")(x)
    y = layers.BatchNormalization(name=name + "_bn")(y)
    y = layers.SeparableConv2D(filters, 3, padding="same", activation="relu", name=name + "_sep")(y)
    return layers.Activation("relu", name=name + "_out")(layers.Add(name=name + "_add")([shortcut, y]))

def build():
    inputs = keras.Input(shape=(23, 19, 3))
    x = layers.Conv2D(8, 5, strides=2, padding="same", activation="relu")(inputs)
    x = block(x, 16, 2, "b1")
    x = layers.Concatenate()([x, layers.MaxPooling2D(3, strides=1, padding="same")(x)])
    x = layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, layers.Dense(10, activation="softmax")(x))
`;

describe('keras model in the run panel (standalone page in Chromium)', function () {
  this.timeout(240_000);
  let browser: Browser;

  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  it('runs a channels-last Keras graph with batch None on WebGL and agrees with the CPU backend', async () => {
    const graph = await analyzeSource(SOURCE, 'keras_run.py', { model: 'build()' });
    assert.equal(graph.layout, 'NHWC');
    assert.deepEqual(graph.input, [null, 23, 19, 3]);
    const { page, errors } = await openPage(browser, await writePage('keras-run', graph, { collapseDepth: 'all' }));
    const webgl = await runAndWait(page, () => page.locator('[data-action="run"]').first().click());
    assert.equal(webgl.state, 'done', webgl.error);
    assert.equal(webgl.backend, 'webgl');
    assert.deepEqual(webgl.output, [1, 10]);
    assert.equal(webgl.mismatches, 0);
    await screenshot(page, 'keras-run-webgl');
    await page.locator('[data-role="choice"]').selectOption('cpu');
    const cpu = await runAndWait(page, () => page.locator('[data-role="start"]').click());
    assert.equal(cpu.state, 'done', cpu.error);
    const a = webgl.outputSample ?? [];
    const b = cpu.outputSample ?? [];
    assert.equal(a.length, 10);
    a.forEach((value, i) => assert.ok(Math.abs(value - (b[i] as number)) <= 1e-3 * Math.max(1, Math.abs(b[i] as number)),
      `output[${i}] webgl ${value} cpu ${b[i]}`));
    assert.deepEqual(errors, []);
    await page.close();
  });
});
