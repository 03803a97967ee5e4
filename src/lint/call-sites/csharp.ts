import type { CallSite } from './call-site.js';

/** StackExchange.Redis and ASP.NET Core's IDistributedCache. */
export const CSHARP_CALL_SITES: readonly CallSite[] = [
  {
    framework: 'stackexchange-redis',
    receivers: ['db', 'database', 'redis', 'GetDatabase', 'batch', 'transaction'],
    types: ['IDatabase', 'IDatabaseAsync', 'IBatch', 'ITransaction'],
    methods: ['StringSet', 'StringSetAsync', 'StringSetAndGet', 'StringSetAndGetAsync', 'StringGetSet', 'StringGetSetAsync', 'HashSet', 'HashSetAsync'],
    keyName: 'key',
  },
  // The key is what the app passes; RedisCache prepends InstanceName (lint.prefixes.dotnet).
  {
    framework: 'dotnet',
    receivers: ['cache', 'distributedCache'],
    types: ['IDistributedCache', 'RedisCache'],
    methods: ['SetString', 'SetStringAsync', 'Set', 'SetAsync'],
    keyName: 'key',
  },
];

/** IMemoryCache and dictionaries hold keys in-process, never in Redis. */
export const CSHARP_LOOK_ALIKES = { types: ['IMemoryCache', 'MemoryCache', 'Dictionary', 'ConcurrentDictionary', 'IDictionary', 'HttpHeaders'] };
