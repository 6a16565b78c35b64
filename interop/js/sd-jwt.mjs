#!/usr/bin/env node
/*
 * SD-JWT VC with @sd-jwt/sd-jwt-vc (the OpenWallet Foundation library eduWallet
 * uses) and @sd-jwt/crypto-nodejs (ES256 and sha-256 on node:crypto), as an
 * interop partner for mbo_vc. One JSON object on stdin, one on stdout; exit 0
 * ok, 1 failure ({"ok": false, "error": ...}), 2 usage.
 *
 *   node sd-jwt.mjs issue   {"issuer_jwk": <private JWK>, "kid": "did:...#...",
 *                            "payload": {iss, vct, iat, cnf, ...},
 *                            "frame": <DisclosureFrame>, "typ"?}  -> {"token"}
 *   node sd-jwt.mjs present {"token", "holder_jwk": <private JWK>,
 *                            "disclose": <PresentationFrame>, "aud", "nonce",
 *                            "iat"?}                              -> {"token"}
 *   node sd-jwt.mjs verify  {"token", "issuer_jwk": <public JWK>, "nonce"?,
 *                            "now"?, "status_lists"?: {uri: statuslist+jwt},
 *                            "type_metadata"?: {url: base64 of the document's bytes},
 *                            "type_metadata_via"?: "fetcher" | "fetch"}
 *        -> {"verified": true, "header", "payload" (disclosed claims), "kb",
 *            "type_metadata"?: {vctValues, claims (count)}}
 *
 * verify: the issuer key is given (the library resolves no DID, x5c or
 * jwt-vc-issuer metadata: that is the caller's verifier callback); the KB-JWT
 * is checked against payload.cnf.jwk when a nonce is given (the library
 * checks the nonce and sd_hash; it does not compare aud nor bound iat: the
 * KB-JWT's aud is reported for the caller to check). Status lists are served
 * from "status_lists" (never the network).
 *
 * "core": true in any request uses @sd-jwt/core's generic SDJwtInstance (RFC
 * 9901 only: no vct, no status) instead, for VC-JOSE-COSE's vc+sd-jwt, whose
 * payload is a VC DM 2.0 credential; pass "typ": "vc+sd-jwt" on issue.
 *
 * Type metadata ("type_metadata",
 * loadTypeMetadataFormat) are served offline too: "fetcher" hands them to the
 * library through its vctFetcher option (the library then leaves vct#integrity
 * to the fetcher: not checked), "fetch" replaces globalThis.fetch with a stub
 * that serves only those URLs, so the library's own fetchWithIntegrity and
 * vct#integrity check run on exactly these bytes.
 */
import {SDJwtInstance} from '@sd-jwt/core';
import {SDJwtVcInstance} from '@sd-jwt/sd-jwt-vc';
import {digest, ES256, generateSalt} from '@sd-jwt/crypto-nodejs';

const USAGE = 'usage: node sd-jwt.mjs issue|present|verify < request.json';

function emit(obj, code = 0) {
  process.stdout.write(JSON.stringify(obj) + '\n', () => process.exit(code));
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

const instance = (req, options) =>
  req.core ? new SDJwtInstance(options) : new SDJwtVcInstance(options);

async function issue(req) {
  const sdjwt = instance(req, {
    signer: await ES256.getSigner(req.issuer_jwk),
    signAlg: 'ES256',
    hasher: digest,
    hashAlg: 'sha-256',
    saltGenerator: generateSalt
  });
  const header = {};
  if (req.kid) {
    header.kid = req.kid;
  }
  if (req.typ) { // default: the library's own, dc+sd-jwt
    header.typ = req.typ;
  }
  const token = await sdjwt.issue(req.payload, req.frame, {header});
  return {token};
}

async function present(req) {
  const sdjwt = instance(req, {
    hasher: digest,
    kbSigner: await ES256.getSigner(req.holder_jwk),
    kbSignAlg: 'ES256'
  });
  const iat = req.iat ?? Math.floor(Date.now() / 1000);
  const token = await sdjwt.present(req.token, req.disclose, {
    kb: {payload: {iat, aud: req.aud, nonce: req.nonce}}
  });
  return {token};
}

function typeMetadataOptions(req) {
  const docs = req.type_metadata;
  if (!docs) {
    return {};
  }
  const bytes = url => {
    if (!(url in docs)) {
      throw new Error(`no type metadata given for ${url} (offline)`);
    }
    return Buffer.from(docs[url], 'base64');
  };
  if (req.type_metadata_via === 'fetch') {
    globalThis.fetch = async url => new Response(bytes(String(url)), {
      status: 200, headers: {'content-type': 'application/json'}
    });
    return {loadTypeMetadataFormat: true};
  }
  return {
    loadTypeMetadataFormat: true,
    vctFetcher: async uri => JSON.parse(bytes(uri).toString('utf8'))
  };
}

async function verify(req) {
  const lists = req.status_lists ?? {};
  const sdjwt = instance(req, {
    ...typeMetadataOptions(req),
    hasher: digest,
    verifier: await ES256.getVerifier(req.issuer_jwk),
    // the holder key is the credential's cnf.jwk (the SD-JWT payload is passed in)
    kbVerifier: async (data, signature, payload) => {
      const jwk = payload?.cnf?.jwk;
      if (!jwk) {
        throw new Error('the credential has no cnf.jwk to check the KB-JWT with');
      }
      return (await ES256.getVerifier(jwk))(data, signature);
    },
    statusListFetcher: async uri => {
      if (!(uri in lists)) {
        throw new Error(`no status list given for ${uri}`);
      }
      return lists[uri];
    }
  });
  const options = {};
  if (req.nonce !== undefined) {
    options.keyBindingNonce = req.nonce;
  }
  if (req.now !== undefined) {
    options.currentDate = req.now;
  }
  const result = await sdjwt.verify(req.token, options);
  return {
    verified: true,
    header: result.header,
    payload: result.payload,
    kb: result.kb ? {header: result.kb.header, payload: result.kb.payload} : null,
    ...(result.typeMetadata ? {type_metadata: {
      vctValues: result.typeMetadata.vctValues,
      claims: (result.typeMetadata.mergedTypeMetadata.claims ?? []).length
    }} : {})
  };
}

const OPS = {issue, present, verify};
const op = OPS[process.argv[2]];
if (!op || process.argv.length !== 3) {
  process.stderr.write(USAGE + '\n');
  emit({ok: false, error: {name: 'UsageError', message: USAGE}}, 2);
} else {
  let req;
  try {
    req = await readStdin();
  } catch (e) {
    emit({ok: false, error: {name: 'UsageError', message: String(e.message)}}, 2);
  }
  if (req !== undefined) {
    try {
      emit({ok: true, ...(await op(req))});
    } catch (e) {
      emit({ok: false, verified: false,
        error: {name: e?.name ?? 'Error', message: String(e?.message ?? e)}}, 1);
    }
  }
}
