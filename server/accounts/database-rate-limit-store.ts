// express-rate-limit's counts kept in the database instead of in the process: behind a load
// balancer a client's requests land on every app instance, and per-process counts would let it
// make the limit times the number of instances. rate-limiter-flexible's `RateLimiterMongo` (already
// used for the sign-in throttle, see login-throttle.ts) does the counting in one atomic upsert per
// hit with a TTL index for expiry; express-rate-limit keeps deciding, answering and setting headers.
// (`rate-limit-mongo`, the store made for express-rate-limit, hangs on driver 7: README.)
import type { ClientRateLimitInfo, IncrementResponse, Store } from 'express-rate-limit';
import type mongoose from 'mongoose';
import { RateLimiterMongo, type RateLimiterRes } from 'rate-limiter-flexible';

export function createDatabaseRateLimitStore(connection: mongoose.Connection, options: { name: string; windowSeconds: number }): Store {
  const counter = new RateLimiterMongo({
    storeClient: connection.getClient(),
    dbName: connection.name,
    keyPrefix: options.name,
    tableName: `rate_limit_${options.name}`,
    duration: options.windowSeconds,
    // express-rate-limit compares the count with its limit; `penalty` below counts without refusing.
    points: Number.MAX_SAFE_INTEGER,
  });
  const info = (res: RateLimiterRes): ClientRateLimitInfo => ({ totalHits: res.consumedPoints, resetTime: new Date(Date.now() + res.msBeforeNext) });
  return {
    localKeys: false,
    prefix: options.name,
    async increment(key): Promise<IncrementResponse> {
      return info(await counter.penalty(key, 1));
    },
    async decrement(key) {
      await counter.reward(key, 1);
    },
    async resetKey(key) {
      await counter.delete(key);
    },
    async get(key) {
      const res = await counter.get(key);
      return res ? info(res) : undefined;
    },
  };
}
