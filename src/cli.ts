/**
 * The `keymeter` command line (CONTRACT.md "Command line"). Exit codes: 0 success, 1 runtime failure,
 * 2 bad usage or invalid input.
 */
import { Command, CommanderError } from 'commander';
import { API_VERSION } from './api/app.js';
import { demoCommand } from './commands/demo.js';
import { importAccountCommand } from './commands/import-account.js';
import { importSystemTotalsCommand } from './commands/import-system-totals.js';
import { ingestMqttCommand } from './commands/ingest.js';
import { keysCreateCommand } from './commands/keys.js';
import { migrateCommand } from './commands/migrate.js';
import { EXIT_OK, EXIT_USAGE, loadRuntime, reportError, type Runtime } from './commands/runtime.js';
import { serveCommand } from './commands/serve.js';
import { simulateMqttCommand, type SimulateMqttOptions } from './commands/simulate.js';

let runtime: Runtime | undefined;
const rt = (): Runtime => (runtime ??= loadRuntime());

const program = new Command('keymeter')
  .description('Energy profiles of key accounts from live metering data')
  .version(API_VERSION)
  .exitOverride()
  .showHelpAfterError();

program
  .command('demo')
  .description('embedded database and broker + demo accounts with history + live simulated meters + the API; prints the URLs and a demo API key')
  .option('--history <span>', 'history to load for the demo meters (90d, 12m, 3y)', '3y')
  .action((opts: { history: string }) => demoCommand(rt(), opts));
program.command('serve').description('the HTTP API (applies pending migrations first)').action(() => serveCommand(rt()));
program.command('migrate').description('apply migrations, then exit').action(() => migrateCommand(rt()));

const ingest = program.command('ingest').description('ingest workers');
ingest.command('mqtt').description('the MQTT ingest worker (until SIGTERM; then drains and exits 0)').action(() => ingestMqttCommand(rt()));

const imp = program.command('import').description('import data files');
imp.command('account').argument('<file>', 'account bundle JSON').description('upsert an account bundle (idempotent)').action((file: string) => importAccountCommand(rt(), file));
imp
  .command('system-totals')
  .argument('<file>', 'CSV with header month,kwh (month as YYYY-MM)')
  .description("the utility's total end-user consumption per month (idempotent)")
  .action((file: string) => importSystemTotalsCommand(rt(), file));

const sim = program.command('simulate').description('meter simulators');
sim
  .command('mqtt')
  .description('simulated meters of the demo accounts publishing over MQTT (needs MQTT_URL): live until SIGINT/SIGTERM, or --backfill, or --rate')
  .option('--backfill <span>', 'publish this much history (90d, 8w, 12m, 3y) ending at the last completed interval, then exit')
  .option('--rate <readingsPerSecond>', 'load test: publish synthetic history at this rate, then print the achieved rate', Number)
  .option('--duration <time>', 'length of the --rate load test (60s, 5m, 1h; default 60s)')
  .option('--bundle <file...>', 'account bundle files (default: every JSON in fixtures/accounts)')
  .option('--tick-seconds <seconds>', 'live mode: seconds between ticks (default 30)', Number)
  .action((opts: SimulateMqttOptions) => simulateMqttCommand(rt(), opts));

const keys = program.command('keys').description('API keys');
keys
  .command('create')
  .description('create an API key; the key is the last word of the output')
  .requiredOption('--role <role>', 'admin, engineer, rep or report')
  .option('--account <id...>', 'accounts a rep or report key may read')
  .option('--label <text>', 'a note kept with the key')
  .action((opts: { role: string; account?: string[]; label?: string }) => keysCreateCommand(rt(), opts));

try {
  await program.parseAsync(process.argv);
  process.exitCode = EXIT_OK;
} catch (err) {
  if (err instanceof CommanderError) {
    // --help and --version end here too, with exitCode 0.
    process.exitCode = err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  } else {
    process.exitCode = reportError(err, runtime?.log);
  }
}
