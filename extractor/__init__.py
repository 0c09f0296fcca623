"""Filled-in cluster application forms → structured data (see :mod:`extractor.api`).

Importing the package switches ONNX Runtime's usage telemetry off (``ORT_DISABLE_TELEMETRY=1`` unless the
caller set it): the wheel otherwise writes a session file into the temp folder and a database under
``~/.cache/Microsoft`` the first time it is imported, and would try to send them (the machines this runs on
are air-gapped, and an applicant's file must leave no trace outside the output folder).
"""
import os as _os

_os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
