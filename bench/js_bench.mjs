#!/usr/bin/env node
/*
 * Benchmark of the Digital Bazaar JS reference stack: sign and verify the
 * OBv3 credential in obv3_credential.json (VC 2.0 + OBv3 context-3.0.3)
 * with @digitalbazaar/vc + DataIntegrityProof/eddsa-rdfc-2022, offline.
 *
 * usage: node bench/js_bench.mjs [--n 50] [--warmup 5]
 * needs: npm ci --prefix interop/js
 * prints one JSON line:
 *   {"impl":"js","sign_median_ms":..,"verify_median_ms":..,"n":..,...}
 */
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';
import {performance} from 'node:perf_hooks';

import {documentLoader} from '../interop/js/loader.mjs';
import {
  keyPairFromSeed, signingSuite, verifyingSuite, vc
} from '../interop/js/common.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const round = x => Math.round(x * 1000) / 1000;

async function main() {
  const {values} = parseArgs({options: {
    n: {type: 'string', default: '50'},
    warmup: {type: 'string', default: '5'}
  }});
  const n = Number.parseInt(values.n, 10);
  const warmup = Number.parseInt(values.warmup, 10);
  if(!(n > 0) || !(warmup >= 0)) {
    process.stderr.write('usage: node js_bench.mjs [--n N] [--warmup W]\n');
    process.exit(2);
  }
  const credential = JSON.parse(
    readFileSync(join(HERE, 'obv3_credential.json'), 'utf8'));
  const keyInfo = JSON.parse(
    readFileSync(join(HERE, 'obv3_key.json'), 'utf8'));
  const {did, keyPair} = await keyPairFromSeed(keyInfo.seed_hex);
  if(credential.issuer.id !== did) {
    throw new Error(`issuer ${credential.issuer.id} != key did ${did}`);
  }

  const sign = () => vc.issue({
    credential: structuredClone(credential),
    suite: signingSuite({keyPair, created: keyInfo.created}),
    documentLoader
  });
  let signed;
  const signTimes = [];
  for(let i = 0; i < warmup + n; ++i) {
    const t0 = performance.now();
    signed = await sign();
    const dt = performance.now() - t0;
    if(i >= warmup) {
      signTimes.push(dt);
    }
  }

  const verifyTimes = [];
  const suite = verifyingSuite();
  for(let i = 0; i < warmup + n; ++i) {
    const t0 = performance.now();
    const result = await vc.verifyCredential({
      credential: signed, suite, documentLoader
    });
    const dt = performance.now() - t0;
    if(!result.verified) {
      throw new Error('verification failed: ' +
        JSON.stringify(result.error && result.error.message));
    }
    if(i >= warmup) {
      verifyTimes.push(dt);
    }
  }

  process.stdout.write(JSON.stringify({
    impl: 'js',
    sign_median_ms: round(median(signTimes)),
    verify_median_ms: round(median(verifyTimes)),
    n,
    warmup,
    sign_min_ms: round(Math.min(...signTimes)),
    verify_min_ms: round(Math.min(...verifyTimes)),
    proofValue: signed.proof.proofValue,
    node: process.version
  }) + '\n');
}

main().catch(e => {
  process.stderr.write(String(e && e.stack || e) + '\n');
  process.exit(1);
});
