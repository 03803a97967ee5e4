/**
 * The dashboard's browser script, inlined into the page (allowed by its hash in the page's
 * Content-Security-Policy). Plain ES2020 for any current browser: no build step, no imports.
 *
 * Security rule for this file: every string that came from the API (keys, tenant ids, patterns,
 * details) reaches the document only through textContent, createTextNode or a fixed attribute
 * name. Keys are attacker-influenced (anyone who can make the application cache a key chooses
 * part of its name). There is no innerHTML, insertAdjacentHTML or document.write here, and the
 * page's CSP (`require-trusted-types-for 'script'`) makes any such sink throw in Chromium.
 *
 * Written as String.raw so that backslashes reach the browser untouched; it must not contain a
 * backtick or a dollar sign followed by a brace.
 */
export const DASHBOARD_SCRIPT = String.raw`
(() => {
  'use strict';

  const TOKEN_KEY = 'tenantwatch.apiToken';
  // Every few seconds is enough for a human watching a sweep; each poll is three small queries.
  const POLL_MS = 4000;
  const PAGE_SIZE = 50;
  // The API's largest page: a poll re-reads at most this many findings to keep "more" pages fresh.
  const MAX_LIMIT = 500;
  // The list endpoint shows at most this many blast-radius pairs per incident.
  const LIST_PAIRS = 20;
  const KINDS = ['cross_tenant_payload', 'foreign_owner', 'key_owner_mismatch', 'unscoped_collision', 'unscoped_key',
    'unregistered_key', 'unmarked_payload', 'unknown_tenant', 'orphan_entry', 'negative_cache', 'undecodable', 'oversized'];

  const $ = (id) => document.getElementById(id);
  const ui = {
    login: $('login'), loginForm: $('login-form'), token: $('token'), app: $('app'), notice: $('notice'),
    signOut: $('sign-out'), updated: $('updated'),
    sweepTitle: $('sweep-title'), sweepProgress: $('sweep-progress'), sweepText: $('sweep-text'), lastSweep: $('last-sweep'),
    realtimeState: $('realtime-state'), realtimeReason: $('realtime-reason'), workers: $('workers'),
    counts: $('incident-counts'), sampling: $('sampling'),
    patternsBody: $('patterns-body'), incidents: $('incidents-list'), incidentsMore: $('incidents-more'),
    filters: $('filters'), fStatus: $('f-status'), fSeverity: $('f-severity'), fKind: $('f-kind'), fPattern: $('f-pattern'),
    fTenant: $('f-tenant'), fIncident: $('f-incident'), fClear: $('f-clear'),
    findingsBody: $('findings-body'), findingsCount: $('findings-count'), more: $('more'),
  };

  // Control, zero-width and bidirectional characters are shown as escapes: a key that hides or
  // reorders part of its own text must not pass for another key on screen.
  const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;
  const visible = (s) => String(s).replace(INVISIBLE, (c) => '\\u{' + c.codePointAt(0).toString(16) + '}');

  // The one way this script builds elements. Attribute names are a fixed list; values and
  // children are always text.
  const ATTRS = new Set(['class', 'title', 'type', 'datetime', 'colspan', 'value']);
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'text') node.textContent = String(v);
      else if (ATTRS.has(k) || k.startsWith('data-')) node.setAttribute(k, String(v));
      else throw new Error('el(): attribute not allowed: ' + k);
    }
    add(node, children);
    return node;
  }
  function add(node, child) {
    if (child === undefined || child === null || child === false) return;
    if (Array.isArray(child)) for (const c of child) add(node, c);
    else if (child instanceof Node) node.appendChild(child);
    else node.appendChild(document.createTextNode(String(child)));
  }
  const clear = (node) => node.replaceChildren();
  const keyEl = (key) => el('code', { class: 'key', text: visible(key) });

  const num = (n) => (typeof n === 'number' ? n.toLocaleString('en-US') : '—');
  function when(iso) {
    if (!iso) return '—';
    const d = new Date(iso);
    return isNaN(d.getTime()) ? String(iso) : d.toISOString().slice(0, 19).replace('T', ' ') + 'Z';
  }
  function duration(s) {
    s = Math.max(0, Math.round(s));
    if (s < 60) return s + 's';
    const m = Math.floor(s / 60);
    if (m < 60) return m + 'm ' + (s % 60) + 's';
    const h = Math.floor(m / 60);
    if (h < 48) return h + 'h ' + (m % 60) + 'm';
    return Math.floor(h / 24) + 'd ' + (h % 24) + 'h';
  }
  const ago = (iso) => duration((Date.now() - new Date(iso).getTime()) / 1000) + ' ago';
  // Table cells show today's times short; the full UTC time and the age are in the tooltip.
  function short(iso) {
    const full = when(iso);
    return full.slice(0, 10) === when(new Date().toISOString()).slice(0, 10) ? full.slice(11) : full.slice(0, 16) + 'Z';
  }
  const timeEl = (iso) => (iso ? el('time', { datetime: iso, title: when(iso) + ', ' + ago(iso), text: short(iso) }) : '—');
  function ttl(seconds) {
    if (seconds === null) return 'never expires';
    if (seconds === undefined) return '—';
    if (seconds < 0) return 'no expiry';
    if (seconds === 0) return 'expired';
    return duration(seconds);
  }
  const sev = (s) => el('span', { class: 'sev sev-' + s, text: s });
  // Kind names may wrap after their underscores (a <wbr> element, not markup in a string).
  const kindEl = (kind) => String(kind).split('_').flatMap((part, i, all) => (i < all.length - 1 ? [part + '_', el('wbr')] : [part]));

  let noticeTimer = null;
  function notify(message, ok) {
    ui.notice.textContent = message;
    ui.notice.className = ok ? 'ok' : '';
    ui.notice.hidden = !message;
    clearTimeout(noticeTimer);
    // Confirmations fade; errors stay until the next successful refresh.
    if (ok && message) noticeTimer = setTimeout(() => notify('', false), 8000);
  }

  // --- API ---------------------------------------------------------------------------------
  class Unauthorized extends Error {}
  class ApiError extends Error {
    constructor(message, status, body) { super(message); this.status = status; this.body = body; }
  }

  async function api(method, path) {
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (!token) throw new Unauthorized('no token');
    let res;
    try {
      res = await fetch(path, { method, headers: { authorization: 'Bearer ' + token, accept: 'application/json' }, cache: 'no-store', credentials: 'omit' });
    } catch (err) {
      throw new ApiError('the API is unreachable (' + (err && err.message) + ')', 0, null);
    }
    if (res.status === 401) {
      // A late answer to a request made with an older token must not sign out a newer one.
      if (sessionStorage.getItem(TOKEN_KEY) === token) signOut('The API refused this token. Enter a valid one.');
      throw new Unauthorized('unauthorized');
    }
    let body = null;
    try { body = await res.json(); } catch { body = null; }
    if (!res.ok) throw new ApiError((body && typeof body.message === 'string' && body.message) || ('HTTP ' + res.status), res.status, body);
    return body;
  }
  const query = (params) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
    const s = q.toString();
    return s ? '?' + s : '';
  };

  // --- Sign in / out -------------------------------------------------------------------------
  let timer = null;
  function signOut(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    if (timer) clearInterval(timer);
    timer = null;
    ui.app.hidden = true;
    ui.signOut.hidden = true;
    ui.login.hidden = false;
    ui.token.value = '';
    ui.token.focus();
    notify(message || '', false);
  }
  function signIn() {
    ui.login.hidden = true;
    ui.app.hidden = false;
    ui.signOut.hidden = false;
    notify('', false);
    resetFindings();
    refresh();
    if (!timer) timer = setInterval(() => { if (!document.hidden) refresh(); }, POLL_MS);
  }
  ui.loginForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const token = ui.token.value.trim();
    if (!token) return;
    sessionStorage.setItem(TOKEN_KEY, token);
    ui.token.value = '';
    signIn();
  });
  ui.signOut.addEventListener('click', () => signOut('Token forgotten.'));
  document.addEventListener('visibilitychange', () => { if (!document.hidden && timer) refresh(); });

  // --- Polling -------------------------------------------------------------------------------
  let refreshing = false;
  // withFindings false: after an action the findings table keeps the row as the API returned it
  // (the operator sees the new status) until the next poll applies the filters again.
  async function refresh(withFindings = true) {
    if (refreshing) return;
    refreshing = true;
    try {
      await Promise.all([loadStatus(), loadIncidents(), withFindings ? loadFindings('refresh') : null]);
      ui.updated.textContent = 'updated ' + when(new Date().toISOString()).slice(11);
      if (ui.notice.className !== 'ok') notify('', false);
    } catch (err) {
      if (!(err instanceof Unauthorized)) notify('Could not refresh: ' + err.message, false);
    } finally {
      refreshing = false;
    }
  }

  // --- Status --------------------------------------------------------------------------------
  let knownPatterns = [];
  async function loadStatus() {
    const s = await api('GET', '/api/v1/status');
    renderSweep(s.currentSweep, s.lastSweep);
    ui.realtimeState.textContent = s.realtime && s.realtime.enabled ? 'on' : 'off';
    ui.realtimeState.className = s.realtime && s.realtime.enabled ? 'on' : 'off';
    ui.realtimeReason.textContent = (s.realtime && s.realtime.reason) || '';
    ui.workers.textContent = num(s.workers);
    const o = s.openIncidents || {};
    clear(ui.counts);
    for (const level of ['critical', 'warning', 'info']) add(ui.counts, el('span', { 'data-severity': level }, sev(level), ' ', el('strong', { text: num(o[level] || 0) })));
    renderSampling(s.sampling);
    renderPatterns(s.keysPerPattern || {}, (s.correctness && s.correctness.patterns) || {});
  }

  function renderSweep(current, last) {
    const sweep = current || last;
    if (!sweep) {
      ui.sweepTitle.textContent = 'No sweep yet';
      ui.sweepProgress.hidden = true;
      ui.sweepText.textContent = 'The first sweep starts when a worker runs.';
      ui.lastSweep.textContent = '';
      return;
    }
    const running = sweep.status === 'running';
    ui.sweepTitle.textContent = (running ? 'Sweep #' : 'Last sweep #') + sweep.id + ' · ' + sweep.status + ' · ' + sweep.reason;
    ui.sweepProgress.hidden = false;
    const progress = typeof sweep.progress === 'number' ? sweep.progress : (typeof sweep.total === 'number' && sweep.total > 0 ? sweep.scanned / sweep.total : undefined);
    if (progress === undefined && running) ui.sweepProgress.removeAttribute('value');
    else ui.sweepProgress.value = progress === undefined ? 1 : Math.min(1, progress);
    const pct = progress === undefined ? '' : ' (' + (progress * 100).toFixed(progress < 0.1 ? 1 : 0) + '%)';
    ui.sweepText.textContent = num(sweep.scanned) + ' / ' + (typeof sweep.total === 'number' ? num(sweep.total) : '?') + ' keys' + pct +
      ' · ' + num(Math.round(sweep.rate || 0)) + ' keys/s · started ' + when(sweep.startedAt) + ' (' + ago(sweep.startedAt) + ')';
    if (current && last) {
      ui.lastSweep.textContent = 'Previous: #' + last.id + ' ' + last.status + ', ' + num(last.scanned) + ' keys' +
        (last.finishedAt ? ', finished ' + ago(last.finishedAt) + ' in ' + duration((new Date(last.finishedAt) - new Date(last.startedAt)) / 1000) : '');
    } else if (!running && sweep.finishedAt) {
      ui.lastSweep.textContent = 'Finished ' + when(sweep.finishedAt) + ' (' + ago(sweep.finishedAt) + ') in ' + duration((new Date(sweep.finishedAt) - new Date(sweep.startedAt)) / 1000);
    } else {
      ui.lastSweep.textContent = '';
    }
  }

  function renderSampling(sampling) {
    clear(ui.sampling);
    if (!sampling) return;
    add(ui.sampling, num(sampling.perMinute) + ' random keys a minute');
    const odds = (sampling.detection || []).map((d) => (d.badShare * 100) + '% bad → ' + (d.probability * 100).toFixed(1) + '%');
    if (odds.length) add(ui.sampling, el('br'), el('span', { class: 'muted', text: 'chance to sample a bad key within ' + sampling.windowMinutes + ' min: ' + odds.join(', ') }));
  }

  function renderPatterns(keys, correctness) {
    const names = [...new Set([...Object.keys(keys), ...Object.keys(correctness)])].sort();
    clear(ui.patternsBody);
    if (!names.length) add(ui.patternsBody, el('tr', {}, el('td', { colspan: 5, class: 'muted', text: 'No keys counted yet.' })));
    for (const name of names) {
      const c = correctness[name] || {};
      add(ui.patternsBody, el('tr', { 'data-pattern': name },
        el('td', {}, el('code', { text: visible(name) })),
        el('td', { class: 'num', text: num(keys[name]) }),
        el('td', { class: 'num', text: num(c.checked) }),
        el('td', { class: 'num', text: num(c.wrong) }),
        el('td', { class: 'num', text: typeof c.nines === 'number' ? c.nines.toFixed(1) : '—' })));
    }
    // The pattern filter offers every pattern the service knows, keeping the current choice.
    if (names.join('\n') !== knownPatterns.join('\n')) {
      knownPatterns = names;
      const chosen = ui.fPattern.value;
      clear(ui.fPattern);
      add(ui.fPattern, el('option', { value: '', text: 'any' }));
      for (const name of names) add(ui.fPattern, el('option', { value: name, text: visible(name) }));
      if (chosen && !names.includes(chosen)) add(ui.fPattern, el('option', { value: chosen, text: visible(chosen) }));
      ui.fPattern.value = chosen;
    }
  }

  // --- Incidents -----------------------------------------------------------------------------
  const fullRadius = new Map();
  async function loadIncidents() {
    const page = await api('GET', '/api/v1/incidents' + query({ status: 'open', limit: 50 }));
    clear(ui.incidents);
    if (!page.items.length) add(ui.incidents, el('p', { class: 'muted', text: 'No open incidents.' }));
    for (const inc of page.items) add(ui.incidents, incidentCard(inc));
    ui.incidentsMore.hidden = !page.nextCursor;
  }

  function incidentCard(inc) {
    const pairs = fullRadius.get(inc.id) || inc.blastRadius || [];
    const card = el('article', { class: 'incident severity-' + inc.severity, 'data-incident-id': inc.id },
      el('header', {},
        sev(inc.severity),
        el('strong', { text: inc.kind }),
        el('span', {}, 'pattern ', el('code', { text: visible(inc.pattern) })),
        el('span', { class: 'muted', text: '#' + inc.id }),
        el('span', {}, 'opened ', timeEl(inc.openedAt)),
        el('span', { text: num(inc.findings) + ' finding' + (inc.findings === 1 ? '' : 's') + (typeof inc.openFindings === 'number' ? ' (' + num(inc.openFindings) + ' unresolved)' : '') })));
    const show = el('button', { type: 'button', 'data-action': 'incident-findings', text: 'Show its findings' });
    show.addEventListener('click', () => {
      ui.fIncident.value = inc.id;
      ui.fStatus.value = '';
      applyFilters();
    });
    if (!pairs.length) {
      add(card, el('p', { class: 'muted', text: 'No tenant pairs recorded for this incident.' }), show);
      return card;
    }
    const body = el('tbody');
    for (const p of pairs) {
      add(body, el('tr', { class: 'pair' },
        el('td', { class: 'owner' }, el('code', { text: visible(p.owner) })),
        el('td', { class: 'arrow', text: '→' }),
        el('td', { class: 'exposed' }, el('code', { text: visible(p.exposed) })),
        el('td', { class: 'num keys', text: num(p.keys) }),
        el('td', {}, timeEl(p.firstSeen)),
        el('td', {}, timeEl(p.lastSeen)),
        el('td', { class: 'ttl', text: ttl(p.maxRemainingTtlSeconds) })));
    }
    add(card, el('table', { class: 'blast-radius' },
      el('caption', { class: 'muted', text: 'Blast radius: data the owner tenant owns, cached where the exposed tenant reads it' }),
      el('thead', {}, el('tr', {}, el('th', { text: 'owner' }), el('th'), el('th', { text: 'exposed tenant' }), el('th', { class: 'num', text: 'keys' }),
        el('th', { text: 'first seen' }), el('th', { text: 'last seen' }), el('th', { text: 'longest remaining TTL' }))),
      body));
    const actions = el('p', {}, show);
    if (!fullRadius.has(inc.id) && pairs.length >= LIST_PAIRS) {
      const all = el('button', { type: 'button', text: 'All tenant pairs' });
      all.addEventListener('click', async () => {
        all.disabled = true;
        try {
          const full = await api('GET', '/api/v1/incidents/' + encodeURIComponent(inc.id));
          fullRadius.set(inc.id, full.blastRadius || []);
          card.replaceWith(incidentCard(full));
        } catch (err) {
          if (!(err instanceof Unauthorized)) notify('Could not load incident #' + inc.id + ': ' + err.message, false);
          all.disabled = false;
        }
      });
      add(actions, ' ', all);
    }
    add(card, actions);
    return card;
  }

  // --- Findings ------------------------------------------------------------------------------
  for (const kind of KINDS) add(ui.fKind, el('option', { value: kind, text: kind }));
  let findings = [];
  let nextCursor;
  let generation = 0;

  function filters() {
    return { status: ui.fStatus.value, severity: ui.fSeverity.value, kind: ui.fKind.value, pattern: ui.fPattern.value,
      tenant: ui.fTenant.value.trim(), incident: ui.fIncident.value.trim() };
  }
  function resetFindings() {
    findings = [];
    nextCursor = undefined;
    generation++;
  }
  function applyFilters() {
    resetFindings();
    loadFindings('refresh').catch((err) => { if (!(err instanceof Unauthorized)) notify('Could not load findings: ' + err.message, false); });
  }
  ui.filters.addEventListener('submit', (e) => { e.preventDefault(); applyFilters(); });
  for (const select of [ui.fStatus, ui.fSeverity, ui.fKind, ui.fPattern]) select.addEventListener('change', applyFilters);
  ui.fClear.addEventListener('click', () => {
    ui.fStatus.value = 'open';
    for (const f of [ui.fSeverity, ui.fKind, ui.fPattern, ui.fTenant, ui.fIncident]) f.value = '';
    applyFilters();
  });
  ui.more.addEventListener('click', () => {
    ui.more.disabled = true;
    loadFindings('more').catch((err) => { if (!(err instanceof Unauthorized)) notify('Could not load more findings: ' + err.message, false); })
      .finally(() => { ui.more.disabled = false; });
  });

  // 'refresh' re-reads from the top as many findings as are shown (so a poll keeps the pages
  // already opened with "more"); 'more' appends the next page.
  async function loadFindings(mode) {
    const mine = ++generation;
    const more = mode === 'more' && nextCursor;
    const limit = more ? PAGE_SIZE : Math.min(MAX_LIMIT, Math.max(PAGE_SIZE, findings.length));
    const page = await api('GET', '/api/v1/findings' + query({ ...filters(), limit, cursor: more ? nextCursor : undefined }));
    // A filter change or a newer poll started after this request: its answer is stale.
    if (mine !== generation) return;
    findings = more ? findings.concat(page.items) : page.items;
    nextCursor = page.nextCursor;
    renderFindings();
  }

  function renderFindings() {
    clear(ui.findingsBody);
    if (!findings.length) add(ui.findingsBody, el('tr', {}, el('td', { colspan: 10, class: 'muted', text: 'No findings match these filters.' })));
    for (const f of findings) add(ui.findingsBody, findingRow(f));
    ui.findingsCount.textContent = num(findings.length) + (nextCursor ? '+' : '') + ' shown';
    ui.more.hidden = !nextCursor;
  }

  function findingRow(f) {
    let subject;
    if (f.key !== undefined) subject = keyEl(f.key);
    else if (f.shape !== undefined) {
      subject = el('div', {}, el('code', { class: 'key', text: visible(f.shape) }), ' × ' + num(f.count));
      if (f.sampleKeys && f.sampleKeys.length) add(subject, el('ul', { class: 'plain samples' }, f.sampleKeys.map((k) => el('li', {}, keyEl(k)))));
    } else subject = el('span', { text: (f.pattern ? 'all keys of the pattern' : '—') + (f.count !== undefined ? ' × ' + num(f.count) : '') });
    const tenants = el('div', { class: 'tenants' });
    const tenantLine = (label, ids) => { if (ids && ids.length) add(tenants, el('div', {}, el('span', { class: 'muted', text: label + ' ' }), el('code', { text: ids.map(visible).join(', ') }))); };
    tenantLine('key', f.keyTenant !== undefined ? [f.keyTenant] : []);
    tenantLine('markers', f.markerTenants);
    tenantLine('owners', f.ownerTenants);
    return el('tr', { 'data-finding-id': f.id, 'data-status': f.status, class: 'finding' },
      el('td', {}, sev(f.severity)),
      el('td', { class: 'kind' }, kindEl(f.kind)),
      el('td', { class: 'status status-' + f.status, text: f.status }),
      el('td', { class: 'subject' }, subject),
      el('td', { class: 'pattern' }, f.pattern !== undefined ? el('code', { text: visible(f.pattern) }) : '—'),
      el('td', {}, tenants),
      el('td', { class: 'detail', text: visible(f.detail) }),
      el('td', { class: 'seen' }, timeEl(f.firstSeen), ' – ', timeEl(f.lastSeen), el('br'),
        el('span', { class: 'muted', text: num(f.occurrences) + '× · ' + (f.confirmed ? 'confirmed' : 'unconfirmed') })),
      el('td', {}, f.ttlSeconds !== undefined ? ttl(f.ttlSeconds) : '—', f.incidentId ? el('div', { class: 'muted', text: 'incident #' + f.incidentId }) : null),
      el('td', { class: 'actions' }, actionButtons(f)));
  }

  function actionButtons(f) {
    const ack = el('button', { type: 'button', 'data-action': 'ack', text: 'Ack', title: 'Acknowledge: someone is on it' });
    ack.disabled = f.status !== 'open';
    const resolve = el('button', { type: 'button', 'data-action': 'resolve', text: 'Resolve', title: 'Mark resolved (it reopens if a later check reproduces it)' });
    resolve.disabled = f.status === 'resolved';
    const evict = el('button', { type: 'button', 'data-action': 'evict', class: 'danger', text: 'Evict',
      title: 'Delete the key from the cache, only if its value is still the one found' });
    // Eviction compares the value's SHA-256: a finding without one (grouped kinds) has nothing to compare.
    evict.disabled = f.status === 'resolved' || f.key === undefined || !f.payloadSha256;
    const buttons = [ack, resolve, evict];
    ack.addEventListener('click', () => act(f, 'ack', buttons));
    resolve.addEventListener('click', () => act(f, 'resolve', buttons));
    evict.addEventListener('click', () => act(f, 'evict', buttons));
    return buttons;
  }

  async function act(f, action, buttons) {
    if (action === 'evict') {
      const ok = window.confirm('Evict this key from the cache?\n\n' + visible(f.key) + '\n\nIt is deleted only if its value still has SHA-256 ' +
        f.payloadSha256.slice(0, 16) + '…; the application then reads fresh data from its database.');
      if (!ok) return;
    }
    for (const b of buttons) b.disabled = true;
    try {
      const path = '/api/v1/findings/' + encodeURIComponent(f.id) + '/' + action;
      if (action === 'evict') {
        let result;
        try {
          result = await api('POST', path);
        } catch (err) {
          // 409: the value changed since it was found (or there is nothing to compare); not evicted.
          if (err instanceof ApiError && err.status === 409 && err.body) result = err.body;
          else throw err;
        }
        notify(result.evicted ? 'Evicted ' + visible(f.key) + '.' : 'Not evicted: ' + (result.reason || 'the value changed since it was found'), result.evicted);
      } else {
        const updated = await api('POST', path);
        // A poll already under way read the findings before this change: drop its answer.
        generation++;
        findings = findings.map((x) => (x.id === updated.id ? updated : x));
        notify((action === 'ack' ? 'Acknowledged' : 'Resolved') + ' finding #' + updated.id + '.', true);
      }
      renderFindings();
      refresh(action === 'evict');
    } catch (err) {
      if (err instanceof Unauthorized) return;
      notify('Could not ' + action + ' finding #' + f.id + ': ' + err.message, false);
      renderFindings();
    }
  }

  // Alerts link to ?incident=<id>: open the page with the findings filtered to that incident.
  const linked = new URLSearchParams(location.search).get('incident');
  if (linked && /^[0-9]{1,19}$/.test(linked)) ui.fIncident.value = linked;

  if (sessionStorage.getItem(TOKEN_KEY)) signIn();
  else signOut('');
})();
`;
