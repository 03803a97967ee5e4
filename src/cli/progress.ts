import cliProgress from 'cli-progress';
import type { ScanProgress } from '../scan/run-scan.js';

/** A progress bar on stderr when it is a terminal; silent otherwise (CI logs, pipes). */
export function createProgress(stream: NodeJS.WriteStream = process.stderr): { update(p: ScanProgress): void; stop(): void } {
  if (!stream.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { stream, format: 'scanning |{bar}| {percentage}% {value}/{total} keys {rate} keys/s eta {eta_formatted}', hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  let begun = false;
  return {
    update(p) {
      const total = p.total ?? Math.max(p.scanned, 1);
      const rate = Math.round(p.scanned / Math.max((performance.now() - started) / 1000, 0.001));
      if (!begun) {
        bar.start(total, p.scanned, { rate });
        begun = true;
      } else {
        bar.setTotal(Math.max(total, p.scanned));
        bar.update(p.scanned, { rate });
      }
    },
    stop() {
      if (begun) bar.stop();
    },
  };
}
