"""The consumer app in Python: test/consumers/reference-app.ts, construct for
construct, prop for prop, with the same IDs, written against the built wheel of
this library and aws-cdk-lib from PyPI.

Usage: python app.py OUTDIR
Synthesizes the cloud assembly into OUTDIR (or $CDK_OUTDIR when no argument is
given) and prints the path of the stack's template.
"""

import os
import sys
from typing import Any, Dict, List

import aws_cdk as cdk
from aws_cdk import aws_s3 as s3
from cdk_mlops_framework import (
    ByomPipeline,
    EnvironmentProps,
    Framework,
    IntegrationTests,
    MlopsFramework,
    ModelArtifact,
    ModelImage,
    TestExpectation,
    TestRequest,
)

CONSUMER_STACK = "ConsumerStack"

# The consumer test sets this to show that the template comparison notices a
# single prop that differs; left unset the app is the reference app exactly.
PROD_INSTANCE_COUNT_VARIABLE = "CONSUMER_PROD_INSTANCE_COUNT"


def prod_instance_count() -> int:
    value = os.environ.get(PROD_INSTANCE_COUNT_VARIABLE, "2")
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"{PROD_INSTANCE_COUNT_VARIABLE} must be a whole number, not {value!r}")


def environments() -> List[EnvironmentProps]:
    # Typed structs rather than dicts: a misspelled prop is a TypeError here
    # instead of a silently different template.
    return [
        EnvironmentProps(
            name="dev",
            instance_type="ml.m5.large",
            tests=IntegrationTests.requests(
                [
                    TestRequest(
                        name="scores",
                        body="1,2",
                        content_type="text/csv",
                        expect=TestExpectation(status=200),
                    )
                ]
            ),
        ),
        EnvironmentProps(name="prod", approval=True, instance_count=prod_instance_count()),
    ]


def synth(outdir: str) -> str:
    """Synthesizes the app into outdir; returns the path of the stack's template."""
    app = cdk.App(outdir=outdir)
    stack = cdk.Stack(
        app,
        CONSUMER_STACK,
        env=cdk.Environment(account="111111111111", region="us-east-1"),
    )
    MlopsFramework(stack, "Mlops", notification_emails=["platform@example.com"])
    models = s3.Bucket(stack, "Models", versioned=True, enforce_ssl=True)
    ByomPipeline(
        stack,
        "Churn",
        model_name="churn",
        artifact=ModelArtifact.from_bucket(models, "churn/model.tar.gz"),
        image=ModelImage.from_framework(Framework.XGBOOST, "1.7-1"),
        environments=environments(),
    )
    assembly = app.synth()
    artifact: Any = assembly.get_stack_by_name(CONSUMER_STACK)
    return os.path.join(assembly.directory, artifact.template_file)


def main(argv: List[str], environ: Dict[str, str]) -> int:
    outdir = argv[1] if len(argv) > 1 else environ.get("CDK_OUTDIR", "")
    if not outdir:
        print("usage: python app.py OUTDIR (or set CDK_OUTDIR)", file=sys.stderr)
        return 2
    print(synth(os.path.abspath(outdir)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv, dict(os.environ)))
