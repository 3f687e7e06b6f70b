"""Files that run inside every sandboxed Python child. This directory is put on PYTHONPATH as is: `sitecustomize`
installs the process-level guard (`iacqa_guard`) before anything else runs."""
