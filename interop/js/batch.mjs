#!/usr/bin/env node
/*
 * Runs many sign / verify / canonize / present jobs in one node process (the
 * per-process start-up of the other scripts dominates a large corpus).
 *
 * stdin: a JSON array of jobs; stdout: a JSON array of results, in the same
 * order. Every result has "ok" (bool); a job that fails does not stop the
 * others. Exit 0 when every job is ok, 1 when any is not, 2 on usage error.
 *
 * jobs (each does what the named single script does):
 *   {"op": "canonize", "document", "unsafe"?}                  (canonize.mjs)
 *     -> {"ok", "nquads"} | {"ok": false, "code", "name", "message", "details"}
 *   {"op": "sign", "document", "seed", "created"?, "keepIssuer"?}  (sign.mjs)
 *     -> {"ok", "signed"} | {"ok": false, "error"}
 *   {"op": "verify", "document", "now"?, "proofOnly"?, "skipStatus"?}  (verify.mjs)
 *     "skipStatus": true gives vc.js a checkStatus that checks nothing, so that a
 *     credential with a credentialStatus can be judged on its proof (vc.js
 *     refuses one without a checkStatus callback); its status is not checked.
 *     -> {"ok", "verified", "error", "results"}
 *   {"op": "present", "credentials", "seed", "challenge", "domain"?,
 *    "created"?, "id"?, "holder"?}                               (present.mjs)
 *     "holder": true (default) sets holder to the seed's did:key; false makes
 *     a presentation without holder (VC DM 2.0 makes it optional).
 *     -> {"ok", "signed"} | {"ok": false, "error"}
 *   {"op": "verify-presentation", "document", "challenge", "domain"?,
 *    "now"?, "unsigned"?}                           (verify.mjs --presentation)
 *     -> {"ok", "verified", "error", "presentationResult", "credentialResults"}
 *
 * usage: node batch.mjs < jobs.json > results.json
 */
import * as vc from '@digitalbazaar/vc';
import jsigs from 'jsonld-signatures';
import {cryptosuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {documentLoader} from './loader.mjs';
import {
  EXIT_FAIL, EXIT_OK, emit, keyPairFromSeed, parseCli, readStdinJson, run,
  serializeError, signingSuite, usage, verifyingSuite
} from './common.mjs';

const USAGE = 'usage: node batch.mjs < jobs.json > results.json\n' +
  '  jobs: [{"op": "canonize"|"sign"|"verify"|"present"|' +
  '"verify-presentation", ...}, ...]';

const keys = new Map();

async function keyFor(seed) {
  if(!keys.has(seed)) {
    keys.set(seed, await keyPairFromSeed(seed));
  }
  return keys.get(seed);
}

function checkDate(value, name) {
  if(value !== undefined && isNaN(new Date(value))) {
    throw new TypeError(`${name} "${value}" is not a valid date`);
  }
}

function summarize(results) {
  return (results || []).map(r => ({
    verified: r.verified,
    proofType: r.proof && r.proof.type,
    cryptosuite: r.proof && r.proof.cryptosuite,
    verificationMethod: r.verificationMethod && r.verificationMethod.id,
    error: serializeError(r.error)
  }));
}

async function canonize({document, unsafe = false}) {
  try {
    const options = {documentLoader};
    if(unsafe) {
      options.safe = false;
    }
    return {ok: true, nquads: await cryptosuite.canonize(document, options)};
  } catch(error) {
    const e = serializeError(error);
    return {
      ok: false, code: e.code ?? null, name: e.name, message: e.message,
      details: e.eventDetails ?? null, error: e
    };
  }
}

async function sign({document, seed, created, keepIssuer = false}) {
  checkDate(created, 'created');
  const key = await keyFor(seed);
  const credential = structuredClone(document);
  if(!keepIssuer) {
    if(credential.issuer && typeof credential.issuer === 'object') {
      credential.issuer = {...credential.issuer, id: key.did};
    } else {
      credential.issuer = key.did;
    }
  }
  const suite = signingSuite({keyPair: key.keyPair, created});
  try {
    return {ok: true, signed: await vc.issue({credential, suite, documentLoader})};
  } catch(error) {
    return {ok: false, error: serializeError(error)};
  }
}

async function verify({document, now, proofOnly = false, skipStatus = false}) {
  checkDate(now, 'now');
  let result;
  try {
    result = await vc.verifyCredential({
      credential: document, suite: verifyingSuite(), documentLoader, now,
      ...(proofOnly ?
        {purpose: new jsigs.purposes.AssertionProofPurpose()} : {}),
      ...(skipStatus ? {checkStatus: async () => ({verified: true})} : {})
    });
  } catch(error) {
    return {ok: false, verified: false, error: serializeError(error)};
  }
  const verified = !!result.verified;
  return {
    ok: verified, verified, error: serializeError(result.error),
    results: summarize(result.results)
  };
}

async function present({
  credentials, seed, challenge, domain, created, id, holder = true
}) {
  checkDate(created, 'created');
  if(typeof challenge !== 'string' || !challenge) {
    throw new TypeError('present needs a challenge');
  }
  const key = await keyFor(seed);
  try {
    const presentation = vc.createPresentation({
      verifiableCredential: credentials,
      ...(holder ? {holder: key.did} : {}),
      id
    });
    const suite = signingSuite({keyPair: key.keyPair, created});
    const signed = await vc.signPresentation({
      presentation, suite, documentLoader, challenge, domain
    });
    return {ok: true, signed};
  } catch(error) {
    return {ok: false, error: serializeError(error)};
  }
}

async function verifyPresentation({
  document, challenge, domain, now, unsigned = false
}) {
  checkDate(now, 'now');
  let result;
  try {
    result = await vc.verify({
      presentation: document, suite: verifyingSuite(), documentLoader, now,
      challenge, domain, unsignedPresentation: unsigned
    });
  } catch(error) {
    return {ok: false, verified: false, error: serializeError(error)};
  }
  const verified = !!result.verified;
  return {
    ok: verified, verified, error: serializeError(result.error),
    presentationResult: result.presentationResult && {
      verified: result.presentationResult.verified,
      results: summarize(result.presentationResult.results)
    },
    credentialResults: (result.credentialResults || []).map(r => ({
      verified: r.verified, credentialId: r.credentialId,
      error: serializeError(r.error), results: summarize(r.results)
    }))
  };
}

const OPS = {
  canonize,
  sign,
  verify,
  present,
  'verify-presentation': verifyPresentation
};

run(async () => {
  const cli = parseCli({}, USAGE);
  if(!cli) {
    return;
  }
  let jobs;
  try {
    jobs = await readStdinJson();
  } catch(e) {
    return usage(`stdin is not JSON: ${e.message}`, USAGE);
  }
  if(!Array.isArray(jobs)) {
    return usage('stdin must be a JSON array of jobs', USAGE);
  }
  for(const [i, job] of jobs.entries()) {
    if(!job || typeof job !== 'object' || !Object.hasOwn(OPS, job.op)) {
      return usage(`job ${i}: unknown op ${JSON.stringify(job && job.op)}`,
        USAGE);
    }
  }
  const results = [];
  for(const job of jobs) {
    try {
      results.push(await OPS[job.op](job));
    } catch(error) {
      // bad job parameters (seed, dates, challenge): reported, not fatal
      results.push({ok: false, error: serializeError(error)});
    }
  }
  emit(results, results.every(r => r.ok) ? EXIT_OK : EXIT_FAIL);
});
