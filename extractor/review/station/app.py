"""The review station's web app (Starlette): the page and its JSON API. See README "Review station"."""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from .page import PAGE
from .render import NoImage, context_png, page_png
from .store import ReviewError, Station

TOKEN_HEADER = "X-Review-Token"
FACETS = ("package", "template", "table", "status", "category")
SERVABLE = (".json", ".jsonl", ".png")


def new_token() -> str:
    """A fresh access token for the API (32 URL-safe characters, 192 random bits)."""
    return secrets.token_urlsafe(24)


def doc_id(key: str) -> str:
    """A document's id in the API (12 hex digits) from its station key (``"<outdir number>/<path>"``)."""
    return hashlib.sha1(key.encode()).hexdigest()[:12]


def create_app(outdirs: list[Path], token: str, allowed_hosts: set[str] | None = None,
               station: Station | None = None) -> Starlette:
    """The station's web app over ``outdirs`` (or the ``station`` given, already loaded): the page at ``/`` and
    the JSON API under ``/api/``. Every API request must carry ``token`` in the ``X-Review-Token`` header;
    ``allowed_hosts`` (``host:port``), when given, are the only Host headers answered (DNS rebinding).
    The station is ``app.state.station``."""
    st = station or Station(outdirs)
    api = _Api(st, token, allowed_hosts)
    routes = [
        Route("/", api.page),
        Route("/api/queue", api.queue),
        Route("/api/items/{item_id}", api.item, methods=["GET"]),
        Route("/api/items/{item_id}", api.decide, methods=["POST"]),
        Route("/api/items/{item_id}/crop.png", api.crop),
        Route("/api/undo", api.undo, methods=["POST"]),
        Route("/api/docs", api.docs),
        Route("/api/docs/{doc_id}", api.document),
        Route("/api/docs/{doc_id}/pages/{page:int}.png", api.page_image),
        Route("/api/files/{n:int}/{path:path}", api.files),
    ]
    app = Starlette(routes=routes)
    app.state.station = st
    return app


def _error(msg: str, status: int, **extra) -> JSONResponse:  # noqa: ANN003
    """The API's error answer: ``{"error": msg, **extra}`` with HTTP ``status``."""
    return JSONResponse({"error": msg, **extra}, status_code=status)


def _reviewer(request: Request) -> str:
    """The reviewer's name from the ``X-Reviewer`` header (percent-encoded UTF-8), ``reviewer`` if absent."""
    return unquote(request.headers.get("x-reviewer", "")) or "reviewer"


def _with_doc_id(it: dict) -> JSONResponse:
    it["doc_id"] = doc_id(it["doc"])
    return JSONResponse(it)


class _Api:
    """The endpoints of one app over one station: each takes the request and answers JSON, a PNG, a file or
    the page; refusals and errors as :func:`_error`."""

    def __init__(self, st: Station, token: str, hosts: set[str] | None) -> None:
        self.st = st
        self.token = token
        self.hosts = hosts
        self.docs_by_id = {doc_id(k): d for k, d in st.docs.items()}

    def guard(self, request: Request, write: bool = False) -> JSONResponse | None:
        """None if the request may go on, else the refusal: a Host not allowed or a cross-site / cross-origin
        request (403), a missing or wrong token (401), a write without a JSON body (415)."""
        host = request.headers.get("host", "")
        if self.hosts is not None and host not in self.hosts:
            return _error(f"host {host!r} not allowed", 403)
        if request.headers.get("sec-fetch-site") == "cross-site":
            return _error("cross-site request refused", 403)
        origin = request.headers.get("origin")
        if origin is not None and origin not in (f"http://{host}", f"https://{host}"):
            return _error("cross-origin request refused", 403)
        got = request.headers.get(TOKEN_HEADER, "")
        if not got or not hmac.compare_digest(got.encode(), self.token.encode()):
            return _error(f"missing or wrong {TOKEN_HEADER} header", 401)
        if write and not request.headers.get("content-type", "").startswith("application/json"):
            return _error("a JSON body is expected", 415)
        return None

    async def page(self, request: Request) -> Response:
        """``GET /``: the page (no token needed; the page reads it from its address)."""
        host = request.headers.get("host", "")
        if self.hosts is not None and host not in self.hosts:
            return _error(f"host {host!r} not allowed", 403)
        return HTMLResponse(PAGE, headers={"Content-Security-Policy": "default-src 'self'; img-src 'self' blob:; "
                                           "style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'",
                                           "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"})

    async def queue(self, request: Request) -> Response:
        """``GET /api/queue?state=todo|done|all&<facet>=…``: ``total`` items and ``values`` shown, ``counts`` per
        facet (each counted under the other filters) and the ``items``."""
        if (bad := self.guard(request)) is not None:
            return bad
        q = request.query_params
        state = q.get("state", "todo")
        items = await run_in_threadpool(self.st.queue)
        if state == "todo":
            items = [i for i in items if i["decided"] is None]
        elif state == "done":
            items = [i for i in items if i["decided"] is not None]
        want = {f: q.get(f) for f in FACETS if q.get(f)}
        counts = {}
        for f in FACETS:  # each facet counted under the other filters
            c: dict[str, int] = {}
            for i in items:
                if all(i[g] == v for g, v in want.items() if g != f):
                    c[i[f]] = c.get(i[f], 0) + i.get("count", 1)
            counts[f] = dict(sorted(c.items(), key=lambda kv: -kv[1]))
        shown = [i for i in items if all(i[g] == v for g, v in want.items())]
        for i in shown:
            i["doc_id"] = doc_id(i["doc"])
        return JSONResponse({"total": len(shown), "values": sum(i.get("count", 1) for i in shown),
                             "counts": counts, "items": shown})

    async def item(self, request: Request) -> Response:
        """``GET /api/items/{item_id}``: the item with its details (:meth:`Station.item`)."""
        if (bad := self.guard(request)) is not None:
            return bad
        try:
            it = await run_in_threadpool(self.st.item, request.path_params["item_id"])
        except ReviewError as e:
            return _error(str(e), e.status, **e.extra)
        return _with_doc_id(it)

    async def decide(self, request: Request) -> Response:
        """``POST /api/items/{item_id}`` with ``{"action", "value"?, "version"?}``: the decision recorded, the
        item as it is now (:meth:`Station.decide`)."""
        if (bad := self.guard(request, write=True)) is not None:
            return bad
        try:
            body = await request.json()
        except (ValueError, UnicodeDecodeError):
            return _error("the body is not JSON", 400)
        if not isinstance(body, dict):
            return _error("the body must be a JSON object", 400)
        try:
            it = await run_in_threadpool(self.st.decide, request.path_params["item_id"], body.get("action"),
                                         body.get("value"), _reviewer(request), body.get("version"))
        except ReviewError as e:
            return _error(str(e), e.status, **e.extra)
        return _with_doc_id(it)

    async def undo(self, request: Request) -> Response:
        """``POST /api/undo`` with ``{"item_id"?}``: the reviewer's last decision undone, its item as it is now
        (:meth:`Station.undo`)."""
        if (bad := self.guard(request, write=True)) is not None:
            return bad
        try:
            body = await request.json()
        except (ValueError, UnicodeDecodeError):
            body = {}
        try:
            it = await run_in_threadpool(self.st.undo, _reviewer(request), (body or {}).get("item_id"))
        except ReviewError as e:
            return _error(str(e), e.status, **e.extra)
        return _with_doc_id(it)

    async def crop(self, request: Request) -> Response:
        """``GET /api/items/{item_id}/crop.png``: the value in context on its page, the table's other values
        outlined (404 without a page image)."""
        if (bad := self.guard(request)) is not None:
            return bad
        try:
            d, loc = self.st._find(request.path_params["item_id"])
        except ReviewError as e:
            return _error(str(e), e.status)
        it = await run_in_threadpool(self.st.item, request.path_params["item_id"])
        if not it.get("has_box"):
            return _error("no page image for this value" + (" (Word file: see the row below)"
                                                           if d.original.source.format not in ("pdf", "scan", "image")
                                                           else ""), 404)
        others = [v["bbox"] for v in self.st.document(d.key)["values"]
                  if v["table"] == it["table"] and v["page"] == it["page"] and v["bbox"]]
        try:
            png = await run_in_threadpool(context_png, d.original, d.outdir, it["page"], it["bbox"], others)
        except NoImage as e:
            return _error(str(e), 404)
        return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})

    async def docs(self, request: Request) -> Response:
        """``GET /api/docs``: every document (``doc_id``, ``doc``, ``file``, ``package``, ``template``,
        ``status``)."""
        if (bad := self.guard(request)) is not None:
            return bad
        return JSONResponse([{"doc_id": i, "doc": d.key, "file": d.original.source.name, "package": d.package,
                              "template": d.template, "status": d.current.status}
                             for i, d in self.docs_by_id.items()])

    async def document(self, request: Request) -> Response:
        """``GET /api/docs/{doc_id}``: the document view (:meth:`Station.document`)."""
        if (bad := self.guard(request)) is not None:
            return bad
        d = self.docs_by_id.get(request.path_params["doc_id"])
        if d is None:
            return _error("no such document", 404)
        out = await run_in_threadpool(self.st.document, d.key)
        out["doc_id"] = request.path_params["doc_id"]
        return JSONResponse(out)

    async def page_image(self, request: Request) -> Response:
        """``GET /api/docs/{doc_id}/pages/{page}.png?item=<item id>``: the page with every value's box, the
        item's marked (404 without a page image)."""
        if (bad := self.guard(request)) is not None:
            return bad
        d = self.docs_by_id.get(request.path_params["doc_id"])
        if d is None:
            return _error("no such document", 404)
        n = request.path_params["page"]
        sel = request.query_params.get("item")
        vals = self.st.document(d.key)["values"]
        boxes = [(v["bbox"], v["status"], v["item_id"] == sel) for v in vals if v["page"] == n and v["bbox"]]
        try:
            png = await run_in_threadpool(page_png, d.original, d.outdir, n, boxes)
        except NoImage as e:
            return _error(str(e), 404)
        return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})

    async def files(self, request: Request) -> Response:
        """A file under OUTDIR number ``n`` (results, reviewed results, the log, crops): nothing else."""
        if (bad := self.guard(request)) is not None:
            return bad
        raw = request.scope.get("raw_path", b"").decode("latin-1").lower()
        if "%2f" in raw or "%5c" in raw or "%2e" in raw:
            return _error("encoded path separators refused", 400)
        n, rel = request.path_params["n"], request.path_params["path"]
        if not 0 <= n < len(self.st.outdirs):
            return _error("no such folder", 404)
        f = safe_path(self.st.outdirs[n], rel)
        if f is None:
            return _error("not a servable file under OUTDIR", 404)
        return FileResponse(f, headers={"Cache-Control": "no-store"})


def safe_path(root: Path, rel: str) -> Path | None:
    """``root/rel`` if it is a regular file under ``root`` reached without ``..``, absolute parts or symlinks."""
    if not rel or "\\" in rel or "\0" in rel:
        return None
    p = PurePosixPath(rel)
    if p.is_absolute() or any(part in ("..", ".", "") for part in rel.split("/")):
        return None
    if p.suffix.lower() not in SERVABLE:
        return None
    root = root.resolve()
    cur = root
    for part in p.parts:
        cur = cur / part
        if cur.is_symlink():
            return None
    if not cur.is_file() or not cur.resolve().is_relative_to(root):
        return None
    return cur


def serve(outdirs: list[Path], host: str = "127.0.0.1", port: int = 8765, token: str | None = None,
          echo=print) -> None:  # noqa: ANN001
    """Serve the station over ``outdirs`` at ``http://host:port/`` until interrupted (uvicorn), answering only
    that host (and localhost's names when it is local); ``echo`` gets the address with the token (a new one
    unless given). Raises ``ImportError`` without the ``serve`` extra."""
    import uvicorn

    token = token or new_token()
    names = {host, "127.0.0.1", "localhost"} if host in ("127.0.0.1", "localhost", "::1") else {host}
    hosts = {f"{h}:{port}" for h in names} | ({host} if port == 80 else set())
    app = create_app(outdirs, token, allowed_hosts=hosts)
    st: Station = app.state.station
    n = len(st.queue())
    echo(f"review station: {len(st.docs)} document(s), {n} item(s) to review")
    echo(f"open http://{host}:{port}/?token={token}")
    uvicorn.run(app, host=host, port=port, log_level="warning")


def dumps(x: object) -> str:
    """``x`` as JSON with non-ASCII characters kept."""
    return json.dumps(x, ensure_ascii=False)
