#!/usr/bin/python3
"""Adversarial probe of the 2026-12-08 session's work: the streams on gRPC's
callback API (WatchChanges, ExportAudit, VerifyBatch), the page-token codec
and Verify's request ids, against a real heduid over mutual TLS.

Each attack is a regression check; its oracle is the API's contract (codes,
slots given back, the audit chain verifying, memory and threads bounded),
never the server's own code:
- garbage, empty, truncated and oversized items inside a VerifyBatch stream;
- request ids repeated within a stream and across four concurrent streams;
- callers outside their grants on each stream, and no certificate;
- garbled, forged, oversized and swapped page tokens of ListRoll,
  ListChanges and ListReviewsDue (and ListReports'/ListAudit's brought to
  them);
- hundreds of streams abandoned half-way (cancelled, channel closed, deadline
  passing mid-stream): slots come back, threads stay bounded;
- large messages to a VerifyBatch stream whose client reads nothing: memory
  bounded (a defect found and fixed here);
- ConfirmHeldFeeds racing a DiscardHeldFeed, and a kill -9 during it;
- SIGTERM and kill -9 with streams open: stop within the grace period, and
  after the restart the audit chain verifies and acknowledged request ids
  answer their first reports. Open batch streams held a SIGTERM'd heduid
  for its whole grace period (a defect found and fixed here)."""
import importlib
import json
import os
import random
import shutil
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import (Server, check, cli, departments,  # noqa: E402
                     dev_certificates, generate_county, ingest_county,
                     wait_for, workdir)
from grpc_python import channel, generate_stubs  # noqa: E402
from service_test import to_request  # noqa: E402

import grpc  # noqa: E402

RESIDENTS = 400
APPLICATIONS = 60
GRACE = 20
GRACE_ARGS = ["--shutdown-grace-seconds", str(GRACE)]


def rss_mb(pid):
    for line in open("/proc/%d/status" % pid):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0


def threads_of(pid):
    return len(os.listdir("/proc/%d/task" % pid))


class Probe:
    def __init__(self):
        self.work = workdir("streams-abuse")
        self.tls = dev_certificates(os.path.join(self.work, "tls"))
        self.data = os.path.join(self.work, "data")
        self.stubs = generate_stubs(os.path.join(self.work, "stubs"))
        self.ch_pb = importlib.import_module("hedui.v1.change_service_pb2")
        self.ch_grpc = importlib.import_module(
            "hedui.v1.change_service_pb2_grpc")
        self.vs_pb = self.stubs["verification_service_pb2"]
        self.vs_grpc = self.stubs["verification_service_pb2_grpc"]
        self.au_pb = self.stubs["audit_pb2"]
        self.au_grpc = self.stubs["audit_pb2_grpc"]
        self.county = os.path.join(self.work, "county")
        self.manifest = generate_county(self.county, RESIDENTS,
                                        applications=APPLICATIONS)
        apps = [json.loads(line) for line in open(os.path.join(
            self.county, self.manifest["applications_file"]))]
        self.apps = apps
        self.requests = [to_request(a, self.stubs["verification_pb2"])
                         for a in apps]
        self.server = None

    def start(self, extra_args=()):
        self.server = Server(self.work, self.data, tls_dir=self.tls,
                             extra_args=list(extra_args)).start()
        self.channels = {}
        return self.server

    def channel(self, who):
        if who not in self.channels:
            self.channels[who] = channel(self.server, who)
        return self.channels[who]

    def small_window_channel(self, who):
        """A channel whose receive window stays at HTTP/2's 64 KiB (no BDP
        probing): a client that does not read stalls the server's writes
        soon."""
        read = lambda name: open(os.path.join(self.tls, name), "rb").read()
        creds = grpc.ssl_channel_credentials(
            root_certificates=read("ca.crt"),
            private_key=read(who + ".key"),
            certificate_chain=read(who + ".crt"))
        return grpc.secure_channel(
            "localhost:%d" % self.server.port, creds,
            options=[("grpc.http2.bdp_probe", 0),
                     ("grpc.max_send_message_length", 16 << 20)])

    def verify(self, who="staff-1"):
        return self.vs_grpc.VerificationServiceStub(self.channel(who))

    def watch(self, who="staff-1"):
        return self.ch_grpc.ChangeServiceStub(self.channel(who))

    def audit(self, who="admin-1"):
        return self.au_grpc.AuditServiceStub(self.channel(who))

    def served(self, who):
        """A fresh batch, watch and export of `who` are admitted (slots
        given back)."""
        try:
            list(self.verify(who).VerifyBatch(iter([]), timeout=10))
        except grpc.RpcError:
            return False
        return True

    def audit_verifies(self):
        return self.audit().VerifyAudit(self.au_pb.VerifyAuditRequest(),
                                        timeout=120)

    # --- attacks ------------------------------------------------------------

    def large_messages_slow_reader(self):
        """A VerifyBatch client that sends large messages (just under the
        message limit) and reads no result: the server's memory stays
        bounded. Found 2026-12-08: read-ahead was bounded by count only (64
        messages a stream, of up to 8 MiB each), and four such streams of
        one caller grew heduid by 0.8-1.4 GB (one caller's eight streams:
        4 GiB, every caller's 64: 32 GiB); fixed in stream_reactor.h by
        also bounding the bytes read ahead (kReadAheadBytes)."""
        pid = self.server.proc.pid
        before = rss_mb(pid)
        release = threading.Event()
        big = self.vs_pb.VerifyRequest(request=self.requests[0])
        # A valid request with a long (refused) application id: the decode
        # costs the full size; each result is small.
        big.request.application_id = "x" * (7 << 20)
        small = self.vs_pb.VerifyRequest(request=self.requests[0])

        sent = [0]

        def messages():
            # Reports first fill the client's receive window with results
            # nobody reads, so the server stops taking items (it reads on).
            for _ in range(64):
                yield small
            for _ in range(80):
                yield big
                sent[0] += 1
            release.wait()

        calls = [self.vs_grpc.VerificationServiceStub(
            self.small_window_channel("staff-1")).VerifyBatch(
                messages(), timeout=120) for _ in range(4)]
        peak = before
        deadline = time.time() + 25
        while time.time() < deadline:
            peak = max(peak, rss_mb(pid))
            time.sleep(0.25)
        release.set()
        for call in calls:
            call.cancel()
        print("large messages, no reader: heduid RSS %.0f MB before, peak "
              "%.0f MB with 4 streams (%d large messages sent)"
              % (before, peak, sent[0]))
        wait_for(lambda: self.served("staff-1"), "staff-1's slots back")
        return peak - before

    def raw_batch(self, who):
        """VerifyBatch sending raw bytes (garbage is not a VerifyRequest)."""
        return self.channel(who).stream_stream(
            "/hedui.v1.VerificationService/VerifyBatch",
            request_serializer=lambda b: b,
            response_deserializer=self.vs_pb.VerifyBatchResult.FromString)

    def garbage_in_batch(self):
        """Garbage, empty and truncated items inside a VerifyBatch stream are
        refused item by item (INVALID_ARGUMENT, in order); the stream goes on
        and a good item after them is verified. A message over the size limit
        ends only its stream, as RESOURCE_EXHAUSTED."""
        good = self.vs_pb.VerifyRequest(
            request=self.requests[0]).SerializeToString()
        rng = random.Random(17)
        items = [good, b"\xff" * 40, bytes(rng.getrandbits(8)
                                           for _ in range(3000)),
                 good[:len(good) // 2], b"", b"\x0a\xff\xff\xff\xff\x0f",
                 good]
        results = list(self.raw_batch("staff-1")(iter(items), timeout=60))
        check([r.index for r in results] == list(range(len(items))),
              "one result per item, in order: %s"
              % [r.index for r in results])
        check(results[0].code == 0 and results[-1].code == 0
              and results[0].report.report_id
              and results[-1].report.report_id
              != results[0].report.report_id,
              "good items verified around the garbage: %s %s"
              % (results[0].code, results[-1].code))
        bad = [r.code for r in results[1:-1]]
        # The empty message is a VerifyRequest with nothing in it: refused
        # for its missing request, like any garbage.
        check(all(c == grpc.StatusCode.INVALID_ARGUMENT.value[0]
                  for c in bad), "garbage items INVALID_ARGUMENT: %s" % bad)
        over = self.vs_pb.VerifyRequest(request=self.requests[0])
        over.request.application_id = "z" * (9 << 20)
        try:
            list(self.vs_grpc.VerificationServiceStub(
                self.small_window_channel("staff-1")).VerifyBatch(
                    iter([self.vs_pb.VerifyRequest(request=self.requests[1]),
                          over]), timeout=60))
            check(False, "a message over the size limit accepted")
        except grpc.RpcError as e:
            check(e.code() == grpc.StatusCode.RESOURCE_EXHAUSTED,
                  "oversized item: %s %s" % (e.code(), e.details()))
        check(self.served("staff-1"), "the server serves after the garbage")
        print("garbage in VerifyBatch: refused item by item; oversized "
              "message ends its stream only")

    def odd_stream_requests(self):
        """Server-stream requests that are garbage or out of range are
        INVALID_ARGUMENT, a watch after a number never given too (naming
        after)."""
        def raw(method, who):
            return self.channel(who).unary_stream(
                method, request_serializer=lambda b: b,
                response_deserializer=lambda b: b)

        cases = [
            ("WatchChanges garbage", raw(
                "/hedui.v1.ChangeService/WatchChanges", "staff-1"),
             b"\xff\xff\xff\xff"),
            ("ExportAudit garbage", raw(
                "/hedui.v1.AuditService/ExportAudit", "admin-1"),
             b"\x08\xff"),
            ("ExportAudit from after to", self.audit().ExportAudit,
             self.au_pb.ExportAuditRequest(from_unix_micros=10,
                                           to_unix_micros=5)),
            ("ExportAudit negative from", self.audit().ExportAudit,
             self.au_pb.ExportAuditRequest(from_unix_micros=-1)),
            ("WatchChanges bad region", self.watch().WatchChanges,
             self.ch_pb.WatchChangesRequest(region_code="12x")),
        ]
        for what, call, request in cases:
            try:
                list(call(request, timeout=30))
                check(False, "%s: accepted" % what)
            except grpc.RpcError as e:
                check(e.code() == grpc.StatusCode.INVALID_ARGUMENT,
                      "%s: %s %s" % (what, e.code(), e.details()))
        far = self.watch().WatchChanges(
            self.ch_pb.WatchChangesRequest(after=(1 << 64) - 1), timeout=30)
        try:
            got = list(far)
            check(False, "a watch after a number never given: %s" % got)
        except grpc.RpcError as e:
            check(e.code() == grpc.StatusCode.INVALID_ARGUMENT
                  and (e.details() or "").startswith("after"),
                  "a watch after a number never given: %s %s"
                  % (e.code(), e.details()))
        check(self.served("staff-1"), "served after the odd requests")
        print("odd server-stream requests: INVALID_ARGUMENT")

    def repeated_request_ids(self):
        """The same request ids in one stream and in four concurrent streams:
        every answer for an id names one report; a different request under a
        used id is ALREADY_EXISTS."""
        ids = ["sa-%d" % i for i in range(6)]

        def items(order):
            for i in order:
                yield self.vs_pb.VerifyRequest(
                    request=self.requests[i % len(self.requests)],
                    request_id=ids[i])

        order = [0, 1, 0, 2, 1, 0] * 6
        seen = {}
        failures = []

        def run(n):
            rng = random.Random(n)
            mine = order[:]
            rng.shuffle(mine)
            try:
                results = list(self.verify("staff-1").VerifyBatch(
                    items(mine), timeout=120))
            except grpc.RpcError as e:
                failures.append("%s %s" % (e.code(), e.details()))
                return
            for i, r in zip(mine, results):
                if r.code != 0:
                    failures.append("%s: %d %s" % (ids[i], r.code, r.message))
                else:
                    seen.setdefault(ids[i], set()).add(r.report.report_id)

        threads = [threading.Thread(target=run, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        check(not failures, "repeated ids: %s" % failures[:5])
        check(all(len(v) == 1 for v in seen.values()) and len(seen) == 3,
              "one report per request id across 4 streams: %s" % seen)
        # The same id with another request: ALREADY_EXISTS for that item
        # only.
        other = self.vs_pb.VerifyRequest(request=self.requests[5],
                                         request_id=ids[0])
        results = list(self.verify("staff-1").VerifyBatch(
            iter([other, self.vs_pb.VerifyRequest(request=self.requests[0],
                                                  request_id=ids[0])]),
            timeout=60))
        check(results[0].code == grpc.StatusCode.ALREADY_EXISTS.value[0]
              and results[1].code == 0
              and results[1].report.report_id in seen[ids[0]],
              "another request under a used id: %s; the same one: %s"
              % (results[0].code, results[1].report.report_id))
        # request id -> (caller, request, report id)
        self.acknowledged = {k: ("staff-1", int(k.split("-")[1]),
                                 next(iter(v))) for k, v in seen.items()}
        print("repeated request ids: one report per id over 4 concurrent "
              "streams; another request under an id ALREADY_EXISTS")

    def wrong_callers(self):
        """Each stream refuses callers outside their grants."""
        dibao = self.verify("dibao-system")
        other = next(i for i, a in enumerate(self.apps)
                     if a["program"] not in ("DIBAO", "MEDICAL")
                     or a["region_code"] != "320581")
        results = list(dibao.VerifyBatch(iter([self.vs_pb.VerifyRequest(
            request=self.requests[other])]), timeout=60))
        check(len(results) == 1 and results[0].code
              == grpc.StatusCode.PERMISSION_DENIED.value[0],
              "dibao-system's batch item of another program or county: %s"
              % [r.code for r in results])
        for what, call in (
                ("ExportAudit by dibao-system", lambda: list(
                    self.audit("dibao-system").ExportAudit(
                        self.au_pb.ExportAuditRequest(), timeout=30))),
                ("WatchChanges by dibao-system for 320582", lambda: list(
                    self.watch("dibao-system").WatchChanges(
                        self.ch_pb.WatchChangesRequest(region_code="320582"),
                        timeout=30))),
                ("WatchChanges by dibao-system for TEKUN", lambda: list(
                    self.watch("dibao-system").WatchChanges(
                        self.ch_pb.WatchChangesRequest(
                            program=self.stubs["codes_pb2"].TEKUN),
                        timeout=30)))):
            try:
                call()
                check(False, "%s: accepted" % what)
            except grpc.RpcError as e:
                check(e.code() == grpc.StatusCode.PERMISSION_DENIED,
                      "%s: %s %s" % (what, e.code(), e.details()))
        # TLS without a client certificate: no stream at all.
        nocert = self.vs_grpc.VerificationServiceStub(channel(self.server,
                                                              None))
        try:
            list(nocert.VerifyBatch(iter([]), timeout=30))
            check(False, "a batch without a client certificate accepted")
        except grpc.RpcError as e:
            check(e.code() in (grpc.StatusCode.UNAUTHENTICATED,
                               grpc.StatusCode.UNAVAILABLE),
                  "no certificate: %s" % e.code())
        print("wrong callers: refused on every stream")

    def abandoned_streams(self):
        """Hundreds of streams abandoned half-way (cancelled, their channel
        closed, their deadline passing, never read): every slot comes back,
        heduid's threads stay bounded and the audit chain verifies."""
        pid = self.server.proc.pid
        time.sleep(0.5)
        before = threads_of(pid)
        peak = before
        opened = 0
        for round_ in range(6):
            chans = []
            calls = []
            for who in ("staff-1", "admin-1", "dibao-system"):
                ch = channel(self.server, who)
                chans.append(ch)
                watch = self.ch_grpc.ChangeServiceStub(ch)
                verify = self.vs_grpc.VerificationServiceStub(ch)
                audit = self.au_grpc.AuditServiceStub(ch)
                for k in range(8):
                    calls.append(watch.WatchChanges(
                        self.ch_pb.WatchChangesRequest(),
                        timeout=1.5 if k % 2 else 60))
                    calls.append(verify.VerifyBatch(
                        iter([self.vs_pb.VerifyRequest(
                            request=self.requests[k])] * 40),
                        timeout=1.5 if k % 2 else 60))
                    if who == "admin-1":
                        call = audit.ExportAudit(
                            self.au_pb.ExportAuditRequest(),
                            timeout=1.5 if k % 2 else 60)
                        calls.append(call)
                        if k % 3 == 0:
                            # Read one chunk, then walk away.
                            try:
                                next(call)
                            except (grpc.RpcError, StopIteration):
                                pass
            opened += len(calls)
            time.sleep(0.3)
            peak = max(peak, threads_of(pid))
            if round_ % 3 == 0:
                for call in calls:
                    call.cancel()
            elif round_ % 3 == 1:
                for ch in chans:
                    ch.close()
            else:
                time.sleep(2)  # the short deadlines pass mid-stream
                for call in calls:
                    call.cancel()
            for ch in chans:
                ch.close()
        for who in ("staff-1", "admin-1", "dibao-system"):
            wait_for(lambda: self.served(who), "%s's slots given back" % who,
                     timeout=60)
        time.sleep(1)
        after = threads_of(pid)
        print("%d streams abandoned: heduid threads %d before, peak %d, %d "
              "after" % (opened, before, peak, after))
        check(peak <= before + 12 and after <= before + 4,
              "heduid threads %d -> peak %d, after %d" % (before, peak, after))
        response = self.audit_verifies()
        check(response.intact, "the audit chain verifies after the "
              "abandoned streams: %s" % response)

    def page_tokens(self):
        """Garbled, forged, oversized and swapped page tokens of ListRoll,
        ListChanges and ListReviewsDue are INVALID_ARGUMENT naming
        page_token; a token of one listing is refused by each other."""
        roll_pb = importlib.import_module("hedui.v1.roll_service_pb2")
        roll_grpc = importlib.import_module("hedui.v1.roll_service_pb2_grpc")
        codes = self.stubs["codes_pb2"]
        r_pb = self.stubs["report_pb2"]
        staff = self.channel("staff-1")
        rolls = roll_grpc.RollServiceStub(staff)
        verify = self.verify("staff-1")
        enrolled = 0
        for i, app in enumerate(self.apps):
            if (app["program"] != "DIBAO" or app["region_code"] != "320581"
                    or enrolled >= 3):
                continue
            report = verify.Verify(self.vs_pb.VerifyRequest(
                request=self.requests[i]), timeout=60).report
            if r_pb.Verdict.Name(report.verdict) != "MEETS_CRITERIA":
                continue
            request = roll_pb.EnrollRequest(
                request_id="sa-enrol-%d" % i, program=report.program,
                region_code="320581", report_id=report.report_id)
            request.approval_date.CopyFrom(report.verification_date)
            try:
                rolls.Enroll(request, timeout=30)
            except grpc.RpcError as e:
                # Some applications' consents are out of date on purpose.
                if e.code() == grpc.StatusCode.FAILED_PRECONDITION:
                    continue
                raise
            enrolled += 1
        check(enrolled >= 2, "two DIBAO households enrolled: %d" % enrolled)
        roll_req = roll_pb.ListRollRequest(program=codes.DIBAO,
                                           region_code="320581", page_size=1)
        roll_token = rolls.ListRoll(roll_req, timeout=30).next_page_token
        due_req = roll_pb.ListReviewsDueRequest(
            program=codes.DIBAO, region_code="320581", within_days=366,
            page_size=1)
        due_token = rolls.ListReviewsDue(due_req, timeout=30).next_page_token
        reports_token = verify.ListReports(self.vs_pb.ListReportsRequest(
            page_size=1), timeout=30).next_page_token
        audit_token = self.audit().ListAudit(self.au_pb.ListAuditRequest(
            page_size=1), timeout=30).next_page_token
        check(roll_token and due_token and reports_token and audit_token,
              "every listing gives a token: %r %r %r %r"
              % (roll_token, due_token, reports_token, audit_token))
        changes = self.ch_grpc.ChangeServiceStub(staff)
        listings = {
            "ListRoll": (rolls.ListRoll, roll_req, roll_token),
            "ListReviewsDue": (rolls.ListReviewsDue, due_req, due_token),
            "ListChanges": (changes.ListChanges,
                            self.ch_pb.ListChangesRequest(page_size=1), None),
        }
        foreign = {"ListReports": reports_token, "ListAudit": audit_token,
                   "ListRoll": roll_token, "ListReviewsDue": due_token}

        def garbled(t):
            m = len(t) // 2
            return [t[:m] + ("A" if t[m] != "A" else "B") + t[m + 1:],
                    t[:-1], t + "A", t[::-1], t[:4], "-" + t[1:]]

        tried = 0
        # A token is bound to its listing's filters.
        for changed in (dict(region_code=""), dict(program=codes.TEKUN),
                        dict(state=roll_pb.ListRollRequest.ALL)):
            r = roll_pb.ListRollRequest(program=codes.DIBAO,
                                        region_code="320581", page_size=1,
                                        page_token=roll_token)
            for k, v in changed.items():
                setattr(r, k, v)
            try:
                rolls.ListRoll(r, timeout=30)
                check(False, "ListRoll's token accepted with %s" % changed)
            except grpc.RpcError as e:
                check(e.code() == grpc.StatusCode.INVALID_ARGUMENT
                      and "page_token" in (e.details() or ""),
                      "ListRoll's token with %s: %s %s"
                      % (changed, e.code(), e.details()))
            tried += 1
        for name, (call, request, own) in listings.items():
            bad = ["x", "=", "%00", "\u00e9\u00e9", "A" * 5000,
                   "R000000000005", "-1", "A" * 22]
            if own:
                bad += garbled(own)
            bad += [t for other, t in foreign.items() if other != name]
            for token in bad:
                r = type(request)()
                r.CopyFrom(request)
                r.page_token = token
                try:
                    call(r, timeout=30)
                    check(False, "%s accepted the token %r" % (name,
                                                                token[:80]))
                except grpc.RpcError as e:
                    check(e.code() == grpc.StatusCode.INVALID_ARGUMENT
                          and "page_token" in (e.details() or ""),
                          "%s with token %r: %s %s" % (
                              name, token[:80], e.code(), e.details()))
                tried += 1
        print("page tokens: %d garbled, forged or swapped tokens refused "
              "naming page_token" % tried)

    def signals_with_streams_open(self, kill):
        """SIGTERM (or kill -9) with watches, exports and batches open. Under
        SIGTERM every stream ends soon (batch streams send the results they
        have and end UNAVAILABLE): the server stops in well under its grace
        period (GRACE s here). After each restart the audit chain verifies
        and every acknowledged request id answers its first report."""
        release = threading.Event()

        def slow():
            for k in range(10000):
                if release.is_set():
                    return
                yield self.vs_pb.VerifyRequest(
                    request=self.requests[k % len(self.requests)])
                time.sleep(0.01)

        def idle_items():
            release.wait()
            return
            yield

        def open_streams(batches):
            calls = []
            for who in ("staff-1", "admin-1"):
                ch = channel(self.server, who)
                for _ in range(4):
                    calls.append(self.ch_grpc.ChangeServiceStub(
                        ch).WatchChanges(self.ch_pb.WatchChangesRequest(),
                                         timeout=120))
                    if batches:
                        calls.append(self.vs_grpc.VerificationServiceStub(
                            ch).VerifyBatch(slow(), timeout=120))
            calls.append(self.audit().ExportAudit(
                self.au_pb.ExportAuditRequest(), timeout=120))
            if batches:
                # Idle batch streams: open, nothing sent.
                idle = self.vs_grpc.VerificationServiceStub(
                    channel(self.server, "dibao-system"))
                for _ in range(2):
                    calls.append(idle.VerifyBatch(idle_items(), timeout=120))
            time.sleep(2)
            return calls

        def after_restart():
            self.start(GRACE_ARGS)
            response = self.audit_verifies()
            check(response.intact, "the audit chain verifies after the "
                  "restart: %s" % response)
            for request_id, (who, i, report_id) in \
                    self.acknowledged.items():
                again = self.verify(who).Verify(
                    self.vs_pb.VerifyRequest(request=self.requests[i],
                                             request_id=request_id),
                    timeout=60)
                check(again.report.report_id == report_id,
                      "%s after the restart: %s, acknowledged %s"
                      % (request_id, again.report.report_id, report_id))

        if kill:
            calls = open_streams(batches=True)
            # Unary Verifys with request ids and batch items with them run
            # up to the kill: each acknowledged one must answer its first
            # report after the restart (the link is in the report's own
            # synced write).
            stop = threading.Event()
            acked = {}

            def verifier(n):
                stub = self.vs_grpc.VerificationServiceStub(
                    channel(self.server, "staff-1"))
                k = 0
                while not stop.is_set():
                    request_id = "kill-%d-%d" % (n, k)
                    try:
                        answer = stub.Verify(self.vs_pb.VerifyRequest(
                            request=self.requests[k % len(self.requests)],
                            request_id=request_id), timeout=10)
                    except grpc.RpcError:
                        return
                    acked[request_id] = ("staff-1", k % len(self.requests),
                                         answer.report.report_id)
                    k += 1

            # dibao-system: staff-1's stream slots are taken by now.
            own = [i for i, a in enumerate(self.apps)
                   if a["program"] in ("DIBAO", "MEDICAL")
                   and a["region_code"] == "320581"]

            def batcher():
                stub = self.vs_grpc.VerificationServiceStub(
                    channel(self.server, "dibao-system"))
                items = (self.vs_pb.VerifyRequest(
                    request=self.requests[own[k % len(own)]],
                    request_id="killb-%d" % k) for k in range(100000))
                try:
                    for r in stub.VerifyBatch(items, timeout=60):
                        if r.code == 0:
                            acked["killb-%d" % r.index] = (
                                "dibao-system", own[r.index % len(own)],
                                r.report.report_id)
                except grpc.RpcError:
                    return

            workers = [threading.Thread(target=verifier, args=(n,))
                       for n in range(3)] + [threading.Thread(target=batcher)]
            for w in workers:
                w.start()
            # Killed once both kinds are being acknowledged.
            wait_for(lambda: sum(1 for k in list(acked)
                                 if k.startswith("killb-")) >= 5
                     and sum(1 for k in list(acked)
                             if k.startswith("kill-")) >= 5,
                     "Verifys and batch items acknowledged", timeout=60)
            self.server.kill9()
            stop.set()
            for w in workers:
                w.join()
            batched = sum(1 for k in acked if k.startswith("killb-"))
            check(len(acked) - batched >= 5 and batched >= 5,
                  "Verifys and batch items acknowledged before the kill: "
                  "%d, %d" % (len(acked) - batched, batched))
            self.acknowledged.update(acked)
            print("kill -9 with %d streams open, %d Verifys and %d batch "
                  "items with request ids acknowledged"
                  % (len(calls), len(acked) - batched, batched))
            release.set()
            for call in calls:
                call.cancel()
            after_restart()
            return
        calls = open_streams(batches=False)
        started = time.time()
        self.server.stop(timeout=GRACE + 10)
        took = time.time() - started
        for call in calls:
            call.cancel()
        print("SIGTERM with %d watches and an export open: stopped in %.1f s"
              % (len(calls), took))
        check(took < 5, "open watches and exports held SIGTERM %.1f s" % took)
        after_restart()
        calls = open_streams(batches=True)
        started = time.time()
        self.server.stop(timeout=GRACE + 10)
        took = time.time() - started
        release.set()
        for call in calls:
            call.cancel()
        # Found 2026-12-08: a VerifyBatch stream still open (idle or
        # sending) held heduid for its whole grace period, where watches were
        # ended at once; fixed by VerificationServiceImpl::StopBatches.
        print("SIGTERM with %d streams, batches among them (sending and "
              "idle): stopped in %.1f s (grace %d s)" % (len(calls), took,
                                                         GRACE))
        check(took < 5, "open batch streams held SIGTERM %.1f s (grace %d s)"
              % (took, GRACE))
        release.clear()
        after_restart()

    def held_feeds_races(self):
        """ConfirmHeldFeeds of two held files racing a DiscardHeldFeed of one
        of them, and a kill -9 during a ConfirmHeldFeeds: all or none is
        switched, never one file of the pair; a discarded file is never
        also switched."""
        a_pb = self.stubs["admin_pb2"]
        codes = self.stubs["codes_pb2"]
        pair = self.manifest["departments"][:2]
        names = [e["department"] for e in pair]

        def admin():
            return self.stubs["admin_pb2_grpc"].AdminServiceStub(
                self.channel("admin-1"))

        def hold(tag, day):
            for e in pair:
                cli(self.server, "ingest", "--hold", "--department",
                    e["department"], "--as-of", "2026-11-%02d" % day,
                    "--batch-id", "%s-%s" % (tag, e["department"]),
                    os.path.join(self.county, e["file"]), check_exit=0)

        def state():
            current = departments(self.server)
            held = [(codes.Department.Name(f.department), f.batch_id)
                    for f in admin().ListHeldFeeds(
                        a_pb.ListHeldFeedsRequest(), timeout=30).feeds]
            return [current[n][2] for n in names], held

        def confirm_request(tag):
            return a_pb.ConfirmHeldFeedsRequest(feeds=[
                a_pb.ConfirmHeldFeedRequest(
                    department=codes.Department.Value(n),
                    batch_id="%s-%s" % (tag, n)) for n in names])

        outcomes = []
        for round_, day in enumerate((20, 21, 22, 23)):
            tag = "race%d" % round_
            hold(tag, day)
            got = {}

            def confirm():
                try:
                    admin().ConfirmHeldFeeds(confirm_request(tag), timeout=60)
                    got["confirm"] = "OK"
                except grpc.RpcError as e:
                    got["confirm"] = e.code().name

            def discard():
                try:
                    admin().DiscardHeldFeed(a_pb.DiscardHeldFeedRequest(
                        department=codes.Department.Value(names[1]),
                        batch_id="%s-%s" % (tag, names[1])), timeout=60)
                    got["discard"] = "OK"
                except grpc.RpcError as e:
                    got["discard"] = e.code().name

            threads = [threading.Thread(target=confirm),
                       threading.Thread(target=discard)]
            if round_ % 2:
                threads.reverse()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            current, held = state()
            switched = ["%s-%s" % (tag, n) in current for n in names]
            outcomes.append((got["confirm"], got["discard"]))
            check(got["confirm"] != got["discard"] or got["confirm"] != "OK",
                  "a confirmation and a discard of one file both OK")
            if got["confirm"] == "OK":
                check(switched == [True, True] and not held,
                      "confirmed: both switched, none held: %s %s"
                      % (current, held))
            else:
                check(switched == [False, False],
                      "refused confirmation: none switched: %s" % current)
                check(held == [(names[0], "%s-%s" % (tag, names[0]))],
                      "the discarded file gone, the other still held: %s"
                      % held)
                admin().DiscardHeldFeed(a_pb.DiscardHeldFeedRequest(
                    department=codes.Department.Value(names[0]),
                    batch_id="%s-%s" % (tag, names[0])), timeout=60)
        print("ConfirmHeldFeeds racing DiscardHeldFeed: %s" % outcomes)
        # kill -9 while a joint confirmation runs.
        hold("kill", 24)
        thread = threading.Thread(target=lambda: self._quiet(
            lambda: admin().ConfirmHeldFeeds(confirm_request("kill"),
                                             timeout=30)))
        thread.start()
        time.sleep(0.05)
        self.server.kill9()
        thread.join()
        self.start(GRACE_ARGS)
        current, held = state()
        switched = ["kill-%s" % n in current for n in names]
        check(switched in ([True, True], [False, False]),
              "after kill -9 during ConfirmHeldFeeds: all or none: %s %s"
              % (current, held))
        check(switched == [True, True] or sorted(held) == sorted(
            (n, "kill-%s" % n) for n in names),
              "none switched: both still held: %s" % held)
        print("kill -9 during ConfirmHeldFeeds: %s"
              % ("both switched" if switched[0] else "both still held"))

    @staticmethod
    def _quiet(call):
        try:
            call()
        except grpc.RpcError:
            pass


def main():
    probe = Probe()
    probe.start(GRACE_ARGS)
    ingest_county(probe.server, probe.county, probe.manifest)
    started = time.time()
    probe.garbage_in_batch()
    probe.odd_stream_requests()
    probe.repeated_request_ids()
    probe.wrong_callers()
    probe.page_tokens()
    probe.abandoned_streams()
    grown = probe.large_messages_slow_reader()
    check(grown < 400, "heduid RSS grew %.0f MB from 4 non-reading "
          "VerifyBatch streams of large messages" % grown)
    probe.held_feeds_races()
    probe.signals_with_streams_open(kill=False)
    probe.signals_with_streams_open(kill=True)
    probe.server.stop()
    shutil.rmtree(probe.work)
    print("streams abuse test passed in %.0f s" % (time.time() - started))


if __name__ == "__main__":
    main()
