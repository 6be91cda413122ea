// Pure: which tags carry the archive's credits into a downloaded file, named as the IPTC Photo
// Metadata Standard maps its properties (IPTC-IIM and XMP), with the EXIF fields that the Metadata
// Working Group reads first kept in step, so no reader is left showing an older caption.
import type { ImageRecord } from '../images/image.model';

/** What a download is made from: the record's declared and embedded fields, its file and Content Credentials. */
export type DownloadRecord = Pick<ImageRecord, '_id' | 'sha256' | 'originalFile' | 'declared' | 'embedded' | 'file' | 'c2pa'>;

export interface EmbeddedCredits {
  caption?: string;
  credit?: string;
  source?: string;
  creator?: string[];
  copyright?: string;
  archiveId: string;
  archiveUrl: string;
}

/** What the archive knows: its declared caption, credit and source; creator and copyright as the
 *  file or the credit line say (the archive has no declared copyright and does not invent one). */
export function creditsOf(record: DownloadRecord, archiveUrl: string): EmbeddedCredits {
  const declared = record.declared ?? {};
  const embedded = record.embedded ?? {};
  const photographer = (declared.creditParts as { photographer?: string } | undefined)?.photographer;
  const creator = photographer ? [photographer] : embedded.creator && embedded.creator.length > 0 ? [...embedded.creator] : undefined;
  return {
    caption: declared.caption ?? embedded.description ?? undefined,
    credit: declared.credit ?? embedded.creditLine ?? undefined,
    source: declared.sourceUrl ?? declared.sourceNote ?? embedded.source ?? undefined,
    creator,
    copyright: embedded.copyright ?? undefined,
    archiveId: String(record._id),
    archiveUrl,
  };
}

/** ExifTool tag names → values. A field the archive does not know is left as the file has it. */
export function creditTags(credits: EmbeddedCredits, format: string): Record<string, unknown> {
  const tags: Record<string, unknown> = {
    // Description / Caption-Abstract
    'XMP-dc:Description': credits.caption,
    'IPTC:Caption-Abstract': credits.caption,
    'EXIF:ImageDescription': credits.caption,
    // Credit Line / Credit
    'XMP-photoshop:Credit': credits.credit,
    'IPTC:Credit': credits.credit,
    // Source
    'XMP-photoshop:Source': credits.source,
    'IPTC:Source': credits.source,
    // Creator / By-line
    'XMP-dc:Creator': credits.creator,
    'IPTC:By-line': credits.creator,
    'EXIF:Artist': credits.creator?.join('; '),
    // Copyright Notice
    'XMP-dc:Rights': credits.copyright,
    'IPTC:CopyrightNotice': credits.copyright,
    'EXIF:Copyright': credits.copyright,
    // The archive's record: an IPTC Extension registry entry (item id + organisation) and dc:identifier.
    'XMP-iptcExt:RegistryID': [{ RegItemId: credits.archiveId, RegOrgId: credits.archiveUrl.replace(/\/images\/[^/]+$/, ''), RegEntryRole: 'provenance archive record' }],
    'XMP-dc:Identifier': credits.archiveUrl,
    // IIM strings are UTF-8; without this a reader decodes "Офіс" as Latin-1.
    'IPTC:CodedCharacterSet': 'UTF8',
  };
  // WebP and GIF have no IPTC-IIM container: XMP (and EXIF for WebP) carry the credits there.
  if (format === 'webp' || format === 'gif') for (const key of Object.keys(tags)) if (key.startsWith('IPTC:')) delete tags[key];
  if (format === 'gif') for (const key of Object.keys(tags)) if (key.startsWith('EXIF:')) delete tags[key];
  return Object.fromEntries(Object.entries(tags).filter(([, value]) => value !== undefined && value !== ''));
}
