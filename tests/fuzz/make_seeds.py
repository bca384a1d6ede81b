#!/usr/bin/python3
"""Writes the seed corpus of every fuzz target into tests/fuzz/corpus/<name>/.

Seeds are real examples from the repository, put in each harness's input form
(the layout each harness's first comment describes):
  feed            deploy/feeds/examples, tests/data/bad_feeds (MANIFEST.tsv)
  policy          deploy/policy/*.textproto, and two broken copies
  callers         the callers file deploy/dev-ca.sh writes, and a broken copy
  request         the requests of server/engine/golden/*.textproto, each with a
                  store read made from its declaration (engine_case.proto)
  household_file  the same requests, in proto JSON and in text format
  audit_entry     stored entries (allowed and refused calls), a head file, an
                  export file
and every input of tests/fuzz/regressions/<name>/ (inputs a harness once
failed on, kept so the replay in tests/run.sh tries them on every run).

Run from anywhere: tests/fuzz/make_seeds.py. Needs protoc and python3-protobuf
(Debian's /usr/bin/python3). Deterministic: running it again changes nothing.
"""
import base64
import hashlib
import hmac
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "tests", "fuzz", "corpus")

# storage/feed/schema.cc: AllSchemas() in hedui.v1.Department order, from 1.
DEPARTMENTS = [
    "HOUSEHOLD_REGISTRATION", "MARRIAGE", "DEATH", "SOCIAL_INSURANCE", "BENEFITS",
    "TAX", "HOUSING_FUND", "REAL_ESTATE", "VEHICLES", "BUSINESS", "FINANCIAL_ASSETS",
    "DISABILITY", "ASSISTANCE_ENROLLMENT",
]


def write(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def feed_seed(department, gb18030, delta, content, cuts):
    flags = (1 if gb18030 else 0) | (2 if delta else 0)
    head = bytes([DEPARTMENTS.index(department), flags, len(cuts)])
    for c in cuts:
        head += bytes([c & 0xFF, (c >> 8) & 0xFF])
    return head + content


def feeds():
    examples = os.path.join(ROOT, "deploy", "feeds", "examples")
    for name in sorted(os.listdir(examples)):
        department = name.split(".")[0].upper()
        with open(os.path.join(examples, name), "rb") as f:
            content = f.read()
        delta = ".delta." in name
        n = len(content)
        write("feed", name, feed_seed(department, False, delta, content, [n // 3, n // 2 + 1]))
        # The same text in GB18030: what a county's older systems send.
        gb = content.decode("utf-8").encode("gb18030")
        write("feed", name + ".gb18030", feed_seed(department, True, delta, gb, [len(gb) // 2]))
    bad = os.path.join(ROOT, "tests", "data", "bad_feeds")
    with open(os.path.join(bad, "MANIFEST.tsv"), encoding="utf-8") as f:
        rows = [line.rstrip("\n").split("\t") for line in f][1:]
    for row in rows:
        name, department, encoding, delta = row[0], row[1], row[2], row[3] == "1"
        with open(os.path.join(bad, name), "rb") as f:
            content = f.read()
        write("feed", "bad_" + name,
              feed_seed(department, encoding != "UTF8", delta, content, [len(content) // 2]))


def policies():
    with open(os.path.join(ROOT, "deploy", "policy", "example.textproto"), "rb") as f:
        text = f.read()
    write("policy", "example.textproto", text)
    # An overlap and a typo: the error paths start from real text.
    write("policy", "overlap.textproto",
          text.replace(b"month: 7 day: 1 }", b"month: 6 day: 1 }", 1))
    write("policy", "typo.textproto", text.replace(b"dibao_standard_fen", b"dibao_standard", 1))


def callers():
    with open(os.path.join(ROOT, "deploy", "dev-ca.sh"), "rb") as f:
        script = f.read()
    text = re.search(rb"callers.textproto\" <<'EOF'\n(.*?)\nEOF\n", script, re.S).group(1) + b"\n"
    write("callers", "dev-ca.textproto", text)
    write("callers", "staff-without-counties.textproto",
          text.replace(b'region_codes: ["320581", "320582"]', b""))


def generate_python(tmp):
    protos = [os.path.relpath(os.path.join(dp, f), os.path.join(ROOT, "proto"))
              for dp, _, fs in os.walk(os.path.join(ROOT, "proto")) for f in fs
              if f.endswith(".proto")]
    subprocess.run(["protoc", "-I", os.path.join(ROOT, "proto"), "--python_out", tmp] + protos,
                   check=True)
    fuzz = os.path.join(ROOT, "tests", "fuzz")
    subprocess.run(["protoc", "-I", fuzz, "-I", os.path.join(ROOT, "proto"), "--python_out", tmp,
                    os.path.join(fuzz, "engine_case.proto")], check=True)
    sys.path.insert(0, tmp)


def month_before(year, month, k):
    m = year * 12 + (month - 1) - k
    return m // 12, m % 12 + 1


def store_read(request, records_pb2, codes_pb2):
    """Records a store read could return for `request`: each declared person
    registered in household H1, the declared wages as tax records for the 12
    months before the verification date, the declared assets as one deposit,
    head and spouse married; every department current a few days before."""
    r = records_pb2.RecordSet()
    d = request.verification_date
    ids = [m.person_id for m in request.members]
    for o in request.obligors:
        ids.append(o.person_id)
        if o.spouse.person_id:
            ids.append(o.spouse.person_id)
    register = r.household_registers.add(household_number="H1")
    for pid in ids:
        p = r.persons.add(person_id=pid)
        reg = p.household_registration.add(
            person_id=pid, name="张三", household_number="H1", relation_to_head=1,
            region_code=request.region_code or "320581", residence_class=1, status=1)
        register.members.append(reg)
    for i, m in enumerate(request.members):
        p = r.persons[i]
        wages = m.declared_monthly_income.wages_fen
        for k in range(1, 13):
            y, mo = month_before(d.year, d.month, k)
            if wages:
                t = p.tax.add(person_id=m.person_id, income_type=1, amount_fen=wages,
                              payer="单位A")
                t.period.year, t.period.month = y, mo
                t.pay_date.year, t.pay_date.month, t.pay_date.day = y, mo, 15
        if m.relation == 2:  # hedui.v1.SPOUSE
            for a, b in ((0, i), (i, 0)):
                mr = r.persons[a].marriage.add(person_id=ids[a], spouse_id=ids[b], status=1)
                mr.date.year, mr.date.month, mr.date.day = 2000, 5, 1
    if request.declared_assets.financial_assets_fen and r.persons:
        fa = r.persons[0].financial_assets.add(
            person_id=ids[0], institution="银行", account="6222****0001", asset_type=1,
            balance_fen=request.declared_assets.financial_assets_fen)
        fa.balance_date.year, fa.balance_date.month, fa.balance_date.day = d.year, d.month, 1
    for dep in range(1, len(DEPARTMENTS) + 1):
        a = r.departments.add(department=dep, generation=1)
        a.as_of.year, a.as_of.month, a.as_of.day = d.year, d.month, 1
    return r


def requests_and_audit():
    tmp = tempfile.mkdtemp()
    try:
        generate_python(tmp)
        from google.protobuf import json_format, text_format
        from hedui.v1 import audit_pb2, codes_pb2, report_pb2
        from hedui.store.v1 import records_pb2
        import engine_case_pb2

        golden = os.path.join(ROOT, "server", "engine", "golden")
        for name in sorted(os.listdir(golden)):
            if not name.endswith(".textproto"):
                continue
            with open(os.path.join(golden, name), encoding="utf-8") as f:
                report = text_format.Parse(f.read(), report_pb2.Report())
            request = report.request
            case = engine_case_pb2.EngineCase()
            case.request.CopyFrom(request)
            case.records.CopyFrom(store_read(request, records_pb2, codes_pb2))
            stem = name[:-len(".textproto")]
            write("request", stem + ".bin", case.SerializeToString(deterministic=True))
            write("household_file", stem + ".json",
                  b"\x01" + json_format.MessageToJson(request, ensure_ascii=False).encode())
            write("household_file", stem + ".textproto",
                  b"\x00" + text_format.MessageToString(request, as_utf8=True).encode())

        key = b"seed-audit-key-0123456789abcdef-32"
        previous = bytes(32)
        stored_entries = []
        entries = [
            audit_pb2.AuditEntry(time_unix_micros=1793000000000000, caller="dibao-system",
                                 method="/hedui.v1.VerificationService/Verify", program=1,
                                 purpose="低保年度复核", persons_hash="ab" * 16, code=0,
                                 outcome="OK", report_id="R000000000042",
                                 region_code="320581", batch_index=-1),
            audit_pb2.AuditEntry(time_unix_micros=1793000000000100, caller="",
                                 method="/hedui.v1.AuditService/ListAudit", code=16,
                                 outcome="UNAUTHENTICATED: no client certificate",
                                 batch_index=-1),
        ]
        for seq, e in enumerate(entries, start=1):
            e.sequence = seq
            e.previous_mac = previous
            body = e.SerializeToString(deterministic=True)
            mac = hmac.new(key, previous + body, hashlib.sha256).digest()
            stored = body + b"\x7a\x20" + mac
            write("audit_entry", "entry%d.stored" % seq, stored)
            write("audit_entry", "entry%d.body" % seq, body)
            stored_entries.append((seq, stored, e, mac))
            previous = mac
        write("audit_entry", "head.txt",
              ("100 %s\nrestored 100 %s 7 1793000000\n" % ("ab" * 32, "ab" * 32)).encode())
        lines = [json.dumps({"format": "hedui-audit-export/1", "server": "localhost:7441",
                             "first_sequence": 1, "last_sequence": 2,
                             "anchor_mac": "00" * 32, "chain_length": 2,
                             "from_unix_micros": 0, "to_unix_micros": 0,
                             "exported_unix_micros": 1793000001000000})]
        for seq, stored, e, mac in stored_entries:
            e.mac = mac
            lines.append(json.dumps({
                "sequence": seq, "stored": base64.b64encode(stored).decode(),
                "entry": json.loads(json_format.MessageToJson(
                    e, preserving_proto_field_name=True))}, ensure_ascii=False))
        lines.append(json.dumps({"end": True, "entries": 2, "last_mac": previous.hex()}))
        write("audit_entry", "export.jsonl", ("\n".join(lines) + "\n").encode())
    finally:
        shutil.rmtree(tmp)


def main():
    for target in ("feed", "policy", "callers", "request", "household_file", "audit_entry"):
        shutil.rmtree(os.path.join(CORPUS, target), ignore_errors=True)
    feeds()
    policies()
    callers()
    requests_and_audit()
    regressions = os.path.join(ROOT, "tests", "fuzz", "regressions")
    for target in sorted(os.listdir(regressions)):
        for name in sorted(os.listdir(os.path.join(regressions, target))):
            with open(os.path.join(regressions, target, name), "rb") as f:
                write(target, "regression_" + name, f.read())
    for target in sorted(os.listdir(CORPUS)):
        files = os.listdir(os.path.join(CORPUS, target))
        size = sum(os.path.getsize(os.path.join(CORPUS, target, f)) for f in files)
        print("%-15s %3d files %7d bytes" % (target, len(files), size))


if __name__ == "__main__":
    main()
