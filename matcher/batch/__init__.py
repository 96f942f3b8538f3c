"""The nightly batch: all seekers x all open posts, both ways, capacity-aware, crash-safe.

Public API::

    from matcher.batch import BatchConfig, run_batch, CapacitySettings
    record = run_batch(BatchConfig(seekers="s.csv", vacancies="v.csv", out="nightly"))

See ``matcher/batch/README.md`` for the files, the run.json keys, the
capacity-aware method and how to run on a dask cluster.
"""
from matcher.batch.capacity import CapacitySettings
from matcher.batch.runner import BatchConfig, run_batch

__all__ = ["BatchConfig", "CapacitySettings", "run_batch"]
