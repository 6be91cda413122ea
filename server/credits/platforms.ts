// Platforms and agencies as data: adding one is a new row here, never a new branch in the parser
// or the provenance checks.

export interface PlatformInfo {
  /** Stable identifier, stored in records and used in finding evidence. */
  id: string;
  /** Name shown to people. */
  name: string;
  /** Other names credits use for it ("Twitter" for X). Compared after normaliseLookup(). */
  aliases: string[];
  /** Hosts whose URLs are this platform's; subdomains (www., m., mobile.) match too. */
  hosts: string[];
}

export interface AgencyInfo {
  id: string;
  name: string;
  /** Spellings seen in printed credits and IPTC Credit fields. */
  aliases: string[];
}

export const PLATFORMS: readonly PlatformInfo[] = [
  { id: 'telegram', name: 'Telegram', aliases: ['telegram', 'telegram channel'], hosts: ['t.me', 'telegram.me', 'telegram.org', 'telegram.dog'] },
  { id: 'x', name: 'X', aliases: ['x', 'twitter', 'x twitter', 'twitter x', 'x formerly twitter'], hosts: ['x.com', 'twitter.com', 't.co', 'mobile.twitter.com', 'fxtwitter.com', 'vxtwitter.com'] },
  { id: 'facebook', name: 'Facebook', aliases: ['facebook', 'fb'], hosts: ['facebook.com', 'fb.com', 'fb.watch', 'fb.me', 'm.facebook.com'] },
  { id: 'instagram', name: 'Instagram', aliases: ['instagram', 'insta', 'ig'], hosts: ['instagram.com', 'instagr.am'] },
  { id: 'youtube', name: 'YouTube', aliases: ['youtube', 'you tube'], hosts: ['youtube.com', 'youtu.be', 'youtube-nocookie.com'] },
  { id: 'tiktok', name: 'TikTok', aliases: ['tiktok', 'tik tok', 'douyin'], hosts: ['tiktok.com', 'vm.tiktok.com', 'douyin.com'] },
  { id: 'vk', name: 'VK', aliases: ['vk', 'vkontakte', 'vk com'], hosts: ['vk.com', 'vk.ru', 'vkontakte.ru', 'vk.cc'] },
  { id: 'weibo', name: 'Weibo', aliases: ['weibo', 'sina weibo'], hosts: ['weibo.com', 'weibo.cn'] },
  { id: 'reddit', name: 'Reddit', aliases: ['reddit'], hosts: ['reddit.com', 'redd.it', 'old.reddit.com'] },
  { id: 'bluesky', name: 'Bluesky', aliases: ['bluesky', 'bsky'], hosts: ['bsky.app', 'bsky.social'] },
  { id: 'threads', name: 'Threads', aliases: ['threads'], hosts: ['threads.net', 'threads.com'] },
  { id: 'linkedin', name: 'LinkedIn', aliases: ['linkedin'], hosts: ['linkedin.com', 'lnkd.in'] },
  { id: 'rumble', name: 'Rumble', aliases: ['rumble'], hosts: ['rumble.com'] },
  { id: 'truthsocial', name: 'Truth Social', aliases: ['truth social', 'truthsocial'], hosts: ['truthsocial.com'] },
  { id: 'whatsapp', name: 'WhatsApp', aliases: ['whatsapp'], hosts: ['whatsapp.com', 'wa.me', 'chat.whatsapp.com'] },
  { id: 'snapchat', name: 'Snapchat', aliases: ['snapchat'], hosts: ['snapchat.com'] },
  { id: 'mastodon', name: 'Mastodon', aliases: ['mastodon'], hosts: ['mastodon.social'] },
  { id: 'ok', name: 'Odnoklassniki', aliases: ['odnoklassniki', 'ok ru'], hosts: ['ok.ru'] },
  { id: 'vimeo', name: 'Vimeo', aliases: ['vimeo'], hosts: ['vimeo.com'] },
  { id: 'flickr', name: 'Flickr', aliases: ['flickr'], hosts: ['flickr.com', 'flic.kr'] },
];

export const AGENCIES: readonly AgencyInfo[] = [
  { id: 'ap', name: 'AP', aliases: ['ap', 'ap photo', 'ap photos', 'associated press', 'the associated press', 'ap images'] },
  { id: 'reuters', name: 'Reuters', aliases: ['reuters', 'reuters pictures', 'reuters tv', 'thomson reuters', 'reuters photo'] },
  { id: 'afp', name: 'AFP', aliases: ['afp', 'afp photo', 'agence france presse', 'agence france-presse', 'afptv', 'afp tv'] },
  { id: 'getty', name: 'Getty Images', aliases: ['getty images', 'getty', 'gettyimages', 'getty images news'] },
  { id: 'epa', name: 'EPA', aliases: ['epa', 'epa efe', 'epa-efe', 'european pressphoto agency', 'epa images'] },
  { id: 'efe', name: 'EFE', aliases: ['efe', 'agencia efe'] },
  { id: 'anadolu', name: 'Anadolu', aliases: ['anadolu', 'anadolu agency', 'anadolu ajansi', 'aa photo'] },
  { id: 'pa', name: 'PA', aliases: ['pa', 'pa wire', 'pa images', 'pa media', 'press association', 'pa archive'] },
  { id: 'shutterstock', name: 'Shutterstock', aliases: ['shutterstock', 'rex', 'rex shutterstock', 'rex features'] },
  { id: 'alamy', name: 'Alamy', aliases: ['alamy', 'alamy stock photo', 'alamy live news'] },
  { id: 'xinhua', name: 'Xinhua', aliases: ['xinhua', 'xinhua news agency'] },
  { id: 'tass', name: 'TASS', aliases: ['tass', 'itar tass', 'itar-tass'] },
  { id: 'anp', name: 'ANP', aliases: ['anp', 'anp foto'] },
  { id: 'dpa', name: 'dpa', aliases: ['dpa', 'picture alliance', 'picture-alliance', 'dpa picture alliance'] },
  { id: 'ria', name: 'RIA Novosti', aliases: ['ria novosti', 'ria', 'sputnik', 'sputnik ria novosti'] },
  { id: 'ukrinform', name: 'Ukrinform', aliases: ['ukrinform'] },
  { id: 'kcna', name: 'KCNA', aliases: ['kcna', 'korean central news agency'] },
  { id: 'yonhap', name: 'Yonhap', aliases: ['yonhap', 'yonhap news agency'] },
  { id: 'kyodo', name: 'Kyodo', aliases: ['kyodo', 'kyodo news'] },
  { id: 'aap', name: 'AAP', aliases: ['aap', 'aap image', 'australian associated press'] },
  { id: 'bloomberg', name: 'Bloomberg', aliases: ['bloomberg', 'bloomberg via getty images'] },
  { id: 'nurphoto', name: 'NurPhoto', aliases: ['nurphoto'] },
  { id: 'sopa', name: 'SOPA Images', aliases: ['sopa images', 'sopa images lightrocket'] },
  { id: 'zuma', name: 'ZUMA Press', aliases: ['zuma', 'zuma press', 'zuma wire', 'zuma press wire'] },
  { id: 'sipa', name: 'Sipa', aliases: ['sipa', 'sipa press', 'sipa usa'] },
  { id: 'abaca', name: 'ABACA', aliases: ['abaca', 'abacapress', 'abaca press'] },
  { id: 'imago', name: 'IMAGO', aliases: ['imago', 'imago images'] },
  { id: 'eyevine', name: 'eyevine', aliases: ['eyevine'] },
];

/** Lower-case, accents stripped, punctuation folded to single spaces: the key used for every lookup here. */
export function normaliseLookup(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function indexBy<T>(rows: readonly T[], keys: (row: T) => string[]): Map<string, T> {
  const map = new Map<string, T>();
  for (const row of rows) for (const key of keys(row)) map.set(normaliseLookup(key), row);
  return map;
}

const platformNames = indexBy(PLATFORMS, (p) => [p.id, p.name, ...p.aliases]);
const agencyNames = indexBy(AGENCIES, (a) => [a.id, a.name, ...a.aliases]);
const platformHosts: Array<[string, PlatformInfo]> = PLATFORMS.flatMap((p) => p.hosts.map((h): [string, PlatformInfo] => [h, p]));

export function platformByName(name: string): PlatformInfo | undefined {
  return platformNames.get(normaliseLookup(name));
}

export function platformById(id: string): PlatformInfo | undefined {
  return PLATFORMS.find((p) => p.id === id);
}

export function agencyByName(name: string): AgencyInfo | undefined {
  return agencyNames.get(normaliseLookup(name));
}

/**
 * The lower-case host of a URL, tolerating a missing scheme ("t.me/foo") as people paste them.
 * Returns undefined for text that is not a URL with a dotted host.
 */
export function hostOf(url: string): string | undefined {
  const text = url.trim();
  if (!text || /\s/.test(text)) return undefined;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  let parsed: URL;
  try {
    parsed = new URL(withScheme);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  const host = parsed.hostname.toLowerCase().replace(/\.$/, '');
  return host.includes('.') ? host : undefined;
}

/** Which platform a URL is on, matching the host or any subdomain of it (www.t.me, m.facebook.com). */
export function platformForUrl(url: string): PlatformInfo | undefined {
  const host = hostOf(url);
  if (!host) return undefined;
  for (const [known, platform] of platformHosts) {
    if (host === known || host.endsWith(`.${known}`)) return platform;
  }
  return undefined;
}

/** Short-link hosts: their paths are opaque codes, never account names. */
const SHORT_LINK_HOSTS = new Set(['youtu.be', 't.co', 'fb.watch', 'fb.me', 'vm.tiktok.com', 'redd.it', 'lnkd.in', 'flic.kr', 'vk.cc', 'wa.me', 'instagr.am']);

/**
 * The account a platform URL points at, when the URL's shape says so (t.me/NAME/123, x.com/NAME/status/…,
 * instagram.com/NAME/, youtube.com/@NAME). Undefined where the path is a post id or a generic page.
 */
export function accountFromUrl(url: string): string | undefined {
  const platform = platformForUrl(url);
  if (!platform || SHORT_LINK_HOSTS.has(hostOf(url) ?? '')) return undefined;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(url.trim()) ? url.trim() : `https://${url.trim()}`;
  const segments = new URL(withScheme).pathname.split('/').filter(Boolean).map((s) => decodeURIComponent(s));
  const first = segments[0];
  if (!first) return undefined;
  // Paths that name a feature of the site rather than an account.
  const generic = new Set(['s', 'c', 'share', 'watch', 'shorts', 'p', 'reel', 'reels', 'i', 'intent', 'hashtag', 'search', 'home', 'photo', 'photos', 'video', 'videos', 'permalink.php', 'story.php', 'groups', 'r', 'embed', 'wall', 'status', 'joinchat', 'channel', 'user', 'profile.php']);
  if (platform.id === 'youtube' && (first === 'channel' || first === 'user' || first === 'c') && segments[1]) return segments[1];
  if (platform.id === 'reddit' && (first === 'r' || first === 'u' || first === 'user') && segments[1]) return segments[1];
  if (generic.has(first.toLowerCase())) return undefined;
  return first.replace(/^@/, '');
}
