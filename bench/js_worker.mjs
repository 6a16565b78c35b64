#!/usr/bin/env node
/*
 * The JS side of bench/bench_sign_verify.py: a long-lived worker that runs
 * one batch of one operation per request, so the Python driver can interleave
 * the two stacks in one run (same machine state, both warm).
 *
 * Protocol: JSON lines on stdin/stdout.
 *   {"op": "init", "fixtures": {...}}       -> {"ok": true, "node": "v20..."}
 *   {"op": "<name>", "n": N}                -> {"ok": true, "ms": [t1, ..., tN]}
 *   {"op": "quit"}
 * Each time is one operation, measured inside node with performance.now();
 * the pipe is not timed. Contexts come from the project's pinned files, read
 * once and held in memory by the offline loader (interop/js/loader.mjs).
 * needs: npm ci --prefix interop/js
 */
import {createInterface} from 'node:readline';
import {performance} from 'node:perf_hooks';

import {createDocumentLoader} from '../interop/js/loader.mjs';
import {
  EcdsaMultikey, checkStatus, jsigs, jsonld, keyPairFromSeed, signingSuite, verifyingSuite, vc
} from '../interop/js/common.mjs';

let ops = null;

function must(result, what) {
  if(!result.verified) {
    const err = result.error && (result.error.errors || [result.error]);
    throw new Error(`${what} did not verify: ` +
      JSON.stringify(err && err.map(e => e && e.message)));
  }
}

async function init(fx) {
  const documentLoader = createDocumentLoader({extra: fx.lists || {}});
  const issuer = await keyPairFromSeed(fx.obv3.seed_hex);
  const bg = await keyPairFromSeed(fx.diploma.bg_seed_hex);
  const ec = await keyPairFromSeed(fx.diploma.ec_seed_hex);
  const suite = verifyingSuite();
  const data = new TextEncoder().encode(fx.floor_message);
  const signer = issuer.keyPair.signer();
  const verifier = issuer.keyPair.verifier();
  const signature = await signer.sign({data});
  const signOb = () => vc.issue({
    credential: structuredClone(fx.obv3.credential),
    suite: signingSuite({keyPair: issuer.keyPair, created: fx.obv3.created}),
    documentLoader
  });
  const signedOb = await signOb();
  if(signedOb.proof.proofValue !== fx.obv3.proofValue) {
    throw new Error('JS proofValue differs from mbo_vc\'s for the OBv3 credential');
  }
  const presentationStatus = async ({credential}) => checkStatus({
    credential, documentLoader, suite: verifyingSuite(),
    verifyBitstringStatusListCredential: true, verifyMatchingIssuers: true
  });
  ops = {
    'obv3.sign': signOb,
    'obv3.verify': async () => must(await vc.verifyCredential({
      credential: fx.obv3.signed, suite, documentLoader
    }), 'OBv3 credential'),
    // @digitalbazaar/data-integrity 2.5 has no previousProof: the JS stack
    // signs the two proofs as a proof set (the same work: two canonical
    // forms, two signatures); it verifies the mbo_vc chain in diploma.verify.
    'diploma.sign': async () => {
      const first = await vc.issue({
        credential: structuredClone(fx.diploma.unsigned),
        suite: signingSuite({keyPair: ec.keyPair, created: fx.diploma.created}),
        documentLoader
      });
      return vc.issue({
        credential: first,
        suite: signingSuite({keyPair: bg.keyPair, created: fx.diploma.created}),
        documentLoader
      });
    },
    // vc.js cannot verify a previousProof chain, nor a proof whose key is
    // not the issuer's (the examencommissie's): the JS side verifies both
    // proofs of its own two-proof diploma with jsonld-signatures directly.
    'diploma.verify': async () => must(await jsigs.verify(jsDiploma, {
      suite, purpose: new jsigs.purposes.AssertionProofPurpose(), documentLoader
    }), 'diploma'),
    'presentation.verify': async () => must(await vc.verify({
      presentation: fx.presentation.signed, challenge: fx.presentation.challenge,
      domain: fx.presentation.domain, suite, documentLoader,
      checkStatus: presentationStatus
    }), 'presentation'),
    'floor.ed25519-sign': () => signer.sign({data}),
    'floor.ed25519-verify': async () => {
      if(!await verifier.verify({data, signature})) {
        throw new Error('Ed25519 floor signature does not verify');
      }
    },
    'floor.rdfc-1.0': () => jsonld.canonize(fx.obv3.credential, {
      algorithm: 'RDFC-1.0', format: 'application/n-quads', safe: true,
      documentLoader
    })
  };
  const p256 = await EcdsaMultikey.from({
    '@context': 'https://w3id.org/security/multikey/v1', type: 'Multikey',
    ...fx.es256.key
  });
  const p256Signer = p256.signer();
  const p256Verifier = p256.verifier();
  const p256Signature = await p256Signer.sign({data});
  const es256Suite = verifyingSuite('ecdsa-rdfc-2019');
  Object.assign(ops, {
    'es256.sign': () => vc.issue({
      credential: structuredClone(fx.es256.credential),
      suite: signingSuite({
        keyPair: p256, created: fx.obv3.created, cryptosuite: 'ecdsa-rdfc-2019'
      }),
      documentLoader
    }),
    'es256.verify': async () => must(await vc.verifyCredential({
      credential: fx.es256.signed, suite: es256Suite, documentLoader
    }), 'ES256 credential'),
    'floor.p256-sign': () => p256Signer.sign({data}),
    'floor.p256-verify': async () => {
      if(!await p256Verifier.verify({data, signature: p256Signature})) {
        throw new Error('P-256 floor signature does not verify');
      }
    }
  });
  const jsDiploma = await ops['diploma.sign']();
  // every operation once, so that a failing one fails before timing starts
  for(const fn of Object.values(ops)) {
    await fn();
  }
}

async function batch(op, n) {
  const fn = ops[op];
  if(!fn) {
    throw new Error(`unknown op ${op}`);
  }
  const ms = [];
  for(let i = 0; i < n; ++i) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  return ms;
}

const rl = createInterface({input: process.stdin, crlfDelay: Infinity});
for await (const line of rl) {
  let reply;
  try {
    const msg = JSON.parse(line);
    if(msg.op === 'quit') {
      break;
    }
    if(msg.op === 'init') {
      await init(msg.fixtures);
      reply = {ok: true, node: process.version};
    } else {
      reply = {ok: true, ms: await batch(msg.op, msg.n)};
    }
  } catch(e) {
    reply = {ok: false, error: String(e && e.stack || e)};
  }
  process.stdout.write(JSON.stringify(reply) + '\n');
}
