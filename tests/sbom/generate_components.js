#!/usr/bin/env node
// Writes a larger components file for tests/sbom/run.sh: COUNT components (default 50) of every
// kind, with several LicenseRefs (some with a shipped text, some without), dependsOn edges, base
// models and datasets (ids and free-text names), and the files it names, all under DIR.
// Deterministic: the same COUNT gives the same file.
//   node generate_components.js DIR [COUNT]
'use strict';
const fs = require('fs');
const path = require('path');

const [dir, countArg] = process.argv.slice(2);
const count = Number(countArg || 50);
if (!dir || !(count >= 4)) {
  console.error('usage: generate_components.js DIR [COUNT>=4]');
  process.exit(2);
}
const write = (rel, text) => {
  fs.mkdirSync(path.join(dir, path.dirname(rel)), { recursive: true });
  fs.writeFileSync(path.join(dir, rel), text);
};
const licenses = ['MIT', 'Apache-2.0', 'BSD-3-Clause', 'MIT OR Apache-2.0', 'GPL-2.0-or-later WITH Classpath-exception-2.0',
  'LicenseRef-fnseal-OpenRAIL-M', 'LicenseRef-fnseal-Llama-3', 'CC-BY-4.0 AND LicenseRef-fnseal-data-terms', 'NOASSERTION',
  'ISC AND Zlib', 'LicenseRef-fnseal-Gemma', 'NONE'];
const kinds = ['code', 'code', 'model', 'dataset'];
const id = (i) => `//gen/pkg${i}:${kinds[i % 4]}${i}`;
const components = [];
for (let i = 0; i < count; i++) {
  const kind = i === 0 ? 'code' : kinds[i % 4];
  const c = { id: id(i), kind, name: `${kind}-${i}`, license: licenses[i % licenses.length] };
  if (i % 3 === 0) c.version = `1.${i}.0`;
  if (i % 5 === 0) c.supplier = `Supplier ${i % 7}`;
  if (i % 4 === 1) c.copyright = `Copyright 20${10 + (i % 15)} Example ${i}`;
  if (i % 6 === 0) c.url = `https://example.com/${kind}/${i}`;
  const files = [];
  for (let f = 0; f < 1 + (i % 3); f++) {
    const rel = `files/${i}/part-${f}.bin`;
    write(rel, `component ${i} file ${f}\n`.repeat(1 + f));
    files.push({ name: `${kind}/${i}/part-${f}.bin`, path: rel });
  }
  c.files = files;
  const ref = (c.license.match(/LicenseRef-[A-Za-z0-9.-]+/) || [])[0];
  if (ref && i % 2 === 0) {
    write(`texts/${i}/${ref}.txt`, `The ${ref} license text, as shipped with component ${i}.\n`);
    c.licenseTexts = [{ name: `${ref}.txt`, path: `texts/${i}/${ref}.txt` }];
  }
  const deps = [];
  for (let d = i + 1; d < count && deps.length < 3; d += 1 + (i % 5)) deps.push(id(d));
  if (deps.length > 0) c.dependsOn = deps;
  if (kind === 'model' || kind === 'dataset') c.sourceUri = `https://huggingface.co/example/${kind}-${i}`;
  if (kind === 'model') {
    const datasets = [];
    for (let d = i + 1; d < count && datasets.length < 2; d++) if (d % 4 === 3) datasets.push(id(d));
    datasets.push(`public-corpus-${i}`);
    c.datasets = datasets;
    c.baseModel = i + 4 < count ? id(i + 4) : `base-model-${i}`;
  }
  components.push(c);
}
write('components.json', JSON.stringify({ fnsealComponents: 1, function: 'generated', root: id(0), components }, null, 2));
