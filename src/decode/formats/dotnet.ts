import type { FormatDecoder } from './format-decoder.js';

const BOM = [0xef, 0xbb, 0xbf];

/**
 * .NET IDistributedCache (Microsoft.Extensions.Caching.StackExchangeRedis): a Redis hash with
 * `absexp`, `sldexp` and `data`; the application's bytes are in `data` (a pattern with
 * `format: dotnet` reads that field). Those bytes are whatever the app serialized — usually
 * System.Text.Json UTF-8 (PascalCase `TenantId` by default), sometimes with a BOM — so they go
 * through the ordinary compression and format sniffing. Never chosen by `auto`: under `auto`
 * the field's bytes are read by `json`, which accepts the BOM too, giving the same value.
 */
export const dotnetFormat: FormatDecoder = {
  name: 'dotnet',
  sniff: () => false,
  decode(bytes, context) {
    const body = bytes.length >= 3 && BOM.every((b, i) => bytes[i] === b) ? bytes.subarray(3) : bytes;
    return context.decodeEmbedded(body).value;
  },
};
