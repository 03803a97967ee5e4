import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ioredisReader, readValues, type BatchReader } from '../../src/cache/read-values.js';
import { RespConnection } from '../../src/cache/resp-connection.js';
import { useRedisDb, type RedisDb } from '../helpers/redis-db.js';

let db: RedisDb;
let resp: RespConnection;
beforeAll(async () => {
  db = await useRedisDb();
  resp = await RespConnection.open(db.url);
});
afterAll(async () => {
  resp?.close();
  await db?.cleanup();
});

const req = (key: string, type: 'auto' | 'string' | 'hash' = 'auto', field?: string) => ({ key: Buffer.from(key), type, field });

describe.each([
  ['the raw RESP connection', (): BatchReader => resp],
  ['ioredis', (): BatchReader => ioredisReader(db.redis)],
])('readValues over %s', (_name, reader) => {
  it('reads small strings whole and never more than maxBytes + 1 of a large one', async () => {
    await db.redis.set('small', 'hello');
    await db.redis.set('large', Buffer.alloc(4096, 1));
    const [small, large] = await readValues(reader(), [req('small'), req('large')], 1000);
    expect(small).toEqual({ status: 'value', bytes: Buffer.from('hello'), redisType: 'string' });
    expect(large).toEqual({ status: 'oversized', size: 4096, redisType: 'string' });
  });

  it('tells a vanished key from an empty string', async () => {
    await db.redis.set('empty', '');
    const [gone, empty] = await readValues(reader(), [req('never-there'), req('empty')], 1000);
    expect(gone).toEqual({ status: 'vanished' });
    expect(empty).toEqual({ status: 'value', bytes: Buffer.alloc(0), redisType: 'string' });
  });

  it('survives a key that changed type between SCAN and read', async () => {
    await db.redis.hset('was-string', { data: '{"a":1}' });
    await db.redis.sadd('a-set', 'x');
    const [asHash, asSet] = await readValues(reader(), [req('was-string', 'string'), req('a-set')], 1000);
    expect(asHash).toEqual({ status: 'wrongtype', redisType: 'hash' });
    expect(asSet).toEqual({ status: 'wrongtype', redisType: 'set' });
  });

  it('reads a hash field with its size guard, and a whole hash under auto', async () => {
    await db.redis.hset('h', { data: 'x'.repeat(10), big: 'y'.repeat(5000) });
    const [field, big, whole] = await readValues(reader(), [req('h', 'hash', 'data'), req('h', 'hash', 'big'), req('h')], 2000);
    expect(field).toEqual({ status: 'value', bytes: Buffer.from('x'.repeat(10)), redisType: 'hash-field' });
    expect(big).toEqual({ status: 'oversized', size: 5000, redisType: 'hash' });
    expect(whole).toMatchObject({ status: 'oversized', redisType: 'hash' });
    const [small] = await readValues(reader(), [req('h2')], 2000);
    expect(small).toEqual({ status: 'vanished' });
  });

  it('counts every field of a whole hash before reading it: one large field among many small ones is oversized', async () => {
    const fields: Record<string, string> = {};
    for (let i = 0; i < 1000; i++) fields[`f${i}`] = 'z'.repeat(100);
    fields.huge = 'h'.repeat(2 * 1024 * 1024);
    await db.redis.hset('wide', fields);
    const [whole] = await readValues(reader(), [req('wide')], 1024 * 1024);
    expect(whole).toMatchObject({ status: 'oversized', redisType: 'hash' });
    expect((whole as { size: number }).size).toBeGreaterThan(2 * 1024 * 1024);
  });

  it('reads binary keys by their exact bytes', async () => {
    const key = Buffer.from([0x70, 0xff, 0x00, 0x0a]);
    await db.redis.set(key, 'v');
    const [v] = await readValues(reader(), [{ key, type: 'auto' }], 100);
    expect(v).toEqual({ status: 'value', bytes: Buffer.from('v'), redisType: 'string' });
  });
});

describe('RespConnection', () => {
  it('parses replies split across many socket reads, in order', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024, 0x61);
    await db.redis.set('big', big);
    const cmds = [['GETRANGE', 'big', 0, big.length], ['GET', 'missing'], ['TYPE', 'big'], ['STRLEN', 'big'], ['HGETALL', 'nothing']];
    const replies = await resp.exec(cmds);
    expect((replies[0]![1] as Buffer).equals(big)).toBe(true);
    expect(replies.slice(1)).toEqual([[null, null], [null, 'string'], [null, big.length], [null, []]]);
  });

  it('returns an error reply for one command without failing the batch', async () => {
    await db.redis.sadd('s', 'x');
    const [[err] = [null], [ok, v] = [null, null]] = await resp.exec([['GET', 's'], ['EXISTS', 's']]);
    expect(err?.message).toMatch(/^WRONGTYPE/);
    expect([ok, v]).toEqual([null, 1]);
  });

  it('rejects commands in flight when the connection drops', async () => {
    const conn = await RespConnection.open(db.url);
    const [reply] = await conn.exec([['CLIENT', 'ID']]);
    const id = reply![1];
    // The assertion is attached before the kill: the rejection may arrive before KILL's reply.
    const pending = expect(conn.exec([['BLPOP', 'never', 5]])).rejects.toThrow();
    await db.redis.client('KILL', 'ID', String(id));
    await pending;
    await expect(conn.exec([['PING']])).rejects.toThrow();
  });
});
