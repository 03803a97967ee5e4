import type { CallSite } from './call-site.js';

const LARAVEL_RECEIVERS = ['Cache', 'cache', 'Cache.store', 'Cache.tags', 'Cache.driver', 'cache.store'];
const REDIS_RECEIVERS = ['Redis', 'redis', 'predis', 'Redis.connection'];

/** Laravel's Cache facade and cache() helper, PSR-16 caches, phpredis, Predis, Laravel's Redis facade. */
export const PHP_CALL_SITES: readonly CallSite[] = [
  {
    framework: 'laravel',
    receivers: LARAVEL_RECEIVERS,
    types: ['CacheInterface', 'Repository'],
    methods: ['put', 'add', 'forever', 'remember', 'rememberForever', 'sear', 'set'],
  },
  { framework: 'laravel', receivers: LARAVEL_RECEIVERS, types: ['CacheInterface', 'Repository'], methods: ['putMany', 'setMultiple'], form: 'multi' },
  {
    framework: 'redis',
    receivers: REDIS_RECEIVERS,
    types: ['Redis', 'Predis\\Client', 'Client'],
    methods: ['set', 'setex', 'setEx', 'setnx', 'setNx', 'psetex', 'getSet', 'hset', 'hSet', 'hsetnx', 'hSetNx', 'hmset', 'hMSet'],
  },
  { framework: 'redis', receivers: REDIS_RECEIVERS, types: ['Redis', 'Predis\\Client'], methods: ['mset', 'mSet', 'msetnx', 'mSetNx'], form: 'multi' },
];
