#!/usr/bin/python3
"""Adversarial probe of this session's work (feed preview and hold, client
certificates, the purge of ended roll entries), against a real heduid with
mutual TLS and a small synthetic county. Expected outcomes come from
domain.md §10/§10.1 and the certificate rules in deploy/README-certificates.md,
never from asking the server:
- held-feed calls: a department out of range, a batch id of 100,000
  characters, with a control character or invalid UTF-8 are INVALID_ARGUMENT
  naming the field; a preview dated in year 9999 or year 1 is refused;
  program systems may not list, confirm or discard, staff may not confirm or
  discard; a caller without a certificate gets nothing;
- a held file raced by concurrent confirmations, discards and another TAX
  ingest ends in exactly one outcome: held list empty, TAX's batch is the
  held one only if a confirmation succeeded, never both a confirmation and
  a discard succeeding;
- kill -9 while a confirmation runs: after restart the file is either still
  held and TAX unchanged, or switched and no longer held; a retry settles it;
- client certificates: another CA's, a self-signed one with the CA's subject,
  one signed by a non-CA intermediate, one without clientAuth purpose are
  refused; an expired and a not-yet-valid one from the CA are refused
  (the expired one UNAUTHENTICATED naming its end date, audited);
- purge (a retention putting the cutoff after the test's today): the dry run deletes nothing; the purge
  deletes the ended entries and keeps every active entry, the report it
  was enrolled on and its latest report (this probe found the latest one
  purged; fixed);
- duplicate enrolment: both sides enrolled at once and withdrawn at once,
  three times: one event per side each time, naming only the other side's
  program and county, no other entry or report id, the member masked;
- the callback methods (Verify, GetReport, ListReports, GetStats) past a
  cap of 6 in flight: only OK or RESOURCE_EXHAUSTED, every slot given back,
  heduid's thread count flat; deadlines and cancellations at every point of
  a Verify: its retry (same request id) gives one report, and every
  person's stored reports are exactly the ones audited as made (one synced
  write); garbage, 9 MB, no or an unknown certificate refused;
  review_period_months 6 or 12 in every report, kept when stored;
- SIGHUP with a broken policy refused (logged, serving, verifying), SIGHUP
  during a flood harms no call; SIGTERM twice under load with a watch and a
  stalled Ingest open: exit 0 within the grace; kill -9 under load: every
  acknowledged report readable after the restart, the chain intact;
- heduid's start with a missing or empty key, a data dir under a file, the
  port in use, the store locked, a broken or missing policy: a message and
  a non-zero exit; SIGTERM while starting: no crash or hang, store whole;
- ConfirmHeldFeeds: 14 or 100,000 files, a bad department or batch id at
  an index, garbage; joint confirmations racing a discard and a single
  confirmation of their files; kill -9 during one: both files switched or
  both held; a held file cannot be made stale by a later one;
- page tokens: under another person, program, verdict, counties or
  listing, garbled, cut, 100,000 characters or 1 MB, NUL, newline, invalid
  UTF-8: INVALID_ARGUMENT naming page_token; other base64 spellings of a
  token refused or paging the same;
- no resident ID or name in heduid's log or RocksDB's LOG files."""
import base64
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

os.environ.setdefault("HEDUI_ISSUE16_ABUSE_RESIDENTS",
                      os.environ.get("HEDUI_SESSION_ABUSE_RESIDENTS", "20000"))
os.environ.setdefault("HEDUI_ISSUE16_ABUSE_APPLICATIONS",
                      os.environ.get("HEDUI_SESSION_ABUSE_APPLICATIONS", "400"))
sys.path.insert(0, os.path.dirname(__file__))
import grpc  # noqa: E402
import harness  # noqa: E402
from harness import (Server, check, cli, departments, fail,  # noqa: E402
                     ingest_county)
import issue16_abuse_test as i16  # noqa: E402
from grpc_python import check_standard_details  # noqa: E402
from issue16_abuse_test import (DENIED, EXISTS, INVALID,  # noqa: E402
                                NOT_FOUND,
                                field_bytes, field_varint, wait_for)

ADMIN = "/hedui.v1.AdminService/"
# ListReports' and ListAudit's page_token refusals name page_token in
# hedui-error-bin too, as ListChanges' do (the probe found them without it).
CHECK_TOKEN_ERROR_TRAILER = True
KILL_DELAYS = (0.02, 0.08, 0.15, 0.3, 0.6)


class SessionAbuse(i16.Test):
    def __init__(self):
        # Its own work directory's name, not issue16_abuse_test's.
        i16.workdir = lambda _: harness.workdir("session-abuse")
        super().__init__()
        self.admin_pb = self.stubs["admin_pb2"]
        # A 特困 system beside the standard callers, for the duplicate pairs.
        subprocess.run([os.path.join(harness.SOURCE, "deploy", "dev-ca.sh"),
                        self.tls, "tekun-system"], check=True,
                       capture_output=True)
        with open(os.path.join(self.tls, "callers.textproto"), "a") as f:
            f.write('callers { identity: "tekun-system" role: PROGRAM_SYSTEM '
                    'programs: [TEKUN] region_codes: "320581" }\n')
        self.tax_as_of = 2
        self.as_of = {}

    def start(self, extra_args=()):
        # The hold stays on (domain §10.1 defaults: 5 %, at least 3).
        self.close_channels()
        self.server = Server(self.work, self.data, tls_dir=self.tls,
                             extra_args=extra_args, hold_feeds=True)
        self.server.today = i16.TODAY
        self.server.start()

    def admin(self, identity="admin-1"):
        return self.stubs["admin_pb2_grpc"].AdminServiceStub(
            self.channel(identity))

    def held(self):
        return list(self.admin().ListHeldFeeds(
            self.admin_pb.ListHeldFeedsRequest(), timeout=30).feeds)

    def setup(self):
        self.start()
        ingest_county(self.server, self.county, self.manifest)
        self.own = self.pick("DIBAO", "320581", 8)
        check(len(self.own) == 8, "8 plain DIBAO households of 320581: %d"
              % len(self.own))
        self.entries = [self.enrol(a, "dibao-system", "sa-enrol-%d" % i)
                        for i, a in enumerate(self.own)]
        self.withdrawn = self.entries.pop()
        self.rolls().Withdraw(self.roll_pb.WithdrawRequest(
            request_id="sa-withdraw", entry_id=self.withdrawn.entry_id,
            reason=self.roll_pb.RollEntry.VOLUNTARY), timeout=30)
        print("enrolled 8 DIBAO entries of 320581, one withdrawn")

    def write_tax(self, persons, name, op="upsert"):
        path = os.path.join(self.work, name + ".csv")
        with open(path, "w") as f:
            f.write("op,person_id,period,income_type,amount_yuan,payer,"
                    "pay_date\n")
            for p in persons:
                f.write("%s,%s,2026-09,WAGE,%s,91320581000009DLL7,"
                        "2026-09-25\n" % (op, p, "100000" if op == "upsert"
                                           else ""))
        return path

    def hold_tax(self, batch, keys, op="upsert"):
        """A TAX delta raising 3 of the 7 active entries' applicants' wages:
        over 5 % and at least 3, so held."""
        persons = [self.own[k]["members"][0]["person_id"] for k in keys]
        path = self.write_tax(persons, batch, op)
        # A delta's batch id is not the department's listed one (that stays
        # the snapshot's), so files are told apart by their as-of dates.
        self.as_of[batch] = "2026-11-%02d" % self.tax_as_of
        code, out, err = cli(self.server, "--output", "json", "ingest",
                             "--department", "TAX", "--as-of",
                             self.as_of[batch], "--delta",
                             "--batch-id", batch, path)
        self.tax_as_of += 1
        check(code == 0 and '"held":true' in out.replace(" ", ""),
              "%s held: %d %s %s" % (batch, code, out, err))
        check([h.batch_id for h in self.held()] == [batch],
              "%s is the one held file" % batch)
        return path

    # --- 1. held-feed field bounds and callers ------------------------------
    def bounds(self):
        tax = self.codes.TAX
        conf = self.admin_pb.ConfirmHeldFeedRequest
        disc = self.admin_pb.DiscardHeldFeedRequest
        a = self.admin()
        for name, call, req in (("ConfirmHeldFeed", a.ConfirmHeldFeed, conf),
                                ("DiscardHeldFeed", a.DiscardHeldFeed, disc)):
            raw = self.raw("admin-1", ADMIN + name)
            self.refused(name + " department 999", INVALID, raw,
                         field_varint(1, 999) + field_bytes(2, b"b1"),
                         field="department")
            self.refused(name + " department -1", INVALID, raw,
                         field_varint(1, (1 << 64) - 1) + field_bytes(2, b"b1"),
                         field="department")
            self.refused(name + " batch_id 100,000 characters", INVALID, call,
                         req(department=tax, batch_id="b" * 100000),
                         field="batch_id")
            self.refused(name + " batch_id with a control character", INVALID,
                         call, req(department=tax, batch_id="b\x01c"),
                         field="batch_id")
            self.refused(name + " batch_id with a newline", INVALID,
                         call, req(department=tax, batch_id="b\nc"),
                         field="batch_id")
            self.refused(name + " batch_id invalid UTF-8", INVALID, raw,
                         field_varint(1, tax) + field_bytes(2, b"b\xff\xfe"),
                         field="batch_id")
            self.refused(name + " nothing held", NOT_FOUND, call,
                         req(department=tax, batch_id="nothing-held"))
        self.still_serving("held-feed bounds")
        # Absurd as-of dates on a preview.
        path = self.write_tax([self.own[0]["members"][0]["person_id"]],
                              "preview-absurd")
        for as_of in ("9999-12-31", "0001-01-01", "2026-02-30"):
            code, out, err = cli(self.server, "ingest", "--preview",
                                 "--department", "TAX", "--as-of", as_of,
                                 "--delta", path)
            check(code != 0, "a preview dated %s refused: %d %s"
                  % (as_of, code, out))
            check("as_of" in err or "as-of" in err,
                  "the refusal of %s names the as-of date: %s" % (as_of, err))
            self.clean("preview " + as_of, err)
        # The same through the raw stream: the header's fields named.
        ingest = self.channel("admin-1").stream_unary(
            ADMIN + "Ingest", request_serializer=lambda b: b,
            response_deserializer=lambda b: b)
        body = field_bytes(2, b"op,person_id,period,income_type,amount_yuan,"
                           b"payer,pay_date\n")

        def day(y, m, d):
            return field_varint(1, y) + field_varint(2, m) + field_varint(3, d)
        for what, header, field in (
                ("department 999", field_varint(1, 999)
                 + field_bytes(2, day(2026, 11, 5)), "header.department"),
                ("as_of year 99999", field_varint(1, self.codes.TAX)
                 + field_bytes(2, day(99999, 11, 5)), "header.as_of"),
                ("as_of month 13", field_varint(1, self.codes.TAX)
                 + field_bytes(2, day(2026, 13, 5)), "header.as_of"),
                ("batch_id with a control character",
                 field_varint(1, self.codes.TAX)
                 + field_bytes(2, day(2026, 11, 5))
                 + field_bytes(4, b"a\x01b"), "header.batch_id")):
            for preview in (True, False):
                h = header + field_varint(3, 1) + (
                    field_varint(5, 1) if preview else b"")
                try:
                    ingest(iter([field_bytes(1, h), body]), timeout=30)
                    fail("an Ingest with %s accepted" % what)
                except grpc.RpcError as e:
                    check(e.code() == INVALID and field in (e.details() or ""),
                          "Ingest%s with %s: INVALID_ARGUMENT naming %s: %s %s"
                          % (" preview" if preview else "", what, field,
                             e.code(), e.details()))
        check(self.held() == [], "no refused file held")
        self.still_serving("absurd previews")
        print("held-feed bounds: every field named")

    def callers(self, batch):
        conf = self.admin_pb.ConfirmHeldFeedRequest(
            department=self.codes.TAX, batch_id=batch)
        disc = self.admin_pb.DiscardHeldFeedRequest(
            department=self.codes.TAX, batch_id=batch)
        mark = int(time.time() * 1e6)
        for who in ("dibao-system", "staff-1"):
            a = self.admin(who)
            self.refused(who + " ConfirmHeldFeed", DENIED, a.ConfirmHeldFeed,
                         conf)
            self.refused(who + " DiscardHeldFeed", DENIED, a.DiscardHeldFeed,
                         disc)
        self.refused("dibao-system ListHeldFeeds", DENIED,
                     self.admin("dibao-system").ListHeldFeeds,
                     self.admin_pb.ListHeldFeedsRequest())
        # Confirming with the other department's name is not this file.
        self.refused("ConfirmHeldFeed under MARRIAGE", NOT_FOUND,
                     self.admin().ConfirmHeldFeed,
                     self.admin_pb.ConfirmHeldFeedRequest(
                         department=self.codes.MARRIAGE, batch_id=batch))
        # No client certificate: nothing answered.
        try:
            self.stubs["admin_pb2_grpc"].AdminServiceStub(
                i16.channel(self.server, None)).ConfirmHeldFeed(conf,
                                                                timeout=30)
            fail("a confirmation without a certificate succeeded")
        except grpc.RpcError as e:
            check(e.code() in (grpc.StatusCode.UNAVAILABLE,
                               grpc.StatusCode.UNAUTHENTICATED),
                  "no certificate: %s" % e.code())
        check([h.batch_id for h in self.held()] == [batch],
              "still held after the refused callers")
        for who in ("dibao-system", "staff-1"):
            audited = self.audited_since(mark, who)
            check(len(audited) >= 2, "%s's refused calls audited: %d"
                  % (who, len(audited)))
        print("held-feed callers: refused and audited")

    # --- 1b. confirm, discard and ingest racing ------------------------------
    def race(self, batch):
        before = departments(self.server)["TAX"]
        other = self.write_tax([self.own[6]["members"][0]["person_id"]],
                               "race-other")
        results = {"confirm": [], "discard": [], "ingest": []}
        lock = threading.Lock()
        conf = self.admin_pb.ConfirmHeldFeedRequest(
            department=self.codes.TAX, batch_id=batch)
        disc = self.admin_pb.DiscardHeldFeedRequest(
            department=self.codes.TAX, batch_id=batch)
        start = threading.Barrier(7)

        def run(kind, call, req):
            start.wait()
            try:
                r = call(req, timeout=120)
                outcome = ("OK", r)
            except grpc.RpcError as e:
                outcome = (e.code().name, e.details())
            with lock:
                results[kind].append(outcome)

        def ingest():
            start.wait()
            code, out, err = cli(self.server, "--output", "json", "ingest",
                                 "--department", "TAX", "--as-of",
                                 "2026-11-%02d" % self.tax_as_of, "--delta",
                                 "--batch-id", "race-other", other)
            with lock:
                results["ingest"].append((code, out, err))

        threads = []
        for i in range(3):
            threads.append(threading.Thread(target=run, args=(
                "confirm", self.admin().ConfirmHeldFeed, conf)))
            threads.append(threading.Thread(target=run, args=(
                "discard", self.admin().DiscardHeldFeed, disc)))
        threads.append(threading.Thread(target=ingest))
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.tax_as_of += 1
        ok_conf = [r for r in results["confirm"] if r[0] == "OK"
                   and not r[1].already_applied]
        ok_disc = [r for r in results["discard"] if r[0] == "OK"]
        print("  race: confirms %s, discards %s, ingest exit %d" % (
            [r[0] for r in results["confirm"]],
            [r[0] for r in results["discard"]], results["ingest"][0][0]))
        check(len(ok_conf) + len(ok_disc) == 1,
              "exactly one confirmation or discard wins: %s"
              % {k: [r[0] for r in v] for k, v in results.items()
                 if k != "ingest"})
        for kind in ("confirm", "discard"):
            for r in results[kind]:
                check(r[0] in ("OK", "NOT_FOUND", "FAILED_PRECONDITION",
                               "ABORTED", "RESOURCE_EXHAUSTED"),
                      "a losing %s: %s %s" % (kind, r[0], r[1]))
        check(self.held() == [] or (
            results["ingest"][0][0] == 0
            and [h.batch_id for h in self.held()] == ["race-other"]),
            "nothing held after the race but the racing ingest's own file: %s"
            % [h.batch_id for h in self.held()])
        now = departments(self.server)["TAX"]
        code = results["ingest"][0][0]
        ingest_switched = (code == 0 and '"held":true' not in
                           results["ingest"][0][1].replace(" ", ""))
        if ingest_switched:
            check(now[1] == "2026-11-%02d" % (self.tax_as_of - 1),
                  "the ingest that answered OK is "
                  "current: %s, ingest said %s" % (now, results["ingest"]))
        elif ok_conf:
            check(now[1] == self.as_of[batch],
                  "the confirmed file is current: %s"
                  % (now,))
        else:
            check(now == before, "a discarded file is never switched: %s "
                  "was %s" % (now, before))
        if self.held():
            self.admin().DiscardHeldFeed(self.admin_pb.DiscardHeldFeedRequest(
                department=self.codes.TAX, batch_id="race-other"), timeout=60)
        self.still_serving("the race")
        print("race: one outcome, consistent")
        # Two files that would each be held, sent at once: one is held, the
        # other refused naming it (at most one held file per department).
        before = departments(self.server)["TAX"]
        # Each changes three verdicts: 3, 4 and 5 are untouched so far; 0, 1
        # and 2 were raised only if the held file was confirmed.
        paths = {n: self.write_tax([self.own[k]["members"][0]["person_id"]
                                    for k in keys], n, op)
                 for n, keys, op in (
                     ("twin-a", (3, 4, 5), "upsert"),
                     ("twin-b", (0, 1, 2), "delete" if ok_conf else "upsert"))}
        res = {}

        def go(n, as_of):
            res[n] = cli(self.server, "--output", "json", "ingest",
                         "--department", "TAX", "--as-of", as_of, "--delta",
                         "--batch-id", n, paths[n])
        threads = [threading.Thread(target=go, args=(
            n, "2026-11-%02d" % (self.tax_as_of + i)))
            for i, n in enumerate(paths)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        self.tax_as_of += 2
        held = [h.batch_id for h in self.held()]
        check(len(held) == 1, "one of two files sent at once is held: %s"
              % held)
        loser = "twin-b" if held == ["twin-a"] else "twin-a"
        check(res[loser][0] == 4 and held[0] in res[loser][2],
              "the other is refused naming the held one: %s" % (res[loser],))
        check(departments(self.server)["TAX"] == before,
              "neither file switched")
        self.admin().DiscardHeldFeed(self.admin_pb.DiscardHeldFeedRequest(
            department=self.codes.TAX, batch_id=held[0]), timeout=60)
        print("two would-hold files at once: one held, one refused")

    # --- 1c. kill -9 during a confirmation ----------------------------------
    def kill_during_confirm(self, batch, delay):
        before = departments(self.server)["TAX"]
        proc = subprocess.Popen(
            [harness.HEDUI, "--server", "localhost:%d" % self.server.port,
             "feeds", "confirm", "--department", "TAX", "--batch-id", batch],
            env=harness.cli_env(self.server),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        self.server.kill9()
        proc.wait(timeout=60)
        self.start()
        held = [h.batch_id for h in self.held()]
        now = departments(self.server)["TAX"]
        if held:
            check(held == [batch] and now == before,
                  "killed before the switch: still held, TAX as before: %s %s"
                  % (held, now))
        else:
            check(now[1] == self.as_of[batch], "killed after the switch: the file is "
                  "current and no longer held: %s" % (now,))
        code, out, err = cli(self.server, "--output", "json", "feeds",
                             "confirm", "--department", "TAX", "--batch-id",
                             batch)
        check(code == 0 or (not held and code == 7),
              "the retried confirmation: %d %s %s" % (code, out, err))
        check(self.held() == [] and departments(self.server)["TAX"][1]
              == self.as_of[batch], "after the retry: switched, nothing held")
        print("kill -9 %.2f s into a confirmation: %s before the kill" %
              (delay, "held" if held else "switched"))

    # --- 2. client certificates ---------------------------------------------
    def certificates(self):
        d = os.path.join(self.work, "bad-certs")
        os.makedirs(d, exist_ok=True)
        tls = self.tls

        def run(*args):
            subprocess.run(list(args), check=True, capture_output=True,
                           cwd=d)

        def key(name):
            run("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-out", name + ".key")

        def csr(name, cn):
            key(name)
            run("openssl", "req", "-new", "-key", name + ".key", "-subj",
                "/O=Hedui development/CN=" + cn, "-out", name + ".csr")

        ext = {
            "client": "basicConstraints=critical,CA:FALSE\n"
                      "keyUsage=critical,digitalSignature,keyEncipherment\n"
                      "extendedKeyUsage=clientAuth\n",
            "server": "basicConstraints=critical,CA:FALSE\n"
                      "keyUsage=critical,digitalSignature,keyEncipherment\n"
                      "extendedKeyUsage=serverAuth\n",
            "notca": "basicConstraints=critical,CA:FALSE\n"
                     "keyUsage=critical,digitalSignature,keyCertSign\n",
        }
        for k, v in ext.items():
            with open(os.path.join(d, k + ".ext"), "w") as f:
                f.write(v)
        # openssl ca for dated certificates.
        os.makedirs(os.path.join(d, "newcerts"), exist_ok=True)
        open(os.path.join(d, "index.txt"), "w").close()
        with open(os.path.join(d, "serial"), "w") as f:
            f.write("1000\n")
        with open(os.path.join(d, "ca.cnf"), "w") as f:
            f.write("[ca]\ndefault_ca=c\n[c]\ndir=%s\ndatabase=$dir/index.txt\n"
                    "new_certs_dir=$dir/newcerts\nserial=$dir/serial\n"
                    "default_md=sha256\npolicy=p\nunique_subject=no\n"
                    "copy_extensions=none\nx509_extensions=e\n"
                    "[p]\ncommonName=supplied\norganizationName=optional\n"
                    "[e]\nbasicConstraints=critical,CA:FALSE\n"
                    "keyUsage=critical,digitalSignature,keyEncipherment\n"
                    "extendedKeyUsage=clientAuth\n" % d)

        def dated(name, start, end):
            csr(name, "admin-1")
            run("openssl", "ca", "-batch", "-config", "ca.cnf", "-cert",
                os.path.join(tls, "ca.crt"), "-keyfile",
                os.path.join(tls, "ca.key"), "-in", name + ".csr", "-out",
                name + ".crt", "-startdate", start, "-enddate", end, "-notext")

        def signed(name, ca_crt, ca_key, extfile, cn="admin-1"):
            csr(name, cn)
            run("openssl", "x509", "-req", "-in", name + ".csr", "-CA", ca_crt,
                "-CAkey", ca_key, "-set_serial", str(int(time.time() * 1000)),
                "-days", "30", "-sha256", "-extfile", extfile,
                "-out", name + ".crt")

        # Another CA, and a self-signed certificate with our CA's subject.
        key("other-ca")
        run("openssl", "req", "-x509", "-new", "-key", "other-ca.key", "-subj",
            "/O=Hedui development/CN=Other CA", "-days", "30",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            "-out", "other-ca.crt")
        signed("foreign", "other-ca.crt", "other-ca.key", "client.ext")
        key("fake-ca")
        run("openssl", "req", "-x509", "-new", "-key", "fake-ca.key", "-subj",
            "/O=Hedui development/CN=Hedui development CA", "-days", "30",
            "-out", "fake-ca.crt")
        signed("fake-leaf", "fake-ca.crt", "fake-ca.key", "client.ext")
        # The self-signed certificate itself as the client's.
        run("cp", "fake-ca.crt", "selfsigned.crt")
        run("cp", "fake-ca.key", "selfsigned.key")
        # A non-CA intermediate of our CA signing a client certificate.
        signed("notca", os.path.join(tls, "ca.crt"), os.path.join(tls, "ca.key"),
               "notca.ext", cn="not-a-ca")
        signed("under-notca", "notca.crt", "notca.key", "client.ext")
        with open(os.path.join(d, "under-notca.crt"), "ab") as f:
            f.write(open(os.path.join(d, "notca.crt"), "rb").read())
        # A server certificate (serverAuth only) named admin-1.
        signed("serverpurpose", os.path.join(tls, "ca.crt"),
               os.path.join(tls, "ca.key"), "server.ext")
        dated("expired", "20200101000000Z", "20210615000000Z")
        dated("notyet", "20400101000000Z", "20410101000000Z")

        ca = open(os.path.join(tls, "ca.crt"), "rb").read()

        def call(name):
            creds = grpc.ssl_channel_credentials(
                root_certificates=ca,
                private_key=open(os.path.join(d, name + ".key"), "rb").read(),
                certificate_chain=open(os.path.join(d, name + ".crt"),
                                       "rb").read())
            ch = grpc.secure_channel("localhost:%d" % self.server.port, creds)
            try:
                self.stubs["admin_pb2_grpc"].AdminServiceStub(ch) \
                    .ListHeldFeeds(self.admin_pb.ListHeldFeedsRequest(),
                                   timeout=20)
                return ("OK", "")
            except grpc.RpcError as e:
                return (e.code(), e.details() or "")
            finally:
                ch.close()

        for name in ("foreign", "fake-leaf", "selfsigned", "under-notca",
                     "serverpurpose", "notyet"):
            code, details = call(name)
            check(code != "OK", "the %s certificate was accepted" % name)
            print("  %s certificate: %s %s" % (name, code, details[:100]))
        mark = int(time.time() * 1e6)
        code, details = call("expired")
        check(code == grpc.StatusCode.UNAUTHENTICATED,
              "an expired certificate from the CA: UNAUTHENTICATED, got %s %s"
              % (code, details))
        check("2021-06-15" in details,
              "the refusal names the end date: %s" % details)
        audited = self.audited_since(mark, "")
        print("  expired certificate: %s; audited as %s" % (
            details, [str(e).replace("\n", " ")[:160] for e in audited][:2]))
        check(any("2021-06-15" in str(e) or "expired" in str(e).lower()
                  for e in audited),
              "the expired certificate's refusal is audited: %s"
              % [str(e)[:200] for e in audited])
        # The expired certificate on the streaming calls too.
        creds = grpc.ssl_channel_credentials(
            root_certificates=ca,
            private_key=open(os.path.join(d, "expired.key"), "rb").read(),
            certificate_chain=open(os.path.join(d, "expired.crt"), "rb").read())
        ch = grpc.secure_channel("localhost:%d" % self.server.port, creds)
        for method, kind in (("/hedui.v1.ChangeService/WatchChanges", "out"),
                             (ADMIN + "Ingest", "in")):
            try:
                if kind == "out":
                    list(ch.unary_stream(method, lambda b: b, lambda b: b)(
                        b"", timeout=10))
                else:
                    ch.stream_unary(method, lambda b: b, lambda b: b)(
                        iter([b""]), timeout=10)
                fail("%s with an expired certificate answered" % method)
            except grpc.RpcError as e:
                check(e.code() == grpc.StatusCode.UNAUTHENTICATED
                      and "2021-06-15" in (e.details() or ""),
                      "%s with an expired certificate: %s %s"
                      % (method, e.code(), e.details()))
        ch.close()
        # Garbage as a certificate: the client library refuses it or the
        # handshake fails; heduid keeps serving.
        for garbage in (b"not a certificate", os.urandom(2048)):
            try:
                creds = grpc.ssl_channel_credentials(
                    root_certificates=ca, private_key=garbage,
                    certificate_chain=garbage)
                ch = grpc.secure_channel("localhost:%d" % self.server.port,
                                         creds)
                try:
                    self.stubs["admin_pb2_grpc"].AdminServiceStub(ch) \
                        .ListHeldFeeds(self.admin_pb.ListHeldFeedsRequest(),
                                       timeout=10)
                    fail("a garbage certificate was accepted")
                except grpc.RpcError:
                    pass
                finally:
                    ch.close()
            except grpc.RpcError:
                pass
            except (ValueError, TypeError):
                pass
        self.still_serving("bad certificates")
        print("certificates: every bad one refused, the expired one audited")

    # --- 3. duplicate enrolment: both sides enrolled at once, cycles --------
    def duplicates(self, cycles=3):
        import copy
        Event = self.ch_pb.ChangeEvent
        tekun_app = next((a for a, lab in self.apps
                          if a["program"] == "TEKUN"
                          and a["region_code"] == "320581"
                          and lab["verdict"] == "MEETS_CRITERIA"
                          and len(a["members"]) == 1 and not a["obligors"]
                          and a["verification_date"] <= i16.TODAY), None)
        check(tekun_app is not None, "a 特困 household of one in 320581")
        P = tekun_app["members"][0]["person_id"]
        used = {m["person_id"] for a in self.own for m in a["members"]}
        dibao_app = next((a for a in self.pick("DIBAO", "320581", 40, used)
                          if not a["single_person_member_id"]
                          and P not in [m["person_id"] for m in a["members"]]),
                         None)
        check(dibao_app is not None, "a 低保 household to declare P in")
        dibao_app = copy.deepcopy(dibao_app)
        dibao_app["members"].append({
            "person_id": P, "name": tekun_app["members"][0]["name"],
            "relation": "PARENT", "declared_monthly_income_fen": {},
            "informal_work": False})
        dibao_app["consent"]["signer_ids"].append(P)

        def dup_events(who, program):
            out, token = [], ""
            while True:
                page = self.changes(who).ListChanges(
                    self.ch_pb.ListChangesRequest(
                        program=program, page_token=token, page_size=500),
                    timeout=30)
                out += [e for e in page.events
                        if e.kind == Event.DUPLICATE_ENROLLMENT]
                token = page.next_page_token
                if not token:
                    return out

        def report(who, app):
            return self.verify(who).Verify(self.vs_pb.VerifyRequest(
                request=i16.to_request(app, self.v_pb)), timeout=60).report

        def enroll(who, rep, request_id, out):
            request = self.roll_pb.EnrollRequest(
                request_id=request_id, program=rep.program,
                region_code="320581", report_id=rep.report_id)
            request.approval_date.CopyFrom(rep.verification_date)
            if self.r_pb.Verdict.Name(rep.verdict) == "NEEDS_REVIEW":
                request.resolution.caseworker = "caseworker-7"
                request.resolution.reason = "一人一保待核实，先行纳入"
            try:
                out[who] = self.rolls(who).Enroll(request, timeout=60).entry
            except grpc.RpcError as e:
                out[who] = e

        entries_seen = set()
        reports_seen = set()
        for cycle in range(cycles):
            t_rep = report("tekun-system", tekun_app)
            d_rep = report("dibao-system", dibao_app)
            reports_seen.update((t_rep.report_id, d_rep.report_id))
            before = (len(dup_events("dibao-system", self.codes.DIBAO)),
                      len(dup_events("tekun-system", self.codes.TEKUN)))
            out = {}
            threads = [threading.Thread(target=enroll, args=(
                who, rep, "sa-dup-%s-%d" % (who, cycle), out))
                for who, rep in (("tekun-system", t_rep),
                                 ("dibao-system", d_rep))]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            for who, entry in out.items():
                check(not isinstance(entry, grpc.RpcError),
                      "cycle %d: %s's enrolment: %s" % (cycle, who, entry))
                entries_seen.add(entry.entry_id)
            time.sleep(1)
            d_ev = dup_events("dibao-system", self.codes.DIBAO)
            t_ev = dup_events("tekun-system", self.codes.TEKUN)
            new = (len(d_ev) - before[0], len(t_ev) - before[1])
            print("  cycle %d: enrolled at once, new events %s" % (cycle, new))
            check(new == (1, 1), "cycle %d: both enrolled at once: one new "
                  "event per side, got %s (DIBAO side, TEKUN side)"
                  % (cycle, new))
            for e, own, other_program, own_report in (
                    (d_ev[-1], out["dibao-system"], self.codes.TEKUN, d_rep),
                    (t_ev[-1], out["tekun-system"], self.codes.DIBAO, t_rep)):
                check(e.entry_id == own.entry_id
                      and e.duplicate.other_program == other_program
                      and e.duplicate.other_region_code == "320581",
                      "the event is its own side's, naming the other's "
                      "program and county: %s" % e)
                text = str(e)
                mine = (own.entry_id, own_report.report_id)
                for other in entries_seen | reports_seen:
                    check(other in mine or other not in text,
                          "no other entry or report id (%s) in the event: %s"
                          % (other, text))
                check(P not in e.summary and e.summary,
                      "the summary masks P: %s" % e.summary)
            check(all(e.program == self.codes.DIBAO for e in
                      dup_events("dibao-system",
                                 self.codes.PROGRAM_UNSPECIFIED)),
                  "the 低保 system sees no 特困 event")
            # Both withdrawn at once: the pair ends without an event.
            wd = {}

            def withdraw(who, entry):
                try:
                    self.rolls(who).Withdraw(self.roll_pb.WithdrawRequest(
                        request_id="sa-dup-wd-%s-%d" % (who, cycle),
                        entry_id=entry.entry_id,
                        reason=self.roll_pb.RollEntry.VOLUNTARY), timeout=60)
                    wd[who] = "OK"
                except grpc.RpcError as e:
                    wd[who] = e
            threads = [threading.Thread(target=withdraw, args=(w, out[w]))
                       for w in out]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            check(all(v == "OK" for v in wd.values()), "withdrawn: %s" % wd)
            time.sleep(0.5)
            check((len(dup_events("dibao-system", self.codes.DIBAO)),
                   len(dup_events("tekun-system", self.codes.TEKUN)))
                  == (len(d_ev), len(t_ev)), "a withdrawal makes no event")
        self.personal.update((P, tekun_app["members"][0]["name"]))
        print("duplicates: %d enrol/withdraw cycles, one event per side each"
              % cycles)

    # --- 4. purge -----------------------------------------------------------
    def purge(self):
        """With a report retention that puts the purge's cutoff (from the
        wall clock) just after the test's today 2026-11-10, every ended entry
        (the withdrawn one, the duplicate cycles') is past it, and so is
        every active entry's report."""
        def entry(entry_id):
            try:
                return self.rolls("staff-1").GetRollEntry(
                    self.roll_pb.GetRollEntryRequest(entry_id=entry_id),
                    timeout=30)
            except grpc.RpcError as e:
                check(e.code() == NOT_FOUND, "GetRollEntry %s: %s"
                      % (entry_id, e))
                return None

        active = [e.entry_id for e in self.entries]
        # The purge's cutoff comes from the wall clock, not --test-today: a
        # retention that puts it just after the test's today.
        import datetime
        retention = (datetime.date.today()
                     - datetime.date.fromisoformat(i16.TODAY)).days - 2
        self.server.stop()
        self.close_channels()
        self.server = Server(self.work, self.data, tls_dir=self.tls,
                             hold_feeds=True,
                             extra_args=["--report-retention-days",
                                         str(max(retention, 1)),
                                         "--purge-interval-hours", "0"])
        self.server.today = i16.TODAY
        self.server.start()
        check(entry(self.withdrawn.entry_id) is not None,
              "the withdrawn entry is there before the purge")
        code, out, err = cli(self.server, "--output", "json", "admin", "purge",
                             "--dry-run", check_exit=0)
        check('"roll_entries_purged"' in out, "the dry run counts ended "
              "entries: %s" % out)
        check(entry(self.withdrawn.entry_id) is not None,
              "the dry run deletes nothing: %s" % out)
        code, out2, err = cli(self.server, "--output", "json", "admin",
                              "purge", check_exit=0)
        if retention >= 1:
            check(entry(self.withdrawn.entry_id) is None,
                  "the withdrawn entry is purged: %s" % out2)
        else:
            print("  the wall clock is before %s: nothing ended can be past "
                  "the cutoff" % i16.TODAY)
        for entry_id in active:
            check(entry(entry_id) is not None,
                  "active entry %s survives the purge" % entry_id)
        # The report each active entry was enrolled on is kept, and so is
        # its latest report (latest_report_id, what its verdict and gradual
        # exit rest on).
        dangling = []
        for entry_id in active:
            e = entry(entry_id)
            for field, report_id in (("report_id", e.report_id),
                                     ("latest_report_id", e.latest_report_id)):
                if not report_id:
                    continue
                try:
                    self.verify("staff-1").GetReport(
                        self.vs_pb.GetReportRequest(report_id=report_id),
                        timeout=30)
                except grpc.RpcError as x:
                    check(x.code() == NOT_FOUND, "GetReport: %s" % x)
                    check(field == "latest_report_id",
                          "active entry %s's enrolment report %s purged"
                          % (entry_id, report_id))
                    dangling.append((entry_id, report_id))
        check(not dangling, "active entries name purged latest reports: %s"
              % dangling)
        print("purge: dry run deletes nothing; ended entries purged, active "
              "ones and their enrolment and latest reports kept (%s)"
              % out2.strip().replace("\n", " ")[:200])

    # --- 5. the callback methods (Verify, GetReport, ListReports, GetStats) --
    def verifiable(self):
        """Every DIBAO household of 320581 dibao-system may verify today,
        none of whose members is on a roll (no re-verification of theirs
        runs meanwhile)."""
        on_roll = {m["person_id"] for a in self.own for m in a["members"]}
        return [a for a, _ in self.apps
                if a["program"] == "DIBAO" and a["region_code"] == "320581"
                and a["verification_date"] <= i16.TODAY
                and not on_roll.intersection(m["person_id"]
                                             for m in a["members"])]

    def verify_request(self, app, request_id=""):
        return self.vs_pb.VerifyRequest(
            request=i16.to_request(app, self.v_pb), request_id=request_id)

    def patient(self, call, request):
        """`call(request)`, retried while the server is at its cap of 6 (cut
        off calls' work may still be running); a cap still full after 60 s
        means slots were not given back."""
        deadline = time.time() + 60
        while True:
            try:
                return call(request, timeout=60)
            except grpc.RpcError as e:
                if (e.code() != grpc.StatusCode.RESOURCE_EXHAUSTED
                        or time.time() > deadline):
                    raise
                time.sleep(0.2)

    def reports_of(self, person):
        out, token = set(), ""
        while True:
            page = self.patient(
                self.verify("staff-1").ListReports,
                self.vs_pb.ListReportsRequest(person_id=person, page_size=500,
                                              page_token=token))
            out.update(r.report_id for r in page.reports)
            token = page.next_page_token
            if not token:
                return out

    def audited_reports_of(self, person):
        """Report ids of the successful Verify entries about `person`."""
        out, token = set(), ""
        while True:
            page = self.patient(self.audit().ListAudit,
                                self.au.ListAuditRequest(
                                    person_id=person, page_size=1000,
                                    page_token=token))
            out.update(e.report_id for e in page.entries
                       if e.method.endswith("/Verify") and e.code == 0
                       and e.report_id)
            token = page.next_page_token
            if not token:
                return out

    def stored_as_audited(self, persons, what):
        """A report and its audit entry go in one synced write: for every
        person, the stored reports are exactly the ones successful Verify
        entries name (polled: a cut-off call's work may still be running)."""
        for p in persons:
            state = {}

            def same():
                state["stored"] = self.reports_of(p)
                state["audited"] = self.audited_reports_of(p)
                return state["stored"] == state["audited"]
            deadline = time.time() + 60
            while not same():
                if time.time() > deadline:
                    fail("%s: a member's stored reports %s are not the ones "
                         "audited as made %s" % (what, sorted(state["stored"]),
                                                 sorted(state["audited"])))
                time.sleep(0.3)

    def check_report(self, report, what):
        check(report.report_id.startswith("R") and len(report.report_id) == 13,
              "%s: a stored report's id: %r" % (what, report.report_id))
        # domain.md §10.1 Reviews: 6 or 12 months, judged in every program.
        check(report.review_period_months in (6, 12),
              "%s: review_period_months is %d, not 6 or 12"
              % (what, report.review_period_months))

    def threads_of_server(self):
        with open("/proc/%d/status" % self.server.proc.pid) as f:
            for line in f:
                if line.startswith("Threads:"):
                    return int(line.split()[1])
        return 0

    def start_loaded(self, extra=()):
        """A server with small admission caps and its own copy of the
        policy (so a SIGHUP can be given a broken one)."""
        if self.server is not None and self.server.proc.poll() is None:
            self.server.stop()
        self.close_channels()
        self.policy_copy = os.path.join(self.work, "policy.textproto")
        with open(harness.POLICY, "rb") as src, \
                open(self.policy_copy, "wb") as dst:
            dst.write(src.read())
        self.server = Server(self.work, self.data, tls_dir=self.tls,
                             hold_feeds=True, policy=self.policy_copy,
                             extra_args=["--max-in-flight", "6",
                                         "--shutdown-grace-seconds", "5"]
                             + list(extra))
        self.server.today = i16.TODAY
        self.server.start()

    def flood(self, apps, calls, sighups=0):
        """`calls` Verify calls at once (and readers beside them) past a cap
        of 6 in flight: each answers OK with a stored report or
        RESOURCE_EXHAUSTED, nothing else; SIGHUP given meanwhile changes
        nothing of that."""
        outcomes = []
        lock = threading.Lock()
        barrier = threading.Barrier(calls + 1)
        stub = self.verify("dibao-system")
        staff = self.verify("staff-1")

        def one(i):
            barrier.wait()
            try:
                if i % 4 == 3:
                    staff.GetStats(self.vs_pb.GetStatsRequest(
                        from_date=self.codes.Date(year=2026, month=11, day=1),
                        to_date=self.codes.Date(year=2026, month=11, day=10)),
                        timeout=120)
                    r = None
                elif i % 4 == 2:
                    staff.ListReports(self.vs_pb.ListReportsRequest(
                        page_size=20), timeout=120)
                    r = None
                else:
                    r = stub.Verify(self.verify_request(apps[i % len(apps)]),
                                    timeout=120).report
                with lock:
                    outcomes.append(("OK", r))
            except grpc.RpcError as e:
                with lock:
                    outcomes.append((e.code().name, e.details()))
        threads = [threading.Thread(target=one, args=(i,))
                   for i in range(calls)]
        for t in threads:
            t.start()
        barrier.wait()
        for _ in range(sighups):
            self.server.proc.send_signal(signal.SIGHUP)
            time.sleep(0.05)
        for t in threads:
            t.join()
        bad = [o for o in outcomes if o[0] not in ("OK", "RESOURCE_EXHAUSTED")]
        check(not bad, "a flood of %d calls past the cap of 6: only OK or "
              "RESOURCE_EXHAUSTED, got %s" % (calls, bad[:5]))
        # Every slot is given back: with the flood over, calls one at a time
        # are all admitted.
        for app in apps[:3]:
            try:
                r = self.patient(stub.Verify, self.verify_request(app)).report
            except grpc.RpcError as e:
                fail("a Verify alone after a flood of %d: %s %s (%s)"
                     % (calls, e.code(), e.details(),
                        {c: sum(1 for o in outcomes if o[0] == c)
                         for c in set(o[0] for o in outcomes)}))
            outcomes.append(("OK", r))
        made = [r for code, r in outcomes if code == "OK" and r is not None]
        for r in made:
            self.check_report(r, "flood")
        return outcomes, made

    def callback_methods(self):
        apps = self.verifiable()
        check(len(apps) >= 24, "24 DIBAO households of 320581 off the "
              "rolls: %d" % len(apps))
        self.start_loaded()
        threads_before = self.threads_of_server()
        outcomes, made = self.flood(apps[:12], 64)
        for i in range(3):
            more, m = self.flood(apps[:12], 64)
            outcomes += more
            made += m
        threads_after = self.threads_of_server()
        print("  flood: %d calls, %s; threads %d -> %d" % (
            len(outcomes), {c: sum(1 for o in outcomes if o[0] == c)
                            for c in set(o[0] for o in outcomes)},
            threads_before, threads_after))
        # A thread per call would show here: 256 calls, a fixed pool.
        check(threads_after < threads_before + 64,
              "heduid's threads grew from %d to %d over 256 calls"
              % (threads_before, threads_after))
        stored = self.verify("staff-1").GetReport(self.vs_pb.GetReportRequest(
            report_id=made[0].report_id), timeout=30)
        check(stored.review_period_months == made[0].review_period_months,
              "the stored report keeps review_period_months: %d, answered %d"
              % (stored.review_period_months, made[0].review_period_months))
        self.stored_as_audited([apps[i]["members"][0]["person_id"]
                                for i in range(12)], "after the floods")
        # Cut-off calls: a deadline expiring or a client cancelling at points
        # from before admission to after the synced write. Each carries a
        # request id; its retry (with time) returns the one report, stored
        # and audited once, whatever happened to the first call.
        cut = apps[12:24]
        stub = self.verify("dibao-system")
        plans = ([("deadline", d) for d in (0.001, 0.004, 0.01, 0.02, 0.04,
                                            0.08)]
                 + [("cancel", d) for d in (0.0, 0.003, 0.01, 0.02, 0.05,
                                            0.1)])
        seen = []
        for (how, delay), app in zip(plans, cut):
            person = app["members"][0]["person_id"]
            before = self.reports_of(person)
            rid = "sa-cut-%s-%d" % (how, int(delay * 1000))
            first = None
            if how == "deadline":
                try:
                    first = stub.Verify(self.verify_request(app, rid),
                                        timeout=delay).report
                except grpc.RpcError as e:
                    seen.append(e.code().name)
                    check(e.code() in (grpc.StatusCode.DEADLINE_EXCEEDED,
                                       grpc.StatusCode.CANCELLED),
                          "a Verify with a %.3f s deadline: %s %s"
                          % (delay, e.code(), e.details()))
            else:
                future = stub.Verify.future(self.verify_request(app, rid),
                                            timeout=60)
                time.sleep(delay)
                future.cancel()
                try:
                    first = future.result().report
                except grpc.FutureCancelledError:
                    seen.append("CANCELLED")
                except grpc.RpcError as e:
                    seen.append(e.code().name)
                    check(e.code() == grpc.StatusCode.CANCELLED,
                          "a cancelled Verify: %s %s" % (e.code(), e.details()))
            if first is not None:
                seen.append("OK")
            again = stub.Verify(self.verify_request(app, rid),
                                timeout=120).report
            self.check_report(again, "a retried cut-off call")
            if first is not None:
                check(again.report_id == first.report_id,
                      "the retry of an answered call returns its report: %s, "
                      "%s" % (first.report_id, again.report_id))
            after = self.reports_of(person)
            check(after - before == {again.report_id},
                  "%s after %.3f s, then retried: one new report, the "
                  "retry's %s; got %s" % (how, delay, again.report_id,
                                          sorted(after - before)))
        self.stored_as_audited([a["members"][0]["person_id"] for a in cut],
                               "after the cut-off calls")
        print("  cut-off calls: %s; each retry one report, stored and "
              "audited once" % seen)
        # The same without request ids, many at once: nothing to retry, but
        # what is stored is what is audited.
        futures = [stub.Verify.future(self.verify_request(app), timeout=(
            0.002 * (i + 1))) for i, app in enumerate(cut * 3)]
        cancels = [stub.Verify.future(self.verify_request(app), timeout=60)
                   for app in cut]
        for f in cancels:
            f.cancel()
        for f in futures + cancels:
            try:
                f.result()
            except (grpc.RpcError, grpc.FutureCancelledError):
                pass
        self.stored_as_audited([a["members"][0]["person_id"] for a in cut],
                               "after cut-off calls without request ids")
        # The same request id from 4 clients at once, two of them
        # cancelled: the others wait for the first and get its report; one
        # report stored. Another household under that id: ALREADY_EXISTS.
        person = cut[0]["members"][0]["person_id"]
        before = self.reports_of(person)
        same = [stub.Verify.future(self.verify_request(cut[0], "sa-same-rid"),
                                   timeout=60) for _ in range(4)]
        same[1].cancel()
        same[3].cancel()
        answered = set()
        for f in same:
            try:
                answered.add(f.result().report.report_id)
            except grpc.FutureCancelledError:
                pass
            except grpc.RpcError as e:
                check(e.code() in (grpc.StatusCode.CANCELLED,
                                   grpc.StatusCode.RESOURCE_EXHAUSTED),
                      "the same request id at once: %s %s"
                      % (e.code(), e.details()))
        again = stub.Verify(self.verify_request(cut[0], "sa-same-rid"),
                            timeout=60).report
        check(answered <= {again.report_id}
              and self.reports_of(person) - before == {again.report_id},
              "the same request id 4 times at once: answered %s, retried %s, "
              "stored %s" % (sorted(answered), again.report_id,
                             sorted(self.reports_of(person) - before)))
        self.refused("Verify of another household under a used request id",
                     EXISTS, stub.Verify,
                     self.verify_request(cut[1], "sa-same-rid"),
                     field="request_id")
        # A storm of cancellations at every point: every admission slot is
        # given back (a cap of 6: a leak of 6 refuses every later call).
        storm = []
        for i in range(60):
            storm.append(stub.Verify.future(self.verify_request(
                cut[i % len(cut)]), timeout=60))
            if i % 3 == 0:
                time.sleep(0.001 * (i % 7))
            storm[-1 - (i % 2)].cancel()
        for f in storm:
            try:
                f.result()
            except (grpc.RpcError, grpc.FutureCancelledError):
                pass
        for app in cut[:7]:
            try:
                self.patient(stub.Verify, self.verify_request(app))
            except grpc.RpcError as e:
                fail("a Verify alone after 60 cancelled calls: %s %s"
                     % (e.code(), e.details()))
        self.still_serving("cut-off calls")
        self.garbage_to_callbacks()
        self.broken_policy_reload(apps[:4])
        self.sigterm_under_load(apps[24:40] or apps[:16])
        self.kill9_under_load(apps[:16])
        print("callback methods: floods, cut-off calls, garbage, reloads, "
              "SIGTERM and kill -9 under load hold")

    def garbage_to_callbacks(self):
        vs = "/hedui.v1.VerificationService/"
        # A certificate from the CA whose name is not in the callers file.
        subprocess.run([os.path.join(harness.SOURCE, "deploy", "dev-ca.sh"),
                        self.tls, "stranger"], check=True, capture_output=True)
        junk = [
            ("0xff bytes", b"\xff" * 16),
            ("a truncated varint", b"\x0a\xff\xff\xff\xff\xff\xff\xff\xff"),
            ("a length past the end", b"\x0a\xff\xff\xff\x7f" + b"x" * 10),
            ("wire type 7", b"\x0f\x01"),
            ("end group without start", b"\x0c"),
            ("nested 10,000 deep", b"\x0a\x80\x80\x01" + b"\x0a" * 5000),
            ("4 KiB random", os.urandom(4096)),
            ("7 MB of zero tags", b"\x00" * (7 << 20)),
        ]
        for method in ("Verify", "GetReport", "ListReports", "GetStats"):
            raw = self.raw("staff-1" if method != "Verify" else
                           "dibao-system", vs + method)
            for what, payload in junk:
                try:
                    raw(payload, timeout=60)
                    fail("%s with %s answered OK" % (method, what))
                except grpc.RpcError as e:
                    check(e.code() in (grpc.StatusCode.INVALID_ARGUMENT,
                                       grpc.StatusCode.RESOURCE_EXHAUSTED),
                          "%s with %s: INVALID_ARGUMENT, got %s %s"
                          % (method, what, e.code(), (e.details() or "")[:200]))
            # Past --max-message-mb (8): refused by gRPC, heduid unharmed.
            try:
                raw(b"\x0a" + b"\x00" * (9 << 20), timeout=60)
                fail("%s with 9 MB answered OK" % method)
            except grpc.RpcError as e:
                check(e.code() == grpc.StatusCode.RESOURCE_EXHAUSTED,
                      "%s with 9 MB: RESOURCE_EXHAUSTED, got %s %s"
                      % (method, e.code(), (e.details() or "")[:200]))
            # No client certificate, and one from the CA not in the callers
            # file: nothing answered.
            for who in (None, "stranger"):
                ch = i16.channel(self.server, who)
                try:
                    ch.unary_unary(vs + method, lambda b: b, lambda b: b)(
                        b"", timeout=30)
                    fail("%s by %s answered" % (method, who))
                except grpc.RpcError as e:
                    check(e.code() in (grpc.StatusCode.UNAUTHENTICATED,
                                       grpc.StatusCode.PERMISSION_DENIED,
                                       grpc.StatusCode.UNAVAILABLE)
                          and (who is None or e.code()
                               != grpc.StatusCode.UNAVAILABLE),
                          "%s by %s: %s %s" % (method, who, e.code(),
                                               e.details()))
                finally:
                    ch.close()
        self.still_serving("garbage to the callback methods")
        print("  garbage, 9 MB, no or an unknown certificate: refused")

    def broken_policy_reload(self, apps):
        stub = self.verify("dibao-system")
        good = open(self.policy_copy, "rb").read()
        mark = os.path.getsize(self.server.log_path)
        with open(self.policy_copy, "wb") as f:
            f.write(b"this is { not a policy \x00\xff")
        self.server.proc.send_signal(signal.SIGHUP)
        self.server.proc.send_signal(signal.SIGHUP)

        def refused_logged():
            with open(self.server.log_path, "rb") as f:
                f.seek(mark)
                text = f.read().decode("utf-8", "replace").lower()
            return "polic" in text and ("refus" in text or "error" in text
                                        or "fail" in text)
        wait_for(refused_logged, "the broken policy's refusal in the log",
                 timeout=30)
        self.still_serving("SIGHUP with a broken policy")
        r = stub.Verify(self.verify_request(apps[0]), timeout=60).report
        self.check_report(r, "after a broken policy's SIGHUP")
        # The policy file gone, and the callers file broken: each refused,
        # the ones in force stay (every caller still known).
        os.remove(self.policy_copy)
        callers = os.path.join(self.tls, "callers.textproto")
        good_callers = open(callers, "rb").read()
        with open(callers, "wb") as f:
            f.write(good_callers + b"\ncallers { identity: ")
        for _ in range(20):
            self.server.proc.send_signal(signal.SIGHUP)
        time.sleep(1)
        with open(callers, "wb") as f:
            f.write(good_callers)
        self.still_serving("SIGHUP without a policy file and with a broken "
                           "callers file")
        r = stub.Verify(self.verify_request(apps[1]), timeout=60).report
        self.check_report(r, "after SIGHUPs with the policy file gone")
        self.verify("staff-1").GetReport(self.vs_pb.GetReportRequest(
            report_id=r.report_id), timeout=30)
        with open(self.policy_copy, "wb") as f:
            f.write(good)
        # A SIGHUP during floods: nothing but OK and RESOURCE_EXHAUSTED.
        self.flood(apps, 48, sighups=5)
        self.still_serving("SIGHUP during a flood")
        print("  SIGHUP with a broken policy: refused, serving; SIGHUP "
              "during a flood: no call harmed")

    def load(self, apps, stop_after, action):
        """Verify calls with request ids from 8 threads until heduid stops
        answering; `action()` once `stop_after` calls are acknowledged.
        Returns the acknowledged reports and every other outcome."""
        acked, other = [], []
        lock = threading.Lock()
        done = threading.Event()
        enough = threading.Event()
        stub = self.verify("dibao-system")
        tag = "sa-load-%d" % int(time.time() * 1000)

        def worker(w):
            n = 0
            while not done.is_set():
                app = apps[(w + n) % len(apps)]
                try:
                    r = stub.Verify(self.verify_request(
                        app, "%s-%d-%d" % (tag, w, n)), timeout=60).report
                    with lock:
                        acked.append((app["members"][0]["person_id"], r))
                        if len(acked) >= stop_after:
                            enough.set()
                except grpc.RpcError as e:
                    with lock:
                        other.append((e.code().name, (e.details() or "")[:120]))
                    if e.code() == grpc.StatusCode.UNAVAILABLE:
                        return
                n += 1
        threads = [threading.Thread(target=worker, args=(w,))
                   for w in range(8)]
        for t in threads:
            t.start()
        if not enough.wait(120):
            done.set()
            fail("no %d Verify calls acknowledged under load: %s"
                 % (stop_after, other[:5]))
        action()
        time.sleep(0.5)
        done.set()
        for t in threads:
            t.join(timeout=180)
            check(not t.is_alive(), "a client call hung after heduid stopped")
        return acked, other

    def check_acked(self, acked, what):
        staff = self.verify("staff-1")
        for person, r in acked:
            try:
                got = staff.GetReport(self.vs_pb.GetReportRequest(
                    report_id=r.report_id), timeout=30)
            except grpc.RpcError as e:
                fail("%s: the acknowledged report %s is gone: %s"
                     % (what, r.report_id, e.code()))
            check(got.verdict == r.verdict and got.review_period_months
                  == r.review_period_months,
                  "%s: report %s differs from its answer" % (what, r.report_id))
        self.stored_as_audited(sorted({p for p, _ in acked}), what)
        verdict = self.audit().VerifyAudit(self.au.VerifyAuditRequest(),
                                           timeout=120)
        check(verdict.intact, "%s: the audit chain is broken: %s"
              % (what, verdict))

    def sigterm_under_load(self, apps):
        """SIGTERM twice while Verify calls stream in: heduid finishes within
        its grace (5 s) and exits 0; the calls it acknowledged are stored."""
        stopped = {}

        def stop():
            stopped["at"] = time.time()
            self.server.proc.send_signal(signal.SIGTERM)
            time.sleep(0.05)
            self.server.proc.send_signal(signal.SIGTERM)
        # Streams that never end by themselves: a watch, and an Ingest whose
        # client sent its header and then nothing. Neither may hold the stop
        # past its grace.
        watch = self.changes("dibao-system").WatchChanges(
            self.ch_pb.WatchChangesRequest(program=self.codes.DIBAO,
                                           region_code="320581"),
            timeout=300)
        idle = threading.Event()

        def stalled():
            yield self.admin_pb.IngestRequest(
                header=self.admin_pb.IngestHeader(
                    department=self.codes.VEHICLES, delta=True,
                    as_of=self.codes.Date(year=2026, month=11, day=10)))
            idle.wait(300)
        ingest = self.admin().Ingest.future(stalled(), timeout=300)
        streams = {}

        def drain():
            try:
                for _ in watch:
                    pass
                streams["watch"] = "ended"
            except grpc.RpcError as e:
                streams["watch"] = e.code().name
        drainer = threading.Thread(target=drain)
        drainer.start()
        time.sleep(0.5)
        acked, other = self.load(apps, 20, stop)
        try:
            self.server.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.server.proc.kill()
            fail("heduid did not stop within 60 s of SIGTERM under load "
                 "(grace 5 s)")
        took = time.time() - stopped["at"]
        idle.set()
        drainer.join(timeout=60)
        try:
            ingest.result(timeout=60)
            streams["ingest"] = "OK"
        except grpc.RpcError as e:
            streams["ingest"] = e.code().name
        check(took < 5 + 10, "heduid took %.1f s to stop with a grace of "
              "5 s (a watch and a stalled Ingest open)" % took)
        self.server.log.close()
        check(self.server.proc.returncode == 0,
              "heduid exited %d after SIGTERM twice under load"
              % self.server.proc.returncode)
        bad = [o for o in other if o[0] not in (
            "UNAVAILABLE", "CANCELLED", "RESOURCE_EXHAUSTED")]
        check(not bad, "calls cut by SIGTERM: UNAVAILABLE or CANCELLED, got %s"
              % bad[:5])
        self.start_loaded()
        self.check_acked(acked, "after SIGTERM under load")
        print("  SIGTERM twice under load, a watch and a stalled Ingest open: "
              "exit 0 in %.1f s; %d acknowledged reports stored, %d calls "
              "refused (%s); streams %s" % (
                  took, len(acked), len(other),
                  sorted(set(o[0] for o in other)), streams))

    def kill9_under_load(self, apps):
        acked, other = self.load(apps, 20, self.server.kill9)
        self.start_loaded()
        self.check_acked(acked, "after kill -9 under load")
        print("  kill -9 under load: %d acknowledged reports stored, audit "
              "chain intact" % len(acked))

    # --- 6. heduid's start: each failure a message and a non-zero exit ------
    def startup_failures(self):
        s = self.server
        base = [harness.HEDUID,
                "--audit-head-file", os.path.join(self.work, "sf-heads.log"),
                "--test-today", i16.TODAY] + s.security_args()
        blocker = os.path.join(self.work, "a-file")
        with open(blocker, "w") as f:
            f.write("not a directory\n")
        key = self.server.audit_key
        busy = socket.socket()
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        taken = busy.getsockname()[1]
        with open(self.policy_copy + ".broken", "w") as f:
            f.write("programs { this is not a policy")
        empty_key = os.path.join(self.work, "empty.key")
        open(empty_key, "wb").close()
        os.chmod(empty_key, 0o600)
        fresh = os.path.join(self.work, "sf-data")
        policy = ["--policy", harness.POLICY]
        cases = [
            ("a missing audit key", ["--audit-key-file", os.path.join(
                self.work, "no-such.key"), "--data-dir", fresh,
                "--listen", "127.0.0.1:0"] + policy, ("key",)),
            ("an empty audit key", ["--audit-key-file", empty_key,
                                    "--data-dir", fresh, "--listen",
                                    "127.0.0.1:0"] + policy, ("key",)),
            ("a data dir under a file", ["--audit-key-file", key,
                                         "--data-dir", os.path.join(
                                             blocker, "data"),
                                         "--listen", "127.0.0.1:0"] + policy,
             ("data",)),
            ("the port in use", ["--audit-key-file", key, "--data-dir", fresh,
                                 "--listen", "127.0.0.1:%d" % taken] + policy,
             (str(taken), "listen", "bind", "address")),
            ("the store held by a running heduid",
             ["--audit-key-file", key, "--data-dir", self.data, "--listen",
              "127.0.0.1:0"] + policy, ("lock", "data", "store")),
            ("a broken policy", ["--audit-key-file", key, "--data-dir",
                                 fresh, "--listen", "127.0.0.1:0",
                                 "--policy", self.policy_copy + ".broken"],
             ("polic",)),
            ("a missing policy", ["--audit-key-file", key, "--data-dir",
                                  fresh, "--listen", "127.0.0.1:0",
                                  "--policy", os.path.join(self.work,
                                                           "no-policy")],
             ("polic",)),
        ]
        for what, args, words in cases:
            try:
                p = subprocess.run(base + args, capture_output=True,
                                   timeout=60)
            except subprocess.TimeoutExpired:
                fail("heduid with %s did not exit within 60 s" % what)
            err = (p.stdout + p.stderr).decode("utf-8", "replace")
            check(p.returncode > 0, "heduid with %s: exit %d (wanted a "
                  "non-zero exit, not a signal): %s"
                  % (what, p.returncode, err[-500:]))
            check(any(w in err.lower() for w in words),
                  "heduid with %s: the message names none of %s: %s"
                  % (what, words, err[-500:]))
            check("Sanitizer" not in err and "terminate called" not in err
                  and "Aborted" not in err,
                  "heduid with %s crashed: %s" % (what, err[-800:]))
            print("  start with %s: exit %d, %s" % (
                what, p.returncode, err.strip().splitlines()[-1][:120]
                if err.strip() else ""))
        busy.close()
        # SIGTERM while starting (the store opening, before serving): an
        # orderly end or the signal's default action, never a crash or a
        # hang; the store opens afterwards.
        crashes = (-signal.SIGABRT, -signal.SIGSEGV, -signal.SIGBUS,
                   -signal.SIGILL, -signal.SIGFPE)
        for delay in (0.0, 0.05, 0.2, 0.5):
            p = subprocess.Popen(base + ["--audit-key-file", key,
                                         "--data-dir", fresh, "--listen",
                                         "127.0.0.1:0"] + policy,
                                 stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE)
            time.sleep(delay)
            p.send_signal(signal.SIGTERM)
            try:
                out, err = p.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                p.kill()
                fail("heduid given SIGTERM %.2f s into its start did not "
                     "exit within 60 s" % delay)
            text = (out + err).decode("utf-8", "replace")
            check(p.returncode not in crashes and "Sanitizer" not in text
                  and "terminate called" not in text,
                  "heduid given SIGTERM %.2f s into its start crashed: %d %s"
                  % (delay, p.returncode, text[-800:]))
            print("  SIGTERM %.2f s into a start: exit %d" % (delay,
                                                              p.returncode))
        p = subprocess.run(base + ["--audit-key-file", key, "--data-dir",
                                   fresh, "--check"] + policy,
                           capture_output=True, timeout=120)
        check(p.returncode == 0, "the store interrupted while starting "
              "checks whole: %d %s" % (p.returncode, (p.stdout + p.stderr)
                                       .decode("utf-8", "replace")[-500:]))
        self.still_serving("failed starts beside it")
        print("startup failures: each a message and a non-zero exit")

    # --- 7. ConfirmHeldFeeds: several held files switched as one -------------
    def hold_file(self, department, batch, persons):
        """A delta held by request (hedui ingest --hold), dated the test's
        today (a file cannot be dated after it); its content differs from
        every other file's by the amount."""
        self.joint_files = getattr(self, "joint_files", 0) + 1
        amount = 100000 + self.joint_files
        path = os.path.join(self.work, batch + ".csv")
        with open(path, "w") as f:
            if department == "TAX":
                f.write("op,person_id,period,income_type,amount_yuan,payer,"
                        "pay_date\n")
                for p in persons:
                    f.write("upsert,%s,2026-09,WAGE,%d,91320581000009DLL7,"
                            "2026-09-25\n" % (p, amount))
            else:
                f.write("op,person_id,period,contribution_base_yuan,"
                        "employer\n")
                for p in persons:
                    f.write("upsert,%s,2026-09,%d,91320581000009DLL7\n"
                            % (p, amount))
        self.applied[batch] = self.deltas_applied()[department]
        code, out, err = cli(self.server, "--output", "json", "ingest",
                             "--hold", "--department", department, "--as-of",
                             i16.TODAY, "--delta", "--batch-id", batch, path)
        check(code == 0 and '"held":true' in out.replace(" ", ""),
              "%s held by request: %d %s %s" % (batch, code, out, err))

    def deltas_applied(self):
        _, out, _ = cli(self.server, "--output", "json", "departments",
                        check_exit=0)
        return {d["department"]: int(d.get("deltas_applied", 0))
                for d in json.loads(out).get("departments", [])}

    def joint_state(self, tax, si):
        """(TAX's file switched, SI's file switched, departments held)."""
        d = self.deltas_applied()
        held = {self.codes.Department.Name(h.department) for h in self.held()}
        return (d["TAX"] > self.applied[tax],
                d["SOCIAL_INSURANCE"] > self.applied[si], held)

    def joint_request(self, *pairs):
        return self.admin_pb.ConfirmHeldFeedsRequest(feeds=[
            self.admin_pb.ConfirmHeldFeedRequest(
                department=self.codes.Department.Value(d), batch_id=b)
            for d, b in pairs])

    def joint(self):
        self.applied = {}
        persons = [a["members"][0]["person_id"]
                   for a in self.verifiable()[40:43]]
        check(self.held() == [], "nothing held before the joint attacks")
        a = self.admin()
        raw = self.raw("admin-1", ADMIN + "ConfirmHeldFeeds")
        one = field_varint(1, self.codes.TAX) + field_bytes(2, b"jb")
        self.refused("ConfirmHeldFeeds with 14 files", INVALID, raw,
                     b"".join(field_bytes(1, field_varint(1, d)
                                          + field_bytes(2, b"b%d" % d))
                              for d in list(range(1, 14)) + [1]),
                     field="feeds")
        self.refused("ConfirmHeldFeeds feeds[1] department 999", INVALID,
                     raw, field_bytes(1, one) + field_bytes(
                         1, field_varint(1, 999) + field_bytes(2, b"jb")),
                     field="feeds[1].department")
        self.refused("ConfirmHeldFeeds feeds[0] batch_id invalid UTF-8",
                     INVALID, raw, field_bytes(1, field_varint(
                         1, self.codes.TAX) + field_bytes(2, b"j\xff")),
                     field="feeds[0].batch_id")
        self.refused("ConfirmHeldFeeds 100,000 files", INVALID, raw,
                     field_bytes(1, one) * 100000, field="feeds")
        self.refused("ConfirmHeldFeeds garbage", INVALID, raw,
                     b"\x0a\xff\xff\xff\xff\x0f")
        # Race: joint confirmations, a discard of one file and a single
        # confirmation of the other, at once.
        self.hold_file("TAX", "sa-joint-tax", persons)
        self.hold_file("SOCIAL_INSURANCE", "sa-joint-si", persons)
        both = self.joint_request(("TAX", "sa-joint-tax"),
                                  ("SOCIAL_INSURANCE", "sa-joint-si"))
        results = {"joint": [], "discard": [], "single": []}
        lock = threading.Lock()
        barrier = threading.Barrier(5)

        def run(kind, call, request):
            barrier.wait()
            try:
                call(request, timeout=120)
                outcome = "OK"
            except grpc.RpcError as e:
                outcome = e.code().name
            with lock:
                results[kind].append(outcome)
        threads = [threading.Thread(target=run, args=(
            "joint", self.admin().ConfirmHeldFeeds, both)) for _ in range(3)]
        threads.append(threading.Thread(target=run, args=(
            "discard", self.admin().DiscardHeldFeed,
            self.admin_pb.DiscardHeldFeedRequest(
                department=self.codes.SOCIAL_INSURANCE,
                batch_id="sa-joint-si"))))
        threads.append(threading.Thread(target=run, args=(
            "single", self.admin().ConfirmHeldFeed,
            self.admin_pb.ConfirmHeldFeedRequest(
                department=self.codes.TAX, batch_id="sa-joint-tax"))))
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        tax_now, si_now, held = self.joint_state("sa-joint-tax",
                                                 "sa-joint-si")
        joint_ok = results["joint"].count("OK")
        disc_ok = results["discard"] == ["OK"]
        single_ok = results["single"] == ["OK"]
        print("  joint race: %s; TAX switched %s, SI switched %s, held %s"
              % (results, tax_now, si_now, sorted(held)))
        for kind, outs in results.items():
            for o in outs:
                check(o in ("OK", "NOT_FOUND", "FAILED_PRECONDITION",
                            "ABORTED", "RESOURCE_EXHAUSTED"),
                      "a losing %s: %s" % (kind, o))
        check(joint_ok <= 1, "two joint confirmations of the same files "
              "both succeeded: %s" % results)
        check(not (joint_ok and (disc_ok or single_ok)),
              "a joint confirmation and a discard or single confirmation of "
              "its files both succeeded: %s" % results)
        check(si_now == bool(joint_ok), "SI switched %s, joint OK %d"
              % (si_now, joint_ok))
        check(tax_now == bool(joint_ok or single_ok),
              "TAX switched %s, joint %d single %s" % (tax_now, joint_ok,
                                                       single_ok))
        check(("SOCIAL_INSURANCE" in held) == (not joint_ok and not disc_ok)
              and ("TAX" in held) == (not joint_ok and not single_ok),
              "held after the race: %s (%s)" % (sorted(held), results))
        for d, b in (("TAX", "sa-joint-tax"),
                     ("SOCIAL_INSURANCE", "sa-joint-si")):
            if d in held:
                a.DiscardHeldFeed(self.admin_pb.DiscardHeldFeedRequest(
                    department=self.codes.Department.Value(d), batch_id=b),
                    timeout=60)
        # kill -9 during a joint confirmation: after the restart both files
        # are switched and none held, or both held and neither switched.
        for i, delay in enumerate((0.05, 0.2, 0.5)):
            tax, si = "sa-jk-tax-%d" % i, "sa-jk-si-%d" % i
            self.hold_file("TAX", tax, persons)
            self.hold_file("SOCIAL_INSURANCE", si, persons)
            proc = subprocess.Popen(
                [harness.HEDUI, "--server",
                 "localhost:%d" % self.server.port, "feeds", "confirm",
                 "--department", "TAX", "--batch-id", tax,
                 "--department", "SOCIAL_INSURANCE", "--batch-id", si],
                env=harness.cli_env(self.server), stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL)
            time.sleep(delay)
            self.server.kill9()
            proc.wait(timeout=60)
            self.start()
            state = {}

            def settled():
                state["s"] = self.joint_state(tax, si)
                return state["s"] in ((True, True, set()), (
                    False, False, {"TAX", "SOCIAL_INSURANCE"}))
            deadline = time.time() + 30
            while not settled():
                if time.time() > deadline:
                    fail("kill -9 %.2f s into a joint confirmation: after "
                         "the restart TAX switched %s, SI switched %s, held "
                         "%s" % ((delay,) + state["s"]))
                time.sleep(0.3)
            if state["s"][2]:
                cli(self.server, "feeds", "confirm", "--department", "TAX",
                    "--batch-id", tax, "--department", "SOCIAL_INSURANCE",
                    "--batch-id", si, check_exit=0)
                check(self.joint_state(tax, si) == (True, True, set()),
                      "the retried joint confirmation switched both")
            print("  kill -9 %.2f s into a joint confirmation: %s" % (
                delay, "both held" if state["s"][2] else "both switched"))
        self.stale_joint()
        self.still_serving("the joint attacks")
        print("joint confirmation: bounds, a race, kill -9, a stale file: "
              "all or none")

    def stale_joint(self):
        """A held VEHICLES file made stale by a later VEHICLES delta (not
        held) ingested meanwhile, confirmed as one with a held SI file after
        it: the store refuses a delta dated before its department's data, so
        the joint confirmation must be refused before the first switch, not
        switch SI alone (domain §10.1: switched as one)."""
        rows = open(os.path.join(self.county, "vehicles.csv"),
                    encoding="utf-8").read().splitlines()
        header, body = rows[0], rows[1:3]
        self.applied["sa-stale-si"] = self.deltas_applied()[
            "SOCIAL_INSURANCE"]
        self.hold_file("SOCIAL_INSURANCE", "sa-stale-si", [
            a["members"][0]["person_id"] for a in self.verifiable()[43:45]])
        files = {}
        for name, row in (("sa-stale-veh", body[0]), ("sa-newer-veh",
                                                      body[1])):
            files[name] = os.path.join(self.work, name + ".csv")
            with open(files[name], "w", encoding="utf-8") as f:
                f.write("op," + header + "\nupsert," + row + "\n")
        self.applied["sa-stale-veh"] = self.deltas_applied()["VEHICLES"]
        code, out, err = cli(self.server, "--output", "json", "ingest",
                             "--hold", "--department", "VEHICLES", "--as-of",
                             "2026-11-01", "--delta", "--batch-id",
                             "sa-stale-veh", files["sa-stale-veh"])
        check(code == 0 and '"held":true' in out.replace(" ", ""),
              "the VEHICLES file held: %d %s %s" % (code, out, err))
        code, out, err = cli(self.server, "--output", "json", "ingest",
                             "--department", "VEHICLES", "--as-of",
                             "2026-11-05", "--delta", "--batch-id",
                             "sa-newer-veh", files["sa-newer-veh"])
        if code != 0 or '"held":true' in out.replace(" ", ""):
            # A later file of a department with one held is refused or held:
            # the held one cannot go stale this way.
            print("  a later VEHICLES file beside a held one: %d %s"
                  % (code, (out + err).strip()[:160]))
            for d, b in (("VEHICLES", "sa-stale-veh"),
                         ("SOCIAL_INSURANCE", "sa-stale-si")):
                self.admin().DiscardHeldFeed(
                    self.admin_pb.DiscardHeldFeedRequest(
                        department=self.codes.Department.Value(d),
                        batch_id=b), timeout=60)
            return
        self.applied["sa-stale-veh"] = self.deltas_applied()["VEHICLES"]
        outcome = "OK"
        try:
            self.admin().ConfirmHeldFeeds(self.joint_request(
                ("SOCIAL_INSURANCE", "sa-stale-si"),
                ("VEHICLES", "sa-stale-veh")), timeout=120)
        except grpc.RpcError as e:
            outcome = "%s %s" % (e.code().name, e.details())
        d = self.deltas_applied()
        held = {self.codes.Department.Name(h.department) for h in self.held()}
        si_now = d["SOCIAL_INSURANCE"] > self.applied["sa-stale-si"]
        veh_now = d["VEHICLES"] > self.applied["sa-stale-veh"]
        print("  a stale held file confirmed with another: %s; SI switched "
              "%s, VEHICLES switched %s, held %s" % (outcome[:200], si_now,
                                                    veh_now, sorted(held)))
        check(si_now == veh_now, "a joint confirmation switched SI but "
              "not VEHICLES (%s): not all or none" % outcome[:300])
        check(outcome == "OK" or held == {"SOCIAL_INSURANCE", "VEHICLES"},
              "a refused joint confirmation leaves both held: %s" % held)
        for dep, b in (("VEHICLES", "sa-stale-veh"),
                       ("SOCIAL_INSURANCE", "sa-stale-si")):
            if dep in {self.codes.Department.Name(h.department)
                       for h in self.held()}:
                self.admin().DiscardHeldFeed(
                    self.admin_pb.DiscardHeldFeedRequest(
                        department=self.codes.Department.Value(dep),
                        batch_id=b), timeout=60)
        check(self.held() == [], "nothing held after the stale attack")
        # The runner is not left blocked by a joint marker: a later single
        # confirmation works.
        self.still_serving("a stale joint confirmation")

    # --- 8. page tokens bound to their filters ------------------------------
    def page_tokens(self):
        staff = self.verify("staff-1")
        apps = self.verifiable()
        person = apps[0]["members"][0]["person_id"]
        other = apps[1]["members"][0]["person_id"]
        req = self.vs_pb.ListReportsRequest
        first = staff.ListReports(req(person_id=person, page_size=1),
                                  timeout=30)
        token = first.next_page_token
        check(token, "a person verified many times has a second page")
        second = [r.report_id for r in staff.ListReports(
            req(person_id=person, page_size=1, page_token=token),
            timeout=30).reports]
        check(second and second != [r.report_id for r in first.reports],
              "the second page goes on: %s" % second)
        lr = self.raw("staff-1", "/hedui.v1.VerificationService/ListReports")

        def refused(what, call, request, field="page_token"):
            e = self.refused(what, INVALID, call, request,
                             field=field if CHECK_TOKEN_ERROR_TRAILER
                             else None)
            check("page_token" in (e.details() or ""),
                  "%s: the message names page_token: %s"
                  % (what, e.details()))
            check_standard_details(e, self.stubs, field="page_token")
        mid = len(token) // 2
        flipped = token[:mid] + ("A" if token[mid] != "A" else "B") \
            + token[mid + 1:]
        bad = [
            ("another person", "staff-1", dict(person_id=other)),
            ("another program", "staff-1",
             dict(person_id=person, program=self.codes.TEKUN)),
            ("a verdict filter", "staff-1",
             dict(person_id=person, verdict=self.r_pb.MEETS_CRITERIA)),
            ("another caller's counties (admin-1)", "admin-1",
             dict(person_id=person)),
            ("another caller's counties (dibao-system)", "dibao-system",
             dict(person_id=person)),
        ]
        for what, who, filters in bad:
            refused("ListReports token under " + what, self.verify(who).ListReports,
                         req(page_size=1, page_token=token, **filters))
        for what, t in (("a character changed", flipped),
                        ("cut in half", token[:mid]),
                        ("its last character dropped", token[:-1]),
                        ("100,000 characters", "A" * 100000),
                        ("one of 1 MB", token * ((1 << 20) // len(token))),
                        ("not base64", "!!!!$$$$"),
                        ("base64 of random bytes",
                         base64.urlsafe_b64encode(os.urandom(48)).decode()),
                        ("a newline inside", token[:mid] + "\n"
                         + token[mid:]),
                        ("a NUL inside", token[:mid] + "\x00" + token[mid:]),
                        ("doubled", token + token)):
            refused("ListReports token " + what, staff.ListReports,
                         req(person_id=person, page_size=1, page_token=t))
        # Invalid UTF-8 fails the parse: the message as a whole is named.
        self.refused("ListReports token invalid UTF-8", INVALID, lr,
                     field_bytes(1, person.encode()) + field_varint(6, 1)
                     + field_bytes(7, token.encode()[:mid] + b"\xff"),
                     field="page_token")
        # Other spellings of the same bytes: refused, or the same page.
        for what, t in (("padded '='", token + "="),
                        ("padded '=='", token + "=="),
                        ("standard alphabet", token.replace("-", "+")
                         .replace("_", "/")),
                        ("its last character's low bits changed",
                         token[:-1] + chr(ord(token[-1]) ^ 1))):
            try:
                page = staff.ListReports(req(person_id=person, page_size=1,
                                             page_token=t), timeout=30)
                check([r.report_id for r in page.reports] == second,
                      "a token %s was accepted and pages elsewhere: %s, "
                      "not %s" % (what, [r.report_id for r in page.reports],
                                  second))
                print("  token %s: accepted, the same page" % what)
            except grpc.RpcError as e:
                check(e.code() == INVALID and "page_token" in (e.details()
                                                               or ""),
                      "a token %s: INVALID_ARGUMENT naming page_token, got "
                      "%s %s" % (what, e.code(), e.details()))
                print("  token %s: refused" % what)
        # ListAudit's tokens: bound to its filters, not ListReports'.
        audit = self.audit()
        ar = self.au.ListAuditRequest
        page = audit.ListAudit(ar(caller="staff-1", page_size=1), timeout=30)
        atoken = page.next_page_token
        check(atoken, "staff-1 has more than one audit entry")
        refused("ListAudit token under another caller", audit.ListAudit, ar(caller="admin-1", page_size=1,
                                         page_token=atoken))
        refused("ListAudit token under a time filter", audit.ListAudit, ar(caller="staff-1", page_size=1,
                                         from_unix_micros=1,
                                         page_token=atoken))
        refused("ListAudit's token in ListReports", staff.ListReports, req(person_id=person, page_size=1,
                                            page_token=atoken))
        refused("ListReports' token in ListAudit", audit.ListAudit, ar(caller="staff-1", page_size=1,
                                         page_token=token))
        self.still_serving("page tokens")
        print("page tokens: other filters, callers, listings and garbled "
              "forms refused naming page_token")


def main():
    t = SessionAbuse()
    started = time.time()
    t.setup()
    t.bounds()
    t.hold_tax("sa-held-1", (0, 1, 2))
    t.callers("sa-held-1")
    t.race("sa-held-1")
    # Kill points from before the call arrives to after its answer; the
    # files alternately raise and take back the same three wages, so each
    # changes three verdicts and is held.
    for i, delay in enumerate(KILL_DELAYS):
        batch = "sa-held-k%d" % i
        t.hold_tax(batch, (3, 4, 5), "upsert" if i % 2 == 0 else "delete")
        t.kill_during_confirm(batch, delay)
    verdict = t.audit().VerifyAudit(t.au.VerifyAuditRequest(), timeout=120)
    check(verdict.intact, "the audit chain verifies after the kills: %s"
          % verdict)
    confirms = [e for e in t.audited_since(0, "admin-1")
                if "ConfirmHeldFeed" in str(e)]
    check(len(confirms) >= len(KILL_DELAYS),
          "the confirmations are audited: %d" % len(confirms))
    t.certificates()
    t.duplicates()
    t.callback_methods()
    t.startup_failures()
    t.joint()
    t.page_tokens()
    t.purge()
    t.logs()
    print("session_abuse_test: OK (%.0f s)" % (time.time() - started))


if __name__ == "__main__":
    main()
