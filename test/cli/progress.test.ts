import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress } from '../../src/cli/progress.js';

function fakeStream(isTTY: boolean): { stream: NodeJS.WriteStream; output: () => string } {
  const s = new PassThrough() as unknown as NodeJS.WriteStream & PassThrough;
  let text = '';
  (s as PassThrough).on('data', (d: Buffer) => (text += d.toString()));
  Object.assign(s, { isTTY, columns: 120, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
  return { stream: s, output: () => text };
}

describe('createProgress', () => {
  it('draws a bar with the key count on a terminal', async () => {
    const { stream, output } = fakeStream(true);
    const bar = createProgress(stream);
    bar.update({ scanned: 10, total: 100 });
    bar.update({ scanned: 50, total: 100 });
    bar.stop();
    await new Promise((r) => setImmediate(r));
    expect(output()).toMatch(/scanning \|.*\| \d+% \d+\/100 keys/);
  });

  it('stays silent when stderr is not a terminal (CI logs, pipes)', async () => {
    const { stream, output } = fakeStream(false);
    const bar = createProgress(stream);
    bar.update({ scanned: 10, total: 100 });
    bar.stop();
    await new Promise((r) => setImmediate(r));
    expect(output()).toBe('');
  });
});
