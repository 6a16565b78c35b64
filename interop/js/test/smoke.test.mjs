/*
 * Smoke tests of the offline JS reference CLIs (sign / verify / present /
 * canonize) against the project's own contexts and test vectors.
 * run: npm test --prefix interop/js   (after npm ci --prefix interop/js)
 */
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';

const JS = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = resolve(JS, '..', '..');
const VEC = JSON.parse(readFileSync(
  join(ROOT, 'test_vectors', 'vc-di-eddsa', 'eddsa-rdfc-2022.json'), 'utf8'));
const SEED = 'c96ef9ea10c5e414c471723aff9de72c35fa5b70fae97e8832ecac7d2e2b8ed6';
const V2 = 'https://www.w3.org/ns/credentials/v2';

function cli(script, args, input) {
  const env = {...process.env};
  delete env.MBO_VC_CONTEXTS_DIRS;
  const r = spawnSync(process.execPath, [join(JS, script), ...args], {
    input: typeof input === 'string' ? input : JSON.stringify(input),
    encoding: 'utf8', env
  });
  return {code: r.status, out: r.stdout ? JSON.parse(r.stdout) : null};
}

const cred = extra => ({
  '@context': [V2], id: 'urn:uuid:1', type: ['VerifiableCredential'],
  issuer: 'did:example:issuer', validFrom: '2024-01-01T00:00:00Z',
  credentialSubject: {id: 'did:example:subj'}, ...extra
});

test('canonize reproduces the W3C vector byte for byte', () => {
  const {code, out} = cli('canonize.mjs', [], VEC.unsigned);
  assert.equal(code, 0);
  assert.equal(out.nquads, VEC.canonical_document);
});

test('sign reproduces the W3C proofValue; verify (--proof-only) ok', () => {
  const s = cli('sign.mjs', ['--seed', SEED, '--created',
    VEC.proof_config.created, '--keep-issuer'], VEC.unsigned);
  assert.equal(s.code, 0);
  assert.equal(s.out.proof.proofValue, VEC.proof_value);
  assert.equal(cli('verify.mjs', ['--proof-only'], VEC.signed).code, 0);
  // vc.js requires issuer == controller by default
  assert.equal(cli('verify.mjs', [], VEC.signed).code, 1);
});

test('sign -> verify round trip; tampering fails', () => {
  const s = cli('sign.mjs', ['--seed', '11'.repeat(32)], VEC.unsigned);
  assert.equal(s.code, 0);
  assert.match(s.out.issuer, /^did:key:z6Mk/);
  const v = cli('verify.mjs', [], s.out);
  assert.equal(v.code, 0);
  assert.equal(v.out.verified, true);
  const t = structuredClone(s.out);
  t.credentialSubject.alumniOf = 'Tampered';
  const vt = cli('verify.mjs', [], t);
  assert.equal(vt.code, 1);
  assert.equal(vt.out.verified, false);
});

test('present -> verify presentation (challenge/domain)', () => {
  const s = cli('sign.mjs', ['--seed', '22'.repeat(32)], VEC.unsigned);
  const vp = cli('present.mjs', ['--seed', '33'.repeat(32),
    '--challenge', 'c1', '--domain', 'd.example'], [s.out]);
  assert.equal(vp.code, 0);
  assert.equal(vp.out.proof.proofPurpose, 'authentication');
  assert.equal(cli('verify.mjs', ['--presentation', '--challenge', 'c1',
    '--domain', 'd.example'], vp.out).code, 0);
  assert.equal(cli('verify.mjs', ['--presentation', '--challenge', 'c2',
    '--domain', 'd.example'], vp.out).code, 1);
});

test('safe mode event codes', () => {
  const cases = [
    [cred({foo: 'bar'}), 'invalid property'],
    [cred({type: ['VerifiableCredential', 'MyCredential']}),
      'relative @type reference'],
    [cred({id: 'relative/id'}), 'relative @id reference'],
    [cred({issuer: 'issuer1'}), 'relative object reference'],
    [cred({credentialSubject: {id: 'did:example:s', '_:b0': 'x'}}),
      'blank node predicate'],
    [{'@context': [V2]}, 'empty object'],
    [cred({name: {'@value': null}}), 'null @value value'],
  ];
  for(const [doc, expected] of cases) {
    const {code, out} = cli('canonize.mjs', [], doc);
    assert.equal(code, 1, expected);
    assert.equal(out.ok, false);
    assert.equal(out.code, expected);
  }
  for(const doc of [
    cred({name: {'@value': 'Hi', '@language': 'en', '@direction': 'ltr'}}),
    cred({credentialSubject: {id: 'did:example:s',
      'https://example.org/v#foo': {}}})
  ]) {
    assert.equal(cli('canonize.mjs', [], doc).code, 0);
  }
});

test('usage errors exit 2; unknown URLs are never fetched', () => {
  assert.equal(cli('sign.mjs', [], '{}').code, 2);
  assert.equal(cli('verify.mjs', ['--bogus'], '{}').code, 2);
  assert.equal(cli('canonize.mjs', [], '{').code, 2);
  const r = cli('canonize.mjs', [],
    {'@context': ['https://example.com/ctx'], a: 1});
  assert.equal(r.code, 1);
  assert.equal(r.out.error.cause.name, 'OfflineLoaderError');
});

test('batch: sign, verify, canonize and present in one process', () => {
  const seed = '44'.repeat(32);
  const one = cli('sign.mjs', ['--seed', seed, '--created',
    '2024-01-01T00:00:00Z'], VEC.unsigned);
  const r = cli('batch.mjs', [], [
    {op: 'sign', document: VEC.unsigned, seed, created: '2024-01-01T00:00:00Z'},
    {op: 'canonize', document: VEC.unsigned},
    {op: 'verify', document: one.out},
    {op: 'canonize', document: cred({foo: 'bar'})},
    {op: 'present', credentials: [one.out], seed, challenge: 'c1',
      holder: false}
  ]);
  assert.equal(r.code, 1); // the undefined term is refused, the rest is ok
  const [signed, canon, verified, refused, vp] = r.out;
  assert.deepEqual(signed.signed, one.out);
  assert.equal(canon.nquads, VEC.canonical_document);
  assert.equal(verified.verified, true);
  assert.equal(refused.ok, false);
  assert.equal(refused.code, 'invalid property');
  assert.equal(vp.ok, true);
  assert.equal('holder' in vp.signed, false);
  const v = cli('batch.mjs', [], [{op: 'verify-presentation',
    document: vp.signed, challenge: 'c1'}]);
  assert.equal(v.code, 0);
  assert.equal(v.out[0].credentialResults[0].verified, true);
  assert.equal(cli('batch.mjs', [], [{op: 'bogus'}]).code, 2);
  assert.equal(cli('batch.mjs', [], {op: 'sign'}).code, 2);
});
