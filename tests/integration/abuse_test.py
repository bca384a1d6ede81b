#!/usr/bin/python3
"""Abuse (issue 14): a real heduid over mutual TLS is sent what an adversary
would send: purposes that once broke the audit chain, a 7 MiB region code,
too many members and too many invalid ones, amounts near INT64_MAX, bytes
that do not decode, dates after today and further back than the backdating
limit, idle VerifyBatch streams, a feed without LF and a feed dated after
today, out-of-range list filters and a SIGHUP reload in the middle. Each probe
has its expected status; after each the server still serves (health SERVING,
a normal Verify OK) and its audit chain is intact (`hedui audit verify` exits
0). The expected statuses and limits come from verification.proto, domain.md
and the issue, not from the server's code.

Binaries come from HEDUI_BUILD_DIR, so the same test runs on a sanitizer
build (HEDUI_BUILD_DIR=build/asan)."""
import copy
import json
import os
import shutil
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import (Server, check, cli, departments,  # noqa: E402
                     dev_certificates, fail, generate_county, ingest_county,
                     workdir)
import grpc  # noqa: E402
from grpc_python import (STATUS_DETAILS_TRAILER, channel,  # noqa: E402
                         check_standard_details, generate_stubs)
from service_test import to_request  # noqa: E402

# The server's today is 2026-11-30 (harness.TEST_TODAY); the example policy's
# backdating limit is 30 days, inclusive (domain.md §1).
TOMORROW = (2026, 12, 1)
LIMIT_BACK = (2026, 10, 31)     # 30 days before today: accepted
BEYOND_LIMIT = (2026, 10, 30)   # 31 days before today: refused
MAX_AMOUNT = 10 ** 12           # fen, verification.proto
INT64_MAX = (1 << 63) - 1
IDLE_SECONDS = 2
STREAMS_PER_CALLER = 2
HEALTH_SERVING = b"\x08\x01"    # grpc.health.v1.HealthCheckResponse{SERVING}

VERIFY = "/hedui.v1.VerificationService/Verify"
VERIFY_BATCH = "/hedui.v1.VerificationService/VerifyBatch"


def resident_id(region, birth, sequence, valid=True):
    """A GB 11643 resident ID (ISO 7064 MOD 11-2 check character), or the
    same with a wrong check character."""
    body = "%s%s%03d" % (region, birth, sequence)
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(c) * w for c, w in zip(body, weights))
    right = "10X98765432"[total % 11]
    if valid:
        return body + right
    return body + ("0" if right != "0" else "1")


class Probe:
    """The server, its stubs and the checks every probe shares."""

    def __init__(self, server, stubs, requests):
        self.server = server
        self.stubs = stubs
        self.vs = stubs["verification_service_pb2"]
        self.v = stubs["verification_pb2"]
        self.au = stubs["audit_pb2"]
        self.ad = stubs["admin_pb2"]
        self.codes = stubs["codes_pb2"]
        self.requests = requests
        self.channels = {}

    def close(self):
        """Closes the channels: an open connection delays heduid's stop."""
        for c in self.channels.values():
            c.close()
        self.channels = {}

    def channel(self, identity):
        if identity not in self.channels:
            self.channels[identity] = channel(self.server, identity)
        return self.channels[identity]

    def verifier(self, identity):
        return self.stubs["verification_service_pb2_grpc"] \
            .VerificationServiceStub(self.channel(identity))

    def audit(self):
        return self.stubs["audit_pb2_grpc"].AuditServiceStub(
            self.channel("admin-1"))

    def admin(self):
        return self.stubs["admin_pb2_grpc"].AdminServiceStub(
            self.channel("admin-1"))

    def normal(self):
        """The county's first application: DIBAO in 320581, consent valid."""
        return copy.deepcopy(self.requests[0])

    def expect(self, code, what, call, *args, **kwargs):
        """Runs the call; it must fail with `code`. Returns the error."""
        kwargs.setdefault("timeout", 60)
        try:
            call(*args, **kwargs)
        except grpc.RpcError as e:
            details = e.details() or ""
            check(e.code() == code, "%s: wanted %s, got %s: %s"
                  % (what, code, e.code(), details[:500]))
            check(len(details) < 4096, "%s: the error message is %d bytes "
                  "(an echo of the input?)" % (what, len(details)))
            return e
        fail("%s: wanted %s, the call succeeded" % (what, code))

    def details(self, error):
        """hedui-error-bin's details; the standard google.rpc.Status in
        grpc-status-details-bin must list the same fields in its
        BadRequest and count them all in ErrorInfo."""
        raw = dict(error.trailing_metadata() or ()).get("hedui-error-bin")
        check(raw is not None, "INVALID_ARGUMENT without hedui-error-bin: %s"
              % error.details())
        d = self.codes.ErrorDetails.FromString(raw)
        standard = check_standard_details(error, self.stubs)
        fields = [v.field for v in standard["BadRequest"].field_violations]
        check(fields == [v.field for v in d.field_violations],
              "BadRequest lists the fields hedui-error-bin does: %s, %s"
              % (fields[:5], [v.field for v in d.field_violations][:5]))
        info = standard["ErrorInfo"]
        check(int(info.metadata["violations"]) == max(
            d.total_violations, len(d.field_violations)),
              "ErrorInfo counts every violation: %s, %d"
              % (dict(info.metadata), d.total_violations))
        return d

    def names(self, error, field, what, also=None):
        """The error names `field` (in a violation or its message), and
        `also` (a limit) where given."""
        d = self.details(error)
        text = error.details() + " ".join(
            v.field + " " + v.description for v in d.field_violations)
        check(field in text, "%s: the refusal does not name %s: %s"
              % (what, field, text[:600]))
        if also is not None:
            check(also in text, "%s: the refusal does not name %s: %s"
                  % (what, also, text[:600]))
        return d

    def audit_since(self, mark_us):
        """Every audit entry made since `mark_us`, as ListAudit gives them
        (each one must parse: an unreadable entry fails the page)."""
        out, token = [], ""
        while True:
            page = self.audit().ListAudit(self.au.ListAuditRequest(
                from_unix_micros=mark_us, page_size=1000, page_token=token),
                timeout=60)
            out += list(page.entries)
            token = page.next_page_token
            if not token:
                return out

    def calls_since(self, mark_us):
        """Entries since `mark_us` of calls other than the test's own audit
        reads."""
        return [e for e in self.audit_since(mark_us)
                if not e.method.startswith("/hedui.v1.AuditService/")]

    def still_serving(self, after):
        """Alive, health SERVING, a normal Verify OK, the chain intact."""
        check(self.server.proc.poll() is None, "after %s: heduid exited with "
              "%s; see %s" % (after, self.server.proc.returncode,
                              self.server.log_path))
        health = self.channel("admin-1").unary_unary(
            "/grpc.health.v1.Health/Check", lambda b: b, lambda b: b)
        answer = health(b"", timeout=30)
        check(answer == HEALTH_SERVING, "after %s: health answers %r, not "
              "SERVING" % (after, answer))
        response = self.verifier("dibao-system").Verify(
            self.vs.VerifyRequest(request=self.normal()), timeout=60)
        check(response.report.report_id, "after %s: a normal Verify stores "
              "its report" % after)
        code, out, err = cli(self.server, "audit", "verify")
        check(code == 0, "after %s: `hedui audit verify` exits %d\n%s%s"
              % (after, code, out, err))
        verdict = self.audit().VerifyAudit(self.au.VerifyAuditRequest(),
                                           timeout=120)
        check(verdict.intact, "after %s: VerifyAudit: %s" % (after, verdict))
        print("  after %s: serving, chain intact (%d entries)"
              % (after, verdict.entries), flush=True)


def now_us():
    return int(time.time() * 1e6)


def set_date(date, ymd):
    date.year, date.month, date.day = ymd


# 1. Purposes of multi-byte characters, cut in the audit.
def purposes(p):
    vs = p.vs
    start = now_us()
    sent = {}
    for n in (67, 150):
        text = ("低保复核调查" * 40)[:n]
        request = p.normal()
        request.purpose = text
        sent[n] = text
        p.expect(grpc.StatusCode.UNAUTHENTICATED, "purpose of %d characters "
                 "without a certificate" % n, p.verifier(None).Verify,
                 vs.VerifyRequest(request=request))
        response = p.verifier("dibao-system").Verify(
            vs.VerifyRequest(request=request), timeout=60)
        check(response.report.report_id, "purpose of %d characters with a "
              "certificate: verified" % n)
        # Refused for the county, with a certificate.
        other = copy.deepcopy(request)
        other.region_code = "320582"
        p.expect(grpc.StatusCode.PERMISSION_DENIED, "purpose of %d characters, "
                 "another county" % n, p.verifier("dibao-system").Verify,
                 vs.VerifyRequest(request=other))
    # Over the 200-character limit: refused naming purpose.
    request = p.normal()
    request.purpose = "核" * 250
    e = p.expect(grpc.StatusCode.INVALID_ARGUMENT, "purpose of 250 characters",
                 p.verifier("dibao-system").Verify,
                 vs.VerifyRequest(request=request))
    p.names(e, "purpose", "purpose of 250 characters")
    entries = [e for e in p.calls_since(start) if e.method == VERIFY]
    check(len(entries) == 7, "7 calls, %d Verify entries" % len(entries))
    for e in entries:
        check(len(e.purpose) <= 200, "a stored purpose of %d characters"
              % len(e.purpose))
        if e.code in (0, 7, 16):
            # Within the limit, the purpose is kept whole, on any outcome.
            check(e.purpose in sent.values(), "purpose stored as sent (code "
                  "%d): %r" % (e.code, e.purpose[:80]))
    p.still_serving("purposes of 67 and 150 Chinese characters")


# 2. A 7 MiB region code.
def huge_region(p, data_dir):
    vs = p.vs
    request = p.normal()
    request.region_code = "3" * (7 << 20)
    message = vs.VerifyRequest(request=request)
    size_before = dir_bytes(data_dir)
    start = now_us()
    for _ in range(10):
        p.expect(grpc.StatusCode.UNAUTHENTICATED, "7 MiB region_code without "
                 "a certificate", p.verifier(None).Verify, message)
    e = p.expect(grpc.StatusCode.INVALID_ARGUMENT, "7 MiB region_code as "
                 "staff-1", p.verifier("staff-1").Verify, message)
    p.names(e, "region_code", "7 MiB region_code")
    entries = [x for x in p.calls_since(start) if x.method == VERIFY]
    check(len(entries) == 11, "11 calls, %d entries" % len(entries))
    for x in entries:
        check(len(x.region_code) <= 16, "an audited region_code of %d "
              "characters" % len(x.region_code))
        check(x.ByteSize() <= 2048, "an audit entry of %d bytes"
              % x.ByteSize())
    growth = dir_bytes(data_dir) - size_before
    check(growth < (7 << 20), "the data directory grew by %d bytes for 11 "
          "refused calls" % growth)
    print("  11 calls with a 7 MiB region_code: %d audit bytes, data "
          "directory +%d bytes" % (sum(x.ByteSize() for x in entries), growth))
    p.still_serving("a 7 MiB region_code")


def dir_bytes(path):
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            try:
                total += os.path.getsize(os.path.join(root, f))
            except FileNotFoundError:
                pass
    return total


# 3. Many members, many violations.
def many_members(p):
    vs, v = p.vs, p.v
    staff = p.verifier("staff-1")
    request = p.normal()
    del request.members[:]
    ids = [resident_id("320581", "19900101", i + 1) for i in range(51)]
    for i, person in enumerate(ids):
        request.members.add(person_id=person, name="成员%d" % i,
                            relation=v.HEAD if i == 0 else v.OTHER_RELATIVE)
    request.consent.signer_ids[:] = ids
    e = p.expect(grpc.StatusCode.INVALID_ARGUMENT, "51 members", staff.Verify,
                 vs.VerifyRequest(request=request))
    p.names(e, "members", "51 members", also="50")

    def invalid_household(count, long_names):
        r = p.normal()
        del r.members[:]
        bad = [resident_id("320581", "19900101", i + 1, valid=False)
               for i in range(count)]
        for i, person in enumerate(bad):
            r.members.add(person_id=person,
                          name=("名" * 300) if long_names else "成员%d" % i,
                          relation=v.HEAD if i == 0 else v.OTHER_RELATIVE)
        r.consent.signer_ids[:] = bad
        return r, bad

    for count, long_names, at_least in ((45, False, 45), (50, True, 100)):
        r, bad = invalid_household(count, long_names)
        what = "%d members with invalid IDs%s" % (
            count, " and 300-character names" if long_names else "")
        e = p.expect(grpc.StatusCode.INVALID_ARGUMENT, what, staff.Verify,
                     vs.VerifyRequest(request=r))
        d = p.details(e)
        check(len(d.field_violations) <= 20, "%s: %d violations listed"
              % (what, len(d.field_violations)))
        check(d.total_violations >= at_least, "%s: total_violations %d"
              % (what, d.total_violations))
        text = e.details() + str(d)
        raw = dict(e.trailing_metadata())[STATUS_DETAILS_TRAILER]
        for person in bad:
            check(person not in text, "%s: a raw ID in the refusal" % what)
            check(person.encode() not in raw,
                  "%s: a raw ID in %s" % (what, STATUS_DETAILS_TRAILER))
        print("  %s: INVALID_ARGUMENT, %d listed of %d" % (
            what, len(d.field_violations), d.total_violations))
    p.still_serving("51 members and many violations")


# 4. Amounts over 10^12 fen.
def amounts(p):
    vs = p.vs
    staff = p.verifier("staff-1")
    cases = []
    r = p.normal()
    r.members[0].declared_monthly_income.wages_fen = MAX_AMOUNT + 1
    cases.append(("wages_fen", r, "declared wages of 10^12 + 1 fen"))
    r = p.normal()
    r.members[0].declared_monthly_income.other_fen = INT64_MAX
    cases.append(("other_fen", r, "declared other income of INT64_MAX"))
    r = p.normal()
    r.members[0].declared_monthly_income.business_fen = -1
    cases.append(("business_fen", r, "declared business income of -1 fen"))
    r = p.normal()
    r.declared_assets.financial_assets_fen = INT64_MAX
    cases.append(("financial_assets_fen", r, "declared assets of INT64_MAX"))
    r = p.normal()
    r.program = p.codes.UNION_HARDSHIP
    r.consent.programs.append(p.codes.UNION_HARDSHIP)
    r.rigid_spending.medical_fen = INT64_MAX - 1
    r.rigid_spending.education_fen = INT64_MAX - 1
    cases.append(("rigid_spending", r, "rigid spending medical + education "
                  "near INT64_MAX"))
    for field, request, what in cases:
        e = p.expect(grpc.StatusCode.INVALID_ARGUMENT, what, staff.Verify,
                     vs.VerifyRequest(request=request))
        p.names(e, field, what)
    # The limit itself is within bounds (inclusive).
    r = p.normal()
    r.members[0].declared_monthly_income.wages_fen = MAX_AMOUNT
    staff.Verify(vs.VerifyRequest(request=r), timeout=60)
    r = p.normal()
    r.program = p.codes.UNION_HARDSHIP
    r.consent.programs.append(p.codes.UNION_HARDSHIP)
    r.rigid_spending.medical_fen = MAX_AMOUNT
    r.rigid_spending.education_fen = MAX_AMOUNT
    try:
        staff.Verify(vs.VerifyRequest(request=r), timeout=60)
    except grpc.RpcError as e:
        check(e.code() == grpc.StatusCode.FAILED_PRECONDITION,
              "rigid spending of 10^12 + 10^12 fen: %s %s"
              % (e.code(), e.details()))
    p.still_serving("amounts over 10^12 fen")


# 5. Requests that do not decode, sent as raw bytes.
def undecodable(p):
    ident = lambda b: b  # noqa: E731
    raw = p.channel("staff-1").unary_unary(VERIFY, ident, ident)
    inner = b"\x10\x01" + b"\x1a\x04\xff\xfe\xc3\x28"  # program, purpose
    not_utf8 = b"\x0a" + bytes([len(inner)]) + inner   # VerifyRequest.request
    cases = [("garbage", b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"),
             ("truncated", b"\x0a\x7f\x10\x01"),
             ("a purpose that is not UTF-8", not_utf8)]
    for what, payload in cases:
        before = len(p.calls_since(0))
        e = p.expect(grpc.StatusCode.INVALID_ARGUMENT, "undecodable request "
                     "(%s)" % what, raw, payload)
        p.names(e, "request", what)
        after = p.calls_since(0)
        check(len(after) == before + 1, "%s: the audit grew by %d entries, "
              "not 1" % (what, len(after) - before))
        check(after[-1].method == VERIFY and after[-1].code == 3,
              "%s: audited as %s code %d" % (what, after[-1].method,
                                             after[-1].code))
    # In a batch, the undecodable item fails alone.
    batch = p.channel("staff-1").stream_stream(VERIFY_BATCH, ident, ident)
    good = p.vs.VerifyRequest(request=p.normal()).SerializeToString()
    results = [p.vs.VerifyBatchResult.FromString(b) for b in batch(
        iter([cases[0][1], good, not_utf8]), timeout=60)]
    codes = [r.code for r in results]
    check(codes == [3, 0, 3], "batch of garbage, a request, a non-UTF-8 "
          "purpose: item codes %s" % codes)
    p.still_serving("undecodable requests")


# 6. Dates: after today, beyond the backdating limit, a person born later.
def dates(p):
    vs = p.vs
    staff = p.verifier("staff-1")
    for ymd, what in ((TOMORROW, "verification_date 2026-12-01 (after "
                       "today)"), (BEYOND_LIMIT, "verification_date "
                                   "2026-10-30 (31 days back)")):
        r = p.normal()
        set_date(r.verification_date, ymd)
        e = p.expect(grpc.StatusCode.INVALID_ARGUMENT, what, staff.Verify,
                     vs.VerifyRequest(request=r))
        p.names(e, "verification_date", what)
    r = p.normal()
    set_date(r.verification_date, LIMIT_BACK)
    try:
        staff.Verify(vs.VerifyRequest(request=r), timeout=60)
        outcome = "OK"
    except grpc.RpcError as e:
        check(e.code() == grpc.StatusCode.FAILED_PRECONDITION and
              "consent" in e.details(), "verification_date 2026-10-31 (30 "
              "days back, the inclusive limit): %s %s"
              % (e.code(), e.details()))
        outcome = "FAILED_PRECONDITION for the consent"
    print("  verification_date 2026-10-31: %s" % outcome)
    # A member born after the verification date (and one after today).
    for birth, what in (("20261120", "born after the verification date"),
                        ("20270105", "born after today")):
        r = p.normal()
        set_date(r.verification_date, (2026, 11, 10))
        child = resident_id("320581", birth, 12)
        r.members.add(person_id=child, name="新生", relation=p.v.CHILD)
        e = p.expect(grpc.StatusCode.INVALID_ARGUMENT, "a member " + what,
                     staff.Verify, vs.VerifyRequest(request=r))
        d = p.names(e, "person_id", "a member " + what)
        check(child not in e.details() + str(d), "the raw ID in the refusal")
    p.still_serving("dates out of bounds")


# 7. Idle VerifyBatch streams.
def idle_streams(p):
    vs = p.vs
    release = threading.Event()

    def idle_requests():
        release.wait()
        return
        # Never reached: makes this a generator, one that sends nothing
        # until the test releases it, so the stream stays open and idle.
        yield

    staff = p.verifier("staff-1")
    ended = {}

    def drain(i, stream):
        try:
            for _ in stream:
                pass
            ended[i] = (time.time(), grpc.StatusCode.OK, "")
        except grpc.RpcError as e:
            ended[i] = (time.time(), e.code(), e.details())

    start = now_us()
    opened = time.time()
    threads = []
    for i in range(STREAMS_PER_CALLER):
        stream = staff.VerifyBatch(idle_requests(), timeout=60)
        t = threading.Thread(target=drain, args=(i, stream), daemon=True)
        t.start()
        threads.append(t)
    # Both admitted: GetServerStatus counts them and itself.
    while p.admin().GetServerStatus(p.ad.GetServerStatusRequest(),
                                    timeout=10).calls_in_flight < 3:
        check(time.time() - opened < IDLE_SECONDS, "the idle streams were "
              "not admitted within %d s" % IDLE_SECONDS)
        time.sleep(0.02)
    one = vs.VerifyRequest(request=p.normal())
    try:
        list(staff.VerifyBatch(iter([one]), timeout=30))
        fail("a third stream of staff-1 was served while two were open")
    except grpc.RpcError as e:
        check(e.code() == grpc.StatusCode.RESOURCE_EXHAUSTED,
              "a third stream of staff-1: %s %s" % (e.code(), e.details()))
        quota = check_standard_details(e, p.stubs, reason="OVERLOADED",
                                       method=VERIFY_BATCH)["QuotaFailure"]
        check([v.subject for v in quota.violations] == ["caller"],
              "the caller's share is the quota reached: %s" % quota)
    # Other callers are served meanwhile, unary and streaming.
    p.verifier("dibao-system").Verify(one, timeout=30)
    results = list(p.verifier("admin-1").VerifyBatch(iter([one]), timeout=30))
    check([r.code for r in results] == [0], "admin-1's stream meanwhile: %s"
          % [r.code for r in results])
    check(len(ended) == 0, "an idle stream ended before the other callers "
          "were served: %s" % ended)
    for t in threads:
        t.join(timeout=IDLE_SECONDS + 8)
    release.set()
    check(len(ended) == STREAMS_PER_CALLER, "idle streams still open %.1f s "
          "after they were opened" % (time.time() - opened))
    for i, (at, code, details) in sorted(ended.items()):
        after = at - opened
        check(code != grpc.StatusCode.OK, "idle stream %d ended OK" % i)
        check(IDLE_SECONDS - 0.5 <= after <= IDLE_SECONDS + 3, "idle stream "
              "%d closed after %.1f s (idle timeout %d s)"
              % (i, after, IDLE_SECONDS))
        print("  idle stream %d closed by the server after %.1f s: %s %s"
              % (i, after, code, details))
    # Their slots are free again: at once, give or take the moment between
    # the client seeing the stream end and the server's handler returning.
    closed_at = max(at for at, _, _ in ended.values())
    while True:
        try:
            results = list(staff.VerifyBatch(iter([one]), timeout=30))
            break
        except grpc.RpcError as e:
            check(e.code() == grpc.StatusCode.RESOURCE_EXHAUSTED and
                  time.time() - closed_at < 2, "staff-1's stream %.1f s after "
                  "the idle ones closed: %s %s"
                  % (time.time() - closed_at, e.code(), e.details()))
            time.sleep(0.1)
    check([r.code for r in results] == [0], "staff-1's stream after the idle "
          "ones closed: %s" % [r.code for r in results])
    p.still_serving("idle VerifyBatch streams")
    # The audit says what happened: one stream refused for the caller's
    # share, two closed by the server (the client saw them end, not OK), one
    # served.
    mine = [(e.code, e.outcome) for e in p.calls_since(start)
            if e.method == VERIFY_BATCH and e.caller == "staff-1" and
            e.batch_index < 0]
    check(any(code == 8 for code, _ in mine), "the refused stream is audited "
          "RESOURCE_EXHAUSTED: %s" % mine)
    closed = [c for c, _ in mine if c not in (0, 8)]
    check(len(closed) >= STREAMS_PER_CALLER, "the %d idle streams the server "
          "closed are audited as such, not OK; the stream entries of staff-1: "
          "%s" % (STREAMS_PER_CALLER, mine))


# 8. Feeds: no LF, dated after today.
def feeds(p, county, manifest, work):
    tax = next(e for e in manifest["departments"] if e["department"] == "TAX")
    before = departments(p.server)
    rows = open(os.path.join(county, tax["file"]), "rb").read()
    cr = rows.replace(b"\n", b"\r")
    no_lf = os.path.join(work, "tax.cr.csv")
    with open(no_lf, "wb") as f:
        written = 0
        while written < (1 << 20):
            f.write(cr)
            written += len(cr)
    code, out, err = cli(p.server, "ingest", "--department", "TAX", "--as-of",
                         tax["as_of"], no_lf)
    text = out + err
    check(code == 3, "ingest of %d bytes without LF: exit %d (wanted 3, "
          "INVALID_ARGUMENT)\n%s" % (written, code, text))
    check("line" in text.lower(), "the refusal names the line: %s" % text)
    print("  %d bytes of CR-separated rows: refused: %s"
          % (written, text.strip().splitlines()[0]))
    code, out, err = cli(p.server, "ingest", "--department", "TAX", "--as-of",
                         "2026-12-01", os.path.join(county, tax["file"]))
    text = out + err
    check(code != 0, "ingest as of 2026-12-01 (after today) accepted")
    check("as_of" in text or "as-of" in text, "the refusal names as_of: %s"
          % text)

    def messages():
        header = p.ad.IngestHeader(department=p.codes.TAX,
                                   batch_id="abuse-future-as-of")
        set_date(header.as_of, TOMORROW)
        yield p.ad.IngestRequest(header=header)
        yield p.ad.IngestRequest(chunk=rows)
    e = p.expect(grpc.StatusCode.INVALID_ARGUMENT, "Ingest as of 2026-12-01",
                 p.admin().Ingest, messages())
    p.names(e, "as_of", "Ingest as of 2026-12-01")
    check(departments(p.server) == before, "a refused feed changed the "
          "departments: %s -> %s" % (before, departments(p.server)))
    p.still_serving("feeds without LF and after today")


# 9. List and stats filters out of range.
def filters(p):
    vs = p.vs
    staff = p.verifier("staff-1")
    e = p.expect(grpc.StatusCode.INVALID_ARGUMENT, "ListReports program 99",
                 staff.ListReports, vs.ListReportsRequest(program=99))
    p.names(e, "program", "ListReports program 99")
    e = p.expect(grpc.StatusCode.INVALID_ARGUMENT, "ListReports verdict 99",
                 staff.ListReports, vs.ListReportsRequest(verdict=99))
    p.names(e, "verdict", "ListReports verdict 99")
    start = now_us()
    stats = vs.GetStatsRequest(region_code="3" * 100000)
    set_date(stats.from_date, (2026, 11, 1))
    set_date(stats.to_date, (2026, 11, 30))
    e = p.expect(grpc.StatusCode.INVALID_ARGUMENT, "GetStats with a 100 KB "
                 "region_code", staff.GetStats, stats)
    p.names(e, "region_code", "GetStats with a 100 KB region_code")
    for x in p.calls_since(start):
        check(len(x.region_code) <= 16 and x.ByteSize() <= 2048,
              "GetStats audited with a region_code of %d characters, %d "
              "bytes" % (len(x.region_code), x.ByteSize()))
    p.still_serving("out-of-range filters")


# 10. SIGHUP while a batch runs.
def reload(p):
    batch = [p.vs.VerifyRequest(request=r) for r in p.requests]
    outcome = {}

    def run():
        try:
            outcome["codes"] = [r.code for r in p.verifier("staff-1")
                                .VerifyBatch(iter(batch), timeout=120)]
        except grpc.RpcError as e:
            outcome["error"] = "%s %s" % (e.code(), e.details())
    t = threading.Thread(target=run)
    t.start()
    p.server.proc.send_signal(signal.SIGHUP)
    check(p.server.read_stderr_until("SIGHUP: callers file reloaded", 30),
          "heduid did not log the reload of its callers file")
    t.join(timeout=180)
    check("error" not in outcome, "the batch across SIGHUP failed: %s"
          % outcome.get("error"))
    codes = outcome.get("codes", [])
    check(len(codes) == len(batch) and set(codes) == {0}, "the batch across "
          "SIGHUP: %d of %d results, codes %s"
          % (len(codes), len(batch), sorted(set(codes))))
    print("  SIGHUP during a batch of %d: reloaded, every item OK"
          % len(batch))
    p.still_serving("SIGHUP")


def main():
    began = time.time()
    work = workdir("abuse")
    tls = dev_certificates(os.path.join(work, "tls"))
    stubs = generate_stubs(os.path.join(work, "stubs"))
    county = os.path.join(work, "county")
    manifest = generate_county(county, 2000, applications=40)
    apps = [json.loads(line) for line in
            open(os.path.join(county, manifest["applications_file"]))]
    requests = [to_request(a, stubs["verification_pb2"]) for a in apps]
    check(apps[0]["program"] == "DIBAO" and apps[0]["region_code"] == "320581",
          "the county's first application is dibao-system's")
    data_dir = os.path.join(work, "data")
    server = Server(work, data_dir, tls_dir=tls, extra_args=[
        "--max-streams-per-caller", str(STREAMS_PER_CALLER),
        "--stream-idle-seconds", str(IDLE_SECONDS)]).start()
    passed = False
    p = None
    try:
        ingest_county(server, county, manifest)
        p = Probe(server, stubs, requests)
        p.still_serving("ingest")
        probes = [("1. purposes of multi-byte characters", purposes),
                  ("2. a 7 MiB region_code",
                   lambda q: huge_region(q, data_dir)),
                  ("3. many members, many violations", many_members),
                  ("4. amounts over 10^12 fen", amounts),
                  ("5. undecodable requests", undecodable),
                  ("10. SIGHUP during a batch", reload),
                  ("6. dates", dates),
                  ("7. idle VerifyBatch streams", idle_streams),
                  ("8. feeds", lambda q: feeds(q, county, manifest, work)),
                  ("9. out-of-range filters", filters)]
        # A failed probe is reported and the others still run, so one run
        # lists every misbehaviour; a server that died ends the run.
        failed = []
        for name, probe in probes:
            started = time.time()
            print("probe %s" % name, flush=True)
            try:
                probe(p)
            except SystemExit:
                failed.append(name)
                if server.proc.poll() is not None:
                    break
            print("  (%.1f s)" % (time.time() - started), flush=True)
        check(not failed, "probes failed: %s" % "; ".join(failed))
        passed = True
    finally:
        if p is not None:
            p.close()
        if server.proc.poll() is None:
            stopping = time.time()
            server.stop()
            print("heduid stopped in %.1f s" % (time.time() - stopping))
        elif not passed:
            print("heduid exited with %d" % server.proc.returncode)
        if not passed:
            tail = open(server.log_path, "rb").read()[-4000:]
            print("heduid log tail (%s):\n%s" % (
                server.log_path, tail.decode("utf-8", "replace")))
    check(server.proc.returncode == 0, "heduid exited with %d"
          % server.proc.returncode)
    shutil.rmtree(work)
    print("abuse test passed in %.0f s" % (time.time() - began))


if __name__ == "__main__":
    main()
