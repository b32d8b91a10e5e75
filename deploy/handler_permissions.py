#!/usr/bin/env python3
"""Regenerates deploy/handler-permissions.json: the IAM actions CloudFormation's resource handlers
call for each resource type template.yaml creates (after the SAM transform).

The source is each type's CloudFormation registry schema, its "handlers" section
(https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-schema.html).
`aws cloudformation describe-type --type RESOURCE --type-name AWS::IAM::Role` prints the same
schema; cfn-lint ships the schemas without their handlers, so they are read from a directory of
schema files (one per type, named like AWS_IAM_Role.json).
Usage: handler_permissions.py SCHEMA_DIR SOURCE_DESCRIPTION DATE > deploy/handler-permissions.json
"""
import json
import sys
from pathlib import Path

# Handlers CloudFormation runs for a resource in a stack (list is only for resource discovery).
HANDLERS = ("create", "read", "update", "delete")


def main(schema_dir, source, date):
    types = {}
    for path in sorted(Path(schema_dir).glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        handlers = schema.get("handlers", {})
        types[schema["typeName"]] = {
            h: sorted(set(handlers[h].get("permissions", []))) for h in HANDLERS if h in handlers
        }
    print(json.dumps({"source": source, "retrieved": date, "types": types}, indent=1))


if __name__ == "__main__":
    main(*sys.argv[1:4])
