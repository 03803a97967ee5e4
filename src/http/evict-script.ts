/**
 * Compare-and-delete in one Lua script (SPEC §5 evict): the key is deleted only if its value
 * still has the SHA-256 recorded with the finding, so a since-repaired entry is never removed.
 * Redis's Lua has SHA-1 only, so SHA-256 is computed here with the `bit` library (Lua 5.1
 * numbers are doubles: sums of a few 32-bit words stay exact, and bit.tobit wraps them
 * modulo 2^32). It is slow compared with C — about a few MB/s — which is why values above
 * `maxBytes` are refused without being hashed: a compare must not stall a production cache.
 *
 * KEYS[1] the key; ARGV[1] expected SHA-256 (hex); ARGV[2] hash field ('' for a string);
 * ARGV[3] the largest value hashed. Returns {1, 'evicted'} or {0, reason}.
 */
export const EVICT_SCRIPT = `
local band, bor, bxor, bnot, rshift, lshift, ror, tobit, tohex = bit.band, bit.bor, bit.bxor, bit.bnot, bit.rshift, bit.lshift, bit.ror, bit.tobit, bit.tohex
local K = {
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2 }

local function sha256(msg)
  local H = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 }
  local bits = #msg * 8
  msg = msg .. '\\128' .. string.rep('\\0', (55 - #msg) % 64)
    .. string.char(0, 0, 0, math.floor(bits / 4294967296) % 256)
    .. string.char(math.floor(bits / 16777216) % 256, math.floor(bits / 65536) % 256, math.floor(bits / 256) % 256, bits % 256)
  local w = {}
  for chunk = 1, #msg, 64 do
    for i = 0, 15 do
      local p = chunk + i * 4
      local a, b, c, d = string.byte(msg, p, p + 3)
      w[i] = bor(lshift(a, 24), lshift(b, 16), lshift(c, 8), d)
    end
    for i = 16, 63 do
      local x, y = w[i - 15], w[i - 2]
      local s0 = bxor(ror(x, 7), ror(x, 18), rshift(x, 3))
      local s1 = bxor(ror(y, 17), ror(y, 19), rshift(y, 10))
      w[i] = tobit(w[i - 16] + s0 + w[i - 7] + s1)
    end
    local a, b, c, d, e, f, g, h = H[1], H[2], H[3], H[4], H[5], H[6], H[7], H[8]
    for i = 0, 63 do
      local S1 = bxor(ror(e, 6), ror(e, 11), ror(e, 25))
      local ch = bxor(band(e, f), band(bnot(e), g))
      local t1 = h + S1 + ch + K[i + 1] + w[i]
      local S0 = bxor(ror(a, 2), ror(a, 13), ror(a, 22))
      local maj = bxor(band(a, b), band(a, c), band(b, c))
      h, g, f, e, d, c, b, a = g, f, e, tobit(d + t1), c, b, a, tobit(t1 + S0 + maj)
    end
    H[1], H[2], H[3], H[4] = tobit(H[1] + a), tobit(H[2] + b), tobit(H[3] + c), tobit(H[4] + d)
    H[5], H[6], H[7], H[8] = tobit(H[5] + e), tobit(H[6] + f), tobit(H[7] + g), tobit(H[8] + h)
  end
  return tohex(H[1]) .. tohex(H[2]) .. tohex(H[3]) .. tohex(H[4]) .. tohex(H[5]) .. tohex(H[6]) .. tohex(H[7]) .. tohex(H[8])
end

local max = tonumber(ARGV[3])
local t = redis.call('TYPE', KEYS[1]).ok
if t == 'none' then return {0, 'the key is gone'} end
local v
if ARGV[2] ~= '' then
  if t ~= 'hash' then return {0, 'the key no longer holds a hash'} end
  if redis.call('HSTRLEN', KEYS[1], ARGV[2]) > max then return {0, 'the value is too large to compare'} end
  v = redis.call('HGET', KEYS[1], ARGV[2])
  if not v then return {0, 'the hash field is gone'} end
else
  if t == 'hash' then return {0, 'the finding covers a whole hash, which evict does not compare: check the key and delete it by hand'} end
  if t ~= 'string' then return {0, 'the key no longer holds a string'} end
  if redis.call('STRLEN', KEYS[1]) > max then return {0, 'the value is too large to compare'} end
  v = redis.call('GET', KEYS[1])
end
if sha256(v) ~= ARGV[1] then return {0, 'the value changed since the finding was recorded'} end
redis.call('DEL', KEYS[1])
return {1, 'evicted'}
`;

/**
 * Values above this are not hashed in Lua: Redis runs the script alone, and Lua hashes about
 * 1 MB/s here (64 KB ≈ 80 ms of a blocked server; measured with 512 KB: 650 ms).
 */
export const EVICT_MAX_BYTES = 64 * 1024;
