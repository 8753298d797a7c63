"""``make invoke FN=<LogicalId> EVENT=events/<file>.json``: one function, one event, in-process.

The Docker-free twin of ``sam local invoke``: AWS is moto (in-process) with the template's tables and
the demo fixture loaded, and the function runs with its environment from template.yaml.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    function, event_path = argv
    os.environ.update(AWS_ACCESS_KEY_ID="local", AWS_SECRET_ACCESS_KEY="local", AWS_DEFAULT_REGION="us-east-1")  # noqa: S106 - the emulator accepts any key
    os.environ.pop("AWS_ENDPOINT_URL", None)
    import boto3
    from moto import mock_aws

    from local.template import Template, create_tables, physical_names

    template = Template.load()
    if function not in template.functions():
        print(f"Unknown function {function}; one of: {', '.join(template.functions())}", file=sys.stderr)
        return 2
    names = physical_names(template, "cart-local")
    with mock_aws():
        create_tables(template, boto3.client("dynamodb"), names)
        from local.runtime import FunctionRuntime

        runtime = FunctionRuntime(template, names)
        os.environ["TABLE_NAME"] = names["CartTable"]
        from cart_core.runtime import store
        from local.fixture import load

        load(store())
        result = runtime.invoke(function, json.loads(Path(event_path).read_text()))
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
