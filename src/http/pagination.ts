/** Opaque cursors: the last id of a page, base64url, so clients cannot build them by arithmetic. */
export function encodeCursor(lastId: string): string {
  return Buffer.from(`id:${lastId}`).toString('base64url');
}

/** The id a cursor names, or undefined when it is not one of ours. */
export function decodeCursor(cursor: string): string | undefined {
  const m = /^id:(\d{1,18})$/.exec(Buffer.from(cursor, 'base64url').toString());
  return m?.[1];
}

/** One page: the items and, when there may be more, the cursor of the next page. */
export function page<T extends { id: string }>(items: T[], limit: number): { items: T[]; nextCursor?: string } {
  const more = items.length > limit;
  const shown = more ? items.slice(0, limit) : items;
  return more ? { items: shown, nextCursor: encodeCursor(shown[shown.length - 1]!.id) } : { items: shown };
}
