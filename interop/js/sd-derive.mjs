#!/usr/bin/env node
/*
 * ecdsa-sd-2023 with @digitalbazaar/ecdsa-sd-2023-cryptosuite: issues a base
 * proof over the credential read on stdin (issuer side, --mandatory JSON
 * pointers), derives a disclosure from it (holder side, --selective JSON
 * pointers) and verifies the derived credential itself (verifier side).
 * Prints {"base": ..., "derived": ..., "verified": bool}.
 *
 * --key is an mbo_vc P-256 key file (Multikey JSON); the issuer (its `id` if
 * it is an object) is set to the key's controller.
 *
 * usage: node sd-derive.mjs --key FILE --mandatory '["/issuer"]'
 *        --selective '["/credentialSubject/x"]' [--created ISO] < vc.json
 */
import {readFileSync} from 'node:fs';

import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import * as ecdsaSd2023Cryptosuite from
  '@digitalbazaar/ecdsa-sd-2023-cryptosuite';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import * as vc from '@digitalbazaar/vc';
import {documentLoader} from './loader.mjs';
import {
  EXIT_FAIL, emit, parseCli, readStdinJson, run, serializeError, usage
} from './common.mjs';

const {
  createDiscloseCryptosuite, createSignCryptosuite, createVerifyCryptosuite
} = ecdsaSd2023Cryptosuite;

const USAGE = 'usage: node sd-derive.mjs --key FILE --mandatory JSON ' +
  '--selective JSON [--created ISO] < credential.json';

run(async () => {
  const cli = parseCli({
    key: {type: 'string'},
    mandatory: {type: 'string'},
    selective: {type: 'string'},
    created: {type: 'string'}
  }, USAGE);
  if(!cli) {
    return;
  }
  const {values} = cli;
  if(!values.key || !values.mandatory || !values.selective) {
    return usage('--key, --mandatory and --selective are required', USAGE);
  }
  let keyPair;
  let mandatoryPointers;
  let selectivePointers;
  try {
    const doc = JSON.parse(readFileSync(values.key, 'utf8'));
    keyPair = await EcdsaMultikey.from({
      '@context': 'https://w3id.org/security/multikey/v1',
      type: 'Multikey',
      id: doc.id,
      controller: doc.controller,
      publicKeyMultibase: doc.publicKeyMultibase,
      secretKeyMultibase: doc.secretKeyMultibase
    });
    mandatoryPointers = JSON.parse(values.mandatory);
    selectivePointers = JSON.parse(values.selective);
  } catch(e) {
    return usage(e.message, USAGE);
  }
  let credential;
  try {
    credential = await readStdinJson();
  } catch(e) {
    return usage(`stdin is not JSON: ${e.message}`, USAGE);
  }
  if(credential.issuer && typeof credential.issuer === 'object') {
    credential.issuer = {...credential.issuer, id: keyPair.controller};
  } else {
    credential.issuer = keyPair.controller;
  }
  try {
    const signSuite = new DataIntegrityProof({
      signer: keyPair.signer(),
      date: values.created,
      cryptosuite: createSignCryptosuite({mandatoryPointers})
    });
    const base = await vc.issue({credential, suite: signSuite, documentLoader});
    const discloseSuite = new DataIntegrityProof({
      cryptosuite: createDiscloseCryptosuite({selectivePointers})
    });
    const derived = await vc.derive({
      verifiableCredential: base, suite: discloseSuite, documentLoader
    });
    const verifySuite = new DataIntegrityProof({
      cryptosuite: createVerifyCryptosuite()
    });
    const result = await vc.verifyCredential({
      credential: derived, suite: verifySuite, documentLoader,
      checkStatus: async () => ({verified: true})
    });
    emit({base, derived, verified: result.verified});
  } catch(error) {
    emit({error: serializeError(error)}, EXIT_FAIL);
  }
});
