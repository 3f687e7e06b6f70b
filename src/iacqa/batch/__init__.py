"""Many tasks: a local pool of worker processes or a Ray cluster (engines), the same scheduling policy for both
(per-task wall-clock budget, a crashed or hung worker's job retried once, Ctrl-C ends every worker), progress,
a JSON-lines results file written as each task finishes (resumable), the aggregate and summary, the dashboard.

Modules: tasks (which jobs; resume), worker (one job in a worker), scheduler (the policy), local / ray_engine
(the engines), runner (a batch end to end), progress, aggregate, summary, dashboard.
"""

from iacqa.batch.runner import run_batch
from iacqa.batch.tasks import find_tasks
from iacqa.batch.worker import run_one

__all__ = ["find_tasks", "run_batch", "run_one"]
