"""First process inside a namespace sandbox: start the loopback forwarders the child needs, run the command, and
record how it ended (exit code or signal) in a status file, since bwrap itself reports a signal as 128+N.

    python -S inner.py --status FILE [--forward PORT=SOCK ...] -- argv...

Standard library only and runnable as a plain script (-S: no site, fast start).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys


def main(argv: list[str]) -> int:
    sep = argv.index("--")
    opts, cmd = argv[:sep], argv[sep + 1:]
    keep, status_file = [], None
    for i, a in enumerate(opts):
        if a == "--forward":
            try:
                from iacqa.sandbox.forward import TcpToUnix
            except ImportError:  # run as a script: forward.py is beside this file
                from forward import TcpToUnix  # type: ignore[no-redef]
            port, path = opts[i + 1].split("=", 1)
            keep.append(TcpToUnix(int(port), path))
        elif a == "--status":
            status_file = opts[i + 1]
    proc = subprocess.Popen(cmd)
    code = proc.wait()
    if status_file:
        try:
            with open(status_file, "w") as fh:
                fh.write(f"signal {-code}" if code < 0 else f"exit {code}")
        except OSError:
            pass
    if code < 0:  # end the same way
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
