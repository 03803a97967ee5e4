import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/errors.js';

const CACHE = 'cache: { url: "redis://x" }\n';

const problemsOf = (text: string, env: NodeJS.ProcessEnv = {}): string[] => {
  try {
    parseConfigText(CACHE + text, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

// The SPEC §2 example block, verbatim.
const SPEC_ALERTS = `
alerts:
  minSeverity: critical
  groupWait: 30s
  repeatInterval: 4h
  pagerduty: { routingKey: \${PAGERDUTY_ROUTING_KEY}, url: https://events.pagerduty.com/v2/enqueue }
  slack: { webhookUrl: \${SLACK_WEBHOOK_URL} }
  webhook: { url: \${ALERT_WEBHOOK_URL}, secret: \${ALERT_WEBHOOK_SECRET} }
`;

describe('alerts config', () => {
  it('applies the defaults when the section is missing', () => {
    const c = parseConfigText(CACHE, {});
    expect(c.alerts).toEqual({
      minSeverity: 'critical',
      groupWaitMs: 30_000,
      repeatIntervalMs: 4 * 3_600_000,
      dashboardUrl: 'http://localhost:8080/',
      pagerduty: undefined,
      slack: undefined,
      webhook: undefined,
    });
    expect(Object.isFrozen(c.alerts)).toBe(true);
  });

  it('reads every channel of the SPEC example from the environment', () => {
    const c = parseConfigText(CACHE + SPEC_ALERTS, {
      PAGERDUTY_ROUTING_KEY: 'R0UT1NG',
      SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/x',
      ALERT_WEBHOOK_URL: 'https://example.test/hook',
      ALERT_WEBHOOK_SECRET: 's3cret',
    });
    expect(c.alerts.pagerduty).toEqual({ routingKey: 'R0UT1NG', url: 'https://events.pagerduty.com/v2/enqueue' });
    expect(c.alerts.slack).toEqual({ webhookUrl: 'https://hooks.slack.com/services/T/B/x' });
    expect(c.alerts.webhook).toEqual({ url: 'https://example.test/hook', secret: 's3cret' });
    expect(c.alerts.groupWaitMs).toBe(30_000);
    expect(c.alerts.repeatIntervalMs).toBe(14_400_000);
  });

  it('leaves out a channel whose required value is an unset variable', () => {
    const c = parseConfigText(CACHE + SPEC_ALERTS, { ALERT_WEBHOOK_URL: 'http://127.0.0.1:9/hook' });
    expect(c.alerts.pagerduty).toBeUndefined();
    expect(c.alerts.slack).toBeUndefined();
    expect(c.alerts.webhook).toEqual({ url: 'http://127.0.0.1:9/hook', secret: undefined });
  });

  it('defaults the PagerDuty URL to the Events API v2 endpoint', () => {
    const c = parseConfigText(CACHE + 'alerts: { pagerduty: { routingKey: abc } }\n', {});
    expect(c.alerts.pagerduty).toEqual({ routingKey: 'abc', url: 'https://events.pagerduty.com/v2/enqueue' });
  });

  it('accepts milliseconds for groupWait and repeatInterval, as tests use', () => {
    const c = parseConfigText(CACHE + 'alerts: { groupWait: 200ms, repeatInterval: 1500, minSeverity: warning, dashboardUrl: "https://tw.example/" }\n', {});
    expect(c.alerts).toMatchObject({ groupWaitMs: 200, repeatIntervalMs: 1500, minSeverity: 'warning', dashboardUrl: 'https://tw.example/' });
  });

  it('lists every problem in the section with its path', () => {
    const problems = problemsOf(`
alerts:
  minSeverity: loud
  groupWait: soon
  repeatInterval: 10ms
  colour: red
  pagerduty: { routingKey: k, url: "ftp://nope" }
  slack: { webhookUrl: "not a url", channel: "#x" }
  webhook: { url: "https://h.test", secret: "" }
`);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^alerts\.minSeverity: must be one of critical, warning, info/),
        expect.stringMatching(/^alerts\.groupWait: not a duration/),
        expect.stringMatching(/^alerts\.repeatInterval: must be at least 1s/),
        'alerts: unknown key "colour"',
        'alerts.pagerduty.url: must be an http:// or https:// URL',
        'alerts.slack.webhookUrl: must be an http:// or https:// URL',
        'alerts.slack: unknown key "channel"',
        expect.stringMatching(/^alerts\.webhook\.secret:/),
      ]),
    );
    expect(problems).toHaveLength(8);
  });
});
