// `npm run seed:demo` — loads the founding case (ARTICLE.md in the project brief): one article from
// The Independent and its two images, with captions and credits exactly as printed. The original
// files are not available, so each image is a generated stand-in that says so in its pixels. The
// images the article shows without a credit or only describes are recorded without a file.
import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { readDescribedImage } from '../articles/described-images.service';
import { splitPrintedLine } from '../credits/credit-parser';
import { connectDatabase } from '../db/connection';
import { readDeclaredUpload } from '../images/declared';
import type { HashedUpload } from '../images/upload';
import { createServices } from '../services';
import { loadConfig } from '../shared/config';
import { createLogger } from '../shared/logger';
import { scriptActor } from '../accounts/principal';

const ARTICLE = {
  articleHeadline: 'What happened to the North Korean troops fighting Ukraine on the frontline?',
  articlePublisher: 'The Independent',
  articlePublishedAt: '2025-02-07T14:37:00Z',
};

const IMAGES = [
  {
    printedLine: 'A North Korean soldier fighting for Russia in Ukraine, according to a video shared by Zelensky (Office of the President of Ukraine)',
    sourceNote: 'Still from a video shared by Volodymyr Zelensky. STAND-IN: the original file is not held.',
    label: 'Video still',
    colours: ['#3b4a5a', '#8899aa'],
    // Different shapes as well as colours: two gradients with centred text would hash as near-duplicates.
    shape: '<circle cx="300" cy="260" r="220" fill="#223"/><rect x="1150" y="620" width="380" height="300" fill="#dde"/>',
  },
  {
    printedLine: 'The passport belonging to a captured North Korean soldier (Telegram/Volodymyr Zelensky)',
    sourceNote: 'Posted on Telegram by Volodymyr Zelensky. STAND-IN: the original file is not held.',
    label: 'Passport photo',
    colours: ['#5a3b3b', '#c9a27e'],
    shape: '<rect x="60" y="700" width="520" height="240" fill="#fff3e0"/><circle cx="1350" cy="220" r="170" fill="#2a1a1a"/>',
  },
];

/** What the article shows without a credit line, or describes without showing: recorded without a file. */
const DESCRIBED = [
  {
    // Printed as it ran, the publisher's typo included.
    printedLine: "North Korean soldiers claim they didn't know they we being sent to Ukraine in interrogation",
    description: 'A still from an interrogation video, shown without a credit line.',
  },
  { description: "A soldier's notebook page with a drawing, translated by The Wall Street Journal (described in the article, not shown)." },
  { description: "A Russian military ID card shown by Ukraine's SBU (described in the article, not shown)." },
];

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A plainly labelled placeholder picture. */
async function standIn(file: string, label: string, colours: string[], shape: string): Promise<void> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="1000">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${colours[0]}"/><stop offset="1" stop-color="${colours[1]}"/></linearGradient></defs>
    <rect width="1600" height="1000" fill="url(#g)"/>
    ${shape}
    <text x="800" y="440" font-family="DejaVu Sans, sans-serif" font-size="96" font-weight="bold" fill="#fff" text-anchor="middle">STAND-IN IMAGE</text>
    <text x="800" y="560" font-family="DejaVu Sans, sans-serif" font-size="56" fill="#fff" text-anchor="middle">${escapeXml(label)}</text>
    <text x="800" y="660" font-family="DejaVu Sans, sans-serif" font-size="36" fill="#fff" text-anchor="middle">The original file is not available to this archive</text>
  </svg>`;
  await sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toFile(file);
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const database = await connectDatabase({ mongodbUri: config.mongodbUri, dbPath: config.dbPath }, logger);
  const services = await createServices(config, logger);
  await services.start();
  try {
    for (const image of IMAGES) {
      const file = path.join(services.paths.tmp, `demo-${image.label.replace(/\W+/g, '-')}.jpg`);
      await standIn(file, image.label, image.colours, image.shape);
      const bytes = await readFile(file);
      const upload = { path: file, size: bytes.length, originalname: `${image.label} (stand-in).jpg`, sha256: createHash('sha256').update(bytes).digest('hex') } as HashedUpload;
      const declared = readDeclaredUpload({ ...ARTICLE, printedLine: image.printedLine, sourceNote: image.sourceNote }, splitPrintedLine);
      const result = await services.images.ingest(upload, declared, scriptActor('demo seed'));
      logger.info(`${result.outcome === 'created' ? 'Added' : 'Already held'}: ${declared.fields.caption} (${declared.fields.credit}) → /images/${String(result.image._id)}`);
      await rm(file, { force: true });
    }
    const article = await services.articles.findOrCreate(readDeclaredUpload(ARTICLE, splitPrintedLine).article!);
    for (const entry of DESCRIBED) {
      // Seeding twice must not record the same image twice.
      const earlier = await services.describedImages.isRecorded(article._id, entry.description);
      if (!earlier) await services.describedImages.create(readDescribedImage(entry, String(article._id)), scriptActor('demo seed'));
      logger.info(`${earlier ? 'Already recorded' : 'Recorded without a file'}: ${entry.description}`);
    }
  } finally {
    await services.stop();
    await database.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`Seeding failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
