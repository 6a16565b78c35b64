#!/usr/bin/env node
/*
 * Wraps the credential(s) read on stdin (a JSON array, or one object) into a
 * VerifiablePresentation whose holder is the did:key of --seed and signs it
 * with eddsa-rdfc-2022 (authentication purpose, challenge + domain).
 *
 * usage: node present.mjs --seed HEX32 --challenge C [--domain D]
 *                         [--created ISO] [--id URL] < credentials.json
 */
import * as vc from '@digitalbazaar/vc';
import {documentLoader} from './loader.mjs';
import {
  EXIT_FAIL, emit, keyPairFromSeed, parseCli, readStdinJson, run,
  serializeError, signingSuite, usage
} from './common.mjs';

const USAGE = 'usage: node present.mjs --seed HEX32 --challenge C ' +
  '[--domain D] [--created ISO] [--id URL] < credentials.json > vp.json';

run(async () => {
  const cli = parseCli({
    seed: {type: 'string'},
    challenge: {type: 'string'},
    domain: {type: 'string'},
    created: {type: 'string'},
    id: {type: 'string'}
  }, USAGE);
  if(!cli) {
    return;
  }
  const {values} = cli;
  if(!values.seed || !values.challenge) {
    return usage('--seed and --challenge are required', USAGE);
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
  let input;
  try {
    input = await readStdinJson();
  } catch(e) {
    return usage(`stdin is not JSON: ${e.message}`, USAGE);
  }
  const verifiableCredential = Array.isArray(input) ? input : [input];
  try {
    const presentation = vc.createPresentation({
      verifiableCredential, holder: key.did, id: values.id
    });
    const suite = signingSuite({
      keyPair: key.keyPair, created: values.created
    });
    const signed = await vc.signPresentation({
      presentation, suite, documentLoader,
      challenge: values.challenge, domain: values.domain
    });
    emit(signed);
  } catch(error) {
    emit({error: serializeError(error)}, EXIT_FAIL);
  }
});
