#!/usr/bin/env node
/*
 * Signs the credential read on stdin with eddsa-rdfc-2022 (DataIntegrityProof,
 * assertionMethod) using @digitalbazaar/vc issue().
 *
 * The key is Ed25519 derived from --seed (32 bytes hex); the issuer (its `id`
 * if it is an object) is set to the key's did:key unless --keep-issuer, and
 * verificationMethod is did:key:z6Mk...#z6Mk....
 *
 * usage: node sign.mjs --seed HEX32 [--created ISO] [--keep-issuer] < vc.json
 */
import * as vc from '@digitalbazaar/vc';
import {documentLoader} from './loader.mjs';
import {
  EXIT_FAIL, EXIT_USAGE, emit, keyPairFromSeed, parseCli, readStdinJson, run,
  serializeError, signingSuite, usage
} from './common.mjs';

const USAGE = 'usage: node sign.mjs --seed HEX32 [--created ISO] ' +
  '[--keep-issuer] < credential.json > signed.json';

run(async () => {
  const cli = parseCli({
    seed: {type: 'string'},
    created: {type: 'string'},
    'keep-issuer': {type: 'boolean', default: false}
  }, USAGE);
  if(!cli) {
    return;
  }
  const {values} = cli;
  if(!values.seed) {
    return usage('--seed is required', USAGE);
  }
  let key;
  try {
    key = await keyPairFromSeed(values.seed);
  } catch(e) {
    return usage(e.message, USAGE);
  }
  if(values.created !== undefined && isNaN(new Date(values.created))) {
    return usage(`--created "${values.created}" is not a valid date`, USAGE);
  }
  let credential;
  try {
    credential = await readStdinJson();
  } catch(e) {
    return usage(`stdin is not JSON: ${e.message}`, USAGE);
  }
  if(!credential || typeof credential !== 'object' ||
    Array.isArray(credential)) {
    return usage('stdin must be a JSON object (credential)', USAGE);
  }
  if(!values['keep-issuer']) {
    if(credential.issuer && typeof credential.issuer === 'object') {
      credential.issuer = {...credential.issuer, id: key.did};
    } else {
      credential.issuer = key.did;
    }
  }
  const suite = signingSuite({keyPair: key.keyPair, created: values.created});
  try {
    const signed = await vc.issue({credential, suite, documentLoader});
    emit(signed);
  } catch(error) {
    emit({error: serializeError(error)}, EXIT_FAIL);
  }
});
