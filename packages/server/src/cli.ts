import { tokenCommand, UsageError } from './ops/token-command';

const USAGE = `Usage: switchboard [start]       start the server (configured by environment variables, see README)
       switchboard token …       print a development token (switchboard token --help)`;

/** The `switchboard` command: `start` (the default) or `token`. */
async function run(argv: string[]): Promise<void> {
  const [command = 'start', ...rest] = argv;
  if (command === 'start') {
    await import('./main');
  } else if (command === 'token') {
    if (rest.includes('--help') || rest.includes('-h')) throw new UsageError('');
    process.stdout.write(`${await tokenCommand(rest)}\n`);
  } else if (command === '--help' || command === '-h' || command === 'help') {
    throw new UsageError('', USAGE);
  } else {
    throw new UsageError(`unknown command "${command}"`, USAGE);
  }
}

run(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError) {
    // --help asks for the usage: stdout and success; a mistake gets it on stderr with exit code 2.
    if (!err.message) return void process.stdout.write(`${err.usage}\n`);
    process.stderr.write(`switchboard: ${err.message}\n\n${err.usage}\n`);
    process.exit(2);
  }
  process.stderr.write(`switchboard: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
