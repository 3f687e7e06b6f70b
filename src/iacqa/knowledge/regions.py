"""What an AWS region name looks like (us-east-1, eu-central-2, us-gov-west-1, us-iso-east-1): one pattern for
the rules that find regions written into code and the front ends that read a region from a file."""

from __future__ import annotations

import re

REGION = (r"(?:us|eu|ap|sa|ca|me|af|il|mx)(?:-gov|-iso[a-z]?)?-(?:north|south|east|west|central|northeast|"
          r"southeast|northwest|southwest)-\d")
REGION_NAME = re.compile(rf"^{REGION}$")

__all__ = ["REGION", "REGION_NAME"]
