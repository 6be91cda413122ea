// Sign-in throttling per account and per client address, counted in the database (so every app
// instance shares the counts) with rate-limiter-flexible's MongoDB store.
import type mongoose from 'mongoose';
import { RateLimiterMongo, RateLimiterRes } from 'rate-limiter-flexible';
import { TooManyRequestsError } from '../shared/errors';

export interface LoginThrottleOptions {
  /** Failed attempts allowed per account in a window; the next one is refused. */
  perAccount: number;
  /** Failed attempts allowed per client address in a window. */
  perAddress: number;
  windowSeconds: number;
}

export function createLoginThrottle(connection: mongoose.Connection, options: LoginThrottleOptions) {
  const common = { storeClient: connection.getClient(), dbName: connection.name, duration: options.windowSeconds };
  const byAccount = new RateLimiterMongo({ ...common, keyPrefix: 'login_account', tableName: 'login_throttle_accounts', points: options.perAccount });
  const byAddress = new RateLimiterMongo({ ...common, keyPrefix: 'login_address', tableName: 'login_throttle_addresses', points: options.perAddress });

  function refusal(res: RateLimiterRes): TooManyRequestsError {
    const seconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
    return new TooManyRequestsError(`Too many failed sign-ins. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`, seconds, { code: 'sign_in_throttled' });
  }

  return {
    /** Throws 429 when this account or address has used up its failed attempts in the window. */
    async check(email: string, address: string): Promise<void> {
      const [account, client] = await Promise.all([byAccount.get(email), byAddress.get(address)]);
      for (const [res, limit] of [[account, options.perAccount], [client, options.perAddress]] as const) {
        if (res && res.consumedPoints >= limit && res.msBeforeNext > 0) throw refusal(res);
      }
    },
    async failed(email: string, address: string): Promise<void> {
      // consume() rejects with the limiter's result once over the limit; the count is what matters.
      await Promise.all([byAccount.consume(email).catch(swallowLimit), byAddress.consume(address).catch(swallowLimit)]);
    },
    async succeeded(email: string): Promise<void> {
      await byAccount.delete(email);
    },
  };
}

function swallowLimit(error: unknown): void {
  if (!(error instanceof RateLimiterRes)) throw error;
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
