#!/usr/bin/env node
/*
 * Canonicalizes the JSON-LD document read on stdin exactly as
 * @digitalbazaar/eddsa-rdfc-2022-cryptosuite's canonize() does:
 *   jsonld.toRDF(doc, {base: null, safe: true, rdfDirection: 'i18n-datatype',
 *                      produceGeneralizedRdf: false})
 *   -> rdf-canonize RDFC-1.0 -> N-Quads
 * (the cryptosuite's own function is called, with the offline loader).
 *
 * prints {"ok": true, "nquads": "..."} (exit 0) or
 *        {"ok": false, "code": <jsonld.js event code, e.g. 'invalid property',
 *         'relative @type reference', or error code>, "name", "message",
 *         "details"} (exit 1).
 * --unsafe turns safe mode off (for diagnostics only).
 */
import {cryptosuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {documentLoader} from './loader.mjs';
import {
  EXIT_FAIL, emit, parseCli, readStdinJson, run, serializeError, usage
} from './common.mjs';

const USAGE = 'usage: node canonize.mjs [--unsafe] < document.json';

run(async () => {
  const cli = parseCli({unsafe: {type: 'boolean', default: false}}, USAGE);
  if(!cli) {
    return;
  }
  let input;
  try {
    input = await readStdinJson();
  } catch(e) {
    return usage(`stdin is not JSON: ${e.message}`, USAGE);
  }
  try {
    const options = {documentLoader};
    if(cli.values.unsafe) {
      options.safe = false;
    }
    const nquads = await cryptosuite.canonize(input, options);
    emit({ok: true, nquads});
  } catch(error) {
    const e = serializeError(error);
    emit({
      ok: false,
      code: e.code ?? null,
      name: e.name,
      message: e.message,
      details: e.eventDetails ?? null,
      error: e
    }, EXIT_FAIL);
  }
});
