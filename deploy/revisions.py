#!/usr/bin/env python3
"""Each function's revision per stage: what names its published Lambda version.

SAM names a function's version by a hash of the function's properties as written, with parameter
references unresolved (serverless-application-model #3820): a change of a parameter that feeds a
function's configuration (CorsAllowOrigin, EnableSnapStart, ...) alone would publish no version,
and "live" would keep the old configuration. AutoPublishCodeSha256, the one input SAM resolves,
replaces that hash entirely (its first 10 characters name the version), so it must carry the code
as well: here a hash of the function's packaged code location (its content's MD5, buildspec.yml)
and of the values of every parameter the function's properties refer to, directly or through a
condition.

Usage: revisions.py TEMPLATE PACKAGED STAGE_PARAMETERS OUT_DIR
  TEMPLATE          template.yaml (which parameters each function refers to)
  PACKAGED          packaged.yaml (each function's code location)
  STAGE_PARAMETERS  JSON {stage: {parameter: value}}: the overrides each stage is deployed with
                    (pipeline.yaml passes the same to CodeBuild and to CloudFormation)
writes OUT_DIR/<stage>.configuration.json, a CloudFormation template configuration file
({"Parameters": {"<Function>Revision": ...}}) for the pipeline's CreateChangeSet action.
"""
import hashlib
import json
import re
import sys
from pathlib import Path

import yaml


class CloudFormationLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short tags (!Ref, !Sub, !If ...) read as their long form."""


def _tag(loader, suffix, node):
    name = "Ref" if suffix == "Ref" else "Fn::GetAtt" if suffix == "GetAtt" else "Fn::" + suffix
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


CloudFormationLoader.add_multi_constructor("!", _tag)

REVISION_SUFFIX = "Revision"
# Properties of a SAM function that configure something else than the Lambda function itself:
# its routes, its role, its deployment, and the revision it is given.
NOT_THE_FUNCTION = ("Events", "Policies", "PermissionsBoundary", "DeploymentPreference", "AutoPublishCodeSha256")


def load(path):
    return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=CloudFormationLoader)


def dependencies(template):
    """{function logical id: sorted parameters its Lambda configuration (its properties and the
    function globals, but NOT_THE_FUNCTION) refers to, directly, in Fn::Sub, or through the
    conditions of Fn::If}."""
    parameters = {p for p in template.get("Parameters", {}) if not p.endswith(REVISION_SUFFIX)}
    conditions = template.get("Conditions", {})
    globals_ = {k: v for k, v in template.get("Globals", {}).get("Function", {}).items() if k not in NOT_THE_FUNCTION}

    def walk(node, found):
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "Ref" and v in parameters:
                    found.add(v)
                elif k == "Fn::If":
                    walk(conditions.get(v[0], {}), found)
                    walk(v[1:], found)
                elif k == "Condition" and isinstance(v, str) and v in conditions:
                    walk(conditions[v], found)
                elif k == "Fn::Sub":
                    text = v if isinstance(v, str) else v[0]
                    found.update(n for n in re.findall(r"\$\{([A-Za-z0-9]+)\}", text) if n in parameters)
                    walk(v if isinstance(v, str) else v[1], found)
                else:
                    walk(v, found)
        elif isinstance(node, list):
            for x in node:
                walk(x, found)

    out = {}
    for rid, r in template.get("Resources", {}).items():
        if r.get("Type") == "AWS::Serverless::Function":
            found = set()
            walk(globals_, found)
            props = {k: v for k, v in r.get("Properties", {}).items() if k not in NOT_THE_FUNCTION}
            walk(props, found)
            out[rid] = sorted(found)
    return out


def revisions(template, packaged, stage_parameters):
    """{stage: {"<Function>Revision": hex}} for the functions that take a revision parameter."""
    defaults = {k: v.get("Default") for k, v in template.get("Parameters", {}).items()}
    depends = dependencies(template)
    code = {
        rid: r["Properties"]["CodeUri"]
        for rid, r in packaged["Resources"].items()
        if r.get("Type") == "AWS::Serverless::Function"
    }
    out = {}
    for stage, overrides in stage_parameters.items():
        values = dict(defaults, **overrides)
        out[stage] = {}
        for function, names in depends.items():
            parameter = function + REVISION_SUFFIX
            if parameter not in template.get("Parameters", {}):
                continue
            identity = {"code": code[function], "parameters": {n: str(values.get(n)) for n in names}}
            digest = hashlib.sha256(json.dumps(identity, sort_keys=True).encode("utf-8")).hexdigest()
            out[stage][parameter] = digest[:20]
    return out


def main(template_path, packaged_path, stage_parameters, out_dir):
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    result = revisions(load(template_path), load(packaged_path), json.loads(stage_parameters))
    for stage, parameters in result.items():
        (out / f"{stage}.configuration.json").write_text(
            json.dumps({"Parameters": parameters}, indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(*sys.argv[1:5])
