"""One static check of Python IaC programs against the installed SDK, shared by the Pulumi, CDK and CDKTF front
ends: each brings only an index adapter (index.py) that answers what exists and what a call accepts.

Layout: index.py (the adapter contract), inspected.py (an adapter over an imported SDK, via inspect), checker.py
(the AST walk and the findings), scopes.py (aliases hidden by locals, locals holding SDK objects), errors.py
(CPython's error texts), suggest.py (the one suggestion algorithm), files.py (which files are read).
"""
