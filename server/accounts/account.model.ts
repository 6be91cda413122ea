// Accounts, their API tokens, one-time password-reset links and the sign-in audit. Imported only by
// accounts.repository.ts.
import mongoose, { Schema, type InferSchemaType } from 'mongoose';
import { ROLES } from './roles';

const accountSchema = new Schema(
  {
    email: { type: String, required: true, lowercase: true, trim: true },
    name: { type: String, required: true },
    role: { type: String, enum: ROLES, required: true },
    /** argon2id PHC string; absent for an account made by a script, usable through tokens only. */
    passwordHash: { type: String },
    passwordChangedAt: { type: Date },
    disabled: { type: Boolean, default: false },
  },
  { timestamps: true, versionKey: false },
);
accountSchema.index({ email: 1 }, { unique: true });

const apiTokenSchema = new Schema(
  {
    account: { type: Schema.Types.ObjectId, required: true },
    name: { type: String, required: true },
    role: { type: String, enum: ROLES, required: true },
    /** SHA-256 (hex) of the token; the token itself is shown once and never stored. */
    hash: { type: String, required: true },
    /** The token's first characters, so a person can tell tokens apart and revoke one by it. */
    prefix: { type: String, required: true },
    expiresAt: { type: Date },
    lastUsedAt: { type: Date },
    revokedAt: { type: Date },
  },
  { timestamps: true, versionKey: false },
);
apiTokenSchema.index({ hash: 1 }, { unique: true });
apiTokenSchema.index({ account: 1, createdAt: -1 });
apiTokenSchema.index({ prefix: 1 });

const passwordResetSchema = new Schema(
  {
    account: { type: Schema.Types.ObjectId, required: true },
    hash: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date },
  },
  { timestamps: true, versionKey: false },
);
passwordResetSchema.index({ hash: 1 }, { unique: true });

const signInEventSchema = new Schema(
  {
    at: { type: Date, required: true },
    email: { type: String, required: true },
    account: { type: Schema.Types.ObjectId },
    ip: { type: String },
    outcome: { type: String, required: true },
  },
  { versionKey: false },
);
signInEventSchema.index({ at: -1 });

/** Archive-wide secrets made once and shared by every app instance (the session cookie's signing key). */
const archiveSecretSchema = new Schema({ _id: { type: String, required: true }, value: { type: String, required: true } }, { versionKey: false });

export type AccountRecord = InferSchemaType<typeof accountSchema> & { _id: mongoose.Types.ObjectId; createdAt: Date; updatedAt: Date };
export type ApiTokenRecord = InferSchemaType<typeof apiTokenSchema> & { _id: mongoose.Types.ObjectId; createdAt: Date };
export type PasswordResetRecord = InferSchemaType<typeof passwordResetSchema> & { _id: mongoose.Types.ObjectId };
export type SignInEventRecord = InferSchemaType<typeof signInEventSchema> & { _id: mongoose.Types.ObjectId };

export const AccountModel = mongoose.model('Account', accountSchema);
export const ApiTokenModel = mongoose.model('ApiToken', apiTokenSchema);
export const PasswordResetModel = mongoose.model('PasswordReset', passwordResetSchema);
export const SignInEventModel = mongoose.model('SignInEvent', signInEventSchema);
export const ArchiveSecretModel = mongoose.model('ArchiveSecret', archiveSecretSchema);
