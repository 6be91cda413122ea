import sharp from 'sharp';
import { iccpBomb, ztxtIptcBomb, compressedXmpBomb } from './test/support/bombs';
const make = { iccp: iccpBomb, ztxt: ztxtIptcBomb, xmp: compressedXmpBomb }[process.argv[2] as 'iccp'];
const b = make();
const t = performance.now();
try { const m = await sharp(b.png).metadata(); console.log('meta', m.width, m.icc?.length, Object.keys(m)); } catch (e) { console.log('meta err', (e as Error).message); }
console.log('t', Math.round(performance.now()-t));
try { const r = await sharp(b.png).resize(8).raw().toBuffer(); console.log('raw', r.length); } catch (e) { console.log('raw err', (e as Error).message); }
console.log('t', Math.round(performance.now()-t), 'rss', Math.round(process.memoryUsage().rss/1e6));
