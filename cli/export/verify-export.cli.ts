// `npm run verify-export -- <folder>`: every file hash and every history chain of an export.
import path from 'node:path';
import { verifyExport } from './verify';

async function main(): Promise<number> {
  const folder = process.argv[2];
  if (!folder) {
    process.stderr.write('Usage: npm run verify-export -- <folder>\n');
    return 2;
  }
  const result = await verifyExport(path.resolve(folder));
  for (const problem of result.problems) process.stdout.write(`FAILED  ${problem}\n`);
  process.stdout.write(result.problems.length === 0 ? `OK: ${result.images} file(s) match their SHA-256 and every history chain holds.\n` : `${result.problems.length} problem(s) in ${result.images} image(s).\n`);
  return result.problems.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
