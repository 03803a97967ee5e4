import type { AlertMessage, IncidentMessage, IncidentView, SilenceExpiredMessage } from '../alert-types.js';
import { MAX_KEY_CHARS, MAX_TENANT_CHARS, incidentSummary, kindTitle } from '../describe-incident.js';
import { DeliveryFailure, failureFor, postJson } from '../post-json.js';
import { formatCount, formatDuration, truncate } from '../truncate.js';

/**
 * Slack incoming webhooks with Block Kit (https://api.slack.com/reference/block-kit/blocks):
 * at most 50 blocks, section text ≤ 3000 characters, header text ≤ 150, ≤ 10 fields of ≤ 2000.
 * Incoming webhooks cannot thread, so the resolve is a follow-up message naming the incident.
 */
export const SLACK_MAX_BLOCKS = 50;
export const SLACK_MAX_SECTION = 3000;
export const SLACK_MAX_HEADER = 150;
const SLACK_MAX_FIELD = 2000;
/** Notification text (the fallback for clients without blocks); Slack cuts longer text. */
const SLACK_MAX_TEXT = 3000;

type Text = { type: 'mrkdwn' | 'plain_text'; text: string; emoji?: boolean };
export type SlackBlock =
  | { type: 'header'; text: Text }
  | { type: 'section'; text?: Text; fields?: Text[] }
  | { type: 'context'; elements: Text[] }
  | { type: 'actions'; elements: { type: 'button'; text: Text; url: string }[] }
  | { type: 'divider' };

export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

/**
 * Keys and tenant ids are attacker-influenced: `<!channel>` or `<https://evil|click>` in a key
 * must stay text. Slack's escaping is &, <, > only (https://api.slack.com/reference/surfaces/formatting);
 * a backtick would end the code span, so it is shown as a look-alike.
 */
export function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function code(s: string, max: number): string {
  return `\`${escapeMrkdwn(truncate(s, max).replace(/`/g, 'ˋ'))}\``;
}

const mrkdwn = (text: string): Text => ({ type: 'mrkdwn', text: truncate(text, SLACK_MAX_SECTION) });
const header = (text: string): SlackBlock => ({ type: 'header', text: { type: 'plain_text', text: truncate(text, SLACK_MAX_HEADER), emoji: true } });
const button = (url: string, label: string): SlackBlock => ({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: label }, url }] });

/** The message for any alert. */
export function slackMessage(m: AlertMessage): SlackMessage {
  return m.kind === 'silence_expired' ? silenceMessage(m) : incidentMessage(m);
}

function incidentMessage(m: IncidentMessage): SlackMessage {
  const v = m.incident;
  const title = kindTitle(v.kind);
  const where = v.pattern ? ` (${v.pattern})` : '';
  const blocks: SlackBlock[] = [];
  if (m.kind === 'resolve') {
    const took = v.resolvedAt ? ` after ${formatDuration(v.resolvedAt.getTime() - v.openedAt.getTime())}` : '';
    blocks.push(header(`✅ Resolved: ${title}${where}`));
    blocks.push({ type: 'section', text: mrkdwn(`Incident *${escapeMrkdwn(v.id)}* resolved${took}: none of its ${formatCount(v.findings.total)} findings reproduce any more (repaired, expired or evicted).`) });
  } else {
    const icon = m.kind === 'reminder' ? '🔁 Still open' : v.severity === 'critical' ? '🚨 Cross-tenant leak' : `⚠️ ${v.severity}`;
    blocks.push(header(`${icon}: ${title}${where}`));
    blocks.push({ type: 'section', text: mrkdwn(escapeMrkdwn(incidentSummary(m, SLACK_MAX_SECTION))) });
  }
  blocks.push({ type: 'section', fields: fieldsOf(v) });
  // Header, intro, fields, keys, button and context leave the rest for the blast radius.
  const reserved = blocks.length + 3;
  blocks.push(...pairSections(v, SLACK_MAX_BLOCKS - reserved));
  if (v.sampleKeys.length > 0) blocks.push({ type: 'section', text: mrkdwn(keysText(v.sampleKeys)) });
  blocks.push(button(v.url, 'Open in tenantwatch'));
  blocks.push({ type: 'context', elements: [mrkdwn(`tenantwatch incident ${escapeMrkdwn(v.id)} · ${escapeMrkdwn(m.kind)} · keys and tenant ids only, never cached content`)] });
  // The fallback text is mrkdwn too (it is what notifications show): escaped like the blocks.
  return { text: truncate(escapeMrkdwn(incidentSummary(m, SLACK_MAX_TEXT)), SLACK_MAX_TEXT), blocks };
}

function fieldsOf(v: IncidentView): Text[] {
  const f = (label: string, value: string): Text => ({ type: 'mrkdwn', text: truncate(`*${label}*\n${value}`, SLACK_MAX_FIELD) });
  return [
    f('Kind', code(v.kind, 100)),
    f('Pattern', v.pattern ? code(v.pattern, 300) : '_unregistered_'),
    f('Severity', escapeMrkdwn(v.severity)),
    f('Keys', formatCount(v.keys)),
    f('Findings open / total', `${formatCount(v.findings.open)} / ${formatCount(v.findings.total)}`),
    f('Opened', `<!date^${Math.floor(v.openedAt.getTime() / 1000)}^{date_short_pretty} {time}|${v.openedAt.toISOString()}>`),
  ];
}

/** The blast radius as sections of ≤ 3000 characters, in at most `maxBlocks` blocks. */
function pairSections(v: IncidentView, maxBlocks: number): SlackBlock[] {
  if (v.pairs.length === 0 || maxBlocks <= 0) return [];
  const lines = v.pairs.map((p) => `• ${code(p.owner, MAX_TENANT_CHARS)}'s data → ${code(p.exposed, MAX_TENANT_CHARS)} (${formatCount(p.keys)} key${p.keys === 1 ? '' : 's'})`);
  const sections: string[] = [];
  let current = `*Tenant data exposed* (${formatCount(v.pairs.length)} pair${v.pairs.length === 1 ? '' : 's'}, owner → served to)`;
  let shown = 0;
  // Room for the "and N more" line in the last section.
  const room = SLACK_MAX_SECTION - 80;
  for (const line of lines) {
    if (current.length + 1 + line.length > room) {
      if (sections.length + 1 >= maxBlocks) break;
      sections.push(current);
      current = line;
    } else current += `\n${line}`;
    shown++;
  }
  if (shown < lines.length) current += `\n… and ${formatCount(lines.length - shown)} more pairs on the dashboard`;
  sections.push(current);
  return sections.map((text) => ({ type: 'section', text: mrkdwn(text) }));
}

function keysText(keys: readonly string[]): string {
  const header = '*Sample keys*';
  let text = header;
  for (const k of keys) {
    const line = `\n• ${code(k, Math.min(MAX_KEY_CHARS, 400))}`;
    if (text.length + line.length > SLACK_MAX_SECTION) break;
    text += line;
  }
  return text;
}

function silenceMessage(m: SilenceExpiredMessage): SlackMessage {
  const s = m.silence;
  const matchers = [s.kind && `kind ${code(s.kind, 100)}`, s.pattern && `pattern ${code(s.pattern, 300)}`, s.tenant && `tenant ${code(s.tenant, MAX_TENANT_CHARS)}`].filter(Boolean).join(', ');
  const ended = s.expiredAt ? `expired early by hand` : `reached its end`;
  const blocks: SlackBlock[] = [
    header(`🔕 Silence ${s.id} expired`),
    { type: 'section', text: mrkdwn(`Silence *${escapeMrkdwn(s.id)}* on ${matchers} ${ended}. Set by ${escapeMrkdwn(truncate(s.createdBy, 200))}: _${escapeMrkdwn(truncate(s.reason, 1000))}_\nMatching incidents notify again from now on.`) },
  ];
  if (m.openIncidents.length > 0) {
    const lines = m.openIncidents.slice(0, 20).map((i) => `• <${i.url}|Incident ${escapeMrkdwn(i.id)}>: ${code(i.kind, 100)} on ${i.pattern ? code(i.pattern, 200) : '_unregistered keys_'}`);
    if (m.openIncidents.length > 20) lines.push(`… and ${m.openIncidents.length - 20} more`);
    blocks.push({ type: 'section', text: mrkdwn(`*Open incidents of this kind and pattern*\n${lines.join('\n')}`) });
  }
  blocks.push(button(m.url, 'Open in tenantwatch'));
  const text = `Silence ${s.id} expired (${[s.kind, s.pattern, s.tenant].filter(Boolean).join(', ')})`;
  return { text: truncate(escapeMrkdwn(text), SLACK_MAX_TEXT), blocks };
}

/**
 * Post one message. Slack answers 200 with the body `ok`; 429 carries Retry-After; 404
 * `no_active_hooks` / `no_service` and 410 `channel_is_archived` (and other 4xx such as 400
 * `invalid_payload`, 403 `action_prohibited`) are permanent; 5xx is retried.
 */
export async function sendSlack(webhookUrl: string, message: SlackMessage, timeoutMs?: number): Promise<void> {
  const r = await postJson(webhookUrl, JSON.stringify(message), {}, timeoutMs);
  if (r.status >= 200 && r.status < 300) {
    if (r.body.trim() === 'ok') return;
    throw new DeliveryFailure(`Slack answered ${r.status} without "ok": ${r.body.slice(0, 200)}`, { retryable: false, status: r.status });
  }
  throw failureFor('Slack', r);
}
