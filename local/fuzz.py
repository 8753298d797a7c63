"""``make fuzz``: schemathesis against both faces over HTTP, checking that nothing answers 5xx.

Starts the local cloud on a free port, writes each face's OpenAPI document (Powertools generates
it from the routes and models) and runs schemathesis from its own virtualenv (.venv-fuzz).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from local.cloud import LocalCloud, free_port

FACES = (
    (
        "BlazeCartFunction",
        "/api/v1/partner/store/cart",
        ["x-api-key: demo-partner-key", "Authorization: demo-developer-key"],
    ),
    ("LokeCartFunction", "", ["Authorization: Bearer demo-pos-token"]),
)


def main() -> int:
    os.environ["LOCAL_CLOUD_QUIET"] = "1"
    cloud = LocalCloud(port=free_port()).start()
    schemathesis = Path(sys.argv[1] if len(sys.argv) > 1 else ".venv-fuzz/bin/schemathesis")
    examples = os.environ.get("FUZZ_EXAMPLES", "30")
    failed = 0
    with tempfile.TemporaryDirectory() as folder:
        for function, base, headers in FACES:
            handler = cloud.runtime.handler(function)  # imports the face with its own environment
            app = sys.modules[handler.__module__].app
            spec = Path(folder) / f"{function}.json"
            spec.write_text(json.dumps(json.loads(app.get_openapi_json_schema())))
            command = [str(schemathesis), "run", str(spec), "--url", cloud.url + base]
            command += [arg for header in headers for arg in ("-H", header)]
            command += ["--checks", "not_a_server_error", "--max-examples", examples]
            print(f"\n== {function} ==", flush=True)
            failed |= subprocess.run(command, check=False).returncode  # noqa: S603 - our own tool and files
    cloud.stop()
    return failed


if __name__ == "__main__":
    raise SystemExit(main())
