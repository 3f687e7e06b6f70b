"""Run one hostile child through iacqa's spawn from a fresh process (so its initial environment, which
/proc/<pid>/environ shows, holds the test's secret marker) and print the outcome as JSON.

    python _driver.py SPEC_JSON   ({"code": ..., "work": ..., "mode": "spawn" | "plain", "timeout": s})
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from iacqa.sandbox import safe_env, spawn


def main() -> None:
    spec = json.loads(sys.argv[1])
    work = Path(spec["work"])
    project = work / "project"
    project.mkdir(parents=True, exist_ok=True)
    (project / "prog.py").write_text(spec["code"])
    env = safe_env(work / "home")
    if spec["mode"] == "plain":  # the control: what the same code gets without a sandbox
        p = subprocess.run([sys.executable, "prog.py"], cwd=project, env=env, capture_output=True, text=True,
                           timeout=spec.get("timeout", 20))
        print(json.dumps({"status": "plain", "stdout": p.stdout, "stderr": p.stderr}))
        return
    o = spawn([sys.executable, "prog.py"], cwd=project, env=env, timeout=spec.get("timeout", 20), memory_mb=512,
              writable=[work], work=work)
    print(json.dumps({**o.summary(), "stdout": o.stdout, "stderr": o.stderr}))


if __name__ == "__main__":
    main()
