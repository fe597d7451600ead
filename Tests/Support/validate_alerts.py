#!/usr/bin/env python3
"""Validates alert payloads (one JSON document per line on stdin) against Schemas/alert.schema.json with the
jsonschema package (Draft 2020-12). Prints one line per invalid payload and exits 1 if any is invalid."""
import json
import pathlib
import sys

import jsonschema

schema_path = pathlib.Path(__file__).resolve().parents[2] / "Schemas" / "alert.schema.json"
schema = json.loads(schema_path.read_text())
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
count = bad = 0
for number, line in enumerate(sys.stdin, 1):
    if not line.strip():
        continue
    count += 1
    errors = sorted(validator.iter_errors(json.loads(line)), key=lambda e: list(e.path))
    for error in errors:
        bad += 1
        print(f"payload {number}: {'/'.join(map(str, error.path)) or '(root)'}: {error.message}")
print(f"{count} payloads, {bad} problems")
sys.exit(1 if bad else 0)
