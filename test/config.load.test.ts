import t from 'tap';
import { loadConfig, ConfigError } from '../src/config.js';

t.test('defaults follow CONTRACT.md "Environment"', async (t) => {
  const c = loadConfig({});
  t.equal(c.DATABASE_URL, undefined);
  t.equal(c.KEYMETER_DATA_DIR, './.keymeter');
  t.equal(c.HOST, '127.0.0.1');
  t.equal(c.PORT, 8080);
  t.equal(c.LOG_LEVEL, 'info');
  t.equal(c.KEYMETER_MQTT_CLIENT_ID, 'keymeter-ingest');
  t.ok(Object.isFrozen(c));
});

t.test('a bad value stops startup with a message naming the variable, never the value', async (t) => {
  const secret = 'mysql://admin:hunter2hunter2@db/x';
  let err: unknown;
  try {
    loadConfig({ DATABASE_URL: secret, PORT: '99999', LOG_LEVEL: 'loud' });
  } catch (e) {
    err = e;
  }
  t.ok(err instanceof ConfigError);
  const e = err as ConfigError;
  t.strictSame(e.issues.map((i) => i.variable).sort(), ['DATABASE_URL', 'LOG_LEVEL', 'PORT']);
  t.match(e.message, /DATABASE_URL/);
  t.match(e.message, /PORT/);
  t.notMatch(e.message, /hunter2/);
});

t.test('empty strings count as unset', async (t) => {
  t.equal(loadConfig({ DATABASE_URL: '', PORT: '' }).PORT, 8080);
});
