/** A piece of a format string: literal text, or the slot an argument fills (by position or name). */
export type FormatPiece = string | { index: number } | { name: string };

// printf family (Python `%`, Ruby `%`/format, PHP sprintf, Go fmt.Sprintf, Java String.format):
// flags, width, precision and the verb. Slots by name: Python `%(name)s`, Ruby `%<name>s` and
// `%{name}`; by position: `%1$s` (C, PHP, Java) and Go's `%[1]s`.
const PRINTF = /%(?:\{(\w+)\}|(?:\((\w+)\)|<(\w+)>)?(?:(\d+)\$)?[-+ #0]*(\*|\d+)?(?:\.(\*|\d+))?(?:\[(\d+)\])?[hlLqjzt]*([a-zA-Z%]))/g;

/**
 * Splits a printf-style format into text and argument slots; `%%` is a literal `%`. Undefined
 * for a `*` width or precision: it takes an argument of its own, and guessing which would bind
 * the wrong expression to the key.
 */
export function parsePrintf(format: string): FormatPiece[] | undefined {
  const pieces: FormatPiece[] = [];
  let next = 0;
  let last = 0;
  for (const m of format.matchAll(PRINTF)) {
    pieces.push(format.slice(last, m.index));
    last = m.index + m[0].length;
    const [, brace, paren, angle, dollar, width, precision, bracket, verb] = m;
    if (width === '*' || precision === '*') return undefined;
    const name = brace ?? paren ?? angle;
    const position = dollar ?? bracket;
    if (verb === '%' && name === undefined && position === undefined) pieces.push('%');
    else if (name !== undefined) pieces.push({ name });
    else if (position !== undefined) {
      // Go: an explicit index also moves the implicit one on (`%[2]s %s` reads 2 then 3).
      next = Number(position);
      pieces.push({ index: Number(position) - 1 });
    } else pieces.push({ index: next++ });
  }
  pieces.push(format.slice(last));
  return pieces.filter((p) => p !== '');
}

/**
 * Splits a brace format (Python str.format, C# string.Format) into text and slots: `{}` takes the
 * next argument, `{0}` a position, `{name}` a keyword; `{{` and `}}` are literal braces; a format
 * spec or alignment after `:` or `,` is ignored.
 */
export function parseBraceFormat(format: string): FormatPiece[] {
  const pieces: FormatPiece[] = [];
  let text = '';
  let next = 0;
  for (let i = 0; i < format.length; i++) {
    const c = format[i];
    if ((c === '{' || c === '}') && format[i + 1] === c) {
      text += c;
      i += 1;
    } else if (c === '{') {
      const close = format.indexOf('}', i);
      if (close === -1) {
        text += format.slice(i);
        break;
      }
      const field = (format.slice(i + 1, close).split(/[:,!]/)[0] ?? '').trim();
      if (text) pieces.push(text);
      text = '';
      if (field === '') pieces.push({ index: next++ });
      else if (/^\d+$/.test(field)) pieces.push({ index: Number(field) });
      else pieces.push({ name: field });
      i = close;
    } else {
      text += c;
    }
  }
  if (text) pieces.push(text);
  return pieces;
}
