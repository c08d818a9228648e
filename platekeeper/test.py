"""Personas and helpers shared by the tests.

Later issues add gates (MFA, training, approval); they extend the personas
here so that every earlier test keeps passing.
"""

from __future__ import annotations

import base64
import os
import socket
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import uvicorn
from django.contrib.auth.models import User
from django.test import Client, TestCase, TransactionTestCase
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from platekeeper.accounts.models import Agency, Profile, TrainingRecord
from platekeeper.audit import triggers
from platekeeper.audit.models import AccessRecord, Action
from platekeeper.audit.record import Actor
from platekeeper.hotlists.matching import HOLDER
from platekeeper.hotlists.models import Alert, Hit, HotList
from platekeeper.lib import plates
from platekeeper.policy.actions import publish_profile
from platekeeper.policy.profiles import rules_for
from platekeeper.reads.models import Camera, Plate, PlateRead
from platekeeper.retention import guard

PASSWORD = "correct horse battery staple"
# ../shared beside the repository (CI lays a copy there too).
SHARED = Path(
    os.environ.get(
        "PLATEKEEPER_SHARED_DIR", Path(__file__).resolve().parents[2] / "shared"
    )
)
# The smallest valid JPEG header, enough for the blob store's magic-byte check.
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 60 + b"\xff\xd9"
JPEG_B64 = base64.b64encode(JPEG_BYTES).decode()


def totp_code(user: User) -> str:
    """The code the user's authenticator shows now; the next step's when now's
    was already used (a code is good for one sign-in: R9)."""
    from django.db import connection

    try:
        device = TOTPDevice.objects.get(user=user, confirmed=True)
    finally:
        # Called from inside a Playwright block, this runs in Playwright's
        # greenlet, which has a database connection of its own: close it, or
        # the live server's clean-up kills it and the next test inherits it dead.
        if not connection.in_atomic_block:
            connection.close()
    step = int(time.time() - device.t0) // device.step
    while step <= device.last_t:
        step += 1
    if step > int(time.time() - device.t0) // device.step + device.tolerance:
        time.sleep(device.step)  # outside the tolerance window: wait for the next
        return totp_code(user)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = step * device.step + device.t0
    return f"{totp.token():0{device.digits}d}"


def wait_for(predicate: Callable[[], bool], seconds: float = 20.0) -> bool:
    """Poll until `predicate` holds or time runs out (for processes and brokers)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


# A trigger that makes every insert into the audit log fail, as a full disk
# would: for the fail-closed tests (R18). Rolled back with the test.
BLOCK_AUDIT_SQLITE = [
    """CREATE TRIGGER audit_block BEFORE INSERT ON audit_accessrecord
    BEGIN SELECT RAISE(ABORT, 'disk full'); END"""
]
BLOCK_AUDIT_PG = [
    """CREATE FUNCTION audit_block() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'disk full'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_block BEFORE INSERT ON audit_accessrecord
       FOR EACH ROW EXECUTE FUNCTION audit_block()""",
]


def block_audit_writes() -> None:
    from django.db import connection

    blocks = BLOCK_AUDIT_PG if connection.vendor == "postgresql" else BLOCK_AUDIT_SQLITE
    with connection.cursor() as cursor:
        for sql in blocks:
            cursor.execute(sql)


SIGN_IN_EVENTS = [Action.LOGIN, Action.LOGOUT, Action.LOGIN_FAILED]


def data_access(records: Any) -> Any:
    return records.exclude(action__in=SIGN_IN_EVENTS)


class Personas:
    """Builds the people and places every test can use."""

    def make_world(self) -> None:
        HOLDER.reset()  # the process's hot-list index belongs to the last test's data
        self.policy = publish_profile(
            rules_for("california"), actor=Actor.system("tests"), note="tests"
        )
        self.hawthorne = Agency.objects.create(
            name="Hawthorne Police Department",
            ori="CA0194200",
            type=Agency.Type.LAW_ENFORCEMENT,
            level=Agency.Level.LOCAL,
            state="CA",
        )
        self.inglewood = Agency.objects.create(
            name="Inglewood Police Department",
            ori="CA0194300",
            type=Agency.Type.LAW_ENFORCEMENT,
            level=Agency.Level.LOCAL,
            state="CA",
        )

        # Alice administers Hawthorne's ALPR system: cameras, accounts; no searches
        self.alice = self.person("alice", self.hawthorne, "ALPR Administrator")
        # Dave is a Hawthorne detective: full search, canvass, exports
        self.dave = self.person("dave", self.hawthorne, "Detective")
        # Olivia is a Hawthorne patrol officer: plate searches over the recent window
        self.olivia = self.person("olivia", self.hawthorne, "Police Officer")
        # Uma audits Hawthorne's use of the system: audit log, never plate searches
        self.uma = self.person("uma", self.hawthorne, "Auditor")
        # Otto is an Inglewood detective: must see nothing of Hawthorne's data
        self.otto = self.person("otto", self.inglewood, "Detective")
        # Tom's job title ("Parking Enforcement") is not in the Policy: no ALPR access
        self.tom = self.person("tom", self.hawthorne, "Parking Enforcement")

        self.camera = Camera(
            agency=self.hawthorne,
            name="Hawthorne Blvd & El Segundo NB",
            latitude=33.9165,
            longitude=-118.3527,
            heading=0,
            approved=True,
        )
        self.camera_key = self.camera.new_key()
        self.camera.save()
        self.inglewood_camera = Camera(
            agency=self.inglewood, name="Manchester & Prairie", approved=True
        )
        self.inglewood_camera_key = self.inglewood_camera.new_key()
        self.inglewood_camera.save()

    def person(
        self, username: str, agency: Agency, title: str, trained: bool = True
    ) -> User:
        user = User.objects.create_user(username, password=PASSWORD)
        Profile.objects.create(
            user=user,
            agency=agency,
            job_title=title,
            approved_at=timezone.now(),  # by a supervisor, as R4 asks
        )
        # An authenticator enrolled at an earlier sign-in (R9); `totp_code` reads it.
        TOTPDevice.objects.create(user=user, name="phone", key=random_hex(20))
        if trained:  # every course of the Policy, completed a week ago
            week_ago = timezone.localdate() - timedelta(days=7)
            TrainingRecord.objects.bulk_create(
                TrainingRecord(
                    user=user,
                    course=t.code,
                    completed_on=week_ago,
                    verified_by="Training Manager",
                )
                for t in self.policy.parsed.training
            )
        return user

    def make_read(
        self,
        plate: str = "7ABC123",
        camera: Camera | None = None,
        captured_at: datetime | None = None,
        **fields: Any,
    ) -> PlateRead:
        text = plates.normalize(plate)
        plate_row, _ = Plate.objects.get_or_create(
            plate=text, defaults=Plate.fields_for(text)
        )
        now = timezone.now()
        return PlateRead.objects.create(
            plate=plate_row,
            plate_text=plate,
            camera=camera or self.camera,
            confidence=fields.pop("confidence", 0.93),
            state=fields.pop("state", "CA"),
            captured_at=captured_at or now - timedelta(hours=1),
            received_at=now,
            source_format="generic",
            **fields,
        )

    def make_alert(self, read: PlateRead, covert: bool = False, **fields: Any) -> Alert:
        """An alert on `read` from an agency hot list (the matcher's output, made
        by hand for tests about what happens to alerts afterwards)."""
        hot_list = HotList.objects.create(
            agency=read.camera.agency,
            name="Covert list" if covert else "Agency list",
            source=HotList.Source.AGENCY,
            created_by="dave",
            covert=covert,
        )
        entry = hot_list.entries.create(
            plate=read.plate.plate, category="V", entered_by="dave"
        )
        hit = Hit.objects.create(
            read_id=read.id,
            entry=entry,
            hot_list=hot_list,
            camera_id=read.camera_id,
            plate=read.plate.plate,
            how=Hit.How.EXACT,
        )
        return Alert.objects.create(
            hit=hit, agency=read.camera.agency, hot_list=hot_list, **fields
        )

    def dave_code(self) -> str:
        return totp_code(self.dave)

    def password_step(self, username: str, password: str = PASSWORD) -> Client:
        """A browser past the notice and the password form (no second factor);
        the form's answer is kept in `self.last`."""
        browser = Client()
        browser.post("/login/", {"acknowledge": "1"})
        self.last = browser.post(
            "/login/", {"username": username, "password": password}
        )
        return browser

    def login(self, user: User) -> Client:
        client = Client(enforce_csrf_checks=False)
        client.force_login(user)
        session = client.session
        session["banner_acknowledged"] = True  # the system-use banner (R11)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None:  # and the second factor (R9)
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    def access_records(self, **filters: Any) -> list[AccessRecord]:
        """Records of access to ALPR data (not sign-ins and other security events)."""
        return list(data_access(AccessRecord.objects.filter(**filters)).order_by("id"))


class BaseTestCase(Personas, TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.make_world()


class LiveServer:
    """The ASGI app served by uvicorn in a background thread (as in production)."""

    def __init__(self) -> None:
        from platekeeper.asgi import application

        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        sock.close()
        config = uvicorn.Config(
            application,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="off",
            timeout_graceful_shutdown=1,  # open alert streams
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        close_other_sessions()


def close_other_sessions() -> None:
    """End database sessions that server threads left open (PostgreSQL will not
    drop the test database while any remains; SQLite has no sessions)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


class LiveTestCase(Personas, TransactionTestCase):
    """Data committed for real, so a server thread or a child process sees it."""

    def setUp(self) -> None:
        super().setUp()
        self.make_world()

    def _fixture_teardown(self) -> None:
        # The flush empties every table, the append-only audit log and reads
        # within their retention too: the one place where those triggers are
        # lifted, and only for the flush.
        with triggers.lifted(), guard.lifted():
            super()._fixture_teardown()  # type: ignore[misc]
