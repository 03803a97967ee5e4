import type { CallSite } from './call-site.js';

const DJANGO_FLASK_METHODS = ['set', 'add', 'get_or_set'];

/** redis-py, Django's cache framework and Flask-Caching. */
export const PYTHON_CALL_SITES: readonly CallSite[] = [
  { framework: 'django', imports: ['django.core.cache'], receivers: ['cache', 'caches'], methods: DJANGO_FLASK_METHODS, keyName: 'key' },
  { framework: 'django', imports: ['django.core.cache'], receivers: ['cache', 'caches'], methods: ['set_many'], form: 'multi' },
  { framework: 'flask', imports: ['flask_caching'], receivers: ['cache'], methods: DJANGO_FLASK_METHODS, keyName: 'key' },
  { framework: 'flask', imports: ['flask_caching'], receivers: ['cache'], methods: ['set_many'], form: 'multi' },
  {
    framework: 'redis',
    receivers: ['redis', 'r', 'rdb', 'redis_client', 'redis_conn', 'client', 'conn', 'pipe', 'pipeline'],
    types: ['redis.Redis', 'redis.StrictRedis', 'Redis', 'StrictRedis', 'redis.from_url', 'Redis.from_url', 'RedisCluster', 'Pipeline'],
    methods: ['set', 'setex', 'setnx', 'psetex', 'getset', 'hset', 'hsetnx', 'hmset'],
    keyName: 'name',
  },
  {
    framework: 'redis',
    receivers: ['redis', 'r', 'rdb', 'redis_client', 'redis_conn', 'client', 'conn', 'pipe', 'pipeline'],
    types: ['redis.Redis', 'redis.StrictRedis', 'Redis', 'StrictRedis', 'redis.from_url', 'Redis.from_url', 'RedisCluster', 'Pipeline'],
    methods: ['mset', 'msetnx'],
    form: 'multi',
  },
  // r.json().set(key, path, obj): RedisJSON through redis-py's json() namespace.
  { framework: 'redis', receivers: ['json'], methods: ['set'], keyName: 'name' },
  // Neither Django nor Flask-Caching imported here: a `cache` object of some framework.
  { framework: 'cache', receivers: ['cache'], methods: DJANGO_FLASK_METHODS, keyName: 'key' },
  { framework: 'cache', receivers: ['cache'], methods: ['set_many'], form: 'multi' },
];
