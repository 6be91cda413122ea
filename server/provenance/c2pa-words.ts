// Plain words for what C2PA validators and the IPTC vocabulary say in codes. Data, not logic: the
// codes are those of the C2PA specification (2.1, "Validation" → status codes) as c2pa-rs reports
// them, and the IPTC NewsCodes "digitalsourcetype" vocabulary (cv.iptc.org/newscodes/digitalsourcetype).

import type { C2paValidationState } from './c2pa.types';

/** What a failed check means for the person looking at the picture. Codes not listed are shown with the validator's own explanation. */
export const FAILED_CHECK_WORDS: Readonly<Record<string, string>> = {
  'assertion.dataHash.mismatch': 'the pixels were changed after signing',
  'assertion.boxesHash.mismatch': 'the pixels were changed after signing',
  'assertion.bmffHash.mismatch': 'the pixels were changed after signing',
  'assertion.collectionHash.mismatch': 'a signed part of the file was changed after signing',
  'assertion.hashedURI.mismatch': 'a statement in the credentials was altered after signing',
  'assertion.missing': 'a statement the claim lists is missing',
  'assertion.multipleHardBindings': 'the claim binds itself to the file more than once',
  'assertion.undeclared': 'a statement the claim does not list was added',
  'assertion.inaccessible': 'a statement could not be read',
  'assertion.action.ingredientMismatch': 'an action names an ingredient that is not there',
  'claim.missing': 'the claim is missing',
  'claim.multiple': 'there is more than one claim',
  'claim.hardBindings.missing': 'the claim does not bind itself to the file',
  'claim.malformed': 'the claim is malformed',
  'claimSignature.missing': 'the claim is not signed',
  'claimSignature.mismatch': 'the claim was altered after signing',
  'claimSignature.outsideValidity': 'it was signed outside the signing certificate’s validity period',
  'manifest.missing': 'the manifest is missing',
  'manifest.multipleParents': 'it names more than one parent file',
  'manifest.inaccessible': 'the manifest could not be read',
  'manifest.timestamp.invalid': 'the manifest’s timestamp is not valid',
  'ingredient.manifest.missing': 'an ingredient’s credentials are missing',
  'ingredient.manifest.mismatch': 'an ingredient’s credentials were changed after it was used',
  'ingredient.claimSignature.mismatch': 'an ingredient’s claim was altered after signing',
  'ingredient.hashedURI.mismatch': 'an ingredient’s credentials were changed after it was used',
  'signingCredential.invalid': 'the signing certificate is not valid for signing',
  'signingCredential.revoked': 'the signing certificate was revoked',
  'signingCredential.expired': 'the signing certificate had expired (checked against today’s date: the timestamp, if any, is not from a trusted authority)',
  'signingCredential.untrusted': 'the signer is not on the trust list',
  'signingCredential.ocsp.revoked': 'the signing certificate was revoked',
  'algorithm.unsupported': 'it was signed with an algorithm the validator does not support',
  'algorithm.deprecated': 'it was signed with a deprecated algorithm',
  'timeStamp.mismatch': 'the timestamp does not match the signature',
  'timeStamp.outsideValidity': 'the timestamp lies outside its certificate’s validity period',
  'timeStamp.malformed': 'the timestamp is malformed',
  'cawg.identity.signature.mismatch': 'the identity statement was altered after signing',
  'cawg.identity.sig_type.unknown': 'the identity statement uses a signature type the validator does not know',
};

/** The failed check in words, falling back to the validator's explanation and then the code. */
export function failedCheckWords(code: string, explanation?: string): string {
  return FAILED_CHECK_WORDS[code] ?? (explanation?.trim() ? `${explanation.trim()} (${code})` : code);
}

export const STATE_WORDS: Readonly<Record<C2paValidationState | 'remote' | 'no_credentials', string>> = {
  valid: 'Valid and trusted: the signature is intact and the signer is on the trust list.',
  untrusted: 'Valid, signer not on the trust list: the signature is intact, but the signer is unknown to this archive (test certificates and private signers are).',
  invalid: 'Invalid: the credentials do not validate.',
  unknown: 'Not validated: the archive found Content Credentials but could not read them.',
  remote: 'Remote manifest: the file points to Content Credentials held online.',
  no_credentials: 'No Content Credentials of its own.',
};

/** The label of a state, short: for a badge or a table cell. */
export const STATE_LABELS: Readonly<Record<C2paValidationState | 'remote' | 'no_credentials', string>> = {
  valid: 'Valid and trusted',
  untrusted: 'Valid, signer not on the trust list',
  invalid: 'Invalid',
  unknown: 'Not validated',
  remote: 'Remote manifest',
  no_credentials: 'No credentials of its own',
};

/**
 * IPTC Digital Source Type, term → the label a reader is shown. IPTC's user-facing guidance
 * ("Guidance on using digital source type", 2023/2024) words the two generative-AI terms as
 * "Created by / Edited using generative AI"; the others are the vocabulary's own names.
 */
export const DIGITAL_SOURCE_TYPE_LABELS: Readonly<Record<string, string>> = {
  digitalCapture: 'Digital capture (photographed from real life)',
  computationalCapture: 'Computational capture (a phone’s processed photograph)',
  negativeFilm: 'Digitised from a film negative',
  positiveFilm: 'Digitised from a film positive (slide)',
  print: 'Digitised from a print',
  humanEdits: 'Edited by a person',
  minorHumanEdits: 'Minor edits by a person',
  compositeCapture: 'Composite of captured elements',
  algorithmicallyEnhanced: 'Algorithmically enhanced',
  dataDrivenMedia: 'Data-driven media (e.g. a chart from data)',
  digitalArt: 'Digital art (made by a person with software)',
  virtualRecording: 'Virtual recording (e.g. a game)',
  compositeSynthetic: 'Composite including synthetic elements',
  trainedAlgorithmicMedia: 'Created by generative AI',
  compositeWithTrainedAlgorithmicMedia: 'Edited using generative AI (composite with AI-made elements)',
  algorithmicMedia: 'Made by an algorithm, without training data',
  screenCapture: 'Screen capture',
  softwareImage: 'Software image',
};

/** Terms that declare generative AI made or edited the picture. */
export const AI_DIGITAL_SOURCE_TYPES: readonly string[] = ['trainedAlgorithmicMedia', 'compositeWithTrainedAlgorithmicMedia'];

/** The vocabulary term of a digital source type URI (or bare term): the last path segment. */
export function digitalSourceTerm(value: string): string {
  return value.trim().replace(/[/#]+$/, '').split(/[/#]/).pop() ?? value.trim();
}

export function digitalSourceTypeLabel(value: string): string {
  const term = digitalSourceTerm(value);
  return DIGITAL_SOURCE_TYPE_LABELS[term] ?? term;
}

export function isAiDigitalSourceType(value: string): boolean {
  return AI_DIGITAL_SOURCE_TYPES.includes(digitalSourceTerm(value));
}

/** C2PA action names (c2pa.*) in words; others are shown as written. */
export function actionWords(action: string): string {
  return action.startsWith('c2pa.') ? action.slice(5).replace(/[_.]/g, ' ') : action;
}
