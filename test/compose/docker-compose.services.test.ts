import t from 'tap';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** The static checks a CI without a Docker daemon can make on docker-compose.yml and its files. */

const root = new URL('../../', import.meta.url);
const composeText = readFileSync(new URL('docker-compose.yml', root), 'utf8');
const mosquittoConf = readFileSync(new URL('docker/mosquitto/mosquitto.conf', root), 'utf8');
const dockerfile = readFileSync(new URL('Dockerfile', root), 'utf8');

type Env = Record<string, string | number | boolean | null>;
interface Service {
  image?: string;
  build?: { context?: string; dockerfile?: string } | string;
  command?: string[];
  environment?: Env;
  depends_on?: Record<string, { condition?: string }>;
  healthcheck?: { test?: string[] };
  restart?: string;
  stop_grace_period?: string;
  ports?: string[];
  volumes?: string[];
}
interface Compose {
  version?: unknown;
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const compose = parse(composeText, { merge: true }) as Compose;
const services = compose.services;

function svc(name: string): Service {
  const s = services[name];
  if (s === undefined) throw new Error(`docker-compose.yml has no service ${name}`);
  return s;
}

const KEYMETER_SERVICES = ['migrate', 'serve', 'ingest-mqtt', 'ingest-modbus'] as const;
/** CONTRACT.md "Environment", plus KEYMETER_MQTT_CLIENT_ID (src/config.ts) and NODE_ENV. */
const ALLOWED_ENV = new Set([
  'DATABASE_URL',
  'KEYMETER_DATA_DIR',
  'MQTT_URL',
  'HOST',
  'PORT',
  'KEYMETER_MQTT_GROUP',
  'KEYMETER_ADMIN_KEY',
  'LOG_LEVEL',
  'KEYMETER_MQTT_CLIENT_ID',
  'NODE_ENV',
]);

/** Compose's `${VAR:-default}` interpolation, enough to read the URLs below. */
function interpolateDefaults(s: string): string {
  return s.replace(/\$\{([A-Z0-9_]+):-([^}]*)\}/g, (_m, _name: string, def: string) => def);
}

t.test('compose spec file: no version key, exactly the six services', async (t) => {
  t.equal(compose.version, undefined);
  t.strictSame(Object.keys(services).sort(), [
    'ingest-modbus',
    'ingest-mqtt',
    'migrate',
    'mosquitto',
    'serve',
    'timescaledb',
  ]);
  t.strictSame(Object.keys(compose.volumes ?? {}).sort(), ['mosquitto-data', 'timescaledb-data']);
});

t.test('every keymeter service shares the image and build, and runs its command', async (t) => {
  const commands: Record<(typeof KEYMETER_SERVICES)[number], string[]> = {
    migrate: ['migrate'],
    serve: ['serve'],
    'ingest-mqtt': ['ingest', 'mqtt'],
    'ingest-modbus': ['ingest', 'modbus'],
  };
  for (const name of KEYMETER_SERVICES) {
    const s = svc(name);
    t.equal(s.image, 'keymeter:local', `${name} image`);
    t.strictSame(s.build, { context: '.', dockerfile: 'Dockerfile' }, `${name} build`);
    t.strictSame(s.command, commands[name], `${name} command`);
  }
});

t.test('timescaledb: pinned image, database, password default, volume, pg_isready', async (t) => {
  const db = svc('timescaledb');
  t.equal(db.image, 'timescale/timescaledb:2.23.0-pg17');
  t.match(db.image, /^timescale\/timescaledb:\d+\.\d+\.\d+-pg\d+$/);
  t.notMatch(db.image, /:latest/);
  t.equal(db.environment?.POSTGRES_DB, 'keymeter');
  t.equal(db.environment?.POSTGRES_PASSWORD, '${POSTGRES_PASSWORD:-keymeter}');
  t.strictSame(db.volumes, ['timescaledb-data:/var/lib/postgresql/data']);
  t.strictSame(db.healthcheck?.test, ['CMD-SHELL', 'pg_isready -U postgres -d keymeter']);
  t.equal(db.restart, 'unless-stopped');
});

t.test('mosquitto: pinned image, read-only config, persistence volume, $SYS healthcheck', async (t) => {
  const mq = svc('mosquitto');
  t.equal(mq.image, 'eclipse-mosquitto:2.0.20');
  t.strictSame(mq.volumes, [
    './docker/mosquitto/mosquitto.conf:/mosquitto/config/mosquitto.conf:ro',
    'mosquitto-data:/mosquitto/data',
  ]);
  const test = mq.healthcheck?.test ?? [];
  t.equal(test[0], 'CMD-SHELL');
  // `$$` is compose's escape for a literal `$`; a bare `$SYS` would be interpolated away.
  t.match(test[1], /mosquitto_sub .*-t '\$\$SYS\/#' -C 1 -W 3/);
  t.equal(mq.restart, 'unless-stopped');
});

t.test('serve: environment, port, healthcheck on /readyz with node', async (t) => {
  const s = svc('serve');
  const env = s.environment ?? {};
  t.strictSame(Object.keys(env).sort(), [
    'DATABASE_URL',
    'HOST',
    'KEYMETER_ADMIN_KEY',
    'LOG_LEVEL',
    'NODE_ENV',
    'PORT',
  ]);
  t.equal(env.DATABASE_URL, 'postgres://postgres:${POSTGRES_PASSWORD:-keymeter}@timescaledb:5432/keymeter');
  const url = new URL(interpolateDefaults(String(env.DATABASE_URL)));
  t.equal(url.protocol, 'postgres:');
  t.equal(url.hostname, 'timescaledb');
  t.equal(url.port, '5432');
  t.equal(url.pathname, '/keymeter');
  t.equal(env.HOST, '0.0.0.0');
  t.equal(String(env.PORT), '8080');
  t.equal(env.LOG_LEVEL, '${LOG_LEVEL:-info}');
  // Required at `docker compose up`, never a literal secret in the file.
  t.equal(env.KEYMETER_ADMIN_KEY, '${KEYMETER_ADMIN_KEY:?set KEYMETER_ADMIN_KEY}');
  t.notMatch(composeText, /KEYMETER_ADMIN_KEY:-/);
  t.strictSame(s.ports, ['8080:8080']);
  t.strictSame(s.healthcheck?.test, [
    'CMD',
    'node',
    '-e',
    "fetch('http://127.0.0.1:8080/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))",
  ]);
  t.equal(s.restart, 'unless-stopped');
});

t.test('ingest-mqtt: broker URL, shared-subscription group, stable client id, drain time', async (t) => {
  const s = svc('ingest-mqtt');
  const env = s.environment ?? {};
  t.strictSame(Object.keys(env).sort(), [
    'DATABASE_URL',
    'KEYMETER_MQTT_CLIENT_ID',
    'KEYMETER_MQTT_GROUP',
    'LOG_LEVEL',
    'MQTT_URL',
    'NODE_ENV',
  ]);
  t.equal(env.MQTT_URL, 'mqtt://mosquitto:1883');
  const url = new URL(String(env.MQTT_URL));
  t.equal(url.protocol, 'mqtt:');
  t.equal(url.hostname, 'mosquitto');
  t.equal(url.port, '1883');
  t.equal(env.KEYMETER_MQTT_GROUP, 'keymeter');
  t.equal(env.KEYMETER_MQTT_CLIENT_ID, '${KEYMETER_MQTT_CLIENT_ID:-keymeter-ingest-1}');
  t.equal(env.DATABASE_URL, svc('serve').environment?.DATABASE_URL);
  t.equal(s.restart, 'unless-stopped');
  t.equal(s.stop_grace_period, '30s');
});

t.test('ingest-modbus and migrate: the database URL only', async (t) => {
  for (const name of ['ingest-modbus', 'migrate']) {
    const env = svc(name).environment ?? {};
    t.strictSame(Object.keys(env).sort(), ['DATABASE_URL', 'LOG_LEVEL', 'NODE_ENV'], name);
    t.equal(env.DATABASE_URL, 'postgres://postgres:${POSTGRES_PASSWORD:-keymeter}@timescaledb:5432/keymeter');
  }
  t.equal(svc('ingest-modbus').restart, 'unless-stopped');
  t.equal(svc('migrate').restart, 'no');
  t.equal(svc('migrate').healthcheck, undefined);
});

t.test('depends_on conditions', async (t) => {
  const conditions = (name: string): Record<string, string | undefined> =>
    Object.fromEntries(Object.entries(svc(name).depends_on ?? {}).map(([k, v]) => [k, v.condition]));
  t.strictSame(conditions('migrate'), { timescaledb: 'service_healthy' });
  t.strictSame(conditions('serve'), {
    timescaledb: 'service_healthy',
    migrate: 'service_completed_successfully',
  });
  t.strictSame(conditions('ingest-mqtt'), {
    mosquitto: 'service_healthy',
    migrate: 'service_completed_successfully',
  });
  t.strictSame(conditions('ingest-modbus'), {
    timescaledb: 'service_healthy',
    migrate: 'service_completed_successfully',
  });
  t.strictSame(conditions('timescaledb'), {});
  t.strictSame(conditions('mosquitto'), {});
});

t.test('long-running services have a healthcheck or a restart policy', async (t) => {
  for (const name of ['timescaledb', 'mosquitto', 'serve', 'ingest-mqtt', 'ingest-modbus']) {
    const s = svc(name);
    t.equal(s.restart, 'unless-stopped', `${name} restarts`);
  }
  for (const name of ['timescaledb', 'mosquitto', 'serve']) {
    t.ok(Array.isArray(svc(name).healthcheck?.test), `${name} has a healthcheck`);
  }
});

t.test('keymeter services use only documented environment variables', async (t) => {
  for (const name of KEYMETER_SERVICES) {
    const unknown = Object.keys(svc(name).environment ?? {}).filter((k) => !ALLOWED_ENV.has(k));
    t.strictSame(unknown, [], `${name} environment`);
  }
});

t.test('mosquitto.conf raises the per-client queue with a byte bound', async (t) => {
  const settings = new Map<string, string>();
  for (const raw of mosquittoConf.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [key, ...rest] = line.split(/\s+/);
    if (key !== undefined && key !== 'log_type') settings.set(key, rest.join(' '));
  }
  const maxQueuedMessages = Number(settings.get('max_queued_messages'));
  const maxQueuedBytes = Number(settings.get('max_queued_bytes'));
  t.ok(maxQueuedMessages > 1000, `max_queued_messages ${maxQueuedMessages} > 1000 (the default drops QoS 1)`);
  t.equal(maxQueuedMessages, 1_000_000);
  t.equal(maxQueuedBytes, 536_870_912);
  t.ok(Number(settings.get('max_inflight_messages')) > 20);
  t.equal(settings.get('listener'), '1883');
  t.equal(settings.get('persistence'), 'true');
  t.equal(settings.get('persistence_location'), '/mosquitto/data/');
  t.equal(settings.get('persistent_client_expiration'), '7d');
  t.equal(settings.get('allow_anonymous'), 'true');
  t.match(mosquittoConf, /password_file/, 'the anonymous listener says how to lock it down');
});

t.test('Dockerfile runs bin/keymeter.js on node 20 as the node user', async (t) => {
  const instructions = dockerfile
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  t.equal(instructions[0], 'FROM node:20-bookworm-slim');
  t.ok(instructions.includes('ENTRYPOINT ["node", "bin/keymeter.js"]'));
  t.ok(instructions.includes('CMD ["serve"]'));
  t.ok(instructions.includes('USER node'));
  t.ok(instructions.includes('ENV NODE_ENV=production'));
  t.ok(instructions.some((l) => /^RUN npm ci --omit=dev\b/.test(l)));
  const entrypoint = instructions.filter((l) => l.startsWith('ENTRYPOINT'));
  t.strictSame(entrypoint.length, 1);
  t.strictSame(JSON.parse(entrypoint[0]!.slice('ENTRYPOINT'.length)), ['node', 'bin/keymeter.js']);
});

t.test('the anonymous broker is published on loopback only', async (t) => {
  t.strictSame(svc('mosquitto').ports, ['127.0.0.1:1883:1883']);
});
