/**
 * tenantwatch's own keys (BullMQ queues use this prefix). In tests and demos the queue Redis
 * may be the cache Redis, and a watchdog must never report or read its own bookkeeping.
 */
export const QUEUE_KEY_PREFIX = 'tenantwatch:';

export function isOwnKey(key: string): boolean {
  return key.startsWith(QUEUE_KEY_PREFIX);
}
