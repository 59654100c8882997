// Validates real API answers against docs/openapi.yaml: the operation by method and path, the
// response by status (or its NXX range), the body against its JSON Schema (ajv, draft 2020-12,
// which OpenAPI 3.1 uses). An answer with a status the document does not list is a failure too.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import YAML from 'yaml';

const DOC = resolve(new URL('../../..', import.meta.url).pathname, 'docs/openapi.yaml');

export class ResponseValidator {
  static #shared;
  static shared() {
    return (ResponseValidator.#shared ??= new ResponseValidator(YAML.parse(readFileSync(DOC, 'utf8'))));
  }

  constructor(doc) {
    this.doc = doc;
    this.ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: 'openapi', components: doc.components });
    this.routes = Object.entries(doc.paths).map(([template, ops]) => ({
      template,
      ops,
      regex: new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`),
      literal: (template.match(/\{/g) ?? []).length,
    }));
    // Literal segments win over parameters, as in the server's router.
    this.routes.sort((a, b) => a.literal - b.literal);
    this.compiled = new Map();
    this.checked = 0;
  }

  /** A message describing what is wrong, or null when the answer matches the document. */
  check(method, path, status, contentType, text) {
    const route = this.routes.find((r) => r.regex.test(path));
    if (!route) return `${method} ${path}: no operation in docs/openapi.yaml`;
    const op = route.ops[method.toLowerCase()] ?? (method === 'HEAD' ? route.ops.get : undefined);
    if (!op) return `${method} ${route.template}: no such method in docs/openapi.yaml`;
    const code = String(status);
    const response = op.responses[code] ?? op.responses[`${code[0]}XX`] ?? op.responses.default;
    if (!response) return `${method} ${route.template}: answered ${status}, which the document does not list`;
    const resolved = response.$ref ? this.doc.components.responses[response.$ref.split('/').pop()] : response;
    const media = contentType.split(';')[0].trim();
    const schema = resolved.content?.[media]?.schema;
    if (!schema) {
      if (!resolved.content) return null;
      return `${method} ${route.template} ${status}: content type ${media} is not documented (${Object.keys(resolved.content).join(', ')})`;
    }
    const key = `${method} ${route.template} ${code} ${media}`;
    let validate = this.compiled.get(key);
    if (!validate) {
      const rewritten = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/'));
      validate = this.ajv.compile(rewritten);
      this.compiled.set(key, validate);
    }
    this.checked++;
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      return `${key}: not JSON`;
    }
    if (validate(body)) return null;
    return `${key}: ${this.ajv.errorsText(validate.errors, { separator: '; ' })}`;
  }
}
