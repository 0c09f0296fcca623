"""The OCR path for scanned and photographed forms (see ``extractor/loaders/scan.py`` for the loader).

Modules, one job each: ``raster`` (pages → images), ``cleanup`` (seals, perspective, light, orientation,
deskew), ``grid`` (tables from ruling lines; ``spans``: cells
from ruled boundaries), ``lines`` (text lines by projection), ``checkbox`` (tick boxes by
pixels), ``engines`` (the OCR engine call only, one module per engine behind one protocol), ``ctc`` (the
recogniser's output → characters with probabilities and positions, pure), ``evidence`` (a recognised line checked against its
ink), ``pipeline`` (one page → :class:`pipeline.PageOCR`, plain
data), ``assemble`` (PageOCR → IR blocks; no engine) with ``cell_text`` (a cell's lines → its text), ``stitch``
(tables across pages), ``debug`` (overlay, crops).
"""
