// The accounts capability's data: the only module that touches its models.
import mongoose from 'mongoose';
import {
  AccountModel,
  ApiTokenModel,
  ArchiveSecretModel,
  PasswordResetModel,
  SignInEventModel,
  type AccountRecord,
  type ApiTokenRecord,
  type PasswordResetRecord,
  type SignInEventRecord,
} from './account.model';
import type { Role } from './roles';

type ObjectId = mongoose.Types.ObjectId;

export type { AccountRecord, ApiTokenRecord, SignInEventRecord };

export interface NewAccount {
  email: string;
  name: string;
  role: Role;
  passwordHash?: string;
}

export interface NewApiToken {
  account: ObjectId;
  name: string;
  role: Role;
  hash: string;
  prefix: string;
  expiresAt?: Date;
}

function asId(id: string | ObjectId): ObjectId | undefined {
  if (id instanceof mongoose.Types.ObjectId) return id;
  return mongoose.isValidObjectId(id) && /^[a-f0-9]{24}$/i.test(id) ? new mongoose.Types.ObjectId(id) : undefined;
}

export function createAccountsRepository() {
  return {
    async countAccounts(): Promise<number> {
      return AccountModel.estimatedDocumentCount();
    },
    async insertAccount(account: NewAccount): Promise<AccountRecord> {
      const created = await AccountModel.create({ ...account, passwordChangedAt: account.passwordHash ? new Date() : undefined });
      return created.toObject() as AccountRecord;
    },
    async accountById(id: string | ObjectId): Promise<AccountRecord | null> {
      const objectId = asId(id);
      return objectId ? AccountModel.findById(objectId).lean<AccountRecord>() : null;
    },
    async accountByEmail(email: string): Promise<AccountRecord | null> {
      return AccountModel.findOne({ email: email.trim().toLowerCase() }).lean<AccountRecord>();
    },
    async listAccounts(): Promise<AccountRecord[]> {
      return AccountModel.find({}).sort({ email: 1 }).lean<AccountRecord[]>();
    },
    async updateAccount(id: ObjectId, set: Partial<Pick<AccountRecord, 'role' | 'name' | 'disabled' | 'passwordHash' | 'passwordChangedAt'>>): Promise<AccountRecord | null> {
      return AccountModel.findByIdAndUpdate(id, { $set: set }, { new: true }).lean<AccountRecord>();
    },

    async insertToken(token: NewApiToken): Promise<ApiTokenRecord> {
      const created = await ApiTokenModel.create(token);
      return created.toObject() as ApiTokenRecord;
    },
    async tokenByHash(hash: string): Promise<ApiTokenRecord | null> {
      return ApiTokenModel.findOne({ hash }).lean<ApiTokenRecord>();
    },
    async tokensByPrefix(prefix: string): Promise<ApiTokenRecord[]> {
      return ApiTokenModel.find({ prefix }).lean<ApiTokenRecord[]>();
    },
    async tokensOf(account: ObjectId): Promise<ApiTokenRecord[]> {
      return ApiTokenModel.find({ account }).sort({ createdAt: -1 }).lean<ApiTokenRecord[]>();
    },
    async tokenById(id: string): Promise<ApiTokenRecord | null> {
      const objectId = asId(id);
      return objectId ? ApiTokenModel.findById(objectId).lean<ApiTokenRecord>() : null;
    },
    async revokeToken(id: ObjectId, at: Date): Promise<void> {
      await ApiTokenModel.updateOne({ _id: id, revokedAt: null }, { $set: { revokedAt: at } });
    },
    async lowerTokenRoles(account: ObjectId, allowed: readonly Role[], role: Role): Promise<void> {
      await ApiTokenModel.updateMany({ account, role: { $nin: allowed } }, { $set: { role } });
    },
    async touchToken(id: ObjectId, at: Date): Promise<void> {
      await ApiTokenModel.updateOne({ _id: id }, { $set: { lastUsedAt: at } });
    },

    async insertReset(reset: { account: ObjectId; hash: string; expiresAt: Date }): Promise<void> {
      await PasswordResetModel.create(reset);
    },
    /** Marks a reset link used and returns it, only if it was unused and unexpired: a link works once. */
    async consumeReset(hash: string, now: Date): Promise<PasswordResetRecord | null> {
      return PasswordResetModel.findOneAndUpdate({ hash, usedAt: null, expiresAt: { $gt: now } }, { $set: { usedAt: now } }, { new: true }).lean<PasswordResetRecord>();
    },
    async findUsableReset(hash: string, now: Date): Promise<PasswordResetRecord | null> {
      return PasswordResetModel.findOne({ hash, usedAt: null, expiresAt: { $gt: now } }).lean<PasswordResetRecord>();
    },

    /** The named secret, made from `candidate` by whichever instance asks first; all then read the same one. */
    async archiveSecret(name: string, candidate: string): Promise<string> {
      await ArchiveSecretModel.updateOne({ _id: name }, { $setOnInsert: { value: candidate } }, { upsert: true });
      const stored = await ArchiveSecretModel.findById(name).lean<{ value: string }>();
      return stored!.value;
    },

    async recordSignIn(event: Omit<SignInEventRecord, '_id'>): Promise<void> {
      await SignInEventModel.create(event);
    },
    async recentSignIns(limit: number): Promise<SignInEventRecord[]> {
      return SignInEventModel.find({}).sort({ at: -1 }).limit(limit).lean<SignInEventRecord[]>();
    },
  };
}

export type AccountsRepository = ReturnType<typeof createAccountsRepository>;
