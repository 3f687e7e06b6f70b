"""QTA001: reserved concurrency that the account cannot give."""

from __future__ import annotations

from collections.abc import Iterator

from iacqa.model import Category, Finding, Severity
from iacqa.model.options import QUOTA_PROFILES
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.wiring._refs import as_int, attr_name

# Account concurrency per profile (model/options.py, where the configuration checks the names).
# AWS keeps MIN_UNRESERVED executions out of any reservation.
PROFILES = QUOTA_PROFILES
DEFAULT_PROFILE = "tap"
MIN_UNRESERVED = 100
# In the tap profile, a total at or above this is known to fail (seed 001: a single 100 failed).
TAP_CERTAIN = 100

ERROR = ("InvalidParameterValueException: Specified ReservedConcurrentExecutions for function decreases account's "
         "UnreservedConcurrentExecution below its minimum value of [100].")


class ReservedConcurrencyQuota(Rule):
    """Reserved concurrency summed over the stack's functions exceeds what the account can reserve.

    What it finds: functions whose `reserved_concurrent_executions` add up to more than the account's concurrent
    executions minus the 100 that AWS always keeps unreserved. One finding on each function that reserves.
    The account is described by the option `quota_profile`:
    - `tap` (default): modelled on the accounts the TAP pipeline deploys to. Observed there: a single function
      reserving 100 fails (seed 001), four functions reserving 100 each fail (seed 000), while 4 x 10 = 40
      (seed 000, after the fix) and 10 + 5 = 15 (seed 004) deploy. So the account's concurrency lies between
      140 and 199; the profile uses 150, which leaves 50 to reserve. A total of 100 or more is reported as
      critical (observed to fail); a total between 51 and 99 as high (fails under the model, not yet observed).
    - `standard`: a default AWS account, 1000 concurrent executions (900 can be reserved).
    - `low`: new or sandbox accounts with 10 concurrent executions: any reservation above 0 fails.
    The option `account_concurrency` (CLI `--account-concurrency N`) overrides the profile's number.
    Why it breaks: AWS rejects each function update that would leave fewer than 100 unreserved executions, so
    the deploy stops at the first function that crosses the line.
    Bad: four functions with `reserved_concurrent_executions=100` (400 reserved) in a 1000-execution account
    that already reserves 700 elsewhere, or a single `reserved_concurrent_executions=100` in a TAP account.
    Good: no reservation, or small ones (`reserved_concurrent_executions=10`) whose total stays within the
    account's concurrency minus 100; request a quota increase for more.
    What AWS says: `InvalidParameterValueException: Specified ReservedConcurrentExecutions for function
    decreases account's UnreservedConcurrentExecution below its minimum value of [100].`
    References: https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html ,
    https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
    """

    id = "QTA001"
    category = Category.AWS_QUOTA
    severity = Severity.CRITICAL
    title = "reserved concurrency exceeds the account quota"
    resource_types = ("AWS::Lambda::Function",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        profile = str(ctx.options.quota_profile or DEFAULT_PROFILE).lower()
        if profile not in PROFILES:
            profile = DEFAULT_PROFILE
        override = as_int(ctx.options.account_concurrency)
        limit = override if override is not None and override > 0 else PROFILES[profile]
        reservers = []
        for fn in self.resources(ctx):
            n = as_int(fn.get("ReservedConcurrentExecutions"))
            if n is not None and n > 0:
                reservers.append((fn, n))
        total = sum(n for _, n in reservers)
        room = max(limit - MIN_UNRESERVED, 0)
        if not reservers or total <= room:
            return
        severity = Severity.CRITICAL
        if override is None and profile == "tap" and total < TAP_CERTAIN:
            severity = Severity.HIGH
        source = (f"--account-concurrency {limit}" if override is not None
                  else f"quota profile `{profile}`: {limit} concurrent executions")
        count = len(reservers)
        for fn, n in reservers:
            attr = attr_name(fn, "ReservedConcurrentExecutions")
            others = f" ({count} functions reserve {total} in total)" if count > 1 else ""
            msg = (f"function {fn.id} reserves {attr}={n}{others}, but the account ({source}) can reserve at most "
                   f"{room}: AWS keeps {MIN_UNRESERVED} executions unreserved")
            fix = (f"lower or remove {attr} (the functions together must reserve no more than {room}), or request "
                   "a Lambda concurrency quota increase and pass --account-concurrency")
            yield self.finding(msg, resource=fn, attribute="ReservedConcurrentExecutions", error=ERROR,
                               fix=fix, severity=severity, total=total, limit=limit, profile=profile)
