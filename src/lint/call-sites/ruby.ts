import type { CallSite } from './call-site.js';

const REDIS_RECEIVERS = ['redis', 'Redis.current', 'conn', 'r', 'client', 'pipeline', 'multi', 'transaction'];

/** Rails.cache and redis-rb. */
export const RUBY_CALL_SITES: readonly CallSite[] = [
  { framework: 'rails', receivers: ['Rails.cache', 'cache_store'], methods: ['write'] },
  { framework: 'rails', receivers: ['Rails.cache', 'cache_store'], methods: ['fetch'], block: true },
  { framework: 'rails', receivers: ['Rails.cache', 'cache_store'], methods: ['write_multi'], form: 'multi' },
  {
    framework: 'redis',
    receivers: REDIS_RECEIVERS,
    types: ['Redis.new', 'Redis::Cluster.new'],
    methods: ['set', 'setex', 'setnx', 'psetex', 'getset', 'hset', 'hsetnx', 'hmset', 'mapped_hmset'],
  },
  { framework: 'redis', receivers: REDIS_RECEIVERS, types: ['Redis.new'], methods: ['mset', 'msetnx', 'mapped_mset', 'mapped_msetnx'], form: 'multi' },
];
