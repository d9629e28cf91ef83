// Model classes found from a file's text, with the constructor call to complete (for the model-expression entry).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { modelClasses } from '../../src/host/modelClasses';

describe('model classes', () => {
  it('lists the module classes of resnet.py with their constructor signatures', () => {
    const source = fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'resnet.py'), 'utf8');
    const classes = modelClasses(source);
    assert.deepEqual(classes.map((c) => c.name), ['BasicBlock', 'Bottleneck', 'ResNet']);
    const resnet = classes.find((c) => c.name === 'ResNet')!;
    assert.equal(resnet.signature, 'ResNet(block, layers, num_classes=1000, norm_layer=None)');
    assert.equal(resnet.constructible, false);
    assert.equal(source.split('\n')[resnet.line - 1].startsWith('class ResNet('), true);
  });

  it('reads annotations, multi-line parameters, keyword-only markers and subclasses of the file own models', () => {
    const source = [
      'import torch.nn as nn',
      'class Base(nn.Module):',
      '    def __init__(self, width: int = 64):',
      '        super().__init__()',
      'class GPT(Base):',
      '    def __init__(',
      '        self,',
      '        config: "GPTConfig",  # the sizes',
      '        *,',
      '        dropout: float = 0.1, **kwargs):',
      '        super().__init__()',
      'class Config:',
      '    n_layer = 6',
    ].join('\n');
    assert.deepEqual(modelClasses(source).map((c) => [c.name, c.signature, c.constructible]), [
      ['Base', 'Base(width=64)', true],
      ['GPT', 'GPT(config, dropout=0.1)', false],
    ]);
  });
});
