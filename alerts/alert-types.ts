import type { BlastPair } from '../src/state/incidents.js';
import type { Silence } from '../src/state/silences.js';
import type { Severity } from '../src/types.js';

/**
 * The words of alert delivery (SPEC §6):
 * - channel:      where a message goes (PagerDuty Events API v2, a Slack incoming webhook, a
 *                 signed generic webhook).
 * - notification: one message to one channel, stored in `notifications` and delivered by one
 *                 BullMQ job whose id is the notification's `dedup`.
 * - trigger:      an incident's first notification, after `groupWait`.
 * - reminder:     a repeat while the incident stays open, every `repeatInterval`.
 * - resolve:      sent to every channel a trigger or reminder reached, once the incident resolves.
 * - silence:      mutes matching incidents until it ends; its end is announced (silence_expired).
 * No message ever carries cached payload content: kinds, patterns, keys, tenant ids and counts.
 */

export type Channel = 'pagerduty' | 'slack' | 'webhook';
export const CHANNELS: readonly Channel[] = ['pagerduty', 'slack', 'webhook'];

export type NotificationKind = 'trigger' | 'reminder' | 'resolve' | 'silence_expired';

/** Data of a delivery job: only ids; the message is built from the state when it is sent. */
export interface DeliveryJob {
  notificationId: string;
  dedup: string;
  channel: Channel;
  kind: NotificationKind;
  incidentId?: string;
  silenceId?: string;
}

/** What every channel says about an incident. */
export interface IncidentView {
  id: string;
  kind: string;
  /** Empty for incidents without a pattern (unregistered key shapes). */
  pattern: string;
  severity: Severity;
  status: 'open' | 'resolved';
  openedAt: Date;
  resolvedAt: Date | null;
  findings: { open: number; total: number };
  /** Distinct keys among the incident's findings. */
  keys: number;
  /** Blast radius: (owner → exposed) pairs, most keys first. */
  pairs: BlastPair[];
  /** Up to 10 keys (or sample keys of grouped findings), most recently seen first. */
  sampleKeys: string[];
  /** The incident on the dashboard. */
  url: string;
}

/** An incident message (trigger, reminder or resolve). */
export interface IncidentMessage {
  kind: 'trigger' | 'reminder' | 'resolve';
  incident: IncidentView;
}

/** The notice that a silence ended, with the open incidents it matched that page again. */
export interface SilenceExpiredMessage {
  kind: 'silence_expired';
  silence: Silence;
  /** Open incidents of the silence's kind/pattern (tenant not considered): what may page now. */
  openIncidents: { id: string; kind: string; pattern: string; url: string }[];
  url: string;
}

export type AlertMessage = IncidentMessage | SilenceExpiredMessage;
