import { Queue } from 'bullmq';
import type { TenantwatchConfig } from '../src/config/validate-config.js';
import { QUEUE_NAMES, QUEUE_PREFIX, queueConnection } from '../src/queue/queue-config.js';

export { QUEUE_NAMES, QUEUE_PREFIX, RETRIED, queueConnection, queueRedisUrl } from '../src/queue/queue-config.js';

export interface Queues {
  sweep: Queue;
  check: Queue;
  confirm: Queue;
  sample: Queue;
  scan: Queue;
  close(): Promise<void>;
}

export function openQueues(config: TenantwatchConfig): Queues {
  const connection = queueConnection(config);
  const make = (name: string) => new Queue(name, { connection, prefix: QUEUE_PREFIX });
  const q = { sweep: make(QUEUE_NAMES.sweep), check: make(QUEUE_NAMES.check), confirm: make(QUEUE_NAMES.confirm), sample: make(QUEUE_NAMES.sample), scan: make(QUEUE_NAMES.scan) };
  return { ...q, close: async () => void (await Promise.all(Object.values(q).map((x) => x.close()))) };
}
