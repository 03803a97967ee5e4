/**
 * `node dist/bench/lint-napi-threads.js`: why lint-keys splits its work across processes, not
 * worker threads. Each runner makes 1,000,000 reads of a syntax node's kind (one crossing into
 * ast-grep's native code each), alone, then two at once as worker threads of one process, then
 * two at once as separate processes. Prints each runner's milliseconds.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import { parse } from '@ast-grep/napi';
import { registerGrammars } from '../src/lint/languages/index.js';

const SELF = fileURLToPath(import.meta.url);
const READS = 1_000_000;

function reads(): number {
  registerGrammars();
  const nodes = parse('python', 'def f(a):\n  x = a + 1\n  return g(x)\n').root().findAll({ rule: { kind: 'identifier' } });
  const started = performance.now();
  let length = 0;
  for (let i = 0; i < READS; i++) length += String((nodes[i % nodes.length] as (typeof nodes)[number]).kind()).length;
  if (length === 0) throw new Error('no kinds read');
  return performance.now() - started;
}

function inThread(): Promise<number> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(SELF, { argv: ['thread'] });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

function inProcess(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = fork(SELF, ['process'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    child.once('message', (ms) => resolve(ms as number));
    child.once('error', reject);
  });
}

const role = process.argv[2];
if (!isMainThread && role === 'thread') parentPort?.postMessage(reads());
else if (role === 'process') process.send?.(reads(), () => process.disconnect());
else {
  const ms = (values: number[]): string => values.map((v) => `${Math.round(v)} ms`).join(' · ');
  for (let round = 1; round <= 3; round++) {
    console.log(`round ${round}: alone ${ms([await inThread()])}; two threads ${ms(await Promise.all([inThread(), inThread()]))}; two processes ${ms(await Promise.all([inProcess(), inProcess()]))}`);
  }
}
