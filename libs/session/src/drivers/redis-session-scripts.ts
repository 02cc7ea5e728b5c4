/**
 * Lua scripts for the Redis session driver. Each runs atomically in Redis, so concurrent orchestrator
 * instances and pipeline workers appending to one session never lose an entry or overrun the bound.
 *
 * Keys of every script: KEYS[1] meta hash (createdAt, lastActivity), KEYS[2] participants hash
 * (connection id → JSON), KEYS[3] history list (JSON entries, oldest first), KEYS[4] the index sorted set
 * (session id scored by last activity in ms, for listing without SCAN).
 */

/** Marks activity, creating the session if needed, and renews the TTL of every key. Returns 1 if created. */
const TOUCH = `
local created = redis.call('HSETNX', KEYS[1], 'createdAt', ARGV[1])
redis.call('HSET', KEYS[1], 'lastActivity', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[3])
redis.call('EXPIRE', KEYS[3], ARGV[3])
redis.call('ZADD', KEYS[4], ARGV[2], ARGV[4])
`;

/** ARGV: at (ISO), at (ms), ttl (s), session id, connection id, participant JSON. */
export const JOIN_SCRIPT = `${TOUCH}
redis.call('HSET', KEYS[2], ARGV[5], ARGV[6])
redis.call('EXPIRE', KEYS[2], ARGV[3])
return created`;

/** ARGV: at, at ms, ttl, session id, entry JSON, max history. Trims to the newest `max` entries. */
export const APPEND_SCRIPT = `${TOUCH}
redis.call('RPUSH', KEYS[3], ARGV[5])
redis.call('LTRIM', KEYS[3], -tonumber(ARGV[6]), -1)
redis.call('EXPIRE', KEYS[3], ARGV[3])
return created`;

/** ARGV: at, at ms, ttl, session id, connection id. Returns -1 if the session does not exist, else participants left. */
export const LEAVE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
${TOUCH}
redis.call('HDEL', KEYS[2], ARGV[5])
return redis.call('HLEN', KEYS[2])`;

/** ARGV: session id. Returns 1 if the session existed. */
export const DELETE_SCRIPT = `
local existed = redis.call('EXISTS', KEYS[1])
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
redis.call('ZREM', KEYS[4], ARGV[1])
return existed`;
