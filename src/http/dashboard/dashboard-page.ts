import { createHash } from 'node:crypto';
import { DASHBOARD_SCRIPT } from './dashboard-script.js';
import { DASHBOARD_STYLE } from './dashboard-style.js';

/**
 * The dashboard: one self-contained HTML document (inline CSS and JS, no external requests),
 * served at GET /. The page itself holds no data and needs no token; its script asks for an API
 * token once, keeps it in sessionStorage and calls /api/v1/* with it.
 */

const hash = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * The page's Content-Security-Policy. Only the page's own inline script and style run (by hash,
 * so no injected markup can add one); it talks to its own origin only; and Trusted Types make
 * any HTML-parsing sink (innerHTML and friends) throw, so a data string can never become markup
 * even by a future mistake. The page carries it in a <meta> tag; serving it as a header as well
 * adds what a <meta> cannot say (frame-ancestors).
 */
export function dashboardCsp(opts: { header?: boolean } = {}): string {
  const directives = [
    "default-src 'none'",
    `script-src ${hash(DASHBOARD_SCRIPT)}`,
    `style-src ${hash(DASHBOARD_STYLE)}`,
    "connect-src 'self'",
    "img-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "require-trusted-types-for 'script'",
    "trusted-types 'none'",
  ];
  if (opts.header) directives.push("frame-ancestors 'none'");
  return directives.join('; ');
}

const BODY = `
<header class="top">
  <h1>tenantwatch</h1>
  <span class="spacer"></span>
  <span id="updated" class="updated"></span>
  <button id="sign-out" type="button" hidden>Forget token</button>
</header>
<p id="notice" role="status" aria-live="polite" hidden></p>

<section id="login" hidden>
  <h2>Sign in</h2>
  <form id="login-form" autocomplete="off">
    <label for="token">API token
      <input id="token" name="token" type="password" autocomplete="off" spellcheck="false" required>
    </label>
    <button type="submit">Open dashboard</button>
  </form>
  <p class="muted">One of the tokens in <code>api.tokens</code>. It stays in this tab only (sessionStorage) and is sent as <code>Authorization: Bearer …</code>.</p>
</section>

<main id="app" hidden>
  <section class="cards" aria-label="Overview">
    <div class="card" id="sweep">
      <h3>Sweep</h3>
      <p id="sweep-title" class="big"></p>
      <progress id="sweep-progress" max="1"></progress>
      <p id="sweep-text"></p>
      <p id="last-sweep" class="muted"></p>
    </div>
    <div class="card" id="realtime">
      <h3>Real-time checks</h3>
      <p class="big" id="realtime-state"></p>
      <p id="realtime-reason" class="muted"></p>
      <p>Workers: <strong id="workers"></strong></p>
    </div>
    <div class="card">
      <h3>Open incidents</h3>
      <p id="incident-counts" class="counts big"></p>
      <h3>Sampling</h3>
      <p id="sampling"></p>
    </div>
  </section>

  <section id="patterns" aria-labelledby="patterns-h">
    <h2 id="patterns-h">Keys per pattern</h2>
    <table>
      <thead><tr><th>pattern</th><th class="num">keys (last sweep)</th><th class="num">checked</th><th class="num">wrong tenant</th><th class="num">nines</th></tr></thead>
      <tbody id="patterns-body"></tbody>
    </table>
  </section>

  <section id="incidents" aria-labelledby="incidents-h">
    <h2 id="incidents-h">Open incidents</h2>
    <div id="incidents-list"></div>
    <p id="incidents-more" class="muted" hidden>Showing the 50 newest open incidents.</p>
  </section>

  <section id="findings" aria-labelledby="findings-h">
    <h2 id="findings-h">Findings <span id="findings-count" class="muted"></span></h2>
    <form id="filters" class="filters">
      <label>status
        <select id="f-status"><option value="open" selected>open</option><option value="acknowledged">acknowledged</option><option value="resolved">resolved</option><option value="">any</option></select>
      </label>
      <label>severity
        <select id="f-severity"><option value="">any</option><option value="critical">critical</option><option value="warning">warning</option><option value="info">info</option></select>
      </label>
      <label>kind <select id="f-kind"><option value="">any</option></select></label>
      <label>pattern <select id="f-pattern"><option value="">any</option></select></label>
      <label>tenant <input id="f-tenant" type="search" spellcheck="false" placeholder="tenant id"></label>
      <label>incident <input id="f-incident" type="search" inputmode="numeric" pattern="[0-9]*" placeholder="#"></label>
      <button type="submit">Filter</button>
      <button type="button" id="f-clear">Reset</button>
    </form>
    <div class="scroll">
      <table id="findings-table">
        <thead><tr><th>severity</th><th>kind</th><th>status</th><th>key</th><th>pattern</th><th>tenants</th><th>detail</th><th>first / last seen</th><th title="TTL when last seen">TTL</th><th></th></tr></thead>
        <tbody id="findings-body"></tbody>
      </table>
    </div>
    <button id="more" type="button" class="more" hidden>More</button>
  </section>
</main>
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${dashboardCsp()}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>tenantwatch</title>
<style>${DASHBOARD_STYLE}</style>
</head>
<body>${BODY}<script>${DASHBOARD_SCRIPT}</script>
</body>
</html>
`;

/** The dashboard document (the same string every call). */
export function dashboardPage(): string {
  return PAGE;
}
