import { expect } from 'chai';
import { parseCredit, splitPrintedLine, isLikelyCredit, looksLikePersonName, type ParsedCredit } from '../../server/credits/credit-parser';
import { namesMatch, normaliseName } from '../../server/credits/name-match';
import { platformForUrl, platformByName, agencyByName, accountFromUrl, hostOf, PLATFORMS } from '../../server/credits/platforms';

type Expected = Omit<ParsedCredit, 'raw' | 'normalised'>;

// Each line as printed, with every structured part the parser must give (and no others).
const CASES: Array<[string, Expected]> = [
  // The seed article's two credits.
  ['Telegram/Volodymyr Zelensky', { kind: 'platform_post', platform: 'Telegram', platformId: 'telegram', account: 'Volodymyr Zelensky' }],
  ['Office of the President of Ukraine', { kind: 'official_handout', organisation: 'Office of the President of Ukraine' }],
  ['AP Photo/Jane Doe', { kind: 'photographer', agency: 'AP', photographer: 'Jane Doe' }],
  ['Jane Doe/AFP via Getty Images', { kind: 'photographer', photographer: 'Jane Doe', agency: 'AFP', via: 'Getty Images' }],
  ['Reuters', { kind: 'agency', agency: 'Reuters' }],
  ['REUTERS', { kind: 'agency', agency: 'Reuters' }],
  ['Getty Images', { kind: 'agency', agency: 'Getty Images' }],
  ['Handout', { kind: 'official_handout' }],
  ['Social media', { kind: 'platform_post' }],
  ['Supplied', { kind: 'official_handout' }],
  ['REUTERS/Gleb Garanich', { kind: 'photographer', agency: 'Reuters', photographer: 'Gleb Garanich' }],
  ['Anadolu via Getty Images', { kind: 'agency', agency: 'Anadolu', via: 'Getty Images' }],
  ['AFP via Getty Images', { kind: 'agency', agency: 'AFP', via: 'Getty Images' }],
  ['Ukrainian Presidential Press Service/Handout via REUTERS', { kind: 'official_handout', organisation: 'Ukrainian Presidential Press Service', via: 'Reuters' }],
  ['Telegram / @rybar', { kind: 'platform_post', platform: 'Telegram', platformId: 'telegram', account: '@rybar' }],
  ['X/@ZelenskyyUa', { kind: 'platform_post', platform: 'X', platformId: 'x', account: '@ZelenskyyUa' }],
  ['Twitter/@nexta_tv', { kind: 'platform_post', platform: 'X', platformId: 'x', account: '@nexta_tv' }],
  ['EPA-EFE/SERGEY DOLZHENKO', { kind: 'photographer', agency: 'EPA', photographer: 'SERGEY DOLZHENKO' }],
  ['Screengrab/YouTube', { kind: 'platform_post', platform: 'YouTube', platformId: 'youtube' }],
  ['PA Wire', { kind: 'agency', agency: 'PA' }],
  ['Alamy Stock Photo', { kind: 'agency', agency: 'Alamy' }],
  ['Press service of the Defence Ministry of Russia', { kind: 'official_handout', organisation: 'Press service of the Defence Ministry of Russia' }],
  ['Facebook/Ukrainian Armed Forces', { kind: 'platform_post', platform: 'Facebook', platformId: 'facebook', account: 'Ukrainian Armed Forces' }],
  ['Instagram/@user', { kind: 'platform_post', platform: 'Instagram', platformId: 'instagram', account: '@user' }],
  ['t.me/rybar', { kind: 'platform_post', platform: 'Telegram', platformId: 'telegram', account: 'rybar' }],
  ['Photo: Jane Doe', { kind: 'photographer', photographer: 'Jane Doe' }],
  ['Credit: REUTERS/Gleb Garanich', { kind: 'photographer', agency: 'Reuters', photographer: 'Gleb Garanich' }],
  ['© Jane Doe', { kind: 'photographer', photographer: 'Jane Doe' }],
  ['(c) 2024 Associated Press', { kind: 'agency', agency: 'AP' }],
  ['Courtesy of the Smith family', { kind: 'official_handout', organisation: 'the Smith family' }],
  ['Supplied by the family', { kind: 'official_handout', organisation: 'the family' }],
  ['Jane Doe for The New York Times', { kind: 'photographer', photographer: 'Jane Doe', agency: 'The New York Times' }],
  ['Jane Doe, Reuters', { kind: 'photographer', photographer: 'Jane Doe', agency: 'Reuters' }],
  ['Jane Doe | AFP', { kind: 'photographer', photographer: 'Jane Doe', agency: 'AFP' }],
  ['KCNA via REUTERS', { kind: 'agency', agency: 'KCNA', via: 'Reuters' }],
  ['AFP/Getty Images', { kind: 'agency', agency: 'AFP', via: 'Getty Images' }],
  ['Pool/AFP', { kind: 'agency', agency: 'AFP' }],
  ['AFP/STR', { kind: 'agency', agency: 'AFP' }],
  ['Russian Defence Ministry/AP', { kind: 'official_handout', organisation: 'Russian Defence Ministry', agency: 'AP' }],
  ['Ministry of Defence of Ukraine via AP', { kind: 'official_handout', organisation: 'Ministry of Defence of Ukraine', via: 'AP' }],
  ['National Police of Ukraine/Handout', { kind: 'official_handout', organisation: 'National Police of Ukraine' }],
  ['General Staff of the Armed Forces of Ukraine/Facebook', { kind: 'platform_post', platform: 'Facebook', platformId: 'facebook', account: 'General Staff of the Armed Forces of Ukraine' }],
  ['Xinhua/Li Ming', { kind: 'photographer', agency: 'Xinhua', photographer: 'Li Ming' }],
  ['ITAR-TASS', { kind: 'agency', agency: 'TASS' }],
  ['ANP/Remko de Waal', { kind: 'photographer', agency: 'ANP', photographer: 'Remko de Waal' }],
  ['Shutterstock', { kind: 'agency', agency: 'Shutterstock' }],
  ['Getty Images for Netflix', { kind: 'agency', agency: 'Getty Images' }],
  ['VK/Wagner Group', { kind: 'platform_post', platform: 'VK', platformId: 'vk', account: 'Wagner Group' }],
  ['TikTok/@someone.here', { kind: 'platform_post', platform: 'TikTok', platformId: 'tiktok', account: '@someone.here' }],
  ['Social media/Telegram', { kind: 'platform_post', platform: 'Telegram', platformId: 'telegram' }],
  ['Screengrab', { kind: 'unknown' }],
  ['© 2010 Big Newspaper, all rights reserved', { kind: 'unknown' }],
  ['Big Newspaper', { kind: 'unknown' }],
  ['???', { kind: 'unknown' }],
  ['', { kind: 'unknown' }],
];

function structured(parsed: ParsedCredit): Expected {
  const { raw: _raw, normalised: _normalised, ...rest } = parsed;
  return rest;
}

describe('parseCredit', () => {
  it('covers at least 40 real-style credit lines', () => {
    expect(CASES.length).to.be.at.least(40);
  });

  for (const [line, expected] of CASES) {
    it(`reads ${JSON.stringify(line)}`, () => {
      const parsed = parseCredit(line);
      expect(parsed.raw).to.equal(line);
      expect(structured(parsed)).to.deep.equal(expected);
    });
  }

  it('keeps odd credits as written and never throws', () => {
    for (const odd of ['   ', '////', 'via', '©', 'Photo:', '((()))', 'a'.repeat(5000), 'Ж/Ж via Ж']) {
      const parsed = parseCredit(odd);
      expect(parsed.raw).to.equal(odd);
      expect(parsed.kind).to.be.a('string');
    }
  });

  it('renders a normalised form for recognised credits only', () => {
    expect(parseCredit('REUTERS/Gleb Garanich').normalised).to.equal('Gleb Garanich/Reuters');
    expect(parseCredit('Telegram / @rybar').normalised).to.equal('Telegram/@rybar');
    expect(parseCredit('Ukrainian Presidential Press Service/Handout via REUTERS').normalised).to.equal('Ukrainian Presidential Press Service via Reuters');
    expect(parseCredit('Supplied').normalised).to.equal('Supplied');
    expect(parseCredit('Big Newspaper').normalised).to.equal(undefined);
  });
});

describe('splitPrintedLine', () => {
  it('splits the video still line from the seed article', () => {
    expect(splitPrintedLine('A North Korean soldier fighting for Russia in Ukraine, according to a video shared by Zelensky (Office of the President of Ukraine)')).to.deep.equal({
      caption: 'A North Korean soldier fighting for Russia in Ukraine, according to a video shared by Zelensky',
      credit: 'Office of the President of Ukraine',
    });
  });

  it('splits the passport photo line from the seed article', () => {
    expect(splitPrintedLine('The passport belonging to a captured North Korean soldier (Telegram/Volodymyr Zelensky)')).to.deep.equal({
      caption: 'The passport belonging to a captured North Korean soldier',
      credit: 'Telegram/Volodymyr Zelensky',
    });
  });

  it('leaves a line without a credit whole', () => {
    const line = "North Korean soldiers claim they didn't know they we being sent to Ukraine in interrogation";
    expect(splitPrintedLine(line)).to.deep.equal({ caption: line });
  });

  it('does not take years, positions or "pictured" for credits', () => {
    for (const line of ['Kim Jong Un and Vladimir Putin in Pyongyang (2024)', 'Kim Jong Un (left)', 'A soldier on parade (pictured)', 'The summit (June 2024)', 'Soldiers at the front (file)']) {
      expect(splitPrintedLine(line), line).to.deep.equal({ caption: line });
    }
  });

  it('takes only the last parenthetical, even when earlier ones exist', () => {
    expect(splitPrintedLine('Kim Jong Un (left) greets troops (KCNA via REUTERS)')).to.deep.equal({ caption: 'Kim Jong Un (left) greets troops', credit: 'KCNA via REUTERS' });
  });

  it('tolerates a full stop after the credit and nested parentheses inside it', () => {
    expect(splitPrintedLine('Troops on parade (AFP via Getty Images).')).to.deep.equal({ caption: 'Troops on parade', credit: 'AFP via Getty Images' });
    expect(splitPrintedLine('A drone (Photo: Jane Doe (AFP))')).to.deep.equal({ caption: 'A drone', credit: 'Photo: Jane Doe (AFP)' });
  });

  it('does not split an unbalanced line', () => {
    expect(splitPrintedLine('An odd line Reuters)')).to.deep.equal({ caption: 'An odd line Reuters)' });
  });

  it('judges parentheticals', () => {
    expect(isLikelyCredit('Reuters')).to.equal(true);
    expect(isLikelyCredit('Some Outlet/Someone')).to.equal(true);
    expect(isLikelyCredit('2024')).to.equal(false);
    expect(isLikelyCredit('aged 23')).to.equal(false);
    expect(isLikelyCredit('centre')).to.equal(false);
  });
});

describe('looksLikePersonName', () => {
  it('tells names from outlets', () => {
    expect(looksLikePersonName('Gleb Garanich')).to.equal(true);
    expect(looksLikePersonName("Seán O'Neill")).to.equal(true);
    expect(looksLikePersonName('Remko de Waal')).to.equal(true);
    expect(looksLikePersonName('Big Newspaper')).to.equal(false);
    expect(looksLikePersonName('Banksy')).to.equal(false);
    expect(looksLikePersonName('jane doe')).to.equal(false);
  });
});

describe('platforms', () => {
  it('finds the platform of a URL by host and subdomain', () => {
    expect(platformForUrl('https://t.me/V_Zelenskiy_official/12345')?.id).to.equal('telegram');
    expect(platformForUrl('https://telegram.me/rybar')?.id).to.equal('telegram');
    expect(platformForUrl('https://www.facebook.com/some.page/posts/1')?.id).to.equal('facebook');
    expect(platformForUrl('https://m.facebook.com/story.php?id=1')?.id).to.equal('facebook');
    expect(platformForUrl('https://fb.watch/abc')?.id).to.equal('facebook');
    expect(platformForUrl('https://twitter.com/ZelenskyyUa/status/1')?.id).to.equal('x');
    expect(platformForUrl('https://x.com/ZelenskyyUa')?.id).to.equal('x');
    expect(platformForUrl('youtu.be/dQw4w9WgXcQ')?.id).to.equal('youtube');
    expect(platformForUrl('https://bsky.app/profile/someone')?.id).to.equal('bluesky');
    expect(platformForUrl('https://www.president.gov.ua/news/1')).to.equal(undefined);
    // A host that merely ends with the same letters is another site.
    expect(platformForUrl('https://notx.com/a')).to.equal(undefined);
    expect(platformForUrl('not a url')).to.equal(undefined);
    expect(platformForUrl('ftp://t.me/x')).to.equal(undefined);
  });

  it('reads the account from platform URLs when the path names one', () => {
    expect(accountFromUrl('https://t.me/V_Zelenskiy_official/12345')).to.equal('V_Zelenskiy_official');
    expect(accountFromUrl('https://x.com/ZelenskyyUa/status/1')).to.equal('ZelenskyyUa');
    expect(accountFromUrl('https://www.youtube.com/@SomeChannel/videos')).to.equal('SomeChannel');
    expect(accountFromUrl('https://www.youtube.com/watch?v=abc')).to.equal(undefined);
    expect(accountFromUrl('https://youtu.be/abc')).to.equal(undefined);
    expect(accountFromUrl('https://www.president.gov.ua/news/1')).to.equal(undefined);
  });

  it('finds platforms and agencies by any of their names', () => {
    expect(platformByName('Twitter')?.id).to.equal('x');
    expect(platformByName('VKontakte')?.id).to.equal('vk');
    expect(platformByName('Reuters')).to.equal(undefined);
    expect(agencyByName('EPA-EFE')?.id).to.equal('epa');
    expect(agencyByName('Associated Press')?.id).to.equal('ap');
    expect(agencyByName('Agence France-Presse')?.id).to.equal('afp');
    expect(hostOf('HTTPS://WWW.T.ME./x')).to.equal('www.t.me');
  });

  it('gives every platform unique hosts', () => {
    const hosts = PLATFORMS.flatMap((p) => p.hosts);
    expect(new Set(hosts).size).to.equal(hosts.length);
  });
});

describe('namesMatch', () => {
  const agree: Array<[string, string, string]> = [
    ['Jane Doe/AFP via Getty Images', 'DOE, JANE', 'part'],
    ['Jane Doe', 'Jane Doe', 'same'],
    ['Jane Doe', 'jane   doe.', 'same'],
    ['José Álvarez', 'Jose Alvarez', 'same'],
    ['Doe, Jane', 'Jane Doe', 'word_order'],
    ['© 2010 Big Newspaper, all rights reserved', 'Big Newspaper', 'same'],
    ['Jane Doe, Reuters', 'Jane Doe', 'part'],
    ['AP Photo/Jane Doe', 'Associated Press', 'same_agency'],
    ['J. Doe', 'Jane Doe', 'initials'],
    ['Volodymyr Zelenskyy', 'Volodymyr Zelensky', 'spelling'],
  ];
  for (const [a, b, reason] of agree) {
    it(`matches ${JSON.stringify(a)} with ${JSON.stringify(b)} (${reason})`, () => {
      const result = namesMatch(a, b);
      expect(result.match).to.equal(true);
      expect(result.reason).to.equal(reason);
      // Symmetric: the order of the arguments must not change the verdict.
      expect(namesMatch(b, a).match).to.equal(true);
    });
  }

  const differ: Array<[string, string]> = [
    ['Jane Doe', 'John Smith'],
    ['Jane Doe/AFP', 'John Smith'],
    ['Jane Doe', 'Jane Smith'],
    ['Reuters', 'AFP'],
    ['J. Doe', 'K. Doe'],
    ['Telegram/Volodymyr Zelensky', 'Phil Harvey'],
  ];
  for (const [a, b] of differ) {
    it(`does not match ${JSON.stringify(a)} with ${JSON.stringify(b)}`, () => {
      const result = namesMatch(a, b);
      expect(result.match).to.equal(false);
      expect(result.reason).to.equal('different');
    });
  }

  it('says when a side has nothing to compare', () => {
    expect(namesMatch('Reuters', '')).to.deep.equal({ match: false, score: 0, reason: 'empty' });
    expect(namesMatch('©', 'Reuters').reason).to.equal('empty');
  });

  it('normalises names', () => {
    expect(normaliseName('© 2004 Phil HARVEY, All Rights Reserved')).to.equal('phil harvey');
  });
});
