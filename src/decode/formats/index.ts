import type { FormatDecoder } from './format-decoder.js';
import { dotnetFormat } from './dotnet.js';
import { goCacheFormat } from './go-cache.js';
import { javaFormat } from './java.js';
import { jsonFormat } from './json.js';
import { keyvFormat } from './keyv.js';
import { msgpackFormat } from './msgpack.js';
import { phpFormat } from './php.js';
import { pickleFormat } from './pickle.js';
import { railsFormat } from './rails.js';
import { textFormat } from './text.js';

/**
 * Every format, in the order `auto` tries those whose sniff() accepts the bytes. Keyv comes
 * before JSON because a Keyv envelope is JSON: the more specific reading wins. A new format
 * (pickle, rails, php, java, dotnet, go-cache) is one module and one line here.
 */
export const FORMATS: readonly FormatDecoder[] = Object.freeze([
  keyvFormat,
  jsonFormat,
  javaFormat,
  // Before msgpack: pickle's 0x80 PROTO byte is also a msgpack fixmap head.
  pickleFormat,
  msgpackFormat,
  railsFormat,
  // After msgpack: its body is msgpack, and plain msgpack refuses the trailing marker byte.
  goCacheFormat,
  dotnetFormat,
  phpFormat,
  textFormat,
]);

const BY_NAME: ReadonlyMap<string, FormatDecoder> = new Map(FORMATS.map((format) => [format.name, format]));

/** The format registered under `name`, if any (a map: this runs once per decoded value). */
export function findFormat(name: string): FormatDecoder | undefined {
  return BY_NAME.get(name);
}

export type { DecodeContext, EmbeddedValue, FormatDecoder } from './format-decoder.js';
