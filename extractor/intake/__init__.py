"""Bulk intake: what was received → packages of files, each file with a record of what happens to it.

A *package* is one application as the applicant sent it. What counts as one:

* a **folder given as input** is an inbox: each sub-folder and each ``.zip`` directly inside it is one
  package; a loose file directly inside it is a package of its own (so a folder of forms still gives
  one result per form);
* with ``folders_are_packages`` (``--one-package``) a folder given as input is itself one package;
* a **.zip given as input** is one package; any **other file given as input** is a package of its own.

Inside a package everything is one application: sub-folders are walked, nested zips are opened (up to
:attr:`IntakeLimits.max_zip_depth`). Every file found gets an :class:`Item`; those that are refused before
reading (special files, unsafe or encrypted zip entries, too deep, too large, unreadable) carry their
record already (``skipped`` / ``error``). Nothing here reads a document: see :mod:`extractor.triage`.

Output names mirror the input: package ``P`` → ``OUT/P/<path inside>.json`` per form and
``OUT/P.package.json``; each name component is made safe by :func:`safe_name` (≤ 255 bytes with the
suffix, extension kept, a short hash added when shortened) and claimed once (a clash gets ``~<hash>``).

The modules: :mod:`.model` (:class:`Package`, :class:`Item`, :class:`IntakeLimits`), :mod:`.names` (safe
output names, claimed once), :mod:`.safety` (reading files and zip entries safely: hashing without
following links or blocking on FIFOs, special files, unsafe zip paths, zip name encodings) and
:mod:`.walk` (:class:`Intake`: folders and zips walked into packages). Every name is importable from
``extractor.intake`` itself.
"""
from __future__ import annotations

from .model import IntakeLimits, Item, Package
from .names import JSON_SUFFIX, NAME_MAX_BYTES, PACKAGE_SUFFIX, RESERVED, Claims, console_safe, safe_name
from .safety import CHUNK, hash_file, is_zip, special_kind, unsafe_entry, zip_name
from .walk import Intake, mark_duplicates

__all__ = [
    "CHUNK", "Claims", "Intake", "IntakeLimits", "Item", "JSON_SUFFIX", "NAME_MAX_BYTES", "PACKAGE_SUFFIX",
    "Package", "RESERVED", "console_safe", "hash_file", "is_zip", "mark_duplicates", "safe_name", "special_kind",
    "unsafe_entry", "zip_name",
]
