// Writes the module map (module-map.cjs) into docs/architecture.md, between its
// `<!-- module-map:start -->` and `<!-- module-map:end -->` markers: `npm run docs:module-map`.
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { renderDocs } = require('../module-map.cjs');

const file = join(__dirname, '..', 'docs', 'architecture.md');
const START = '<!-- module-map:start -->';
const END = '<!-- module-map:end -->';
const doc = readFileSync(file, 'utf8');
const [before, rest] = doc.split(START);
if (rest === undefined || !rest.includes(END)) throw new Error(`${file} needs ${START} … ${END}`);
const after = rest.slice(rest.indexOf(END));
writeFileSync(file, `${before}${START}\n${renderDocs()}\n${after}`);
console.log(`module map written to ${file}`);
