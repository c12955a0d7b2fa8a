"""One upload policy for evidence (step submissions) and 落实表 files: the type
by name AND by content, a size per file, a count per submission.

A name says what a file claims to be; the first bytes say what it is. A renamed
program (`report.pdf` that starts with `MZ`) or a page (`.txt` holding HTML with
script) is refused, so what the office downloads is what the list promises.
"""

from __future__ import annotations

import os

from django.conf import settings

from config.errors import DomainError

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc / .xls (Office 97-2003)
ZIP = (b"PK\x03\x04", b"PK\x05\x06")  # .docx / .xlsx / .zip
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "doc": (OLE,),
    "xls": (OLE,),
    "docx": ZIP,
    "xlsx": ZIP,
    "zip": ZIP,
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "txt": (),  # text: checked below
}
ALLOWED_EXTENSIONS = frozenset(SIGNATURES)
# Executables and markup never pass, whatever their name.
_FORBIDDEN_STARTS = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"#!")
_MARKUP = (b"<html", b"<!doctype", b"<script", b"<svg", b"<?xml")


def _size_label(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g}MB"
    return f"{size / 1024:g}KB"


def _head(upload, n: int = 2048) -> bytes:
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(n)
    upload.seek(position)
    return head if isinstance(head, bytes) else head.encode("utf-8")


def _content_matches(ext: str, head: bytes) -> bool:
    if head.startswith(_FORBIDDEN_STARTS):
        return False
    if ext == "txt":
        lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        if b"\x00" in head or lowered.startswith(_MARKUP):
            return False
        for encoding in ("utf-8", "gb18030"):
            try:
                head.decode(encoding)
                return True
            except UnicodeDecodeError as exc:
                # A multi-byte character cut at the end of the sample is fine.
                if exc.start >= len(head) - 4:
                    return True
        return False
    return head.startswith(SIGNATURES[ext])


def check_uploads(files) -> None:
    """Raise DomainError (Chinese, code invalid_file) unless every file passes.
    Nothing is stored by this check."""
    files = list(files)
    limit_count = settings.UPLOAD_MAX_FILES
    if len(files) > limit_count:
        raise DomainError(f"一次最多上传{limit_count}个文件。", code="invalid_file")
    limit = settings.EVIDENCE_MAX_FILE_SIZE
    allowed = "、".join(sorted(ALLOWED_EXTENSIONS))
    for upload in files:
        name = os.path.basename(upload.name or "")
        ext = os.path.splitext(name)[1].lower().lstrip(".")
        if ext not in ALLOWED_EXTENSIONS:
            raise DomainError(
                f"文件“{name}”的类型不允许上传，只能上传：{allowed}。",
                code="invalid_file",
            )
        if upload.size > limit:
            raise DomainError(
                f"文件“{name}”超过大小限制(每个文件最大{_size_label(limit)})。",
                code="invalid_file",
            )
        if upload.size == 0:
            raise DomainError(f"文件“{name}”是空文件。", code="invalid_file")
        if not _content_matches(ext, _head(upload)):
            raise DomainError(
                f"文件“{name}”的内容与扩展名 .{ext} 不符，请上传真实的{ext}文件。",
                code="invalid_file",
            )
