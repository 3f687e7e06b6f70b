"""The environment a sandboxed child sees: fake credentials, no real config files, AWS endpoints at the emulator."""

from __future__ import annotations

import os
import sys
from pathlib import Path

# A loopback port nothing listens on: any AWS call that escapes the emulator is refused locally.
DEAD_ENDPOINT = "http://127.0.0.1:9"
FAKE_ACCOUNT = "123456789012"
REGION = "us-east-1"


def safe_env(home: Path, endpoint_url: str | None = None, extra: dict[str, str] | None = None) -> dict[str, str]:
    """A fresh environment: nothing from the caller's except PATH and locale, so no real credential leaks in."""
    home.mkdir(parents=True, exist_ok=True)
    nowhere = str(home / "nonexistent")
    env = {
        "PATH": os.pathsep.join(dict.fromkeys([str(Path(sys.executable).parent), "/usr/local/bin", "/usr/bin", "/bin"])),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "HOME": str(home),
        "TMPDIR": str(home),
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_SECURITY_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "AWS_SHARED_CREDENTIALS_FILE": nowhere,
        "AWS_CONFIG_FILE": nowhere,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",  # botocore would send streams calls to an account host
        "AWS_ENDPOINT_URL": endpoint_url or DEAD_ENDPOINT,
        "ENVIRONMENT_SUFFIX": "dev",
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PULUMI_HOME": str(home / ".pulumi"),
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
        "NO_PROXY": "*",
        "no_proxy": "*",
    }
    if extra:
        env.update(extra)
    return env
