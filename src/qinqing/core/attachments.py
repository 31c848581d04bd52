"""Attachments people upload: checked, stripped of metadata, stored under a generated name.

One cleaner for every app that takes files from outside (supervision's reports, commitments' documents
and fund applications):

* types: JPEG or PNG pictures, PDF and plain UTF-8 text (``ALLOWED_TYPES``); the bytes must be what the
  type claims (a picture is opened by Pillow, a PDF starts with ``%PDF-``, text decodes as UTF-8);
* size: at most ``MAX_BYTES`` (5 MB) per file, at most ``MAX_COUNT`` files per submission;
* pictures are re-encoded from their pixels only: EXIF (place, device, time) and other metadata dropped;
* PDFs are rewritten page by page by pypdf: no document information, XMP, outlines, embedded files or
  scripts; a password-protected PDF is refused (4xx), and so is anything pypdf cannot read — never a 500.

``clean`` returns the safe display name and the clean bytes; ``store`` writes them to the project's file
storage (``default_storage`` under ``MEDIA_ROOT``) under a generated name — the uploader's file name is
kept only as data, never as a path. Errors are ``ServiceError`` naming the field (``attachments`` unless
the caller says otherwise).
"""

from __future__ import annotations

import contextlib
import io
import logging
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _

from .errors import ServiceError

log = logging.getLogger(__name__)

MAX_COUNT = 5
MAX_BYTES = 5 * 1024 * 1024
# A picture's pixels once decoded (a phone's photo has 12-50 million); a file of a few kB can claim hundreds
# of millions, and Pillow refuses only past about 179 million (DecompressionBombError).
MAX_PIXELS = 60_000_000
#: content type → the picture format Pillow must find (None: not a picture)
ALLOWED_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "application/pdf": None, "text/plain": None}
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf", "text/plain": ".txt"}
#: what a browser may send for these files when it does not know better (guessed from the name)
_BY_EXTENSION = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".pdf": "application/pdf",
                 ".txt": "text/plain"}


def content_type_of(upload) -> str:
    """The declared type of an uploaded file, or the one its extension names when the browser sent a
    generic one. Only a claim: ``clean`` checks the bytes against it."""
    declared = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    if declared in ALLOWED_TYPES:
        return declared
    name = (getattr(upload, "name", "") or "").lower()
    for extension, content_type in _BY_EXTENSION.items():
        if name.endswith(extension):
            return content_type
    return declared


MAX_UNZIPPED = 100 * 1024 * 1024  # a Word document's or workbook's parts unpacked (a long tender: far below)


def unzipped_size(data: bytes) -> int:
    """What a zip-based file (.docx, .xlsx) holds once its parts are unpacked, read from its directory with
    nothing unpacked: a file of 50 kB can unpack to 150 MB, which a parser would then hold and walk. The
    sizes are binding: Python's zipfile stops a part at the size its directory gives. Raises
    ``zipfile.BadZipFile`` for what is not a zip file."""
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(info.file_size for info in archive.infolist())


def _too_many_pixels(field: str) -> ServiceError:
    return ServiceError(
        _("A picture may have at most %(most)s pixels."),
        code="attachment_size",
        field=field,
        params={"most": f"{MAX_PIXELS:,}"},
    )


def clean(name: str, content_type: str, data: bytes, *, field: str = "attachments") -> tuple[str, bytes]:
    """The safe name and the clean bytes of one file, or a ``ServiceError`` (type, size, unreadable)."""
    if content_type not in ALLOWED_TYPES:
        raise ServiceError(
            _("Attachments may be JPEG or PNG pictures, PDF or plain text files."),
            code="attachment_type",
            field=field,
        )
    if len(data) > MAX_BYTES:
        raise ServiceError(_("An attachment may be at most 5 MB."), code="attachment_size", field=field)
    if not data:
        raise ServiceError(_("The file %(name)s is empty."), code="attachment_empty", field=field,
                           params={"name": (name or "")[:80]})
    image_format = ALLOWED_TYPES[content_type]
    if image_format:
        # Re-encode the picture's pixels only: EXIF (place, device, time) and other metadata are dropped.
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(io.BytesIO(data)) as image:
                if image.width * image.height > MAX_PIXELS:  # decoded, a small file can fill the memory
                    raise _too_many_pixels(field)
                if image.format != image_format:
                    raise ServiceError(
                        _("The file is not the picture type it claims to be."),
                        code="attachment_type",
                        field=field,
                    )
                pixels = Image.frombytes(image.mode, image.size, image.tobytes())  # no info/EXIF
                if image.mode == "P" and image.getpalette():
                    pixels.putpalette(image.getpalette())
                out = io.BytesIO()
                pixels.save(out, format=image_format)
                data = out.getvalue()
        except Image.DecompressionBombError as error:
            raise _too_many_pixels(field) from error
        except (UnidentifiedImageError, OSError) as error:
            raise ServiceError(
                _("The picture could not be read."), code="attachment_type", field=field
            ) from error
    elif content_type == "application/pdf":
        if not data.startswith(b"%PDF-"):
            raise ServiceError(_("The file is not a PDF."), code="attachment_type", field=field)
        data = clean_pdf(data, field=field)
    elif content_type == "text/plain":
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ServiceError(
                _("A text attachment must be UTF-8."), code="attachment_type", field=field
            ) from error
    safe_name = (name or "attachment").replace("/", "_").replace("\\", "_")[:120]
    return safe_name, data


def clean_pdf(data: bytes, *, field: str = "attachments") -> bytes:
    """The pages only, rewritten by pypdf: the document information (author, producer, creator,
    dates), the XMP metadata stream, outlines, embedded files and scripts of the catalogue are not
    copied; each page loses its own XMP stream and private application data, and comments lose the
    name of their author."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ServiceError(
                _("A password-protected PDF cannot be accepted; send it without the password."),
                code="attachment_type",
                field=field,
            )
        writer = PdfWriter()
        for page in reader.pages:
            added = writer.add_page(page)
            for key in ("/Metadata", "/PieceInfo"):
                added.pop(NameObject(key), None)
            for annotation in added.get("/Annots") or []:
                annotation = annotation.get_object()
                for key in ("/T", "/M", "/CreationDate"):
                    annotation.pop(NameObject(key), None)
        writer.metadata = None  # no /Info at all (pypdf would name itself the producer)
        out = io.BytesIO()
        writer.write(out)
    except ServiceError:
        raise
    except Exception as error:  # an untrusted file: whatever pypdf trips over (a 4xx, never a 500)
        log.info("a PDF attachment was refused: %s", type(error).__name__)
        raise ServiceError(_("The PDF could not be read."), code="attachment_type", field=field) from error
    return out.getvalue()


def check_count(files, *, field: str = "attachments") -> list:
    files = list(files or [])
    if len(files) > MAX_COUNT:
        raise ServiceError(_("At most 5 attachments."), code="attachment_count", field=field)
    return files


def clean_uploads(uploads, *, field: str = "attachments") -> list[tuple[str, str, bytes]]:
    """(safe name, type, clean bytes) of each upload — a Django ``UploadedFile`` (its type from
    ``content_type_of``, refused past ``MAX_BYTES`` before it is read) or a ready ``(name, type, bytes)``
    tuple —, or a ``ServiceError`` naming ``field``. Run before any transaction (Pillow and pypdf take
    time)."""
    cleaned = []
    for upload in check_count(uploads, field=field):
        if isinstance(upload, tuple):
            name, content_type, data = upload
        else:
            if (upload.size or 0) > MAX_BYTES:
                raise ServiceError(
                    _("An attachment may be at most 5 MB."), code="attachment_size", field=field
                )
            name, content_type, data = upload.name or "", content_type_of(upload), upload.read()
        safe_name, data = clean(name, content_type, data, field=field)
        cleaned.append((safe_name, content_type, data))
    return cleaned


def download(name: str, content_type: str, data: bytes):
    """The answer serving a stored attachment: always a download (never shown inline), its type not
    sniffed, the name encoded for any language (RFC 6266), kept out of shared caches."""
    from urllib.parse import quote

    from django.http import HttpResponse

    response = HttpResponse(data, content_type=content_type or "application/octet-stream")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name or 'attachment')}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def store(folder: str, content_type: str, data: bytes) -> str:
    """Write clean bytes to the project's file storage under a generated name; the stored path."""
    return default_storage.save(f"{folder}/{uuid.uuid4().hex}{EXTENSIONS[content_type]}", ContentFile(data))


def read(path: str) -> bytes:
    with default_storage.open(path, "rb") as handle:
        return handle.read()


@contextlib.contextmanager
def removed_on_error():
    """A list for the paths ``store`` wrote in the block; if the block raises (its transaction rolled back),
    the files are removed again."""
    stored: list[str] = []
    try:
        yield stored
    except BaseException:
        for path in stored:
            discard(path)
        raise


def discard(path: str) -> None:
    """Remove a stored file (after the transaction that wrote its row rolled back)."""
    try:
        default_storage.delete(path)
    except OSError:  # pragma: no cover - already gone
        log.info("a stored attachment could not be removed")
