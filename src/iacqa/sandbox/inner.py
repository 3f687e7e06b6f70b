"""First process inside a namespace sandbox when the child needs parent ports: start the loopback forwarders,
run the command, exit as it did.  `python -m iacqa.sandbox.inner --forward PORT=SOCK ... -- argv...`"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from iacqa.sandbox.forward import TcpToUnix


def main(argv: list[str]) -> int:
    sep = argv.index("--")
    opts, cmd = argv[:sep], argv[sep + 1:]
    keep = []
    for i, a in enumerate(opts):
        if a == "--forward":
            port, path = opts[i + 1].split("=", 1)
            keep.append(TcpToUnix(int(port), path))
    proc = subprocess.Popen(cmd)
    while True:
        try:
            code = proc.wait()
            break
        except KeyboardInterrupt:
            continue
    if code < 0:  # end the same way, so the parent sees the signal
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
