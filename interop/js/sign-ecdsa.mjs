#!/usr/bin/env node
/*
 * Signs the credential read on stdin with ecdsa-rdfc-2019 (DataIntegrityProof,
 * assertionMethod) using @digitalbazaar/vc issue() and
 * @digitalbazaar/ecdsa-multikey.
 *
 * --key is an mbo_vc key file (Multikey JSON with publicKeyMultibase and
 * secretKeyMultibase, P-256 zDn... or P-384 z82...). The issuer (its `id` if
 * it is an object) is set to the key's controller unless --keep-issuer; the
 * verificationMethod is the key file's id.
 *
 * usage: node sign-ecdsa.mjs --key FILE [--created ISO] [--keep-issuer]
 *        < vc.json
 */
import {readFileSync} from 'node:fs';

import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import * as vc from '@digitalbazaar/vc';
import {documentLoader} from './loader.mjs';
import {
  EXIT_FAIL, emit, parseCli, readStdinJson, run, serializeError,
  signingSuite, usage
} from './common.mjs';

const USAGE = 'usage: node sign-ecdsa.mjs --key FILE [--created ISO] ' +
  '[--keep-issuer] < credential.json > signed.json';

run(async () => {
  const cli = parseCli({
    key: {type: 'string'},
    created: {type: 'string'},
    'keep-issuer': {type: 'boolean', default: false}
  }, USAGE);
  if(!cli) {
    return;
  }
  const {values} = cli;
  if(!values.key) {
    return usage('--key is required', USAGE);
  }
  let keyPair;
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
  } catch(e) {
    return usage(`--key: ${e.message}`, USAGE);
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
      credential.issuer = {...credential.issuer, id: keyPair.controller};
    } else {
      credential.issuer = keyPair.controller;
    }
  }
  const suite = signingSuite({
    keyPair, created: values.created, cryptosuite: 'ecdsa-rdfc-2019'
  });
  try {
    const signed = await vc.issue({credential, suite, documentLoader});
    emit(signed);
  } catch(error) {
    emit({error: serializeError(error)}, EXIT_FAIL);
  }
});
