/**
 * Lua scripts of the Redis stream registry: each check-and-change is one atomic step, so an owner that
 * lost its stream can never commit a final after the claim that replaced it. KEYS[1] is the record hash,
 * KEYS[2] its replay log (entries are "<seq> <json>", the JSON kept as the client will get it).
 */

/** ARGV: record fields as name/value pairs…, ttl. Returns 1, or 0 when the id is taken. */
export const CREATE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local ttl = ARGV[#ARGV]
for i = 1, #ARGV - 1, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('HSET', KEYS[1], 'epoch', 1, 'attached', 1, 'logSeq', 0, 'droppedAt', -1)
redis.call('DEL', KEYS[2])
redis.call('EXPIRE', KEYS[1], ttl)
return 1
`;

/**
 * ARGV: owner, connectionId, sessionId ('' for none), ttl, instance key prefix, taken channel, stream id,
 * '1' when the owner replaces its own copy (the epoch moves on all the same).
 * Returns {'unknown'} | {'other_session'} | {'in_use'} |
 * {'claimed', previousOwner, droppedAt, settings, finalMs, nextUtterance, epoch, log entries…}.
 * The owner's liveness key is built here from the prefix: this runs on one Redis, not a cluster.
 */
export const CLAIM_SCRIPT = `
local f = redis.call('HMGET', KEYS[1], 'owner', 'connectionId', 'attached', 'sessionId', 'epoch', 'droppedAt', 'settings', 'finalMs', 'nextUtterance')
if not f[1] then return {'unknown'} end
if f[4] ~= ARGV[3] then return {'other_session'} end
local alive = f[1] == ARGV[1] or redis.call('EXISTS', ARGV[5] .. f[1]) == 1
if f[3] == '1' and f[2] ~= ARGV[2] and alive then return {'in_use'} end
local epoch = tonumber(f[5])
if f[1] ~= ARGV[1] or ARGV[8] == '1' then epoch = epoch + 1 end
redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'connectionId', ARGV[2], 'attached', 1, 'epoch', epoch, 'droppedAt', -1)
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[4])
if f[1] ~= ARGV[1] then
  redis.call('PUBLISH', ARGV[6], cjson.encode({ streamId = ARGV[7], owner = ARGV[1], connectionId = ARGV[2] }))
end
local reply = {'claimed', f[1], f[6], f[7], f[8], f[9], tostring(epoch)}
for _, entry in ipairs(redis.call('LRANGE', KEYS[2], 0, -1)) do table.insert(reply, entry) end
return reply
`;

/**
 * ARGV: owner, epoch, finalMs, nextUtterance, ttl, max log length[, final json]. Returns 1, or 0 when the
 * holder no longer holds the stream.
 */
export const COMMIT_SCRIPT = `
local f = redis.call('HMGET', KEYS[1], 'owner', 'epoch')
if f[1] ~= ARGV[1] or f[2] ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], 'finalMs', ARGV[3], 'nextUtterance', ARGV[4])
if ARGV[7] then
  local seq = redis.call('HINCRBY', KEYS[1], 'logSeq', 1)
  redis.call('RPUSH', KEYS[2], seq .. ' ' .. ARGV[7])
  redis.call('LTRIM', KEYS[2], -tonumber(ARGV[6]), -1)
end
redis.call('EXPIRE', KEYS[1], ARGV[5])
redis.call('EXPIRE', KEYS[2], ARGV[5])
return 1
`;

/** ARGV: entry json, ttl, max log length. Returns {owner, connectionId}, or nil when the stream is gone. */
export const LOG_SCRIPT = `
local f = redis.call('HMGET', KEYS[1], 'owner', 'connectionId')
if not f[1] then return nil end
local seq = redis.call('HINCRBY', KEYS[1], 'logSeq', 1)
redis.call('RPUSH', KEYS[2], seq .. ' ' .. ARGV[1])
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[3]), -1)
redis.call('EXPIRE', KEYS[2], ARGV[2])
return f
`;

/** ARGV: owner, epoch. Marks the record detached at the log's position. */
export const DETACH_SCRIPT = `
local f = redis.call('HMGET', KEYS[1], 'owner', 'epoch', 'logSeq')
if f[1] ~= ARGV[1] or f[2] ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], 'attached', 0, 'droppedAt', f[3])
return 1
`;

/** ARGV: owner, epoch. Deletes the record and its log when the holder still holds it. */
export const RELEASE_SCRIPT = `
local f = redis.call('HMGET', KEYS[1], 'owner', 'epoch')
if f[1] ~= ARGV[1] or f[2] ~= ARGV[2] then return 0 end
redis.call('DEL', KEYS[1], KEYS[2])
return 1
`;
