/**
 * Key-event notifications tenantwatch listens to: writes that can put a payload under a key.
 * `E` enables key-event channels; `$` strings, `h` hashes, `g` generic (rename, restore, copy);
 * `d` module events (RedisJSON's json.set); `A` is the alias for every class.
 */
export const WRITE_EVENTS = ['set', 'setrange', 'append', 'hset', 'json.set', 'rename_to', 'restore', 'copy_to', 'move_to'] as const;

/** The classes tenantwatch needs: without them, writes arrive silently. */
const NEEDED = ['$', 'h', 'g'] as const;
/** RedisJSON publishes json.set as a module event, delivered only with `d` (or `A`). */
const NEEDED_FOR_JSON = 'd';

export function keyEventChannels(db: number): string[] {
  return WRITE_EVENTS.map((e) => `__keyevent@${db}__:${e}`);
}

/**
 * What is missing from a `notify-keyspace-events` value for real-time checks, or [] if nothing.
 * `json`: some pattern reads RedisJSON values (`type: json`), whose writes need `d`.
 */
export function missingNotifyFlags(flags: string, opts: { json: boolean }): string[] {
  const missing: string[] = [];
  if (!flags.includes('E')) missing.push('E');
  const all = flags.includes('A');
  for (const c of NEEDED) if (!all && !flags.includes(c)) missing.push(c);
  if (opts.json && !all && !flags.includes(NEEDED_FOR_JSON)) missing.push(NEEDED_FOR_JSON);
  return missing;
}

/** The existing flags plus what is missing, for `realtime.configure: true`. */
export function withNeededFlags(flags: string, opts: { json: boolean }): string {
  return flags + missingNotifyFlags(flags, opts).join('');
}
