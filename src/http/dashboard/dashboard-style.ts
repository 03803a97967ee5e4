/**
 * The dashboard's stylesheet, inlined into the page (one <style> element, allowed by its hash in
 * the page's Content-Security-Policy). The page uses classes only: no style attributes, which a
 * strict `style-src` would block.
 */
export const DASHBOARD_STYLE = `
:root { color-scheme: light; --fg: #1d232b; --muted: #5f6b7a; --line: #d9dee5; --bg: #f5f7fa; --card: #fff;
  --critical: #b42318; --warning: #b54708; --info: #175cd3; --ok: #067647; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header.top { display: flex; align-items: center; gap: 1rem; padding: .6rem 1.2rem; background: #1d232b; color: #fff; }
header.top h1 { font-size: 1.1rem; margin: 0; }
header.top .spacer { flex: 1; }
header.top .updated { color: #c5ccd6; font-size: .85rem; }
header.top button { background: transparent; color: #fff; border: 1px solid #5f6b7a; }
main, #login { padding: 1rem 1.2rem; max-width: 1500px; margin: 0 auto; }
h2 { font-size: 1rem; margin: 1.2rem 0 .5rem; }
button { font: inherit; padding: .2rem .6rem; border: 1px solid var(--line); border-radius: 4px; background: #fff; cursor: pointer; }
button:disabled { opacity: .45; cursor: default; }
button.danger { border-color: var(--critical); color: var(--critical); }
input, select { font: inherit; padding: .2rem .4rem; border: 1px solid var(--line); border-radius: 4px; background: #fff; }
#notice { margin: 0; padding: .5rem 1.2rem; background: #fef3f2; color: var(--critical); border-bottom: 1px solid #fecdca; }
#notice.ok { background: #ecfdf3; color: var(--ok); border-color: #abefc6; }
#login form { display: flex; gap: .5rem; align-items: end; flex-wrap: wrap; background: var(--card); padding: 1rem; border: 1px solid var(--line); border-radius: 6px; max-width: 36rem; }
#login label { display: flex; flex-direction: column; flex: 1; gap: .2rem; }
.muted { color: var(--muted); }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(17rem, 1fr)); gap: .8rem; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: .7rem .9rem; }
.card h3 { margin: 0 0 .3rem; font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.card p { margin: .2rem 0; }
progress { width: 100%; height: .8rem; }
.big { font-size: 1.3rem; font-weight: 600; }
.on { color: var(--ok); font-weight: 600; }
.off { color: var(--warning); font-weight: 600; }
.counts span { margin-right: .9rem; }
table { border-collapse: collapse; width: 100%; background: var(--card); border: 1px solid var(--line); }
th, td { text-align: left; vertical-align: top; padding: .3rem .5rem; border-bottom: 1px solid var(--line); }
th { font-size: .78rem; text-transform: uppercase; letter-spacing: .03em; color: var(--muted); background: #fafbfc; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
code, .key { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85rem; }
.key { word-break: break-all; }
.sev { display: inline-block; padding: 0 .4rem; border-radius: 3px; font-size: .78rem; font-weight: 600; color: #fff; }
.sev-critical { background: var(--critical); }
.sev-warning { background: var(--warning); }
.sev-info { background: var(--info); }
.status-acknowledged { color: var(--info); }
.status-resolved { color: var(--ok); }
.incident { background: var(--card); border: 1px solid var(--line); border-left: 4px solid var(--critical); border-radius: 6px; padding: .6rem .9rem; margin-bottom: .8rem; }
.incident.severity-warning { border-left-color: var(--warning); }
.incident.severity-info { border-left-color: var(--info); }
.incident header { display: flex; flex-wrap: wrap; gap: .6rem; align-items: baseline; margin-bottom: .4rem; }
.incident table { margin-top: .3rem; }
.arrow { color: var(--muted); }
form.filters { display: flex; flex-wrap: wrap; gap: .6rem; align-items: end; margin-bottom: .6rem; }
form.filters label { display: flex; flex-direction: column; font-size: .78rem; color: var(--muted); gap: .1rem; }
td.actions, td.seen { white-space: nowrap; }
.scroll { overflow-x: auto; }
td.subject { min-width: 12rem; }
td.actions button + button { margin-left: .25rem; }
ul.plain { margin: .2rem 0 0; padding-left: 1.1rem; }
.more { margin: .6rem 0 2rem; }
[hidden] { display: none !important; }
`;
