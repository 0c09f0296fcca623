"""Intake: inputs → packages, every file with a record; hostile zips and special files refused; safe names."""
from __future__ import annotations

import os
import socket
import zipfile
from pathlib import Path

import pytest

from extractor.intake import NAME_MAX_BYTES, Intake, IntakeLimits, console_safe, safe_name, unsafe_entry
from extractor.triage import FORM_MIN_SCORE, kind_of, text_score


def encrypted_flag(data: bytes) -> bytes:
    """Set the 'encrypted' bit of the first entry (local header +6, central directory +8)."""
    b = bytearray(data)
    i = b.index(b"PK\x03\x04")
    b[i + 6] |= 1
    j = b.index(b"PK\x01\x02")
    b[j + 8] |= 1
    return bytes(b)


def _records(pkgs):
    return {(p.key, it.rel): (it.status, it.reason) for p in pkgs for it in p.items}


def test_inbox_packages_and_duplicates(tmp_path: Path):
    inbox = tmp_path / "inbox"
    (inbox / "A" / "sub").mkdir(parents=True)
    (inbox / "A" / "form.docx").write_bytes(b"form A")
    (inbox / "A" / "sub" / "licence.jpg").write_bytes(b"licence")
    with zipfile.ZipFile(inbox / "A.zip", "w") as z:  # the same package as a zip: a duplicate
        z.writestr("A/form.docx", b"form A")
        z.writestr("A/sub/licence.jpg", b"licence")
    with zipfile.ZipFile(inbox / "B.zip", "w") as z:
        z.writestr("form.docx", b"form B")
    (inbox / "loose.pdf").write_bytes(b"%PDF loose")
    pkgs = Intake(tmp_path / "t").packages([inbox])
    assert [(p.key, p.kind) for p in pkgs] == [("A", "folder"), ("A.zip", "zip"), ("B.zip", "zip"), ("loose.pdf", "file")]
    a, az, b, loose = pkgs
    assert [it.out for it in a.items] == ["A/form.docx.json", "A/sub/licence.jpg.json"]
    assert az.duplicate_of == "A" and {it.status for it in az.items} == {"skipped"}
    assert {it.reason for it in az.items} == {"duplicate"}
    assert b.items[0].out == "B.zip/form.docx.json" and b.duplicate_of is None
    assert loose.items[0].out == "loose.pdf.json" and loose.summary_path == "loose.pdf.package.json"


def test_one_package_folder(tmp_path: Path):
    (tmp_path / "A" / "x").mkdir(parents=True)
    (tmp_path / "A" / "x" / "f.docx").write_bytes(b"1")
    (tmp_path / "A" / "g.pdf").write_bytes(b"2")
    pkgs = Intake(tmp_path / "t").packages([tmp_path / "A"], folders_are_packages=True)
    assert len(pkgs) == 1 and sorted(it.rel for it in pkgs[0].items) == ["g.pdf", "x/f.docx"]


def test_same_name_inputs_do_not_collide(tmp_path: Path):
    for d in ("one", "two"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "form.docx").write_bytes(d.encode())
    pkgs = Intake(tmp_path / "t").packages([tmp_path / "one" / "form.docx", tmp_path / "two" / "form.docx"])
    outs = [p.items[0].out for p in pkgs]
    assert outs[0] == "form.docx.json" and outs[1] != outs[0] and outs[1].endswith(".json")
    assert len({p.summary_path for p in pkgs}) == 2


def test_hostile_zip_entries(tmp_path: Path):
    z = tmp_path / "evil.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("../escape.docx", b"x")
        zf.writestr("/abs/path.docx", b"y")
        zf.writestr("ok/../../up.docx", b"z")
        zf.writestr("C:/win.docx", b"w")
        zf.writestr("fine/form.docx", b"f")
    data = z.read_bytes()
    with zipfile.ZipFile(tmp_path / "enc.zip", "w") as zf:
        zf.writestr("secret.docx", b"s")
    (tmp_path / "enc.zip").write_bytes(encrypted_flag((tmp_path / "enc.zip").read_bytes()))
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 truncated")
    recs = _records(Intake(tmp_path / "t").packages([z, tmp_path / "enc.zip", tmp_path / "broken.zip"]))
    assert recs[("evil.zip", "../escape.docx")] == ("skipped", "unsafe_path")
    assert recs[("evil.zip", "/abs/path.docx")] == ("skipped", "unsafe_path")
    assert recs[("evil.zip", "ok/../../up.docx")] == ("skipped", "unsafe_path")
    assert recs[("evil.zip", "C:/win.docx")] == ("skipped", "unsafe_path")
    assert recs[("evil.zip", "fine/form.docx")] == (None, "")
    assert recs[("enc.zip", "secret.docx")] == ("error", "encrypted")
    assert recs[("broken.zip", "broken.zip")] == ("error", "corrupt_zip")
    assert data  # the zip itself untouched
    assert not (tmp_path / "escape.docx").exists() and not (tmp_path.parent / "escape.docx").exists()


def _nest(tmp: Path, depth: int) -> Path:
    """A zip nested ``depth`` deep (the outer one is depth 1) with form.docx innermost."""
    inner = b"form"
    name = "form.docx"
    for k in range(depth, 0, -1):
        p = tmp / f"z{k}.zip"
        with zipfile.ZipFile(p, "w") as zf:
            zf.writestr(name, inner)
        inner, name = p.read_bytes(), f"z{k}.zip"
    return tmp / "z1.zip"


@pytest.mark.parametrize("depth,opened", [(3, True), (4, False)])
def test_zip_depth_boundary(tmp_path: Path, depth: int, opened: bool):
    z = _nest(tmp_path, depth)
    pkg = Intake(tmp_path / "t", IntakeLimits(max_zip_depth=3)).packages([z])[0]
    forms = [it for it in pkg.items if it.rel.endswith("form.docx") and it.status is None]
    assert bool(forms) is opened
    assert any(it.reason == "zip_depth" for it in pkg.items) is (not opened)


@pytest.mark.parametrize("n,refused", [(3, 0), (4, 1)])
def test_package_files_boundary(tmp_path: Path, n: int, refused: int):
    with zipfile.ZipFile(tmp_path / "p.zip", "w") as zf:
        for k in range(n):
            zf.writestr(f"f{k}.docx", f"{k}")
    pkg = Intake(tmp_path / "t", IntakeLimits(max_package_files=3)).packages([tmp_path / "p.zip"])[0]
    assert len(pkg.items) == n
    assert sum(it.reason == "too_many_files" for it in pkg.items) == refused


@pytest.mark.parametrize("size,refused", [(1048576, False), (1048577, True)])
def test_unpacked_bytes_boundary(tmp_path: Path, size: int, refused: bool):
    with zipfile.ZipFile(tmp_path / "p.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.pdf", b"\0" * size)  # deflates to ~1 KB: the cap counts what is unpacked
    pkg = Intake(tmp_path / "t", IntakeLimits(max_unpacked_mb=1)).packages([tmp_path / "p.zip"])[0]
    assert (pkg.items[0].reason == "too_large") is refused
    assert (pkg.items[0].size == size) is (not refused)


def test_special_files_not_opened(tmp_path: Path):
    pkg_dir = tmp_path / "in" / "P"
    pkg_dir.mkdir(parents=True)
    os.mkfifo(pkg_dir / "f.docx")  # opening this for reading would block forever
    (pkg_dir / "real.docx").write_bytes(b"x")
    os.symlink("/etc/passwd", pkg_dir / "link.docx")
    sock_path = pkg_dir / "s.pdf"
    s = None
    if len(str(sock_path)) < 100:
        s = socket.socket(socket.AF_UNIX)
        s.bind(str(sock_path))
    try:
        recs = _records(Intake(tmp_path / "t").packages([tmp_path / "in"]))
    finally:
        if s:
            s.close()
    assert recs[("P", "f.docx")] == ("skipped", "fifo")
    assert recs[("P", "link.docx")] == ("skipped", "symlink")
    assert recs[("P", "real.docx")] == (None, "")
    if s:
        assert recs[("P", "s.pdf")] == ("skipped", "socket")
    fifo_top = Intake(tmp_path / "t2").packages([pkg_dir / "f.docx"])  # a FIFO given directly
    assert _records(fifo_top) == {("f.docx", "f.docx"): ("skipped", "fifo")}
    dev = Intake(tmp_path / "t3").packages([Path("/dev/null")])
    assert _records(dev) == {("null", "null"): ("skipped", "device")}


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_unreadable_file_and_folder(tmp_path: Path):
    p = tmp_path / "in" / "P"
    (p / "locked").mkdir(parents=True)
    (p / "a.docx").write_bytes(b"x")
    os.chmod(p / "a.docx", 0)
    os.chmod(p / "locked", 0)
    try:
        recs = _records(Intake(tmp_path / "t").packages([tmp_path / "in"]))
    finally:
        os.chmod(p / "locked", 0o755)
    assert recs[("P", "a.docx")] == ("error", "unreadable")
    assert recs[("P", "locked")] == ("error", "unreadable")


def test_unreadable_file_record(tmp_path: Path, monkeypatch):
    """Without root's privilege to drop: an OSError on open becomes an 'unreadable' record."""
    import extractor.intake.walk as walk  # where Intake looks hash_file up

    (tmp_path / "P").mkdir()
    (tmp_path / "P" / "a.docx").write_bytes(b"x")

    def refuse(path):  # noqa: ANN001
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(walk, "hash_file", refuse)
    recs = _records(Intake(tmp_path / "t").packages([tmp_path]))
    assert recs[("P", "a.docx")] == ("error", "unreadable")


def test_safe_name_boundary():
    just_in = "a" * 245 + ".docx"  # 250 bytes + ".json" = 255
    assert safe_name(just_in, ".json") == just_in + ".json"
    just_out = "a" * 246 + ".docx"  # 251 + 5 = 256
    got = safe_name(just_out, ".json")
    assert len(got.encode()) <= NAME_MAX_BYTES and got.endswith(".docx.json") and "~" in got
    cjk = "申" * 85 + ".pdf"  # 255 bytes + 4
    got = safe_name(cjk)
    assert len(got.encode()) <= 255 and got.endswith(".pdf")
    got.encode("utf-8")  # never cut inside a character
    assert safe_name("..") == "_.." and safe_name("a/b") == "a_b"
    assert NAME_MAX_BYTES == 255


def test_unsafe_entry_and_console_safe():
    assert unsafe_entry("../x") and unsafe_entry("/x") and unsafe_entry("a\\..\\x") and unsafe_entry("D:x")
    assert not unsafe_entry("a/b..c/x.docx")
    assert console_safe("a\x1b[31mb\nc\u202e") == "a\\x1b[31mb\\x0ac\\u202e"


@pytest.mark.parametrize("score,form", [(0.5, True), (0.499, False)])
def test_form_score_boundary(score: float, form: bool):
    assert FORM_MIN_SCORE == 0.5
    assert (score >= FORM_MIN_SCORE) is form


def test_text_evidence():
    s, tid = text_score("附件1\n2025年自治区统筹支持工业振兴专项资金\n（先进制造业集群培育）申报表")
    assert s >= 0.6 and tid == "gx-amc-2025"
    assert text_score("附件1：集群申报表（盖章版）")[0] == 0.55
    assert text_score("营业执照 统一社会信用代码")[0] < 0.5
    assert kind_of("营业执照") == "business_licence" and kind_of("合并资产负债表") == "financial_statement"
    assert kind_of("实用新型专利证书") == "certificate" and kind_of("关于推荐的函") == "letter"
    assert kind_of("IMG_0001") is None


def test_output_folder_inside_the_input_is_not_read(tmp_path: Path) -> None:
    """`extractor extract . -o out` run twice: the second run must not take `out/` for a package."""
    from extractor.intake import Intake

    inbox = tmp_path / "inbox"
    (inbox / "pkg").mkdir(parents=True)
    (inbox / "pkg" / "form.docx").write_bytes(b"x")
    (inbox / "out" / "pkg").mkdir(parents=True)
    (inbox / "out" / "pkg" / "form.docx.json").write_text("{}")
    (inbox / "pkg" / "out").mkdir()  # a folder of an applicant that happens to be called out: still read
    (inbox / "pkg" / "out" / "a.pdf").write_bytes(b"%PDF-1.4")
    pkgs = Intake(tmp_path / "tmp", exclude=(inbox / "out",)).packages([inbox])
    assert [p.key for p in pkgs] == ["pkg"]
    assert sorted(i.rel for i in pkgs[0].items) == ["form.docx", "out/a.pdf"]
    # nothing excluded: the output folder would be a package of its own
    assert len(Intake(tmp_path / "tmp2").packages([inbox])) == 2


def test_zip_names_utf8_without_flag_gbk_and_flagged() -> None:
    """Info-ZIP on Linux writes UTF-8 names without the UTF-8 flag; Windows writes GBK; both must read back."""
    import zipfile as zf

    from extractor.intake import zip_name

    name = "株洲轨道交通集群/集群申报表.docx"

    def info(raw: bytes, flag: int) -> zf.ZipInfo:
        i = zf.ZipInfo("x")
        i.flag_bits = flag
        i.filename = raw.decode("utf-8") if flag & 0x800 else raw.decode("cp437")
        return i

    assert zip_name(info(name.encode("utf-8"), 0)) == name
    assert zip_name(info(name.encode("gbk"), 0)) == name
    assert zip_name(info(name.encode("utf-8"), 0x800)) == name
    assert zip_name(info(b"plain/form.docx", 0)) == "plain/form.docx"
