"""Evidence packages: what a hold covers, for portable media (Policy 427.4, R26).

A ZIP with the reads (CSV and JSON), their images, the access records made
under the case number, a chain-of-custody sheet (PDF) and `manifest.json`,
which lists the SHA-256 of every other file. `verify` checks a package
against its manifest: one changed byte anywhere is found. Making a package is
a recorded access, written before the package is handed over, and the record
carries the package's own SHA-256 so the copy booked into evidence can be
matched to it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils import timezone
from fpdf import FPDF

from platekeeper.audit.models import AccessRecord, Action
from platekeeper.audit.record import Actor, Entry, record_access
from platekeeper.reads import blobs
from platekeeper.reads.models import PlateRead
from platekeeper.retention.models import Hold

MANIFEST = "manifest.json"
READ_FIELDS = [
    "id",
    "plate",
    "plate_text",
    "state",
    "confidence",
    "captured_at",
    "received_at",
    "camera",
    "latitude",
    "longitude",
    "heading",
    "vehicle_make",
    "vehicle_color",
    "vehicle_type",
    "source_format",
    "plate_image",
    "overview_image",
]


def _read_row(read: PlateRead) -> dict[str, Any]:
    row = {f: getattr(read, f) for f in READ_FIELDS}
    row |= {
        "plate": read.plate.plate,
        "camera": read.camera.name,
        "captured_at": read.captured_at.isoformat(),
        "received_at": read.received_at.isoformat(),
        "candidates": read.candidates,
    }
    return row


def _csv(rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=READ_FIELDS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def _records(subject: Subject) -> bytes:
    records = AccessRecord.objects.filter(
        case_number=subject.case_number, actor_agency_ori=subject.agency_ori
    ).order_by("id")
    return json.dumps(
        [
            {
                "code": str(r.code),
                "at": r.at.isoformat(),
                "user": r.actor_username,
                "agency": r.actor_agency,
                "action": r.action,
                "criteria": r.criteria,
                "purpose": r.purpose,
                "case_number": r.case_number,
                "outcome": r.outcome,
                "result_ids": r.result_ids,
                "hash": r.hash,
            }
            for r in records
        ],
        indent=1,
    ).encode()


@dataclass(frozen=True)
class Subject:
    """What a package holds and says of itself: a hold, or a release's fulfilment."""

    name: str
    case_number: str
    evidence_item: str
    agency_ori: str  # whose access records under the case go in
    facts: list[str]  # the custody sheet's lines about where it comes from
    manifest: dict[str, Any] = field(default_factory=dict)


def of_hold(hold: Hold) -> Subject:
    approver = (
        hold.approved_by.get_username() if hold.approved_by else "not yet approved"
    )
    return Subject(
        name=f"evidence-{hold.case_number}-{hold.evidence_item}",
        case_number=hold.case_number,
        evidence_item=hold.evidence_item,
        agency_ori=hold.agency.ori,
        facts=[
            f"Hold: {hold.pk} ({hold.get_status_display()}), requested by {hold.requester}",
            f"Hold placed by {hold.placed_by.get_username()} on "
            f"{timezone.localtime(hold.placed_at):%Y-%m-%d %H:%M %Z}",
            f"Approved by: {approver}",
            f"Reason: {hold.reason}",
        ],
        manifest={"hold": hold.pk},
    )


@dataclass
class Package:
    name: str
    subject: Subject
    files: dict[str, bytes] = field(default_factory=dict)

    def add(self, name: str, data: bytes) -> None:
        self.files[name] = data

    def digests(self) -> dict[str, str]:
        return {n: hashlib.sha256(d).hexdigest() for n, d in sorted(self.files.items())}


def _custody_sheet(package: Package, maker: Actor, made_at: str) -> bytes:
    subject = package.subject
    pdf = FPDF(format="letter")
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=14)
    pdf.cell(
        0,
        10,
        "ALPR evidence package - chain of custody",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("Helvetica", size=10)
    lines = [
        f"Package: {package.name}",
        f"Case number: {subject.case_number}",
        f"Evidence item: {subject.evidence_item}",
        *subject.facts,
        f"Made by: {maker.username} ({maker.agency}) at {made_at}",
        "Files and their SHA-256 (manifest.json holds the same list):",
    ]
    for line in lines:
        pdf.multi_cell(0, 6, _latin1(line), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Courier", size=7)
    for name, digest in package.digests().items():
        pdf.multi_cell(0, 4, f"{digest}  {name}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    pdf.ln(6)
    for role in ("Released by", "Received by (property and evidence)"):
        pdf.cell(
            0,
            10,
            f"{role}: ______________________  Date/time: ____________",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    return bytes(pdf.output())


def _latin1(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")


def build(subject: Subject, reads: list[PlateRead], maker: Actor) -> Package:
    """The reads as files, with what the subject says of them (not yet
    recorded or handed over)."""
    made_at = timezone.localtime().strftime("%Y-%m-%d %H:%M:%S %Z")
    package = Package(subject.name, subject)
    rows = [_read_row(r) for r in reads]
    package.add("reads.csv", _csv(rows))
    package.add("reads.json", json.dumps(rows, indent=1).encode())
    digests = {d for r in reads for d in (r.plate_image, r.overview_image) if d}
    for digest in sorted(digests):
        data = blobs.get(digest)
        if data is not None:
            package.add(f"images/{digest}{blobs.extension(data)}", data)
    package.add("access_records.json", _records(subject))
    package.add("chain_of_custody.pdf", _custody_sheet(package, maker, made_at))
    manifest = {
        **subject.manifest,
        "case_number": subject.case_number,
        "evidence_item": subject.evidence_item,
        "made_by": maker.username,
        "made_at": made_at,
        "reads": [r.id for r in reads],
        "sha256": package.digests(),
    }
    package.add(MANIFEST, json.dumps(manifest, indent=1).encode())
    return package


def as_zip(package: Package) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in package.files.items():
            archive.writestr(name, data)
    return out.getvalue()


def held_reads(hold: Hold, user: Any) -> list[PlateRead]:
    """The hold's reads that `user` may see, oldest first."""
    return list(
        PlateRead.objects.visible_to(user)
        .filter(id__in=hold.reads.values("read_id"))
        .select_related("plate", "camera")
        .order_by("captured_at", "id")
    )


def make(
    hold: Hold, user: Any, maker: Actor | None = None
) -> tuple[bytes, AccessRecord]:
    """The package as a ZIP and the access record written before it is handed over."""
    maker = maker or Actor.of_user(user)
    package = build(of_hold(hold), held_reads(hold, user), maker)
    data = as_zip(package)
    record = record_access(
        maker,
        Entry(
            Action.EVIDENCE_PACKAGE,
            {
                "hold": hold.pk,
                "evidence_item": hold.evidence_item,
                "package_sha256": hashlib.sha256(data).hexdigest(),
            },
            case_number=hold.case_number,
            justification=hold.reason,
            result_ids=json.loads(package.files[MANIFEST])["reads"],
        ),
    )
    return data, record


def verify(stream: IO[bytes]) -> list[str]:
    """What is wrong with a package; empty when every file matches its manifest."""
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if MANIFEST not in names:
                return ["no manifest.json: not an evidence package"]
            listed = json.loads(archive.read(MANIFEST))["sha256"]
            problems = [
                f"not in the manifest: {n}"
                for n in sorted(names - set(listed) - {MANIFEST})
            ]
            for name, digest in sorted(listed.items()):
                if name not in names:
                    problems.append(f"missing: {name}")
                elif _digest(archive, name) != digest:
                    problems.append(f"changed: {name}")
            return problems
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
        return [f"not a readable ZIP file: {exc}"]
    except (
        ValueError,
        KeyError,
        TypeError,
    ) as exc:  # manifest not JSON, or the wrong shape
        return [f"unreadable manifest.json: {exc}"]


def _digest(archive: zipfile.ZipFile, name: str) -> str | None:
    try:
        return hashlib.sha256(archive.read(name)).hexdigest()
    except zipfile.BadZipFile:  # its bytes no longer match the ZIP's own CRC
        return None
