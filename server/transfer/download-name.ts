// Pure: the file name a download is offered under, made from the caption (never from the client's
// upload name or a path), so it is safe on every file system and in a Content-Disposition header.

const MAX_STEM = 80;

export function downloadFileName(caption: string | undefined | null, id: string, extension: string, suffix = ''): string {
  const stem = (caption ?? '')
    .normalize('NFC')
    // Letters and digits of any script are kept; everything else (slashes, dots, quotes, control
    // characters, emoji) becomes a hyphen, so no name can climb out of a folder or hide an extension.
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_STEM)
    .replace(/-+$/, '');
  return `${stem || 'image'}-${id.slice(-8)}${suffix}.${extension}`;
}
