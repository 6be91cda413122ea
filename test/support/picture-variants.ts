// Composites a picture travels in, made with sharp: a caption bar, a phone screenshot of a channel
// post, a collage of two. Shared by bench/matching.bench.ts and the HTTP tests of issue 14.
import sharp, { type Sharp } from 'sharp';

export interface Size {
  width: number;
  height: number;
}

const jpeg = (s: Sharp) => s.jpeg({ quality: 85 });
const escapeXml = (s: string) => s.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c]!);

function textSvg(width: number, height: number, lines: Array<{ x: number; y: number; size: number; text: string; fill: string; weight?: string }>): Buffer {
  const body = lines
    .map((l) => `<text x="${l.x}" y="${l.y}" font-family="DejaVu Sans" font-size="${l.size}" font-weight="${l.weight ?? 'normal'}" fill="${l.fill}">${escapeXml(l.text)}</text>`)
    .join('');
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${body}</svg>`);
}

const SENTENCES = [
  'Official: the meeting took place in Kyiv this morning, with partners from',
  'seven countries. More details and the full statement on our website.',
  'Photo: press service. Forwarded from the channel of the president.',
  '#news #ukraine #breaking — share this post with your friends.',
];

export async function captionBar(picture: Sharp, o: Size, where: 'above' | 'below'): Promise<Buffer> {
  const barHeight = Math.max(16, Math.round(o.height * 0.15));
  const size = Math.max(8, Math.round(barHeight * 0.35));
  const bar = await sharp({ create: { width: o.width, height: barHeight, channels: 3, background: '#111111' } })
    .composite([{ input: textSvg(o.width, barHeight, [{ x: size / 2, y: barHeight * 0.65, size, text: 'BREAKING: Strike on the city centre, officials say', fill: '#ffffff' }]) }])
    .png()
    .toBuffer();
  const pixels = await picture.png().toBuffer();
  return jpeg(
    sharp({ create: { width: o.width, height: o.height + barHeight, channels: 3, background: '#ffffff' } }).composite([
      { input: bar, top: where === 'above' ? 0 : o.height, left: 0 },
      { input: pixels, top: where === 'above' ? barHeight : 0, left: 0 },
    ]),
  ).toBuffer();
}

/** A phone screenshot of a channel post: status and header bars, text above, the picture at 40–70 % of the width, text below, a footer. */
export async function screenshot(picture: Sharp, o: Size, next: () => number): Promise<Buffer> {
  const W = 1080;
  const share = 0.4 + 0.3 * next();
  const pw = Math.round(W * share);
  const ph = Math.max(8, Math.round((o.height / o.width) * pw));
  const left = Math.round(48 + next() * (W - pw - 96));
  const header = 170;
  const textAbove = 150;
  const textBelow = 200;
  const footer = 140;
  const H = header + textAbove + ph + textBelow + footer + 80;
  const pixels = await picture.resize(pw, ph, { fit: 'fill' }).png().toBuffer();
  const headerBar = textSvg(W, header, [
    { x: 40, y: 50, size: 30, text: '12:41', fill: '#ffffff', weight: 'bold' },
    { x: 160, y: 125, size: 40, text: 'Volodymyr Zelensky', fill: '#ffffff', weight: 'bold' },
    { x: 160, y: 160, size: 26, text: '1.2M subscribers', fill: '#dfe8f0' },
  ]);
  const lines = (y0: number) => SENTENCES.slice(0, 3).map((text, i) => ({ x: 48, y: y0 + i * 44, size: 32, text, fill: '#222222' }));
  const body = textSvg(W, H, [
    ...lines(header + 50),
    ...lines(header + textAbove + ph + 60),
    { x: 48, y: H - footer / 2, size: 30, text: '👁 48.1K   ♥ 3.2K   ↗ Share', fill: '#707579' },
  ]);
  return jpeg(
    sharp({ create: { width: W, height: H, channels: 3, background: '#ffffff' } }).composite([
      { input: await sharp({ create: { width: W, height: header, channels: 3, background: '#517da2' } }).png().toBuffer(), top: 0, left: 0 },
      { input: headerBar, top: 0, left: 0 },
      { input: Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><circle cx="50" cy="50" r="44" fill="#e8a33d"/></svg>`), top: 60, left: 40 },
      { input: body, top: 0, left: 0 },
      { input: await sharp({ create: { width: W, height: footer, channels: 3, background: '#f4f4f5' } }).png().toBuffer(), top: H - footer, left: 0 },
      { input: pixels, top: header + textAbove, left },
    ]),
  ).toBuffer();
}

export async function collage([pa, a]: [Sharp, Size], [pb, b]: [Sharp, Size], gutter: number): Promise<Buffer> {
  const h = 600;
  const wa = Math.max(8, Math.round((a.width / a.height) * h));
  const wb = Math.max(8, Math.round((b.width / b.height) * h));
  return jpeg(
    sharp({ create: { width: wa + gutter + wb, height: h, channels: 3, background: '#ffffff' } }).composite([
      { input: await pa.resize(wa, h, { fit: 'fill' }).png().toBuffer(), top: 0, left: 0 },
      { input: await pb.resize(wb, h, { fit: 'fill' }).png().toBuffer(), top: 0, left: wa + gutter },
    ]),
  ).toBuffer();
}

