// `npm run seed:demo` — loads the founding case (ARTICLE.md in the project brief): one article from
// The Independent and its two images, with captions and credits exactly as printed. The original
// files are not available, so each image is a generated stand-in that says so in its pixels. The
// images the article shows without a credit or only describes are recorded without a file.
//
// A client of the running archive's API (like npm run import), so it goes through the same ingest
// as the upload page and works while the server runs: `--server URL` (default $ARCHIVE_URL or
// http://localhost:3000), token from $ARCHIVE_TOKEN.
import { mkdtemp, rm } from 'node:fs/promises';
import { openAsBlob } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { ArchiveRequestError, createArchiveClient, type ArchiveClient } from '../shared/archive-client';

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

interface ArticleContents {
  id: string;
  images: Array<{ kind: 'held' | 'described'; description?: string | null }>;
}

async function seed(client: ArchiveClient, work: string): Promise<void> {
  let articleId: string | undefined;
  for (const image of IMAGES) {
    const file = path.join(work, `demo-${image.label.replace(/\W+/g, '-')}.jpg`);
    await standIn(file, image.label, image.colours, image.shape);
    const response = await client.send('/api/images', async () => {
      const form = new FormData();
      for (const [field, value] of Object.entries({ ...ARTICLE, printedLine: image.printedLine, sourceNote: image.sourceNote })) form.set(field, value);
      form.set('image', await openAsBlob(file), `${image.label} (stand-in).jpg`);
      return { method: 'POST', body: form, headers: { Accept: 'application/json' } };
    });
    const stored = (await response.json()) as { id: string; outcome: string; declared: { caption: string; credit: string }; uses: Array<{ article: { id: string; headline?: string } | null }> };
    articleId ??= stored.uses.find((use) => use.article?.headline === ARTICLE.articleHeadline)?.article?.id;
    process.stdout.write(`${stored.outcome === 'created' ? 'Added' : 'Already held'}: ${stored.declared.caption} (${stored.declared.credit}) → ${client.base}/images/${stored.id}\n`);
  }
  if (!articleId) throw new Error('The archive did not record the article for the demo images.');
  const article = await client.json<ArticleContents>('GET', `/api/articles/${articleId}`);
  for (const entry of DESCRIBED) {
    // Seeding twice must not record the same image twice.
    const earlier = article.images.some((printed) => printed.kind === 'described' && printed.description === entry.description);
    if (!earlier) await client.json('POST', '/api/described-images', { ...ARTICLE, ...entry });
    process.stdout.write(`${earlier ? 'Already recorded' : 'Recorded without a file'}: ${entry.description}\n`);
  }
  process.stdout.write(`The article: ${client.base}/articles/${articleId}\n`);
}

async function main(): Promise<void> {
  const serverFlag = process.argv.indexOf('--server');
  const server = serverFlag > 0 ? process.argv[serverFlag + 1] : (process.env.ARCHIVE_URL ?? 'http://localhost:3000');
  const client = createArchiveClient({ server, token: process.env.ARCHIVE_TOKEN });
  const work = await mkdtemp(path.join(os.tmpdir(), 'archive-demo-'));
  try {
    await seed(client, work);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  const hint = error instanceof ArchiveRequestError && error.code === 'unreachable' ? '\nStart the archive first (npm start), or give its address with --server URL.' : '';
  process.stderr.write(`Seeding failed: ${error instanceof Error ? error.message : String(error)}${hint}\n`);
  process.exit(1);
});
