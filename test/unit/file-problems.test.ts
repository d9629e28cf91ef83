// The Problems list of a file: chains of errors reduced to their first error, and the errors of every model merged.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeSource } from '../../src/core/analyze';
import { fileProblems, firstErrorsOfChains } from '../../src/host/fileProblems';

const RESNET = fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'resnet.py'), 'utf8');

function edited(find: string, replace: string): string {
  assert.ok(RESNET.includes(find), `resnet.py has no "${find}"`);
  return RESNET.replace(find, replace);
}

function lineOf(source: string, text: string): number {
  return source.split('\n').findIndex((line) => line.includes(text)) + 1;
}

describe('file problems', () => {
  it('an extra conv call reports its first error once and counts what follows from it', async () => {
    const source = edited('        out = self.conv1(x)\n        out = self.bn1(out)\n', '        out = self.conv1(x)\n        out = self.conv1(out)\n' +
      '        out = self.bn1(out)\n');
    const graph = await analyzeSource(source, 'resnet.py', { model: 'resnet18()' });
    const errors = graph.diagnostics.filter((d) => d.severity === 'error');
    assert.ok(errors.length >= 3, `expected a cascade, got ${errors.length} errors`);
    const heads = firstErrorsOfChains(graph).filter((d) => d.severity === 'error');
    assert.equal(heads.length, 1, heads.map((d) => d.message).join('\n'));
    assert.equal(heads[0].range.line, lineOf(source, 'out = self.conv1(out)'));
    assert.match(heads[0].message, new RegExp(`\\(and ${errors.length - 1} more caused by this\\)$`));
  });

  it('an error in a block only resnet18/34 use reaches Problems while resnet50 is chosen, once, naming both', async () => {
    const source = edited('        self.conv2 = conv3x3(planes, planes)\n', '        self.conv2 = conv3x3(planes + 1, planes)\n');
    const models = ['resnet50()', 'resnet18()', 'resnet34()', 'resnet101()', 'resnet152()'];
    const graphs = await Promise.all(models.map(async (model) => ({ model, graph: await analyzeSource(source, 'resnet.py', { model }) })));
    assert.equal(graphs[0].graph.diagnostics.filter((d) => d.severity === 'error').length, 0, 'resnet50 does not use BasicBlock');
    const problems = fileProblems(graphs[0], graphs.slice(1)).filter((d) => d.severity === 'error');
    assert.equal(problems.length, 1, problems.map((d) => d.message).join('\n'));
    assert.equal(problems[0].range.line, lineOf(source, 'out = self.conv2(out)'));
    assert.match(problems[0].message, /\(in resnet18\(\), resnet34\(\)\)$/);
    assert.match(problems[0].message, /more caused by this/);
  });

  it('two statements glued on one line are a syntax error, listed whatever else breaks', async () => {
    const source = edited('        out = self.conv2(out)\n        out = self.bn2(out)\n', '        out = self.conv2(out)        out = self.bn2(out)\n');
    const graph = await analyzeSource(source, 'resnet.py', { model: 'resnet18()' });
    const problems = fileProblems({ model: 'resnet18()', graph }, [], true);
    const syntax = problems.filter((d) => d.code === 'syntax-error');
    assert.equal(syntax.length, 1, problems.map((d) => `${d.code}: ${d.message}`).join('\n'));
    assert.equal(syntax[0].range.line, lineOf(source, 'out = self.conv2(out)        out'));
    assert.match(syntax[0].message, /two statements on one line/);
    assert.doesNotMatch(syntax[0].message, /\(in /);
  });

  it('a file with one model keeps its messages as they are', async () => {
    const source = edited('        self.conv2 = conv3x3(planes, planes)\n', '        self.conv2 = conv3x3(planes + 1, planes)\n');
    const graph = await analyzeSource(source, 'resnet.py', { model: 'resnet18()' });
    const [problem] = fileProblems({ model: 'resnet18()', graph }, []);
    assert.doesNotMatch(problem.message, /\(in /);
  });
});
