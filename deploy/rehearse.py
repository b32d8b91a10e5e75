#!/usr/bin/env python3
"""The deploy rehearsal: template.yaml as CloudFormation would process it, without an AWS account.

For each parameter set the pipeline deploys (pipeline.yaml's CreateChangeSet actions), this
writes to OUT_DIR:
  <set>.parameters.json  the parameter values used
  <set>.expanded.json    the template after the AWS SAM transform (aws-sam-translator, the
                         library CloudFormation's transform, the SAM CLI and cfn-lint use)
and once:
  packaged.yaml          what `aws cloudformation package` writes (CodeUri replaced by S3 URLs,
                         written as the AWS CLI writes it: PyYAML, block style, sorted keys;
                         byte-identical to awscli 1.45's writer for this template)
  sizes.json             bytes of packaged.yaml and of each expanded template, as CloudFormation
                         counts them against its limits
The checks live in the JUnit test DeployRehearsalTest; this script only produces the artefacts.
Usage: rehearse.py REPO_ROOT OUT_DIR
"""
import json
import os
import re
import sys
from pathlib import Path

# The translator reads the region from a boto3 session; no AWS call is made.
os.environ["AWS_DEFAULT_REGION"] = "eu-central-1"
os.environ.setdefault("AWS_ACCESS_KEY_ID", "rehearsal")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "rehearsal")

import yaml
from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse

ACCOUNT = "123456789012"
REGION = "eu-central-1"
# A fake, fixed stand-in for a pipeline stack's outputs the parameter overrides name.
PIPELINE_VALUES = {
    "ApplicationBoundary": f"arn:aws:iam::{ACCOUNT}:policy/whereabouts-pipeline-ApplicationBoundary-0123456789AB",
}


class NoManagedPolicies:
    """The translator asks IAM for AWS managed policy names only when a function's Policies names
    one by its short name; the template uses none, so nothing is ever looked up."""

    def load(self):
        return {}


def pipeline_parameter_sets(pipeline):
    """{set name: parameter overrides} from pipeline.yaml's CreateChangeSet actions."""
    sets = {}
    for stage in pipeline["Resources"]["Pipeline"]["Properties"]["Stages"]:
        for action in stage["Actions"]:
            if not isinstance(action, dict) or "Configuration" not in action:
                continue
            config = action["Configuration"]
            if config.get("ActionMode") != "CHANGE_SET_REPLACE":
                continue
            overrides = config["ParameterOverrides"]
            if isinstance(overrides, dict) and "Fn::Sub" in overrides:
                text = overrides["Fn::Sub"]
                text = text[0] if isinstance(text, list) else text
                text = re.sub(
                    r"\$\{([A-Za-z0-9:.]+)\}",
                    lambda m: PIPELINE_VALUES.get(m.group(1).split(".")[0], m.group(1)),
                    text,
                )
                overrides = text
            sets[stage["Name"].lower()] = json.loads(overrides)
    return sets


def with_defaults(template, overrides):
    values = {k: v.get("Default") for k, v in template.get("Parameters", {}).items()}
    values.update(overrides)
    values.update({"AWS::Region": REGION, "AWS::AccountId": ACCOUNT, "AWS::Partition": "aws"})
    return {k: v for k, v in values.items() if v is not None}


def packaged(template_text):
    """What `aws cloudformation package` writes: each local CodeUri becomes an S3 URL."""
    template = yaml_parse(template_text)
    for resource in template["Resources"].values():
        props = resource.get("Properties", {})
        if resource.get("Type") == "AWS::Serverless::Function" and "CodeUri" in props:
            # The AWS CLI names the object by the file's MD5: 32 hex digits.
            props["CodeUri"] = "s3://whereabouts-artifacts-0123456789ab/packages/" + "0" * 40 + "/" + "f" * 32
    # Plain dicts (the parser's are ordered) and the CLI's options.
    return yaml.safe_dump(json.loads(json.dumps(template)), default_flow_style=False)


def main(root, out):
    root, out = Path(root), Path(out)
    out.mkdir(parents=True, exist_ok=True)
    text = (root / "template.yaml").read_text(encoding="utf-8")
    pipeline = yaml_parse((root / "pipeline.yaml").read_text(encoding="utf-8"))
    sizes = {}
    packaged_text = packaged(text)
    (out / "packaged.yaml").write_text(packaged_text, encoding="utf-8")
    sizes["packaged"] = len(packaged_text.encode("utf-8"))
    for name, overrides in pipeline_parameter_sets(pipeline).items():
        template = yaml_parse(packaged_text)
        values = with_defaults(template, overrides)
        expanded = transform(template, values, NoManagedPolicies())
        body = json.dumps(expanded, indent=1, sort_keys=True)
        (out / f"{name}.parameters.json").write_text(json.dumps(values, indent=1), encoding="utf-8")
        (out / f"{name}.expanded.json").write_text(body, encoding="utf-8")
        # CloudFormation stores and limits the processed template as compact JSON.
        sizes[name] = len(json.dumps(expanded, separators=(",", ":")).encode("utf-8"))
    (out / "sizes.json").write_text(json.dumps(sizes, indent=1), encoding="utf-8")
    print(json.dumps(sizes))


if __name__ == "__main__":
    main(*sys.argv[1:3])
