/**
 * The like-for-like record (test/fixtures/frameworks/like-for-like/) as each framework's bytes, in
 * one variant per bench tenant: the record's tenant replaced by the tenant's id (the same length,
 * so every length prefix holds). bench:format-sweep stores them under each tenant's keys; bench:
 * decode cycles through them, because an entropy decoder given one value over and over runs
 * faster than on real data (the CPU's branch predictor learns that value's bits).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

export const LIKE_FOR_LIKE_DIR = new URL('../../test/fixtures/frameworks/like-for-like/', import.meta.url);
const RECORD_TENANT = Buffer.from('tenant-042');

/** The fixture with the record's tenant replaced. */
export function retenanted(file: string): (tenant: string) => Buffer {
  const bytes = readFileSync(new URL(file, LIKE_FOR_LIKE_DIR));
  const at = bytes.indexOf(RECORD_TENANT);
  if (at < 0 || bytes.indexOf(RECORD_TENANT, at + 1) >= 0) throw new Error(`${file}: expected the record's tenant exactly once`);
  return (tenant) => {
    const t = Buffer.from(tenant);
    if (t.length !== RECORD_TENANT.length) throw new Error(`tenant ${tenant} is not ${RECORD_TENANT.length} bytes`);
    const out = Buffer.from(bytes);
    t.copy(out, at);
    return out;
  };
}

/** django-redis's ZlibCompressor (zlib.compress) of each tenant's value, by Node's zlib. */
export function zlibOf(valueFor: (tenant: string) => Buffer): (tenant: string) => Buffer {
  return (tenant) => deflateSync(valueFor(tenant));
}

/**
 * xz (Python's lzma.compress, what django-redis's LzmaCompressor calls) of each tenant's value;
 * undefined where python3 with lzma is missing.
 */
export function xzOf(valueFor: (tenant: string) => Buffer, tenants: readonly string[]): ((tenant: string) => Buffer) | undefined {
  const input = JSON.stringify(tenants.map((t) => valueFor(t).toString('hex')));
  try {
    const out = execFileSync('python3', ['-c', 'import json,lzma,sys\nprint(json.dumps([lzma.compress(bytes.fromhex(h)).hex() for h in json.load(sys.stdin)]))'], { input, encoding: 'utf8', maxBuffer: 64 << 20 });
    const hex = JSON.parse(out) as string[];
    const blobs = new Map(tenants.map((t, i) => [t, Buffer.from(hex[i]!, 'hex')]));
    return (tenant) => blobs.get(tenant)!;
  } catch {
    return undefined;
  }
}

/**
 * Each tenant's variant of a like-for-like file, or undefined for one that cannot be re-tenanted
 * (go-redis/cache's S2 bytes would need an S2 encoder; xz without python3).
 */
export function variantsOf(file: string, tenants: readonly string[]): Buffer[] | undefined {
  const valueFor = variantMaker(file, tenants);
  return valueFor && tenants.map(valueFor);
}

function variantMaker(file: string, tenants: readonly string[]): ((tenant: string) => Buffer) | undefined {
  switch (file) {
    case 'go-cache.bin':
      return undefined;
    case 'pickle-zlib.bin':
      return zlibOf(retenanted('pickle.bin'));
    case 'pickle-xz.bin':
      return xzOf(retenanted('pickle.bin'), tenants);
    default:
      return retenanted(file);
  }
}
