"""Name case conversions between the vocabularies iacqa reads: CloudFormation (PascalCase), Pulumi's wire format
and jsii/JSON (camelCase) and the Python SDKs (snake_case).

One converter per direction, so every front end agrees on what `HTTPServer`, `DNSName` or `Ipv6CidrBlock` become.
`snake` follows the rule the SDK generators use (jsii's and Pulumi's codegen both split an acronym from the word that
follows it: `HTTPServer` -> `http_server`, `DNSName` -> `dns_name`, and never inside a digit run: `S3Bucket` ->
`s3_bucket`, `ipv6CidrBlock` -> `ipv6_cidr_block`).
"""

from __future__ import annotations

import re

_LOWER_UPPER = re.compile(r"(?<=[a-z0-9])([A-Z])")  # `dnsName` -> `dns_Name`
_ACRONYM_WORD = re.compile(r"(?<=[A-Z])([A-Z][a-z])")  # `HTTPServer` -> `HTTP_Server`


def snake(name: str) -> str:
    """`HTTPServer` -> `http_server`, `maxReceiveCount` -> `max_receive_count`; snake_case stays as it is."""
    return _ACRONYM_WORD.sub(r"_\1", _LOWER_UPPER.sub(r"_\1", name)).lower()


def camel(name: str) -> str:
    """snake_case -> lowerCamelCase as jsii and Pulumi name properties: `http_server` -> `httpServer`.

    The first word keeps its case, so a name that is already camelCase comes back unchanged."""
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def pascal(name: str) -> str:
    """snake_case -> PascalCase as CloudFormation names properties: `http_server` -> `HttpServer` (empty parts from
    doubled or edge underscores are dropped)."""
    return "".join(p[:1].upper() + p[1:] for p in name.split("_") if p)


def lower_first(name: str) -> str:
    """PascalCase -> camelCase by lowering the first letter only (`DNSName` -> `dNSName`): how AWS error messages
    and Pulumi's output keys spell a CloudFormation property, acronyms untouched."""
    return name[:1].lower() + name[1:]
