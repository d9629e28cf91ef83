// Robustness test: seeded random mutations of every fixture must still give a well-formed LayerGraph, never an exception.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createAnalyzer } from '../../src/core/analyze';
import type { LayerGraph } from '../../src/core/graph/ir';
import { loadFixtureFiles, loadFixtures } from '../fixtures/manifest';
import { graphProblems } from '../fixtures/graphInvariants';

/** Small deterministic PRNG (mulberry32): the same seed always gives the same mutations. */
function makeRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)];
const between = (random: Random, low: number, high: number): number => low + Math.floor(random() * (high - low + 1));

interface Mutation {
  source: string;
  description: string;
}

const INSERTABLE = [...'()[]{}:,.=+-*/%@<>!\'"#\\ \n\t0123456789_abcxyzN'];
const REPLACEMENT_NUMBERS = ['0', '1', '2', '3', '-1', '7', '64', '1000', '999999999', '0.5', '1e9', '10**9'];

function tokenSpans(source: string): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  for (const m of source.matchAll(/[A-Za-z_]\w*|\d+(?:\.\d*)?|[^\s\w]/g)) spans.push({ start: m.index, end: m.index + m[0].length });
  return spans;
}

function deleteLines(source: string, random: Random): Mutation {
  const lines = source.split('\n');
  const start = between(random, 0, lines.length - 1);
  const count = between(random, 1, 3);
  lines.splice(start, count);
  return { source: lines.join('\n'), description: `delete ${count} line(s) from line ${start + 1}` };
}

function deleteToken(source: string, random: Random): Mutation {
  const spans = tokenSpans(source);
  if (spans.length === 0) return { source, description: 'no token to delete' };
  const span = pick(random, spans);
  return {
    source: source.slice(0, span.start) + source.slice(span.end),
    description: `delete token ${JSON.stringify(source.slice(span.start, span.end))} at offset ${span.start}`,
  };
}

function duplicateToken(source: string, random: Random): Mutation {
  const spans = tokenSpans(source);
  if (spans.length === 0) return { source, description: 'no token to duplicate' };
  const span = pick(random, spans);
  const token = source.slice(span.start, span.end);
  return { source: source.slice(0, span.end) + token + source.slice(span.end),
    description: `duplicate token ${JSON.stringify(token)} at offset ${span.start}` };
}

function insertCharacters(source: string, random: Random): Mutation {
  const at = between(random, 0, source.length);
  const text = Array.from({ length: between(random, 1, 3) }, () => pick(random, INSERTABLE)).join('');
  return { source: source.slice(0, at) + text + source.slice(at), description: `insert ${JSON.stringify(text)} at offset ${at}` };
}

function deleteCharacters(source: string, random: Random): Mutation {
  const at = between(random, 0, Math.max(0, source.length - 1));
  const count = between(random, 1, 4);
  return { source: source.slice(0, at) + source.slice(at + count), description: `delete ${count} character(s) at offset ${at}` };
}

function truncate(source: string, random: Random): Mutation {
  const at = between(random, 0, source.length);
  return { source: source.slice(0, at), description: `truncate at offset ${at} of ${source.length}` };
}

function swapNumbers(source: string, random: Random): Mutation {
  const numbers = [...source.matchAll(/\b\d+(?:\.\d+)?\b/g)];
  if (numbers.length === 0) return { source, description: 'no number to swap' };
  const replacements = between(random, 1, 3);
  let result = source;
  const described: string[] = [];
  // Replace from the end so earlier offsets stay valid.
  const chosen = Array.from({ length: replacements }, () => pick(random, numbers)).sort((a, b) => b.index - a.index);
  let lastIndex = Number.POSITIVE_INFINITY;
  for (const m of chosen) {
    if (m.index >= lastIndex) continue;
    lastIndex = m.index;
    const replacement = random() < 0.5 ? pick(random, REPLACEMENT_NUMBERS) : pick(random, numbers)[0];
    result = result.slice(0, m.index) + replacement + result.slice(m.index + m[0].length);
    described.push(`${m[0]}→${replacement} at offset ${m.index}`);
  }
  return { source: result, description: `swap numbers ${described.join(', ')}` };
}

const MUTATORS = [deleteLines, deleteToken, duplicateToken, insertCharacters, deleteCharacters, truncate, swapNumbers];

/** Applies one to three random mutations. */
function mutate(source: string, random: Random): Mutation {
  let current = source;
  const steps: string[] = [];
  const rounds = random() < 0.7 ? 1 : between(random, 2, 3);
  for (let i = 0; i < rounds; i++) {
    const mutation = pick(random, MUTATORS)(current, random);
    current = mutation.source;
    steps.push(mutation.description);
  }
  return { source: current, description: steps.join('; ') };
}

function isLayerGraph(value: unknown): value is LayerGraph {
  const g = value as LayerGraph;
  return (
    typeof g === 'object' && g !== null && Array.isArray(g.nodes) && Array.isArray(g.edges) && Array.isArray(g.groups) &&
    Array.isArray(g.shortcuts) && Array.isArray(g.diagnostics) && Array.isArray(g.models) && typeof g.params === 'number'
  );
}

const SEED = Number(process.env.NETLENS_FUZZ_SEED ?? 20261128);
const RUNS_PER_FILE = Number(process.env.NETLENS_FUZZ_RUNS ?? 20);
/** Set NETLENS_FUZZ_VERBOSE=1 to print each run before it starts (finds the run that kills the process). */
const VERBOSE = process.env.NETLENS_FUZZ_VERBOSE === '1';

describe(`fuzz: mutated fixtures (seed ${SEED}, ${RUNS_PER_FILE} runs per file)`, function () {
  this.timeout(120000);

  it('every mutated fixture gives a well-formed LayerGraph and no exception escapes', async () => {
    const analyzer = await createAnalyzer();
    const optionsByFile = new Map<string, { model?: string; input?: number[] }>();
    for (const f of loadFixtures()) {
      if (!optionsByFile.has(f.absolutePath)) optionsByFile.set(f.absolutePath, { model: f.model, input: f.input });
    }
    const random = makeRandom(SEED);
    const failures: string[] = [];
    let runs = 0;
    let slowest = { ms: 0, what: '' };
    const codeCounts = new Map<string, number>();
    for (const file of loadFixtureFiles()) {
      for (let run = 0; run < RUNS_PER_FILE; run++) {
        const mutation = mutate(file.source, random);
        // Half the runs ask for the fixture's own model (which the mutation may have broken), half let the engine choose.
        const fixtureOptions = optionsByFile.get(file.absolutePath) ?? {};
        const options = run % 2 === 0 ? {} : Object.fromEntries(Object.entries(fixtureOptions).filter(([, v]) => v !== undefined));
        const what = `${file.file} run ${run} (${mutation.description})${'model' in options ? ` model ${options.model}` : ''}`;
        runs++;
        if (VERBOSE) console.log(`      ${what}`);
        const started = performance.now();
        let graph: unknown;
        try {
          graph = analyzer.analyze(mutation.source, file.absolutePath, options);
        } catch (error) {
          failures.push(`${what}: threw ${(error as Error)?.stack ?? String(error)}`);
          continue;
        }
        const ms = performance.now() - started;
        if (ms > slowest.ms) slowest = { ms, what };
        if (!isLayerGraph(graph)) {
          failures.push(`${what}: did not return a LayerGraph`);
          continue;
        }
        const problems = graphProblems(graph, mutation.source, false);
        // An internal error is an engine exception caught at the boundary: still a bug, so it fails the run.
        for (const d of graph.diagnostics) {
          codeCounts.set(d.code, (codeCounts.get(d.code) ?? 0) + 1);
          if (d.code === 'internal-error') problems.push(`internal error at line ${d.range.line}: ${d.message}`);
        }
        if (problems.length > 0) failures.push(`${what}:\n    ${problems.slice(0, 5).join('\n    ')}`);
      }
    }
    console.log(`      ${runs} mutated analyses; slowest ${slowest.ms.toFixed(0)} ms: ${slowest.what}`);
    console.log(`      diagnostics seen: ${[...codeCounts].map(([code, n]) => `${code} ${n}`).join(', ')}`);
    if (failures.length > 0) {
      const dump = path.join(os.tmpdir(), `netlens-fuzz-failures-${SEED}.txt`);
      fs.writeFileSync(dump, failures.join('\n\n'));
      assert.fail(`${failures.length} of ${runs} mutated analyses failed (all listed in ${dump}):\n${failures.slice(0, 8).join('\n')}`);
    }
  });
});
