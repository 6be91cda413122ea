// Pure: how a point in a video is written for people ("00:12.4", "1:02:03.0") and in addresses (?t=12.4).

export function formatTimecode(seconds: number): string {
  const tenths = Math.max(0, Math.round(seconds * 10));
  const hours = Math.floor(tenths / 36000);
  const minutes = Math.floor((tenths % 36000) / 600);
  const rest = (tenths % 600) / 10;
  const secondsText = rest.toFixed(1).padStart(4, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${secondsText}` : `${String(minutes).padStart(2, '0')}:${secondsText}`;
}

/** Seconds rounded to tenths, as used in `?t=` links and the player's seek buttons. */
export function timeParam(seconds: number): string {
  return String(Math.round(seconds * 10) / 10);
}
