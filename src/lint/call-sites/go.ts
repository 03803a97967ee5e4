import type { CallSite } from './call-site.js';

const RECEIVERS = ['rdb', 'redis', 'client', 'redisClient', 'rc', 'pipe', 'pipeline', 'tx', 'cache'];
const TYPES = ['redis.Client', 'redis.ClusterClient', 'redis.UniversalClient', 'redis.Cmdable', 'redis.Pipeliner', 'redis.Tx', 'redis.NewClient', 'redis.NewClusterClient', 'redis.NewUniversalClient'];

/** go-redis (v8/v9): the key follows the context argument. */
export const GO_CALL_SITES: readonly CallSite[] = [
  {
    framework: 'go-redis',
    receivers: RECEIVERS,
    types: TYPES,
    methods: ['Set', 'SetNX', 'SetEx', 'SetEX', 'SetXX', 'SetArgs', 'GetSet', 'HSet', 'HSetNX', 'HMSet', 'JSONSet'],
    key: 1,
  },
  { framework: 'go-redis', receivers: RECEIVERS, types: TYPES, methods: ['MSet', 'MSetNX'], key: 1, form: 'multi' },
];
