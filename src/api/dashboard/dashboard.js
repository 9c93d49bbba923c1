// The Keymeter dashboard: sign in with an API key, choose an account, see its Section 4 document (the
// API's own printable HTML, shown in a sandboxed frame) and download it as CSV, or the customer energy report as PDF. Everything goes
// through the public /v1 API with the key as a Bearer token; nothing is rendered from untrusted text
// except through textContent.
const KEY = 'keymeter.apiKey';
const $ = (id) => document.getElementById(id);
let current = null; // { accountId, query } of the document on screen
let frameUrl = null;

function status(text, isError = false) {
  $('status').textContent = text;
  $('status').className = isError ? 'error' : '';
}

async function api(path, accept) {
  const key = sessionStorage.getItem(KEY);
  const res = await fetch(path, { headers: { authorization: `Bearer ${key}`, accept } });
  if (!res.ok) {
    let detail = `${res.status} ${res.statusText}`;
    if ((res.headers.get('content-type') ?? '').includes('json')) {
      const problem = await res.json().catch(() => null);
      if (problem && typeof problem.detail === 'string') detail = `${problem.title ?? res.status}: ${problem.detail}`;
    }
    const err = new Error(detail);
    err.status = res.status;
    throw err;
  }
  return res;
}

function showSignedOut(message) {
  sessionStorage.removeItem(KEY);
  $('signin').hidden = false;
  $('workspace').hidden = true;
  $('profile').hidden = true;
  status(message ?? '', Boolean(message));
}

async function loadAccounts() {
  const res = await api('/v1/accounts', 'application/json');
  const { accounts } = await res.json();
  const select = $('account');
  select.replaceChildren();
  for (const a of accounts) {
    const option = document.createElement('option');
    option.value = a.id;
    option.textContent = `${a.name} (${a.id})`;
    select.append(option);
  }
  $('signin').hidden = true;
  $('workspace').hidden = false;
  status(accounts.length ? `${accounts.length} account(s)` : 'This key sees no account.');
}

function query() {
  const params = new URLSearchParams();
  if ($('from').value) params.set('from', $('from').value);
  if ($('to').value) params.set('to', $('to').value);
  const q = params.toString();
  return q ? `?${q}` : '';
}

async function show(accountId) {
  status('Loading…');
  const q = query();
  const res = await api(`/v1/accounts/${encodeURIComponent(accountId)}/energy-profile${q}`, 'text/html');
  const html = await res.blob();
  if (frameUrl) URL.revokeObjectURL(frameUrl);
  frameUrl = URL.createObjectURL(new Blob([html], { type: 'text/html' }));
  $('profile').src = frameUrl;
  $('profile').hidden = false;
  current = { accountId, query: q };
  $('csv').disabled = false;
  $('pdf').disabled = false;
  status(`Section 4 of ${accountId}`);
}

async function download(accept, extension) {
  if (!current) return;
  const period = $('period').value.trim();
  const path = extension === 'pdf'
    ? `/v1/accounts/${encodeURIComponent(current.accountId)}/report?format=pdf${period ? `&period=${encodeURIComponent(period)}` : ''}`
    : `/v1/accounts/${encodeURIComponent(current.accountId)}/energy-profile${current.query}`;
  const res = await api(path, accept);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = extension === 'pdf' ? `${current.accountId}-energy-report${period ? `-${period}` : ''}.pdf` : `${current.accountId}-section4.${extension}`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function guard(fn) {
  return (event) => {
    event?.preventDefault();
    fn().catch((err) => (err.status === 401 ? showSignedOut('The key was not accepted.') : status(err.message, true)));
  };
}

$('signin').addEventListener('submit', guard(async () => {
  sessionStorage.setItem(KEY, $('key').value.trim());
  $('key').value = '';
  await loadAccounts();
}));
$('choose').addEventListener('submit', guard(() => show($('account').value)));
$('csv').addEventListener('click', guard(() => download('text/csv', 'csv')));
$('pdf').addEventListener('click', guard(() => download('application/pdf', 'pdf')));
$('signout').addEventListener('click', () => showSignedOut());

if (sessionStorage.getItem(KEY)) guard(loadAccounts)();
