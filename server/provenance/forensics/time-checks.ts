// Clock arithmetic for the time findings. Pure.

/** Wall-clock text "YYYY:MM:DD HH:MM:SS" (or with '-' / 'T') read as if it were UTC; undefined when unreadable. */
export function wallClock(text: string | undefined): Date | undefined {
  const match = /^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?/.exec(text?.trim() ?? '');
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  if (!y || y < 1900 || !mo || mo > 12 || !d || d > 31) return undefined;
  const at = new Date(Date.UTC(y, mo - 1, d, h ?? 0, mi ?? 0, s ?? 0));
  return Number.isNaN(at.getTime()) ? undefined : at;
}

/** "+02:00" → 120 minutes; undefined when not an offset. */
export function offsetMinutes(offset: string | undefined): number | undefined {
  const match = /^([+-])(\d{2}):?(\d{2})$/.exec(offset?.trim() ?? '');
  if (!match) return undefined;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return minutes > 14 * 60 ? undefined : match[1] === '-' ? -minutes : minutes;
}

/**
 * How far, in hours, a stated UTC offset is from the local solar time at a longitude (15° an hour).
 * Time zones follow borders, not meridians, so legitimate offsets sit up to about 3 hours from solar
 * time (western China +8 at 76° E is 2.9 h; Spain's west in summer is 2.6 h); the distance is taken
 * round the date line, so Kiribati's +14 at 157° W is half an hour.
 */
export function hoursFromSolarTime(offsetMinutesValue: number, longitude: number): number {
  const solar = longitude / 15;
  const difference = Math.abs(offsetMinutesValue / 60 - solar) % 24;
  return Math.min(difference, 24 - difference);
}
