#!/usr/bin/env node
/*
 * Verifies a credential (default) or presentation (--presentation) read on
 * stdin with @digitalbazaar/vc + DataIntegrityProof/eddsa-rdfc-2022, using the
 * offline loader (did:key controller documents resolved locally).
 *
 * usage: node verify.mjs [--now ISO] [--proof-only]
 *                        [--cryptosuite eddsa-rdfc-2022|ecdsa-rdfc-2019|ecdsa-sd-2023] < vc.json
 *        node verify.mjs --presentation --challenge C [--domain D]
 *                        [--unsigned] [--now ISO] < vp.json
 * --proof-only: check the proof with a plain AssertionProofPurpose (the key
 *   must still be authorized by its controller document) but skip vc.js's
 *   "issuer must match the verification method controller" check, e.g. for
 *   the W3C vectors whose issuer is https://vc.example/issuers/5678.
 * prints {"verified": bool, "error": null|{...}, "results": [...]}
 * exit 0 verified, 1 not verified, 2 usage error.
 */
import * as vc from '@digitalbazaar/vc';
import jsigs from 'jsonld-signatures';
import {documentLoader} from './loader.mjs';
import {
  EXIT_FAIL, EXIT_OK, emit, parseCli, readStdinJson, run, serializeError,
  usage, verifyingSuite
} from './common.mjs';

const USAGE = 'usage: node verify.mjs [--now ISO] [--proof-only] ' +
  '< credential.json\n' +
  '       node verify.mjs --presentation --challenge C [--domain D] ' +
  '[--unsigned] [--now ISO] < presentation.json';

function summarize(results) {
  return (results || []).map(r => ({
    verified: r.verified,
    proofType: r.proof && r.proof.type,
    cryptosuite: r.proof && r.proof.cryptosuite,
    verificationMethod: r.verificationMethod && r.verificationMethod.id,
    error: serializeError(r.error)
  }));
}

run(async () => {
  const cli = parseCli({
    presentation: {type: 'boolean', default: false},
    challenge: {type: 'string'},
    domain: {type: 'string'},
    unsigned: {type: 'boolean', default: false},
    now: {type: 'string'},
    'proof-only': {type: 'boolean', default: false},
    cryptosuite: {type: 'string', default: 'eddsa-rdfc-2022'}
  }, USAGE);
  if(!cli) {
    return;
  }
  const {values} = cli;
  if(!values.presentation &&
    (values.challenge || values.domain || values.unsigned)) {
    return usage('--challenge/--domain/--unsigned need --presentation', USAGE);
  }
  if(values.presentation && values['proof-only']) {
    return usage('--proof-only applies to credentials only', USAGE);
  }
  if(values.presentation && !values.unsigned && !values.challenge) {
    return usage('--presentation needs --challenge (or --unsigned)', USAGE);
  }
  if(values.now !== undefined && isNaN(new Date(values.now))) {
    return usage(`--now "${values.now}" is not a valid date`, USAGE);
  }
  let input;
  try {
    input = await readStdinJson();
  } catch(e) {
    return usage(`stdin is not JSON: ${e.message}`, USAGE);
  }
  let suite;
  try {
    suite = verifyingSuite(values.cryptosuite);
  } catch(e) {
    return usage(e.message, USAGE);
  }
  const now = values.now;
  let result;
  try {
    if(values.presentation) {
      result = await vc.verify({
        presentation: input, suite, documentLoader, now,
        challenge: values.challenge, domain: values.domain,
        unsignedPresentation: values.unsigned
      });
    } else {
      result = await vc.verifyCredential({
        credential: input, suite, documentLoader, now,
        ...(values['proof-only'] ?
          {purpose: new jsigs.purposes.AssertionProofPurpose()} : {})
      });
    }
  } catch(error) {
    return emit({verified: false, error: serializeError(error)}, EXIT_FAIL);
  }
  const out = {
    verified: !!result.verified,
    error: serializeError(result.error)
  };
  if(values.presentation) {
    out.presentationResult = result.presentationResult && {
      verified: result.presentationResult.verified,
      results: summarize(result.presentationResult.results)
    };
    out.credentialResults = (result.credentialResults || []).map(r => ({
      verified: r.verified, credentialId: r.credentialId,
      error: serializeError(r.error), results: summarize(r.results)
    }));
  } else {
    out.results = summarize(result.results);
  }
  emit(out, out.verified ? EXIT_OK : EXIT_FAIL);
});
