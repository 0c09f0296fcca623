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
    return secrets.token_urlsafe(24)


def doc_id(key: str) -> str:
    return hashlib.sha1(key.encode()).hexdigest()[:12]


def create_app(outdirs: list[Path], token: str, allowed_hosts: set[str] | None = None,
               station: Station | None = None) -> Starlette:
    st = station or Station(outdirs)
    docs_by_id = {doc_id(k): d for k, d in st.docs.items()}
    hosts = allowed_hosts

    def error(msg: str, status: int, **extra) -> JSONResponse:  # noqa: ANN003
        return JSONResponse({"error": msg, **extra}, status_code=status)

    def guard(request: Request, write: bool = False) -> JSONResponse | None:
        host = request.headers.get("host", "")
        if hosts is not None and host not in hosts:
            return error(f"host {host!r} not allowed", 403)
        if request.headers.get("sec-fetch-site") == "cross-site":
            return error("cross-site request refused", 403)
        origin = request.headers.get("origin")
        if origin is not None and origin not in (f"http://{host}", f"https://{host}"):
            return error("cross-origin request refused", 403)
        got = request.headers.get(TOKEN_HEADER, "")
        if not got or not hmac.compare_digest(got.encode(), token.encode()):
            return error(f"missing or wrong {TOKEN_HEADER} header", 401)
        if write and not request.headers.get("content-type", "").startswith("application/json"):
            return error("a JSON body is expected", 415)
        return None

    def reviewer(request: Request) -> str:
        return unquote(request.headers.get("x-reviewer", "")) or "reviewer"

    async def page(request: Request) -> Response:
        host = request.headers.get("host", "")
        if hosts is not None and host not in hosts:
            return error(f"host {host!r} not allowed", 403)
        return HTMLResponse(PAGE, headers={"Content-Security-Policy": "default-src 'self'; img-src 'self' blob:; "
                                           "style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'",
                                           "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"})

    async def queue(request: Request) -> Response:
        if (bad := guard(request)) is not None:
            return bad
        q = request.query_params
        state = q.get("state", "todo")
        items = await run_in_threadpool(st.queue)
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

    async def item(request: Request) -> Response:
        if (bad := guard(request)) is not None:
            return bad
        try:
            it = await run_in_threadpool(st.item, request.path_params["item_id"])
        except ReviewError as e:
            return error(str(e), e.status, **e.extra)
        it["doc_id"] = doc_id(it["doc"])
        return JSONResponse(it)

    async def decide(request: Request) -> Response:
        if (bad := guard(request, write=True)) is not None:
            return bad
        try:
            body = await request.json()
        except (ValueError, UnicodeDecodeError):
            return error("the body is not JSON", 400)
        if not isinstance(body, dict):
            return error("the body must be a JSON object", 400)
        try:
            it = await run_in_threadpool(st.decide, request.path_params["item_id"], body.get("action"),
                                         body.get("value"), reviewer(request), body.get("version"))
        except ReviewError as e:
            return error(str(e), e.status, **e.extra)
        it["doc_id"] = doc_id(it["doc"])
        return JSONResponse(it)

    async def undo(request: Request) -> Response:
        if (bad := guard(request, write=True)) is not None:
            return bad
        try:
            body = await request.json()
        except (ValueError, UnicodeDecodeError):
            body = {}
        try:
            it = await run_in_threadpool(st.undo, reviewer(request), (body or {}).get("item_id"))
        except ReviewError as e:
            return error(str(e), e.status, **e.extra)
        it["doc_id"] = doc_id(it["doc"])
        return JSONResponse(it)

    async def crop(request: Request) -> Response:
        if (bad := guard(request)) is not None:
            return bad
        try:
            d, loc = st._find(request.path_params["item_id"])
        except ReviewError as e:
            return error(str(e), e.status)
        it = await run_in_threadpool(st.item, request.path_params["item_id"])
        if not it.get("has_box"):
            return error("no page image for this value" + (" (Word file: see the row below)"
                                                           if d.original.source.format not in ("pdf", "scan", "image")
                                                           else ""), 404)
        others = [v["bbox"] for v in st.document(d.key)["values"]
                  if v["table"] == it["table"] and v["page"] == it["page"] and v["bbox"]]
        try:
            png = await run_in_threadpool(context_png, d.original, d.outdir, it["page"], it["bbox"], others)
        except NoImage as e:
            return error(str(e), 404)
        return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})

    async def docs(request: Request) -> Response:
        if (bad := guard(request)) is not None:
            return bad
        return JSONResponse([{"doc_id": i, "doc": d.key, "file": d.original.source.name, "package": d.package,
                              "template": d.template, "status": d.current.status} for i, d in docs_by_id.items()])

    async def document(request: Request) -> Response:
        if (bad := guard(request)) is not None:
            return bad
        d = docs_by_id.get(request.path_params["doc_id"])
        if d is None:
            return error("no such document", 404)
        out = await run_in_threadpool(st.document, d.key)
        out["doc_id"] = request.path_params["doc_id"]
        return JSONResponse(out)

    async def page_image(request: Request) -> Response:
        if (bad := guard(request)) is not None:
            return bad
        d = docs_by_id.get(request.path_params["doc_id"])
        if d is None:
            return error("no such document", 404)
        n = request.path_params["page"]
        sel = request.query_params.get("item")
        vals = st.document(d.key)["values"]
        boxes = [(v["bbox"], v["status"], v["item_id"] == sel) for v in vals if v["page"] == n and v["bbox"]]
        try:
            png = await run_in_threadpool(page_png, d.original, d.outdir, n, boxes)
        except NoImage as e:
            return error(str(e), 404)
        return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})

    async def files(request: Request) -> Response:
        """A file under OUTDIR number ``n`` (results, reviewed results, the log, crops): nothing else."""
        if (bad := guard(request)) is not None:
            return bad
        raw = request.scope.get("raw_path", b"").decode("latin-1").lower()
        if "%2f" in raw or "%5c" in raw or "%2e" in raw:
            return error("encoded path separators refused", 400)
        n, rel = request.path_params["n"], request.path_params["path"]
        if not 0 <= n < len(st.outdirs):
            return error("no such folder", 404)
        f = safe_path(st.outdirs[n], rel)
        if f is None:
            return error("not a servable file under OUTDIR", 404)
        return FileResponse(f, headers={"Cache-Control": "no-store"})

    routes = [
        Route("/", page), Route("/api/queue", queue), Route("/api/items/{item_id}", item, methods=["GET"]),
        Route("/api/items/{item_id}", decide, methods=["POST"]), Route("/api/items/{item_id}/crop.png", crop),
        Route("/api/undo", undo, methods=["POST"]), Route("/api/docs", docs),
        Route("/api/docs/{doc_id}", document), Route("/api/docs/{doc_id}/pages/{page:int}.png", page_image),
        Route("/api/files/{n:int}/{path:path}", files),
    ]
    app = Starlette(routes=routes)
    app.state.station = st
    return app


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
    return json.dumps(x, ensure_ascii=False)
