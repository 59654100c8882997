#!/usr/bin/env python3
"""Converts docs/openapi.yaml to compact JSON inside a C++ source file (kOpenApiJson), so the
binary serves /api/openapi.json without reading the repository at run time. Fails on YAML that is
not a valid OpenAPI 3.1 skeleton (no openapi/info/paths)."""
import json
import sys

import yaml

source, target = sys.argv[1], sys.argv[2]
with open(source, encoding="utf-8") as f:
    doc = yaml.safe_load(f)
for key in ("openapi", "info", "paths"):
    if key not in doc:
        sys.exit(f"{source}: missing top-level '{key}'")
if not str(doc["openapi"]).startswith("3.1"):
    sys.exit(f"{source}: openapi must be 3.1.x")
text = json.dumps(doc, separators=(",", ":"), ensure_ascii=False, sort_keys=False)
delim = "vetahut_openapi"
assert f"){delim}\"" not in text
with open(target, "w", encoding="utf-8") as f:
    f.write("// Generated from docs/openapi.yaml by scripts/openapi_embed.py; do not edit.\n")
    f.write("#include <string_view>\n\nnamespace vetahut::app {\n")
    f.write(f"extern const std::string_view kOpenApiJson;\nconst std::string_view kOpenApiJson = R\"{delim}(")
    f.write(text)
    f.write(f"){delim}\";\n}}  // namespace vetahut::app\n")
