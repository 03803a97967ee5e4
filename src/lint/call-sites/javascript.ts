import type { CallSite } from './call-site.js';

const REDIS_RECEIVERS = ['redis', 'client', 'redisClient', 'rdb', 'pipeline', 'pipe', 'multi', 'tx', 'cluster'];
const REDIS_TYPES = ['Redis', 'IORedis', 'Cluster', 'RedisClientType', 'RedisClusterType', 'createClient', 'createCluster'];

/** ioredis, node-redis (v4+ camelCase too), Keyv and cache-manager; JavaScript and TypeScript. */
export const JAVASCRIPT_CALL_SITES: readonly CallSite[] = [
  { framework: 'keyv', imports: ['keyv'], receivers: ['keyv', 'cache', 'store'], types: ['Keyv'], methods: ['set'] },
  {
    framework: 'redis',
    receivers: REDIS_RECEIVERS,
    types: REDIS_TYPES,
    methods: ['set', 'setex', 'setEx', 'setnx', 'setNX', 'psetex', 'pSetEx', 'getset', 'getSet', 'hset', 'hSet', 'hsetnx', 'hSetNX', 'hmset', 'hmSet'],
  },
  { framework: 'redis', receivers: REDIS_RECEIVERS, types: REDIS_TYPES, methods: ['mset', 'mSet', 'msetnx', 'mSetNX'], form: 'multi' },
  // node-redis: client.json.set(key, '$', value).
  { framework: 'redis', receivers: ['redis.json', 'client.json', 'redisClient.json'], methods: ['set'] },
  { framework: 'cache-manager', receivers: ['cache', 'cacheManager', 'memoryCache', 'redisCache'], methods: ['set', 'wrap'] },
  { framework: 'cache-manager', receivers: ['cache', 'cacheManager'], methods: ['mset'], form: 'multi' },
];

/** Look-alikes: `new Map()` named cache, Express `res.set`, fetch Headers. */
export const JAVASCRIPT_LOOK_ALIKES = { types: ['Map', 'WeakMap', 'Set', 'Headers', 'URLSearchParams', 'FormData'] };
