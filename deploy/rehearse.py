#!/usr/bin/env python3
"""The deploy rehearsal: template.yaml as CloudFormation would process it, without an AWS account.

For each parameter set the pipeline deploys (pipeline.yaml's CreateChangeSet actions), this
writes to OUT_DIR:
  <set>.parameters.json  the parameter values used
  <set>.expanded.json    the template after the AWS SAM transform (aws-sam-translator, the
                         library CloudFormation's transform, the SAM CLI and cfn-lint use)
and once:
  <set>.resolved.json    the expanded template as that stack would hold it: conditions decided,
                         resources whose condition is false dropped, Fn::If branches chosen,
                         parameter and AWS::StackName references (Ref, Fn::Sub) replaced
  packaged.yaml          what `aws cloudformation package` writes (CodeUri replaced by S3 URLs,
                         written as the AWS CLI writes it: PyYAML, block style, sorted keys;
                         byte-identical to awscli 1.45's writer for this template)
  sizes.json             bytes of packaged.yaml and of each expanded template, as CloudFormation
                         counts them against its limits
  versions.json          the Lambda version logical ids SAM generates for the production set when
                         only the commit changes, when one jar changes (the S3 keys follow
                         buildspec.yml's package command: its --s3-prefix, then the jar's MD5),
                         and when each parameter a function's configuration uses changes; each
                         time with the revisions the build computes (deploy/revisions.py) when
                         the pipeline's change set reads them
The checks live in the JUnit test DeployRehearsalTest; this script only produces the artefacts.
Usage: rehearse.py REPO_ROOT OUT_DIR
"""
import copy
import hashlib
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
import revisions  # noqa: E402  (deploy/revisions.py: what the build computes)

ACCOUNT = "123456789012"
REGION = "eu-central-1"
# A fake, fixed stand-in for a pipeline stack's outputs the parameter overrides name.
PIPELINE_VALUES = {
    "ApplicationBoundary": f"arn:aws:iam::{ACCOUNT}:policy/whereabouts-pipeline-ApplicationBoundary-0123456789AB",
    # A pipeline parameter without a default: the rehearsal's operator subscribes this address.
    "AlarmEmail": "alarms@example.com",
}
# The stack each parameter set deploys: the pipeline parameter naming it (its default is used).
STACK_PARAMETERS = {"staging": "StagingStackName", "production": "ProductionStackName"}
BUCKET = "whereabouts-packages-0123456789ab"
COMMITS = ("1" * 40, "2" * 40)


class NoManagedPolicies:
    """The translator asks IAM for AWS managed policy names only when a function's Policies names
    one by its short name; the template uses none, so nothing is ever looked up."""

    def load(self):
        return {}


def pipeline_values(pipeline):
    """The pipeline stack's parameter values: defaults, then the rehearsal's stand-ins."""
    values = {k: str(v["Default"]) for k, v in pipeline.get("Parameters", {}).items() if "Default" in v}
    values.update(PIPELINE_VALUES)
    return values


def substitute(text, known):
    return re.sub(
        r"\$\{([A-Za-z0-9:.]+)\}",
        lambda m: known.get(m.group(1).split(".")[0], m.group(1)),
        text,
    )


def stage_parameters(pipeline, sets):
    """What the build hands deploy/revisions.py: the BuildProject's STAGE_PARAMETERS (the stages'
    overrides), or, for a pipeline without it, the sets' own overrides."""
    build = pipeline["Resources"].get("BuildProject", {}).get("Properties", {})
    for variable in build.get("Environment", {}).get("EnvironmentVariables", []):
        if variable.get("Name") == "STAGE_PARAMETERS":
            value = variable["Value"]
            text = value["Fn::Sub"] if isinstance(value, dict) else value
            return json.loads(substitute(text, pipeline_values(pipeline)))
    return sets


def configuration_files(pipeline):
    """{set name: the TemplateConfiguration file its CreateChangeSet action reads, or None}."""
    files = {}
    for stage in pipeline["Resources"]["Pipeline"]["Properties"]["Stages"]:
        for action in stage["Actions"]:
            if isinstance(action, dict) and action.get("Configuration", {}).get("ActionMode") == "CHANGE_SET_REPLACE":
                path = action["Configuration"].get("TemplateConfiguration")
                files[stage["Name"].lower()] = path.split("::", 1)[1] if path else None
    return files


def pipeline_parameter_sets(pipeline):
    """{set name: parameter overrides} from pipeline.yaml's CreateChangeSet actions."""
    known = pipeline_values(pipeline)
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
                overrides = substitute(text, known)
            sets[stage["Name"].lower()] = json.loads(overrides)
    return sets


def with_defaults(template, overrides):
    values = {k: v.get("Default") for k, v in template.get("Parameters", {}).items()}
    values.update(overrides)
    values.update({"AWS::Region": REGION, "AWS::AccountId": ACCOUNT, "AWS::Partition": "aws"})
    return {k: v for k, v in values.items() if v is not None}


def package_prefix(root, commit):
    """buildspec.yml's --s3-prefix, with CodeBuild's commit variable set to `commit`."""
    spec = (root / "buildspec.yml").read_text(encoding="utf-8")
    m = re.search(r"aws cloudformation package[^\n]*(?:\n\s+--[^\n]*)*", spec)
    if not m:
        raise SystemExit("buildspec.yml runs no aws cloudformation package")
    prefix = re.search(r"--s3-prefix\s+(\"[^\"]*\"|\S+)", m.group(0))
    text = prefix.group(1).strip('"') if prefix else ""
    return re.sub(r"\$\{?CODEBUILD_RESOLVED_SOURCE_VERSION\}?", commit, text)


def packaged(template_text, prefix="packages/" + "0" * 40, jars=None):
    """What `aws cloudformation package` writes: each local CodeUri becomes an S3 URL, the object
    named by the file's MD5 under the prefix. `jars` maps a CodeUri to stand-in jar contents."""
    template = yaml_parse(template_text)
    for resource in template["Resources"].values():
        props = resource.get("Properties", {})
        if resource.get("Type") == "AWS::Serverless::Function" and "CodeUri" in props:
            content = (jars or {}).get(props["CodeUri"], props["CodeUri"])
            md5 = hashlib.md5(content.encode("utf-8")).hexdigest()
            key = f"{prefix}/{md5}" if prefix else md5
            props["CodeUri"] = f"s3://{BUCKET}/{key}"
    # Plain dicts (the parser's are ordered) and the CLI's options.
    return yaml.safe_dump(json.loads(json.dumps(template)), default_flow_style=False)


# ------------------------------------------------------------------ resolving a stack's view

def condition_value(name, conditions, values, seen=()):
    if name in seen:
        raise SystemExit(f"condition cycle at {name}")
    return evaluate(conditions[name], conditions, values, seen + (name,))


def evaluate(expr, conditions, values, seen=()):
    """A condition expression: Fn::Equals/Not/And/Or, Condition, Ref to parameters."""
    if isinstance(expr, dict) and len(expr) == 1:
        (op, arg), = expr.items()
        if op == "Fn::Equals":
            a, b = (str(resolve(x, conditions, values)) for x in arg)
            return a == b
        if op == "Fn::Not":
            return not evaluate(arg[0], conditions, values, seen)
        if op == "Fn::And":
            return all(evaluate(x, conditions, values, seen) for x in arg)
        if op == "Fn::Or":
            return any(evaluate(x, conditions, values, seen) for x in arg)
        if op == "Condition":
            return condition_value(arg, conditions, values, seen)
    raise SystemExit(f"unsupported condition {expr}")


NO_VALUE = object()


def resolve(node, conditions, values):
    """Fn::If decided, Ref and Fn::Sub to known values replaced; anything else kept."""
    if isinstance(node, list):
        out = [resolve(x, conditions, values) for x in node]
        return [x for x in out if x is not NO_VALUE]
    if not isinstance(node, dict):
        return node
    if len(node) == 1:
        (op, arg), = node.items()
        if op == "Fn::If":
            chosen = arg[1] if condition_value(arg[0], conditions, values) else arg[2]
            return resolve(chosen, conditions, values)
        if op == "Ref" and arg == "AWS::NoValue":
            return NO_VALUE
        if op == "Ref" and arg in values:
            return values[arg]
        if op == "Fn::Sub":
            text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])
            variables = {k: resolve(v, conditions, values) for k, v in variables.items()}

            def one(m):
                name = m.group(1)
                if name in variables and isinstance(variables[name], (str, int, float)):
                    return str(variables[name])
                if name in values:
                    return str(values[name])
                return m.group(0)

            done = re.sub(r"\$\{([A-Za-z0-9:._]+)\}", one, text)
            if "${" not in done:
                return done
            return {"Fn::Sub": done if not variables else [done, variables]}
    out = {}
    for k, v in node.items():
        r = resolve(v, conditions, values)
        if r is not NO_VALUE:
            out[k] = r
    return out


def resolved(expanded, values, stack):
    values = dict(values, **{"AWS::StackName": stack})
    conditions = expanded.get("Conditions", {})
    resources = {}
    for rid, r in expanded["Resources"].items():
        if "Condition" in r and not condition_value(r["Condition"], conditions, values):
            continue
        resources[rid] = resolve(r, conditions, values)
    return {"StackName": stack, "Parameters": values, "Resources": resources}


# ------------------------------------------------------------------ versions

def other_value(spec, current):
    """Another value the parameter allows."""
    allowed = spec.get("AllowedValues")
    if allowed:
        return next(str(v) for v in allowed if str(v) != str(current))
    if spec.get("Type") == "Number":
        return str(int(float(current)) + 10)
    return "https://changed.example"


def version_ids(expanded):
    return {
        rid[: rid.index("Version")] if "Version" in rid else rid: rid
        for rid, r in expanded["Resources"].items()
        if r.get("Type") == "AWS::Lambda::Version"
    }


def with_revisions(text, packaged_text, stage, stage_values, overrides, configured):
    """The parameters a stage's change set gets: the build's template configuration (the
    functions' revisions, when the action reads one), then the action's overrides on top."""
    if not configured:
        return dict(overrides)
    computed = revisions.revisions(yaml.load(text, Loader=revisions.CloudFormationLoader),
                                   yaml.safe_load(packaged_text), {stage: stage_values})
    return dict(computed[stage], **overrides)


def versions(root, text, overrides, stage_values, configured):
    base_template = yaml_parse(text)
    jar_uris = sorted({r["Properties"]["CodeUri"] for r in base_template["Resources"].values()
                       if r.get("Type") == "AWS::Serverless::Function"})
    jars = {uri: uri + "#1" for uri in jar_uris}
    changed_jar = next(u for u in jar_uris if "location" in u)

    def expand(commit, jar_contents, changed=None):
        body = packaged(text, package_prefix(root, commit), jar_contents)
        template = yaml_parse(body)
        params = with_revisions(text, body, "production", dict(stage_values, **(changed or {})),
                                dict(overrides, **(changed or {})), configured)
        return transform(template, with_defaults(template, params), NoManagedPolicies())

    out = {
        "changedJar": changed_jar,
        "base": version_ids(expand(COMMITS[0], jars)),
        "otherCommit": version_ids(expand(COMMITS[1], jars)),
        "otherCommitOneJarChanged": version_ids(
            expand(COMMITS[1], dict(jars, **{changed_jar: changed_jar + "#2"}))),
        "dependsOn": revisions.dependencies(yaml.load(text, Loader=revisions.CloudFormationLoader)),
        "parameters": {},
    }
    values = with_defaults(base_template, overrides)
    for name in sorted({p for ps in out["dependsOn"].values() for p in ps}):
        value = other_value(base_template["Parameters"][name], values.get(name))
        out["parameters"][name] = {
            "from": str(values.get(name)),
            "to": value,
            "versions": version_ids(expand(COMMITS[0], jars, {name: value})),
        }
    return out


def main(root, out):
    root, out = Path(root), Path(out)
    out.mkdir(parents=True, exist_ok=True)
    text = (root / "template.yaml").read_text(encoding="utf-8")
    pipeline = yaml_parse((root / "pipeline.yaml").read_text(encoding="utf-8"))
    sizes = {}
    packaged_text = packaged(text)
    (out / "packaged.yaml").write_text(packaged_text, encoding="utf-8")
    sizes["packaged"] = len(packaged_text.encode("utf-8"))
    known = pipeline_values(pipeline)
    sets = pipeline_parameter_sets(pipeline)
    stages = stage_parameters(pipeline, sets)
    configured = configuration_files(pipeline)
    for name, overrides in sets.items():
        template = yaml_parse(packaged_text)
        given = with_revisions(text, packaged_text, name, stages.get(name, overrides), overrides, configured.get(name))
        values = with_defaults(template, given)
        expanded = transform(template, values, NoManagedPolicies())
        body = json.dumps(expanded, indent=1, sort_keys=True)
        (out / f"{name}.parameters.json").write_text(json.dumps(values, indent=1), encoding="utf-8")
        (out / f"{name}.expanded.json").write_text(body, encoding="utf-8")
        view = resolved(copy.deepcopy(expanded), values, known[STACK_PARAMETERS[name]])
        (out / f"{name}.resolved.json").write_text(json.dumps(view, indent=1, sort_keys=True), encoding="utf-8")
        # CloudFormation stores and limits the processed template as compact JSON.
        sizes[name] = len(json.dumps(expanded, separators=(",", ":")).encode("utf-8"))
    (out / "sizes.json").write_text(json.dumps(sizes, indent=1), encoding="utf-8")
    (out / "versions.json").write_text(
        json.dumps(versions(root, text, sets["production"], stages.get("production", sets["production"]),
                            configured.get("production")), indent=1), encoding="utf-8")
    print(json.dumps(sizes))


if __name__ == "__main__":
    main(*sys.argv[1:3])
