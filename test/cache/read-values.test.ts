import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readValues } from '../../src/cache/read-values.js';
import { useRedisDb, type RedisDb } from '../helpers/redis-db.js';

let db: RedisDb;
beforeAll(async () => {
  db = await useRedisDb();
});
afterAll(async () => {
  await db?.cleanup();
});

const req = (key: string, type: 'auto' | 'string' | 'hash' = 'auto', field?: string) => ({ key: Buffer.from(key), type, field });

describe('readValues', () => {
  it('reads small strings whole and never more than maxBytes + 1 of a large one', async () => {
    await db.redis.set('small', 'hello');
    await db.redis.set('large', Buffer.alloc(4096, 1));
    const [small, large] = await readValues(db.redis, [req('small'), req('large')], 1000);
    expect(small).toEqual({ status: 'value', bytes: Buffer.from('hello'), redisType: 'string' });
    expect(large).toEqual({ status: 'oversized', size: 4096, redisType: 'string' });
  });

  it('tells a vanished key from an empty string', async () => {
    await db.redis.set('empty', '');
    const [gone, empty] = await readValues(db.redis, [req('never-there'), req('empty')], 1000);
    expect(gone).toEqual({ status: 'vanished' });
    expect(empty).toEqual({ status: 'value', bytes: Buffer.alloc(0), redisType: 'string' });
  });

  it('survives a key that changed type between SCAN and read', async () => {
    await db.redis.hset('was-string', { data: '{"a":1}' });
    await db.redis.sadd('a-set', 'x');
    const [asHash, asSet] = await readValues(db.redis, [req('was-string', 'string'), req('a-set')], 1000);
    expect(asHash).toEqual({ status: 'wrongtype', redisType: 'hash' });
    expect(asSet).toEqual({ status: 'wrongtype', redisType: 'set' });
  });

  it('reads a hash field with its size guard, and a whole hash under auto', async () => {
    await db.redis.hset('h', { data: 'x'.repeat(10), big: 'y'.repeat(5000) });
    const [field, big, whole] = await readValues(db.redis, [req('h', 'hash', 'data'), req('h', 'hash', 'big'), req('h')], 2000);
    expect(field).toEqual({ status: 'value', bytes: Buffer.from('x'.repeat(10)), redisType: 'hash-field' });
    expect(big).toEqual({ status: 'oversized', size: 5000, redisType: 'hash' });
    expect(whole).toMatchObject({ status: 'oversized', redisType: 'hash' });
    const [small] = await readValues(db.redis, [req('h2')], 2000);
    expect(small).toEqual({ status: 'vanished' });
  });

  it('reads binary keys by their exact bytes', async () => {
    const key = Buffer.from([0x70, 0xff, 0x00, 0x0a]);
    await db.redis.set(key, 'v');
    const [v] = await readValues(db.redis, [{ key, type: 'auto' }], 100);
    expect(v).toEqual({ status: 'value', bytes: Buffer.from('v'), redisType: 'string' });
  });
});
