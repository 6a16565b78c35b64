/*
 * Shared helpers for the interop CLI scripts (sign / verify / present /
 * canonize). Conventions: JSON on stdin, JSON on stdout; exit 0 on success,
 * 1 on failure (verification / signing / canonicalization, with a JSON error
 * object on stdout), 2 on usage error.
 */
import {parseArgs} from 'node:util';

import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {cryptosuite as ecdsaRdfc2019CryptoSuite} from
  '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import {createVerifyCryptosuite as createSdVerifyCryptosuite} from
  '@digitalbazaar/ecdsa-sd-2023-cryptosuite';

/** The cryptosuites the scripts sign and verify with, by name. */
export const CRYPTOSUITES = {
  'eddsa-rdfc-2022': eddsaRdfc2022CryptoSuite,
  'ecdsa-rdfc-2019': ecdsaRdfc2019CryptoSuite
};

export const EXIT_OK = 0;
export const EXIT_FAIL = 1;
export const EXIT_USAGE = 2;

export function emit(obj, code = EXIT_OK) {
  process.stdout.write(JSON.stringify(obj) + '\n', () => process.exit(code));
}

export function usage(message, text) {
  process.stderr.write(text ? text + '\n' : '');
  emit({error: {name: 'UsageError', message}}, EXIT_USAGE);
}

/** Parses argv; on error prints the usage and exits 2. Returns values or
 * null (caller must then return). */
export function parseCli(options, usageText) {
  try {
    const {values, positionals} = parseArgs({
      options: {...options, help: {type: 'boolean', short: 'h'}},
      allowPositionals: false, strict: true
    });
    if(values.help) {
      process.stdout.write(usageText + '\n', () => process.exit(EXIT_OK));
      return null;
    }
    return {values, positionals};
  } catch(e) {
    usage(e.message, usageText);
    return null;
  }
}

export async function readStdinJson() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return JSON.parse(text);
}

export function seedFromHex(hex) {
  if(typeof hex !== 'string' || !/^[0-9a-fA-F]{64}$/.test(hex)) {
    throw new TypeError('--seed must be 64 hex characters (32 bytes).');
  }
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

/**
 * Ed25519 key from a 32-byte seed, as a Multikey whose controller is its
 * did:key and whose id is did:key:z6Mk...#z6Mk....
 */
export async function keyPairFromSeed(seedHex) {
  const seed = seedFromHex(seedHex);
  const tmp = await Ed25519Multikey.generate({seed});
  const did = `did:key:${tmp.publicKeyMultibase}`;
  const keyPair = await Ed25519Multikey.generate({seed, controller: did});
  return {did, keyPair, verificationMethod: keyPair.id};
}

export function signingSuite({
  keyPair, created, cryptosuite = 'eddsa-rdfc-2022'
}) {
  return new DataIntegrityProof({
    signer: keyPair.signer(),
    date: created,
    cryptosuite: CRYPTOSUITES[cryptosuite]
  });
}

export function verifyingSuite(cryptosuite = 'eddsa-rdfc-2022') {
  if(cryptosuite === 'ecdsa-sd-2023') {
    // verify-only: derived proofs (sd-derive.mjs issues and derives them)
    return new DataIntegrityProof({cryptosuite: createSdVerifyCryptosuite()});
  }
  if(!CRYPTOSUITES[cryptosuite]) {
    throw new TypeError(`unknown cryptosuite "${cryptosuite}"`);
  }
  return new DataIntegrityProof({cryptosuite: CRYPTOSUITES[cryptosuite]});
}

/** JSON-safe error description (keeps jsonld.js event codes / details). */
export function serializeError(error, depth = 0) {
  if(error === undefined || error === null) {
    return null;
  }
  if(typeof error !== 'object') {
    return {message: String(error)};
  }
  const out = {name: error.name, message: error.message};
  const details = error.details;
  if(details && typeof details === 'object') {
    if(details.event) {
      out.code = details.event.code;
      out.level = details.event.level;
      out.eventDetails = safeJson(details.event.details);
    } else if(details.code) {
      out.code = details.code;
    }
  }
  if(error.code && !out.code) {
    out.code = error.code;
  }
  if(depth < 4) {
    if(Array.isArray(error.errors)) {
      out.errors = error.errors.map(e => serializeError(e, depth + 1));
    }
    const cause = error.cause || (details && details.cause);
    if(cause) {
      out.cause = serializeError(cause, depth + 1);
    }
  }
  return out;
}

function safeJson(value) {
  try {
    return JSON.parse(JSON.stringify(value ?? null));
  } catch(e) {
    return String(value);
  }
}

/** Runs main(), mapping uncaught errors to exit 1 with a JSON error. */
export function run(main) {
  main().catch(error => emit({error: serializeError(error)}, EXIT_FAIL));
}

// re-exported so that bench/ can use the very same module instances
export * as vc from '@digitalbazaar/vc';
export {default as jsonld} from 'jsonld';
export {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
export {default as jsigs} from 'jsonld-signatures';
export * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
