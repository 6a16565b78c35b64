/*
 * Fully offline JSON-LD document loader for the Digital Bazaar reference
 * stack (interop partner / benchmark of mbo_vc).
 *
 * - JSON-LD contexts come only from the project's pinned copies, listed in
 *   MANIFEST.json files:
 *     <repo>/contexts/MANIFEST.json              (trusted contexts)
 *     <repo>/test_vectors/contexts/MANIFEST.json (test-only contexts)
 *   Shape: {"version": 1, "contexts": [{"url", "file", "sha256"}, ...]}, the
 *   files relative to the manifest's directory. The legacy reference shape
 *   {"<url>": {"file", "sha256", ...}} is accepted too.
 *   Override the list of directories with MBO_VC_CONTEXTS_DIRS (separated by
 *   the platform path delimiter, ':' on POSIX).
 *   Every file's sha256 is checked against its manifest when first loaded.
 * - did:key URLs (Ed25519 z6Mk..., P-256 zDna..., P-384 z82L...) are resolved
 *   locally with @digitalbazaar/did-method-key (+ ed25519-multikey,
 *   ecdsa-multikey).
 * - Any other URL throws: there is never network access.
 */
import {createHash} from 'node:crypto';
import {existsSync, readFileSync} from 'node:fs';
import {delimiter, dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';

import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {driver as didKeyDriverFactory} from '@digitalbazaar/did-method-key';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(HERE, '..', '..');

export const DEFAULT_CONTEXTS_DIRS = [
  join(REPO_ROOT, 'contexts'),
  join(REPO_ROOT, 'test_vectors', 'contexts'),
];

export function contextsDirs() {
  const env = process.env.MBO_VC_CONTEXTS_DIRS;
  if(env && env.trim()) {
    return env.split(delimiter).filter(Boolean).map(d => resolve(d));
  }
  return DEFAULT_CONTEXTS_DIRS;
}

function manifestEntries(manifest) {
  if(manifest && Array.isArray(manifest.contexts)) {
    return manifest.contexts.map(e => ({
      url: e.url, file: e.file, sha256: e.sha256
    }));
  }
  // legacy / reference shape: {url: {file, sha256, ...}}
  return Object.entries(manifest || {})
    .filter(([url, e]) => /^[a-z]+:/i.test(url) && e && e.file)
    .map(([url, e]) => ({url, file: e.file, sha256: e.sha256}));
}

/**
 * Builds the URL -> {path, sha256} table from the manifests. The first
 * directory that lists a URL wins.
 */
export function loadManifests(dirs = contextsDirs()) {
  const table = new Map();
  const found = [];
  for(const dir of dirs) {
    const manifestPath = join(dir, 'MANIFEST.json');
    if(!existsSync(manifestPath)) {
      continue;
    }
    found.push(manifestPath);
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    for(const {url, file, sha256} of manifestEntries(manifest)) {
      if(typeof url !== 'string' || typeof file !== 'string') {
        throw new Error(`Bad entry in ${manifestPath}: ${url}`);
      }
      if(!table.has(url)) {
        table.set(url, {path: join(dir, file), sha256, manifest: manifestPath});
      }
    }
  }
  return {table, manifests: found, dirs};
}

let _didKeyDriver;
function didKeyDriver() {
  if(!_didKeyDriver) {
    _didKeyDriver = didKeyDriverFactory();
    _didKeyDriver.use({
      multibaseMultikeyHeader: 'z6Mk',
      fromMultibase: Ed25519Multikey.from
    });
    for(const header of ['zDna', 'z82L']) {
      _didKeyDriver.use({
        multibaseMultikeyHeader: header,
        fromMultibase: EcdsaMultikey.from
      });
    }
  }
  return _didKeyDriver;
}

export async function resolveDidKey(url) {
  return didKeyDriver().get({url});
}

/**
 * Creates an offline document loader.
 *
 * @param {object} [options]
 * @param {string[]} [options.dirs] - Context directories (default: manifests
 *   of the project, or MBO_VC_CONTEXTS_DIRS).
 * @param {object} [options.extra] - Extra {url: document} entries.
 * @returns {Function} async (url) => {contextUrl, documentUrl, document}.
 */
export function createDocumentLoader({dirs, extra = {}} = {}) {
  const {table, manifests, dirs: usedDirs} = loadManifests(dirs);
  const cache = new Map();

  function loadContext(url) {
    if(cache.has(url)) {
      return cache.get(url);
    }
    const entry = table.get(url);
    const bytes = readFileSync(entry.path);
    if(entry.sha256) {
      const digest = createHash('sha256').update(bytes).digest('hex');
      if(digest !== entry.sha256) {
        throw new Error(
          `sha256 mismatch for ${url} (${entry.path}): ` +
          `got ${digest}, manifest ${entry.manifest} says ${entry.sha256}`);
      }
    }
    // served exactly as published: no repair (jsonld.js is the JSON-LD 1.1 reference)
    const document = JSON.parse(bytes.toString('utf8'));
    cache.set(url, document);
    return document;
  }

  const documentLoader = async url => {
    if(Object.prototype.hasOwnProperty.call(extra, url)) {
      return {contextUrl: null, documentUrl: url, document: extra[url]};
    }
    if(table.has(url)) {
      // return a copy so callers can never mutate the cached context
      const document = structuredClone(loadContext(url));
      return {contextUrl: null, documentUrl: url, document};
    }
    if(typeof url === 'string' && url.startsWith('did:key:')) {
      const document = await resolveDidKey(url);
      return {contextUrl: null, documentUrl: url, document};
    }
    const error = new Error(
      `Offline document loader: no local copy of "${url}" ` +
      `(manifests: ${manifests.length ? manifests.join(', ') :
        'none found in ' + usedDirs.join(', ')}); network access is disabled.`);
    error.name = 'OfflineLoaderError';
    error.url = url;
    throw error;
  };
  documentLoader.knownUrls = () => [...table.keys()];
  return documentLoader;
}

export const documentLoader = createDocumentLoader();
export default documentLoader;
