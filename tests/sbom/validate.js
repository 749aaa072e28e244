#!/usr/bin/env node
// Validates SBOMs against the published JSON schemas in testdata/schemas with ajv:
//   node validate.js SCHEMA_DIR FORMAT=FILE[!] ...
// FORMAT is spdx-2.3, spdx-3.0.1 or cyclonedx-1.6; a trailing "!" means the file must FAIL
// validation (a deliberately broken document, so that the check itself can fail). A file may be an
// in-toto statement (its "predicate" is validated). Prints one line per file and a summary; exits
// 1 if any file did not come out as expected.
'use strict';
const fs = require('fs');
const path = require('path');
const Ajv07 = require('ajv').default;
const Ajv2020 = require('ajv/dist/2020').default;
const addFormats = require('ajv-formats').default;
const { fullFormats } = require('ajv-formats/dist/formats');

const [schemaDir, ...specs] = process.argv.slice(2);
if (!schemaDir || specs.length === 0) {
  console.error('usage: validate.js SCHEMA_DIR FORMAT=FILE[!] ...');
  process.exit(2);
}
const load = (name) => JSON.parse(fs.readFileSync(path.join(schemaDir, name), 'utf8'));

// ajv-formats has no IRI formats (CycloneDX uses iri-reference and idn-email): an IRI is checked
// as the URI reference it maps to (RFC 3987 section 3.1: non-ASCII characters percent-encoded).
function withFormats(ajv) {
  addFormats(ajv);
  const asUri = (s) => s.replace(/[^\x00-\x7f]/gu, (c) => encodeURIComponent(c));
  ajv.addFormat('iri-reference', (s) => fullFormats['uri-reference'].test(asUri(s)));
  ajv.addFormat('iri', (s) => fullFormats.uri(asUri(s)));
  ajv.addFormat('idn-email', (s) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/u.test(s));
  return ajv;
}

function compile(format) {
  if (format === 'spdx-2.3') {
    const ajv = withFormats(new Ajv07({ allErrors: true, strict: false }));
    return ajv.compile(load('spdx-2.3.schema.json'));
  }
  if (format === 'spdx-3.0.1') {
    const ajv = withFormats(new Ajv2020({ allErrors: true, strict: false }));
    return ajv.compile(load('spdx-3.0.1.schema.json'));
  }
  if (format === 'cyclonedx-1.6') {
    const ajv = withFormats(new Ajv07({ allErrors: true, strict: false }));
    // bom-1.6 refers to these two by relative $ref, resolved against its $id.
    ajv.addSchema(load('spdx.schema.json'), 'http://cyclonedx.org/schema/spdx.schema.json');
    ajv.addSchema(load('jsf-0.82.schema.json'), 'http://cyclonedx.org/schema/jsf-0.82.schema.json');
    return ajv.compile(load('bom-1.6.schema.json'));
  }
  throw new Error(`unknown format ${format}`);
}

const validators = {};
let ok = 0;
let bad = 0;
for (const spec of specs) {
  const mustFail = spec.endsWith('!');
  const [format, file] = (mustFail ? spec.slice(0, -1) : spec).split(/=(.*)/s);
  validators[format] = validators[format] || compile(format);
  let document = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (document._type === 'https://in-toto.io/Statement/v1') document = document.predicate;
  const valid = validators[format](document);
  const errors = (validators[format].errors || []).slice(0, 5).map((e) => `${e.instancePath} ${e.message}`);
  if (valid !== mustFail) {
    ok++;
    console.log(`sbom: ok   ${format} ${path.basename(file)}: ${valid ? 'valid' : 'invalid, as it must be (' + errors[0] + ')'}`);
  } else {
    bad++;
    console.log(`sbom: FAIL ${format} ${path.basename(file)}: ${valid ? 'valid, but it must be invalid' : 'invalid'}`);
    for (const e of errors) console.log(`      ${e}`);
  }
}
console.log(`sbom: ${ok} as expected, ${bad} not`);
process.exit(bad === 0 ? 0 : 1);
