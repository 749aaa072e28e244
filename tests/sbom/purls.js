#!/usr/bin/env node
// Checks every package URL in the SBOMs of unpacked bundles with packageurl-js, an independent
// implementation of the purl specification:
//   node purls.js [--expect PURL]... BUNDLE_DIR...
// Each BUNDLE_DIR holds attestations/sbom.{spdx-2.3,spdx-3.0.1,cyclonedx-1.6}.statement.json. Every
// purl must parse (PackageURL.fromString) and print back unchanged (toString), i.e. fnseal writes
// the canonical form; the three formats of a bundle must carry the same purls; every --expect purl
// must appear somewhere; and there must be at least one purl. Prints the purls found and exits 1
// on any failure.
'use strict';
const fs = require('fs');
const path = require('path');
const { PackageURL } = require('packageurl-js');

const args = process.argv.slice(2);
const expected = [];
const dirs = [];
for (let i = 0; i < args.length; i += 1) {
  if (args[i] === '--expect') expected.push(args[++i]);
  else dirs.push(args[i]);
}
if (dirs.length === 0) {
  console.error('usage: purls.js [--expect PURL]... BUNDLE_DIR...');
  process.exit(2);
}

// The purls of one SBOM predicate, by format.
const extract = {
  'spdx-2.3': (doc) => {
    const out = [];
    for (const p of doc.packages || []) {
      for (const ref of p.externalRefs || []) {
        if (ref.referenceType !== 'purl') continue;
        if (ref.referenceCategory !== 'PACKAGE-MANAGER') {
          throw new Error(`${p.SPDXID}: a purl externalRef with category ${ref.referenceCategory}`);
        }
        out.push(ref.referenceLocator);
      }
    }
    return out;
  },
  'spdx-3.0.1': (doc) => (doc['@graph'] || []).filter((e) => 'software_packageUrl' in e).map((e) => e.software_packageUrl),
  'cyclonedx-1.6': (doc) => {
    const out = [];
    const walk = (c) => {
      if (!c) return;
      if ('purl' in c) out.push(c.purl);
      for (const nested of c.components || []) walk(nested);
    };
    walk(doc.metadata && doc.metadata.component);
    for (const c of doc.components || []) walk(c);
    return out;
  },
};

let failures = 0;
const fail = (message) => {
  console.error(`purls: FAIL: ${message}`);
  failures += 1;
};
const seen = new Map(); // purl -> bundles
for (const dir of dirs) {
  const bundle = path.basename(dir);
  const sets = {};
  for (const format of Object.keys(extract)) {
    const file = path.join(dir, 'attestations', `sbom.${format}.statement.json`);
    let purls;
    try {
      purls = extract[format](JSON.parse(fs.readFileSync(file, 'utf8')).predicate);
    } catch (e) {
      fail(`${bundle} ${format}: ${e.message}`);
      continue;
    }
    for (const purl of purls) {
      try {
        const printed = PackageURL.fromString(purl).toString();
        if (printed !== purl) fail(`${bundle} ${format}: ${purl} is not canonical: packageurl-js prints ${printed}`);
      } catch (e) {
        fail(`${bundle} ${format}: packageurl-js rejects ${JSON.stringify(purl)}: ${e.message}`);
      }
      if (!seen.has(purl)) seen.set(purl, new Set());
      seen.get(purl).add(bundle);
    }
    sets[format] = [...purls].sort().join('\n');
  }
  const formats = Object.keys(sets);
  for (const format of formats.slice(1)) {
    if (sets[format] !== sets[formats[0]]) fail(`${bundle}: ${format} and ${formats[0]} carry different purls`);
  }
}
for (const purl of expected) {
  if (!seen.has(purl)) fail(`no bundle has the expected purl ${purl}`);
}
if (seen.size === 0) fail('the bundles carry no purl at all');
for (const [purl, bundles] of [...seen].sort()) console.log(`  ${purl}  (${[...bundles].sort().join(', ')})`);
if (failures > 0) process.exit(1);
console.log(`purls: ${seen.size} distinct purls in ${dirs.length} bundles, each accepted by packageurl-js and canonical`);
