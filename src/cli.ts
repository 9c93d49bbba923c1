/**
 * The `keymeter` command line (CONTRACT.md "Command line"). Exit codes: 0 success, 1 runtime failure,
 * 2 bad usage or invalid input.
 */
import { Command, CommanderError } from 'commander';
import { API_VERSION } from './api/app.js';
import { demoCommand } from './commands/demo.js';
import { forecastCommand, type ForecastOptions } from './commands/forecast.js';
import { importAccountCommand } from './commands/import-account.js';
import { importCsvCommand, type ImportCsvOptions } from './commands/import-csv.js';
import { importGreenButtonCommand } from './commands/import-greenbutton.js';
import { importSystemTotalsCommand } from './commands/import-system-totals.js';
import { importTariffCommand } from './commands/import-tariff.js';
import { ingestMqttCommand } from './commands/ingest.js';
import { keysCreateCommand } from './commands/keys.js';
import { migrateCommand } from './commands/migrate.js';
import { reportCommand, type ReportOptions } from './commands/report.js';
import { EXIT_OK, EXIT_USAGE, loadRuntime, reportError, type Runtime } from './commands/runtime.js';
import { serveCommand } from './commands/serve.js';
import { simulateMqttCommand, type SimulateMqttOptions } from './commands/simulate.js';
import type { SimulateModbusOptions } from './commands/simulate-modbus.js';
import { veeRunCommand, type VeeRunOptions } from './commands/vee.js';

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
ingest
  .command('modbus')
  .description('the Modbus TCP poller for the meters with protocol "modbus", leased through the database (until SIGTERM; then drains and exits 0)')
  // Loaded when used: jsmodbus and the poller add about 0.1 s to every other command's start.
  .action(async () => (await import('./commands/ingest-modbus.js')).ingestModbusCommand(rt()));

const imp = program.command('import').description('import data files');
imp.command('account').argument('<file>', 'account bundle JSON').description('upsert an account bundle (idempotent)').action((file: string) => importAccountCommand(rt(), file));
imp
  .command('tariff')
  .argument('<file>', 'an OpenEI URDB rate item, or a URDB API response {"items": [...]}')
  .option('--id <id>', 'the tariff id for a lone item (default: its URDB label)')
  .description('URDB rates into the tariff library, each under its URDB label (idempotent); sites name them in currentTariff/candidateTariffs')
  .action((file: string, opts: { id?: string }) => importTariffCommand(rt(), file, opts));
imp
  .command('system-totals')
  .argument('<file>', 'CSV with header month,kwh (month as YYYY-MM)')
  .description("the utility's total end-user consumption per month (idempotent)")
  .action((file: string) => importSystemTotalsCommand(rt(), file));
imp
  .command('greenbutton')
  .argument('<file>', 'a Green Button (ESPI) Atom feed, XML')
  .requiredOption('--meter <id>', 'the meter whose channels get the readings')
  .description("Green Button interval data into a meter's channels (idempotent); readings that do not fit are rejected with reasons")
  .action((file: string, opts: { meter: string }) => importGreenButtonCommand(rt(), file, opts));
imp
  .command('csv')
  .argument('<file>', 'long CSV (meter,channel,ts,value[,quality]) or wide CSV (ts, then a column per channel kind; needs --meter)')
  .option('--meter <id>', 'the meter of every row (required for the wide format)')
  .option('--timezone <zone>', 'IANA zone of timestamps written without an offset (e.g. America/Chicago)')
  .option('--skip-bad', 'store the good rows and report the bad ones, instead of storing nothing')
  .description('readings from CSV (idempotent); a bad row fails the whole file unless --skip-bad')
  .action((file: string, opts: ImportCsvOptions) => importCsvCommand(rt(), file, opts));

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
sim
  .command('modbus')
  .description('SunSpec meters (models 1 + 203) on loopback with advancing counters: the demo accounts\' modbus meters at their host, port and unit id, or --meters N; until SIGINT/SIGTERM')
  .option('--bundle <file...>', 'account bundle files (default: every JSON in fixtures/accounts)')
  .option('--meters <n>', 'N synthetic meters, unit ids 1..N, on one port instead of the bundles\' meters', Number)
  .option('--host <host>', 'address to listen on (default: each meter\'s modbus.host; 127.0.0.1 with --meters)')
  .option('--port <port>', 'port to listen on (default: each meter\'s modbus.port; 5020 with --meters; 0 picks a free one)', Number)
  .option('--base <address>', 'where the "SunS" marker is: 40000 (default), 0 or 50000', Number)
  .option('--peak-kw <kW>', 'peak load of the synthetic meters (default 500)', Number)
  .option('--silent-every <n>', 'leave every Nth read of each meter unanswered (the poller times out)', Number)
  .option('--exception-every <n>', 'answer every Nth read of each meter with exception 0x04 SERVER DEVICE FAILURE', Number)
  .option('--reset-every <duration>', 'reset the energy counters to zero this often (90s, 10m, 1h)')
  .action(async (opts: SimulateModbusOptions) => (await import('./commands/simulate-modbus.js')).simulateModbusCommand(rt(), opts));

const vee = program.command('vee').description('validation, estimation and editing of interval data');
vee
  .command('run')
  .description("(re)run validation and gap estimation over a meter's readings in [from, to); idempotent")
  .requiredOption('--meter <id>', 'the meter')
  .requiredOption('--from <time>', 'start, inclusive: YYYY-MM-DD (UTC) or an ISO 8601 instant with Z or an offset')
  .requiredOption('--to <time>', 'end, exclusive')
  .option('--channel <kind>', 'only this channel (e.g. kwh_del)')
  .action((opts: VeeRunOptions) => veeRunCommand(rt(), opts));

program
  .command('report')
  .description('render a customer energy report of an account for a period (local time of its site)')
  .requiredOption('--account <id>', 'the account')
  .requiredOption('--period <period>', 'YYYY, YYYY-Qn or YYYY-MM')
  .requiredOption('--format <format>', 'pdf or html')
  .requiredOption('--out <file>', 'where to write the report')
  .action((opts: ReportOptions) => reportCommand(rt(), opts));

program
  .command('forecast')
  .description("make and store forecasts (what `serve` does daily): as of yesterday in each account's zone, for every account with electric kWh")
  .option('--account <id...>', 'only these accounts')
  .option('--as-of <date>', 'the last local day of data to use, YYYY-MM-DD (a day that has ended)')
  .action((opts: ForecastOptions) => forecastCommand(rt(), opts));

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
