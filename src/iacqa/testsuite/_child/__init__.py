"""Files that run inside the tests' child processes. This directory is put on PYTHONPATH as is: `sitecustomize`
installs the guard in every Python process of the run, `iacqa_probe` is the pytest plugin (`-p iacqa_probe`)."""
