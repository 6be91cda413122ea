// Shapes of Content Credentials as the archive stores them (on the image record, in `c2pa.chain`)
// and sends them to the pages: the manifest chain the way Verify presents it.

export type C2paValidationState = 'valid' | 'invalid' | 'untrusted' | 'unknown';

export interface C2paFailedCheck {
  /** C2PA status code, e.g. 'assertion.dataHash.mismatch'. */
  code: string;
  /** What it means, in words (c2pa-words.ts), e.g. 'the pixels were changed after signing'. */
  words: string;
}

export interface C2paAction {
  /** e.g. 'c2pa.opened', 'c2pa.color_adjustments'. */
  action: string;
  /** The software that says it did it (name and version). */
  softwareAgent?: string;
  /** IPTC digital source type URI, as written. */
  digitalSourceType?: string;
  /** Its IPTC label, e.g. 'Created by generative AI'. */
  digitalSourceLabel?: string;
  when?: string;
}

/** A CAWG identity assertion (cawg.identity): who, by what kind of signature, and whether it verified. */
export interface C2paIdentity {
  /** e.g. 'cawg.x509.cose' (an X.509 certificate) or 'cawg.identity_claims_aggregation'. */
  signatureType?: string;
  /** The named identity: the certificate's subject organisation, or the verified identities' names. */
  name?: string;
  /** 'untrusted': the identity's signature verified, but its certificate is not on a trust list. */
  validationState: C2paValidationState;
  failedChecks: C2paFailedCheck[];
}

export interface C2paSigner {
  /** Certificate subject common name (c2pa-rs `common_name`). */
  subject?: string;
  /** The certificate's organisation, which c2pa-rs reports as `issuer`. */
  organisation?: string;
  algorithm?: string;
}

export interface C2paManifest {
  label: string;
  title?: string;
  format?: string;
  claimGenerator?: string;
  signer?: C2paSigner;
  /** The signing time the manifest states (ISO 8601). */
  signedAt?: string;
  /** An RFC 3161 timestamp: 'trusted' (authority on the trust list), 'untrusted' (checked, authority unknown), 'none'. */
  timestamp: 'trusted' | 'untrusted' | 'none';
  timestampAuthority?: string;
  actions: C2paAction[];
  ingredients: C2paIngredient[];
  identities: C2paIdentity[];
  validationState: C2paValidationState;
  failedChecks: C2paFailedCheck[];
}

export interface C2paIngredient {
  title?: string;
  format?: string;
  /** 'parentOf' (the file was made from it), 'componentOf' (it is a part), 'inputTo'. */
  relationship?: string;
  /** The ingredient's own state; 'no_credentials' when it carried none. */
  validationState: C2paValidationState | 'no_credentials';
  failedChecks: C2paFailedCheck[];
  /** The ingredient's own manifest, when it had Content Credentials. */
  manifest?: C2paManifest;
}
