/**
 * Keys are attacker-influenced strings: control characters (newlines, escape sequences) are
 * shown escaped so a key cannot forge table rows or terminal colours.
 */
export function escapeText(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
