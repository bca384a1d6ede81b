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
- no resident ID or name in heduid's log or RocksDB's LOG files."""
import os
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
from issue16_abuse_test import (DENIED, INVALID, NOT_FOUND,  # noqa: E402
                                field_bytes, field_varint, wait_for)

ADMIN = "/hedui.v1.AdminService/"
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
    t.purge()
    t.logs()
    print("session_abuse_test: OK (%.0f s)" % (time.time() - started))


if __name__ == "__main__":
    main()
