// Validates scenario files against scenarios/schema.json with Ajv (an independent JSON Schema
// implementation). Usage: node validate-schema.js SCHEMA FILE... ; prints one JSON line per file.
'use strict';
const fs = require('fs');
const yaml = require('js-yaml');
const Ajv2020 = require('ajv/dist/2020').default;
const addFormats = require('ajv-formats').default;

const [schemaPath, ...files] = process.argv.slice(2);
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, 'utf8')));
for (const file of files) {
  // CORE_SCHEMA keeps instants as strings, as the scenario format reads them.
  const doc = yaml.load(fs.readFileSync(file, 'utf8'), { schema: yaml.CORE_SCHEMA });
  const valid = validate(doc);
  console.log(JSON.stringify({ file, valid, errors: (validate.errors || []).map(e => `${e.instancePath} ${e.message}`) }));
}
