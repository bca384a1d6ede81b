#!/usr/bin/python3
"""Change events end to end (issue 16 item 3): a real heduid with mutual TLS
(deploy/dev-ca.sh certificates: dibao-system is DIBAO and MEDICAL in 320581
only, staff-1 every program in 320581 and 320582, admin-1 everything),
hedui.v1.ChangeService from Python.

What needs no event: every field bounded before any work (INVALID_ARGUMENT
naming it), the three roles admitted and a caller without a certificate
refused, a program or county outside the caller's grants refused, an empty
list, statistics of nothing, GetChange and ResolveChange of an unknown
number NOT_FOUND naming `number`, a watch resumed after a number not yet
there INVALID_ARGUMENT naming `after`, a watch of an empty store that waits
(sending nothing) until the client cancels it or the server stops, and every
call audited with its caller and outcome.

Events are made only by re-verification (issue 16 item 2/4), built
separately: with_events() below is where their test goes once it exists.
Expected outcomes come from domain.md §10 and the proto, never from the
server."""
import importlib
import os
import shutil
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import (Server, check, dev_certificates, fail,  # noqa: E402
                     workdir)
import grpc  # noqa: E402
from grpc_python import (channel, check_standard_details,  # noqa: E402
                         generate_stubs)


def refused(code, call, *args, **kwargs):
    """The refusal of a call expected to fail with `code`."""
    try:
        call(*args, timeout=30, **kwargs)
    except grpc.RpcError as e:
        check(e.code() == code, "wanted %s, got %s: %s"
              % (code, e.code(), e.details()))
        return e
    fail("wanted %s, the call succeeded" % code)


def refused_naming(code, field, stubs, call, *args, **kwargs):
    """A refusal with `code` whose standard details name `field`."""
    e = refused(code, call, *args, **kwargs)
    if code == grpc.StatusCode.INVALID_ARGUMENT:
        check_standard_details(e, stubs, field=field)
    check(field in e.details(), "the message names %s: %s"
          % (field, e.details()))
    return e


class Watch:
    """A WatchChanges stream read on its own thread: the events it got and
    how it ended."""

    def __init__(self, stub, request):
        self.call = stub.WatchChanges(request)
        self.events = []
        self.code = None
        self.details = None
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        try:
            for event in self.call:
                self.events.append(event)
            self.code = grpc.StatusCode.OK
        except grpc.RpcError as e:
            self.code = e.code()
            self.details = e.details()

    def ended(self, timeout):
        self.thread.join(timeout)
        return not self.thread.is_alive()


def audit_entries(stubs, server, audit_pb):
    audit = stubs["audit_pb2_grpc"].AuditServiceStub(
        channel(server, "admin-1"))
    entries, token = [], ""
    while True:
        page = audit.ListAudit(audit_pb.ListAuditRequest(
            page_size=1000, page_token=token), timeout=30)
        entries += list(page.entries)
        token = page.next_page_token
        if not token:
            return entries


def with_events(server, stubs, ch_pb, ch_grpc):
    """TO BE FILLED BY THE LEAD once re-verification makes events (issue 16
    items 2 and 4): enrol households, switch in a feed (or Reverify) that
    changes some, then check against domain.md §10.1 "Events":
      - ListChanges lists them in number order, paged (page_size=1 walks
        every one once; a token brought to other filters is refused naming
        page_token), filtered by program, region_code, entry_id, after and
        unresolved_only; dibao-system sees only DIBAO of 320581 (staff-1's
        320582 events are absent from its list, GetChange of one is
        NOT_FOUND naming number);
      - WatchChanges(after=0) sends every visible event, then a new one as
        soon as it is made; a watcher that reconnects with the last number
        it read misses nothing and sees nothing twice; kill -9 and restart:
        resuming after the last number read still misses nothing;
      - ResolveChange(CONFIRMED / EXPLAINED / SOURCE_WRONG) keeps the
        resolution with the event (GetChange shows it), a retry with the
        same request id answers byte for byte, another request under it is
        ALREADY_EXISTS naming request_id; resolving again replaces it;
      - GetChangeStats counts each criterion's events by resolution and its
        precision = confirmed / resolved;
      - after a purge past their day (RetentionService.Purge with a short
        report retention), WatchChanges(after=a number below the purged
        ones) is OUT_OF_RANGE naming after, after=0 starts at the first
        kept, and new events get numbers above the purged ones.
    Returns nothing; fails through check()."""
    print("with_events: not yet (events come with re-verification)")


def main():
    work = workdir("changes")
    tls = dev_certificates(os.path.join(work, "tls"))
    stubs = generate_stubs(os.path.join(work, "stubs"))
    ch_pb = importlib.import_module("hedui.v1.change_service_pb2")
    ch_grpc = importlib.import_module("hedui.v1.change_service_pb2_grpc")
    codes_pb = stubs["codes_pb2"]
    audit_pb = stubs["audit_pb2"]
    server = Server(work, os.path.join(work, "data"), tls_dir=tls).start()

    def stub(identity):
        return ch_grpc.ChangeServiceStub(channel(server, identity))

    dibao, staff, admin = stub("dibao-system"), stub("staff-1"), stub("admin-1")
    I = grpc.StatusCode.INVALID_ARGUMENT

    # Every field bounded before any work, named in the refusal.
    bad = [
        (dibao.ListChanges, ch_pb.ListChangesRequest(region_code="32058"),
         "region_code"),
        (dibao.ListChanges, ch_pb.ListChangesRequest(program=99), "program"),
        (dibao.ListChanges, ch_pb.ListChangesRequest(entry_id="E1"),
         "entry_id"),
        (dibao.ListChanges, ch_pb.ListChangesRequest(page_size=-1),
         "page_size"),
        (dibao.ListChanges, ch_pb.ListChangesRequest(page_token="x" * 65),
         "page_token"),
        (dibao.GetChange, ch_pb.GetChangeRequest(), "number"),
        (dibao.ResolveChange, ch_pb.ResolveChangeRequest(
            number=1, outcome=ch_pb.Resolution.CONFIRMED, caseworker="王芳"),
         "request_id"),
        (dibao.ResolveChange, ch_pb.ResolveChangeRequest(
            request_id="has space", number=1,
            outcome=ch_pb.Resolution.CONFIRMED, caseworker="王芳"),
         "request_id"),
        (dibao.ResolveChange, ch_pb.ResolveChangeRequest(
            request_id="r1", outcome=ch_pb.Resolution.CONFIRMED,
            caseworker="王芳"), "number"),
        (dibao.ResolveChange, ch_pb.ResolveChangeRequest(
            request_id="r1", number=1, caseworker="王芳"), "outcome"),
        (dibao.ResolveChange, ch_pb.ResolveChangeRequest(
            request_id="r1", number=1, outcome=7, caseworker="王芳"),
         "outcome"),
        (dibao.ResolveChange, ch_pb.ResolveChangeRequest(
            request_id="r1", number=1, outcome=ch_pb.Resolution.EXPLAINED),
         "caseworker"),
        (dibao.ResolveChange, ch_pb.ResolveChangeRequest(
            request_id="r1", number=1, outcome=ch_pb.Resolution.EXPLAINED,
            caseworker="\u3000 "), "caseworker"),
        (dibao.ResolveChange, ch_pb.ResolveChangeRequest(
            request_id="r1", number=1, outcome=ch_pb.Resolution.EXPLAINED,
            caseworker="王\x1b[2J芳"), "caseworker"),
        (dibao.ResolveChange, ch_pb.ResolveChangeRequest(
            request_id="r1", number=1, outcome=ch_pb.Resolution.SOURCE_WRONG,
            caseworker="王芳", note="很" * 201), "note"),
        (dibao.GetChangeStats, ch_pb.GetChangeStatsRequest(
            first_day=codes_pb.Date(year=2026, month=2, day=30)), "first_day"),
        (dibao.GetChangeStats, ch_pb.GetChangeStatsRequest(
            first_day=codes_pb.Date(year=2026, month=11, day=2),
            last_day=codes_pb.Date(year=2026, month=11, day=1)), "last_day"),
        (dibao.GetChangeStats, ch_pb.GetChangeStatsRequest(
            region_code="abcdef"), "region_code"),
    ]
    for method, request, field in bad:
        refused_naming(I, field, stubs, method, request)
    e = refused(I, lambda r, timeout: list(dibao.WatchChanges(
        r, timeout=timeout)), ch_pb.WatchChangesRequest(region_code="1"))
    check_standard_details(e, stubs, field="region_code")
    print("%d requests out of bounds refused, each naming its field"
          % (len(bad) + 1))

    # The roles: a program system, staff and an administrator may call;
    # without a certificate, nobody.
    for who in (dibao, staff, admin):
        listed = who.ListChanges(ch_pb.ListChangesRequest(), timeout=30)
        check(len(listed.events) == 0 and not listed.next_page_token,
              "an empty store lists nothing, with no token: %s" % listed)
        stats = who.GetChangeStats(ch_pb.GetChangeStatsRequest(), timeout=30)
        check(stats.events == 0 and len(stats.rows) == 0,
              "statistics of nothing: %s" % stats)
    e = refused(grpc.StatusCode.UNAUTHENTICATED,
                stub(None).ListChanges, ch_pb.ListChangesRequest())
    check_standard_details(e, stubs, reason="CALLER_NOT_AUTHENTICATED")

    # Scopes: dibao-system may ask for DIBAO in 320581 only.
    refused(grpc.StatusCode.PERMISSION_DENIED, dibao.ListChanges,
            ch_pb.ListChangesRequest(program=codes_pb.TEKUN))
    refused(grpc.StatusCode.PERMISSION_DENIED, dibao.ListChanges,
            ch_pb.ListChangesRequest(region_code="320582"))
    refused(grpc.StatusCode.PERMISSION_DENIED, dibao.GetChangeStats,
            ch_pb.GetChangeStatsRequest(region_code="320582"))
    e = refused(grpc.StatusCode.PERMISSION_DENIED,
                lambda r, timeout: list(dibao.WatchChanges(r, timeout=timeout)),
                ch_pb.WatchChangesRequest(program=codes_pb.TEKUN))
    mine = dibao.ListChanges(ch_pb.ListChangesRequest(
        program=codes_pb.DIBAO, region_code="320581"), timeout=30)
    check(len(mine.events) == 0, "its own program and county: nothing yet")
    print("roles admitted, no certificate refused, other grants refused")

    # Unknown numbers: NOT_FOUND naming number; a made-up token refused.
    refused_naming(grpc.StatusCode.NOT_FOUND, "number", stubs,
                   dibao.GetChange, ch_pb.GetChangeRequest(number=1))
    refused_naming(grpc.StatusCode.NOT_FOUND, "number", stubs,
                   staff.ResolveChange, ch_pb.ResolveChangeRequest(
                       request_id="resolve-unknown-1", number=12,
                       outcome=ch_pb.Resolution.CONFIRMED, caseworker="王芳"))
    refused_naming(I, "page_token", stubs, dibao.ListChanges,
                   ch_pb.ListChangesRequest(page_token="1.0011223344556677"))

    # A watch resumed after a number not yet there.
    e = refused(I, lambda r, timeout: list(staff.WatchChanges(
        r, timeout=timeout)), ch_pb.WatchChangesRequest(after=5))
    check_standard_details(e, stubs, field="after")
    check("after" in e.details(), "names after: %s" % e.details())

    # A watch of an empty store waits, sending nothing, until cancelled.
    watch = Watch(staff, ch_pb.WatchChangesRequest(after=0))
    time.sleep(1.5)
    check(not watch.ended(0), "the watch stays open while nothing happens")
    watch.call.cancel()
    check(watch.ended(10), "a cancelled watch ends")
    check(watch.code == grpc.StatusCode.CANCELLED and not watch.events,
          "cancelled, nothing sent: %s %s" % (watch.code, watch.events))
    print("watch: after=5 refused naming after; after=0 waits until "
          "cancelled")

    # Audited, allowed or refused, with the caller.
    time.sleep(1)  # the cancelled watch's entry is written as it ends
    entries = audit_entries(stubs, server, audit_pb)
    seen = {(x.method.rsplit("/", 1)[1], x.caller, x.code) for x in entries
            if x.method.startswith("/hedui.v1.ChangeService/")}
    for want in [("ListChanges", "dibao-system", 3),
                 ("ListChanges", "dibao-system", 0),
                 ("ListChanges", "staff-1", 0),
                 ("ListChanges", "admin-1", 0),
                 ("ListChanges", "(unauthenticated)", 16),
                 ("ListChanges", "dibao-system", 7),
                 ("GetChange", "dibao-system", 5),
                 ("ResolveChange", "staff-1", 5),
                 ("ResolveChange", "dibao-system", 3),
                 ("GetChangeStats", "admin-1", 0),
                 ("WatchChanges", "staff-1", 3),
                 ("WatchChanges", "staff-1", 1)]:
        check(want in seen, "audited: %s among %s" % (want, sorted(seen)))
    print("every call audited with its caller and outcome")

    with_events(server, stubs, ch_pb, ch_grpc)

    # The server stops promptly with a watch open: the watch ends (OK or,
    # past the stop, UNAVAILABLE), not after the whole grace period.
    watch = Watch(dibao, ch_pb.WatchChangesRequest())
    time.sleep(1)
    started = time.time()
    server.stop()
    took = time.time() - started
    check(watch.ended(10), "the watch ended with the server")
    check(watch.code in (grpc.StatusCode.OK, grpc.StatusCode.UNAVAILABLE,
                         grpc.StatusCode.CANCELLED),
          "the watch ended cleanly: %s %s" % (watch.code, watch.details))
    check(took < 10, "heduid stopped in %.1f s with a watch open" % took)
    print("stopped in %.1f s with a watch open (it ended %s)"
          % (took, watch.code))
    shutil.rmtree(work, ignore_errors=True)
    print("changes test passed")


if __name__ == "__main__":
    main()
