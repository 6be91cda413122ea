import { expect } from 'chai';
import { normaliseText } from '../../server/shared/text';

const one = (raw: string) => normaliseText(raw, { singleLine: true });

describe('normaliseText', () => {
  it('takes bidi controls and zero-width characters out of a credit, naming each', () => {
    const result = one('Reu\u200Bters/\u202Eenaj\u202C Doe');
    expect(result).to.deep.equal({ ok: true, text: 'Reuters/enaj Doe', removed: ['U+200B ZERO WIDTH SPACE', 'U+202E RIGHT-TO-LEFT OVERRIDE', 'U+202C POP DIRECTIONAL FORMATTING'] });
  });

  it('puts text in NFC, so a decomposed é is the same credit as a composed one', () => {
    const result = one('Agence France-Presse / Andre\u0301');
    expect(result.ok && result.text).to.equal('Agence France-Presse / Andr\u00e9');
  });

  it('refuses line breaks in a one-line field, naming the character', () => {
    expect(one('AP\r\nPhoto')).to.deep.equal({ ok: false, reason: 'must be one line: it contains U+000D CARRIAGE RETURN' });
    expect(one('AP\u2029Photo')).to.deep.equal({ ok: false, reason: 'must be one line: it contains U+2029 PARAGRAPH SEPARATOR' });
    expect(one('AP\u0085Photo')).to.deep.equal({ ok: false, reason: 'must be one line: it contains U+0085 NEXT LINE' });
  });

  it('keeps line breaks in multi-line text, CRLF made LF', () => {
    expect(normaliseText('one\r\ntwo\rthree\nfour', { singleLine: false })).to.deep.equal({ ok: true, text: 'one\ntwo\nthree\nfour', removed: [] });
  });

  it('keeps the joiners where they do work (Persian, Devanagari, emoji) and drops them between Latin letters', () => {
    const persian = 'می\u200Cخواهم';
    expect(one(persian)).to.deep.equal({ ok: true, text: persian, removed: [] });
    const devanagari = 'क्\u200Dष';
    expect(one(devanagari)).to.deep.equal({ ok: true, text: devanagari, removed: [] });
    const family = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}';
    expect(one(family)).to.deep.equal({ ok: true, text: family, removed: [] });
    expect(one('Get\u200Dty Images')).to.deep.equal({ ok: true, text: 'Getty Images', removed: ['U+200D ZERO WIDTH JOINER'] });
  });

  it('drops C0/C1 controls and leaves ordinary text as it is', () => {
    expect(one('AP\u0000 Photo\u0007')).to.deep.equal({ ok: true, text: 'AP Photo', removed: [] });
    expect(one('Telegram/Volodymyr Zelensky')).to.deep.equal({ ok: true, text: 'Telegram/Volodymyr Zelensky', removed: [] });
  });
});
