/** `demo.projects` → `"demo"."projects"`: identifiers come from config, never from key text. */
export function quoteQualified(name: string): string {
  return name.split('.').map(quoteIdent).join('.');
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
