import t from 'tap';
import { detectDecimalSeparator, detectDelimiter, parseDecimal } from '../../src/core/files/csv-dialect.js';

t.test('delimiter from the header', async (t) => {
  t.equal(detectDelimiter('meter,channel,ts,value'), ',');
  t.equal(detectDelimiter('ts;kwh_del;kvarh_del'), ';');
  t.equal(detectDelimiter('ts\tkwh_del'), '\t');
  t.equal(detectDelimiter('"a,b";c;d'), ';', 'commas inside quotes do not count');
  t.equal(detectDelimiter('timestamp'), undefined);
});

t.test('decimal separator from sampled values', async (t) => {
  t.equal(detectDecimalSeparator(',', ['1,5']), '.', 'a comma delimiter means a decimal point');
  t.equal(detectDecimalSeparator(';', ['1,5', '2', '', '-0,25']), ',');
  t.equal(detectDecimalSeparator(';', ['1.5', '2']), '.');
  t.equal(detectDecimalSeparator('\t', ['1', '2']), '.', 'integers only: either works');
  t.equal(detectDecimalSeparator(';', ['1.5', '2,5']), undefined, 'mixed: refused, never guessed');
});

t.test('numbers', async (t) => {
  t.strictSame(['12.5', ' -0.25 ', '+3', '.5', '7.', '1e3', '1,5', '1.234,5', 'NaN', 'Infinity', '', '0x10'].map((s) => parseDecimal(s, '.')),
    [12.5, -0.25, 3, 0.5, 7, 1000, NaN, NaN, NaN, NaN, NaN, NaN]);
  t.strictSame(['12,5', '-0,25', ',5', '12.5', '1.234,5'].map((s) => parseDecimal(s, ',')), [12.5, -0.25, 0.5, NaN, NaN]);
});
