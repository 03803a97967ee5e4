import type { CallSite } from './call-site.js';

const JEDIS_TYPES = ['Jedis', 'JedisCluster', 'JedisPooled', 'UnifiedJedis', 'Pipeline', 'Transaction', 'RedisCommands', 'RedisAsyncCommands', 'RedisAdvancedClusterCommands'];

/** Spring Data Redis templates, Spring's Cache, Jedis and Lettuce. `@Cacheable`/`@CachePut` live in the Java adapter. */
export const JAVA_CALL_SITES: readonly CallSite[] = [
  {
    framework: 'spring-data-redis',
    receivers: ['opsForValue', 'opsForHash', 'opsForJson'],
    types: ['ValueOperations', 'HashOperations'],
    methods: ['set', 'setIfAbsent', 'setIfPresent', 'getAndSet', 'put', 'putIfAbsent'],
  },
  { framework: 'spring-data-redis', receivers: ['opsForValue'], types: ['ValueOperations'], methods: ['multiSet', 'multiSetIfAbsent'], form: 'multi' },
  // Spring's Cache abstraction; getCache("name") composes `name::key` as RedisCache stores it.
  { framework: 'spring', receivers: ['getCache'], types: ['Cache'], methods: ['put', 'putIfAbsent'] },
  {
    framework: 'redis',
    receivers: ['jedis', 'redis', 'commands', 'sync', 'async', 'pipeline', 'jedisCluster'],
    types: JEDIS_TYPES,
    methods: ['set', 'setex', 'setnx', 'psetex', 'getSet', 'hset', 'hsetnx', 'hmset', 'jsonSet'],
  },
  { framework: 'redis', receivers: ['jedis', 'redis', 'commands', 'sync', 'async', 'pipeline'], types: JEDIS_TYPES, methods: ['mset', 'msetnx'], form: 'multi' },
];

/** A `Map<…> cache` field's put is not a cache write. */
export const JAVA_LOOK_ALIKES = { types: ['Map', 'HashMap', 'ConcurrentHashMap', 'ConcurrentMap', 'LinkedHashMap', 'TreeMap', 'Properties', 'HttpHeaders'] };
