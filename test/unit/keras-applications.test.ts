// Keras's own applications files, unmodified, against the Total params model.summary() prints for each.
// They are not part of this repository: set NETLENS_KERAS_SRC to a keras-team/keras checkout (the folder holding
// keras/src/applications); without one these tests are skipped.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeSource } from '../../src/core/analyze';
import { createFileModuleLoader } from '../../src/node/fileModuleLoader';

const ROOT = process.env.NETLENS_KERAS_SRC ?? '/tmp/keras_src';
const APPS = path.join(ROOT, 'keras/src/applications');

/** Keras's published Total params (trainable + non-trainable) and the image size each builder defaults to. */
const PUBLISHED: { file: string; model: string; total: number; side: number }[] = [
  { file: 'vgg16.py', model: 'VGG16()', total: 138_357_544, side: 224 },
  { file: 'resnet.py', model: 'ResNet50()', total: 25_636_712, side: 224 },
  { file: 'resnet_v2.py', model: 'ResNet50V2()', total: 25_613_800, side: 224 },
  { file: 'inception_v3.py', model: 'InceptionV3()', total: 23_851_784, side: 299 },
  { file: 'xception.py', model: 'Xception()', total: 22_910_480, side: 299 },
  { file: 'mobilenet_v2.py', model: 'MobileNetV2()', total: 3_538_984, side: 224 },
  { file: 'densenet.py', model: 'DenseNet121()', total: 8_062_504, side: 224 },
  { file: 'efficientnet.py', model: 'EfficientNetB0()', total: 5_330_571, side: 224 },
  { file: 'convnext.py', model: 'ConvNeXtTiny()', total: 28_589_128, side: 224 },
  { file: 'vgg19.py', model: 'VGG19()', total: 143_667_240, side: 224 },
  { file: 'resnet.py', model: 'ResNet152()', total: 60_419_944, side: 224 },
  { file: 'resnet_v2.py', model: 'ResNet101V2()', total: 44_675_560, side: 224 },
  { file: 'inception_resnet_v2.py', model: 'InceptionResNetV2()', total: 55_873_736, side: 299 },
  { file: 'mobilenet.py', model: 'MobileNet()', total: 4_253_864, side: 224 },
  // MobileNetV3 takes any image size (None, None, 3) by default; its figures do not depend on it.
  { file: 'mobilenet_v3.py', model: 'MobileNetV3Small()', total: 2_554_968, side: 0 },
  { file: 'mobilenet_v3.py', model: 'MobileNetV3Large()', total: 5_507_432, side: 0 },
  { file: 'densenet.py', model: 'DenseNet201()', total: 20_242_984, side: 224 },
  { file: 'nasnet.py', model: 'NASNetMobile()', total: 5_326_716, side: 224 },
  { file: 'nasnet.py', model: 'NASNetLarge()', total: 88_949_818, side: 331 },
  { file: 'efficientnet.py', model: 'EfficientNetB7()', total: 66_658_687, side: 600 },
  { file: 'efficientnet_v2.py', model: 'EfficientNetV2B0()', total: 7_200_312, side: 224 },
  { file: 'efficientnet_v2.py', model: 'EfficientNetV2S()', total: 21_612_360, side: 384 },
  { file: 'convnext.py', model: 'ConvNeXtBase()', total: 88_591_464, side: 224 },
];

describe('keras applications: the unmodified keras/src/applications files', function () {
  this.timeout(300_000);
  for (const app of PUBLISHED) {
    it(`${app.model} from ${app.file}: ${app.total.toLocaleString('en')} Total params`, async function () {
      if (!fs.existsSync(path.join(APPS, app.file))) this.skip();
      const entry = path.join(APPS, app.file);
      const loader = createFileModuleLoader({ entry, extraPaths: [ROOT] });
      const graph = await analyzeSource(fs.readFileSync(entry, 'utf8'), entry, { model: app.model, loader });
      const problems = graph.diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.code} line ${d.range.line}: ${d.message}`);
      assert.deepEqual(problems, []);
      assert.equal(graph.params, app.total);
      assert.equal((graph.trainableParams ?? 0) + (graph.nonTrainableParams ?? 0), app.total);
      const side = app.side || null;
      assert.deepEqual(graph.input, [null, side, side, 3]);
      assert.deepEqual(graph.output, [null, 1000]);
    });
  }
});

describe('keras applications: files copied out of Keras into one folder', function () {
  this.timeout(300_000);
  it('resnet_v2.py finds resnet.py beside it (`from keras.src.applications import resnet`)', async function () {
    if (!fs.existsSync(path.join(APPS, 'resnet_v2.py'))) this.skip();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netlens-keras-flat-'));
    try {
      for (const f of ['resnet.py', 'resnet_v2.py']) fs.copyFileSync(path.join(APPS, f), path.join(dir, f));
      const entry = path.join(dir, 'resnet_v2.py');
      const graph = await analyzeSource(fs.readFileSync(entry, 'utf8'), entry, { loader: createFileModuleLoader({ entry }) });
      assert.equal(graph.model, 'ResNet50V2()');
      assert.equal(graph.params, 25_613_800);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('keras applications: user code calling keras.applications with Keras installed', function () {
  this.timeout(300_000);
  let site = '';
  before(function () {
    if (!fs.existsSync(path.join(APPS, 'resnet.py'))) this.skip();
    // An environment's site-packages holding Keras's applications files, as `pip install keras` lays them out.
    site = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'netlens-keras-env-')), 'site-packages');
    const target = path.join(site, 'keras/src/applications');
    fs.mkdirSync(target, { recursive: true });
    for (const f of fs.readdirSync(APPS)) if (f.endsWith('.py')) fs.copyFileSync(path.join(APPS, f), path.join(target, f));
  });
  after(() => {
    if (site) fs.rmSync(path.dirname(site), { recursive: true, force: true });
  });

  const spellings = [
    'import tensorflow as tf\nmodel = tf.keras.applications.ResNet50(weights=None)\n',
    'from keras.applications import ResNet50\nmodel = ResNet50(weights=None)\n',
    'from tensorflow.keras.applications.resnet50 import ResNet50\nmodel = ResNet50(weights=None)\n',
    'import keras\nmodel = keras.applications.resnet.ResNet50(weights=None, include_top=True)\n',
  ];
  for (const source of spellings) {
    it(`${source.split('\n')[0]}: ResNet50's 25,636,712 Total params`, async () => {
      const entry = path.join(site, '..', 'user_model.py');
      const loader = createFileModuleLoader({ entry, pythonPath: site });
      const graph = await analyzeSource(source, entry, { loader });
      assert.deepEqual(graph.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
      assert.equal(graph.params, 25_636_712);
    });
  }

  it('a transfer-learning head on a frozen EfficientNetB0 without its top', async () => {
    const source = 'import keras\nfrom keras import layers\nbase = keras.applications.EfficientNetB0(include_top=False, weights="imagenet", input_shape=(224, 224, 3))\n'
      + 'base.trainable = False\ninputs = keras.Input(shape=(224, 224, 3))\nx = base(inputs, training=False)\nx = layers.GlobalAveragePooling2D()(x)\n'
      + 'outputs = layers.Dense(5)(x)\nmodel = keras.Model(inputs, outputs)\n';
    const entry = path.join(site, '..', 'transfer.py');
    const graph = await analyzeSource(source, entry, { loader: createFileModuleLoader({ entry, pythonPath: site }), model: 'model' });
    // EfficientNetB0 without its 1280*1000+1000 classifier: 5,330,571 - 1,281,000 = 4,049,571, all frozen; head 1280*5+5.
    assert.equal(graph.params, 4_049_571 + 6_405);
    assert.equal(graph.trainableParams, 6_405);
    assert.equal(graph.nonTrainableParams, 4_049_571);
  });
});
