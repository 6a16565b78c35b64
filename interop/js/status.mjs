#!/usr/bin/env node
/*
 * Bitstring Status List interop with @digitalbazaar/vc-bitstring-status-list
 * (JSON on stdin, JSON on stdout; exit 0 ok, 1 failure, 2 usage).
 *
 * usage: node status.mjs encode  < {"length": N, "set": [i, ...]}
 *          -> {"encodedList": "u..."}
 *        node status.mjs decode  < {"encodedList": "u..."}
 *          -> {"length": N, "set": [i, ...]}      (every index whose bit is 1)
 *        node status.mjs make-list --seed HEX32 [--created ISO]
 *                                < {"id", "statusPurpose", "length", "set", "validFrom"?}
 *          -> signed BitstringStatusListCredential (issuer: did:key of the seed)
 *        node status.mjs check   < {"credential": {...}, "lists": {url: listVC}}
 *          -> {"verified", "results": [{"statusPurpose", "status"}], "error"}
 *             (checkStatus: verifies the list credential's proof and that
 *              its issuer matches the credential's)
 */
import * as vc from '@digitalbazaar/vc';
import {
  checkStatus, createCredential, createList, decodeList
} from '@digitalbazaar/vc-bitstring-status-list';
import {createDocumentLoader, documentLoader} from './loader.mjs';
import {
  EXIT_FAIL, EXIT_OK, emit, keyPairFromSeed, parseCli, readStdinJson, run,
  serializeError, signingSuite, usage, verifyingSuite
} from './common.mjs';

const USAGE = 'usage: node status.mjs encode|decode|check < input.json\n' +
  '       node status.mjs make-list --seed HEX32 [--created ISO] < list.json';

const command = process.argv[2];
process.argv.splice(2, 1);

async function listWith({length, set = []}) {
  const list = await createList({length});
  for(const i of set) {
    list.setStatus(i, true);
  }
  return list;
}

run(async () => {
  const cli = parseCli({
    seed: {type: 'string'},
    created: {type: 'string'}
  }, USAGE);
  if(!cli) {
    return;
  }
  if(!['encode', 'decode', 'make-list', 'check'].includes(command)) {
    return usage(`unknown command ${command}`, USAGE);
  }
  let input;
  try {
    input = await readStdinJson();
  } catch(e) {
    return usage(`stdin is not JSON: ${e.message}`, USAGE);
  }
  if(command === 'encode') {
    const list = await listWith(input);
    return emit({encodedList: await list.encode()});
  }
  if(command === 'decode') {
    const list = await decodeList({encodedList: input.encodedList});
    const set = [];
    for(let i = 0; i < list.length; ++i) {
      if(list.getStatus(i)) {
        set.push(i);
      }
    }
    return emit({length: list.length, set});
  }
  if(command === 'make-list') {
    if(!cli.values.seed) {
      return usage('--seed is required', USAGE);
    }
    const key = await keyPairFromSeed(cli.values.seed);
    const list = await listWith(input);
    const credential = await createCredential({
      id: input.id, list, statusPurpose: input.statusPurpose
    });
    credential.issuer = key.did;
    if(input.validFrom) {
      credential.validFrom = input.validFrom;
    }
    const suite = signingSuite({
      keyPair: key.keyPair, created: cli.values.created
    });
    const signed = await vc.issue({credential, suite, documentLoader});
    return emit(signed);
  }
  // check
  const loader = createDocumentLoader({extra: input.lists || {}});
  const result = await checkStatus({
    credential: input.credential,
    documentLoader: loader,
    suite: verifyingSuite(),
    verifyBitstringStatusListCredential: true,
    verifyMatchingIssuers: true
  });
  const out = {
    verified: !!result.verified,
    results: (result.results || []).map(r => ({
      statusPurpose: r.credentialStatus && r.credentialStatus.statusPurpose,
      status: r.status
    })),
    error: serializeError(result.error)
  };
  emit(out, out.verified ? EXIT_OK : EXIT_FAIL);
});
