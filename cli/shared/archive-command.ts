// The options every client of a running archive takes: where it is and the token it acts with.
import { Command, Option } from 'commander';

export interface ArchiveOptions {
  server: string;
  token?: string;
}

/** A command named `npm run <script> --` with --server ($ARCHIVE_URL) and --token ($ARCHIVE_TOKEN). */
export function archiveCommand(script: string, description: string): Command {
  return new Command()
    .name(`npm run ${script} --`)
    .description(description)
    .option('--server <url>', 'the archive', process.env.ARCHIVE_URL ?? 'http://localhost:3000')
    .addOption(new Option('--token <token>', 'API token (default: $ARCHIVE_TOKEN)').env('ARCHIVE_TOKEN'))
    .showHelpAfterError();
}
