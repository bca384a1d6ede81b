#!/usr/bin/python3
"""End to end: generate the synthetic county, ingest every department feed
through the CLI into a real heduid, restart it, and check that every
department's row count and as-of date survived. Then: re-sending a batch is
a no-op, a GB18030 export loads the same rows, every broken feed of the
corpus gets its clear error and changes nothing, and no resident ID or name
reaches the server's log, RocksDB's LOG or an error message unmasked."""
import csv
import glob
import os
import re
import shutil
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import (Server, check, cli, departments, fail,  # noqa: E402
                     generate_county, workdir, SOURCE)

RESIDENTS = int(os.environ.get("HEDUI_TEST_RESIDENTS", "100000"))


def ingest(server, county, entry, *extra, expect=0):
    path = os.path.join(county, entry["file"])
    return cli(server, "ingest", "--department", entry["department"],
               "--as-of", entry["as_of"], *extra, path, check_exit=expect)


def main():
    work = workdir("ingest")
    county = os.path.join(work, "county")
    manifest = generate_county(county, RESIDENTS)
    server = Server(work, os.path.join(work, "data")).start()
    errors_seen = []

    for entry in manifest["departments"]:
        ingest(server, county, entry)
    expected = {e["department"]: (e["rows"], e["as_of"])
                for e in manifest["departments"]}
    check(len(expected) == 13, "the county has 13 department feeds")

    def check_all(stage):
        found = departments(server)
        for dept, (rows, as_of) in expected.items():
            check(dept in found, "%s: %s missing" % (stage, dept))
            check(found[dept][0] == rows and found[dept][1] == as_of,
                  "%s: %s has %s, expected %d rows as of %s"
                  % (stage, dept, found[dept][:2], rows, as_of))
        return found

    before = check_all("after ingest")
    server.stop()
    server = Server(work, os.path.join(work, "data")).start()
    after = check_all("after restart")
    check(before == after, "restart changed the departments")

    # Re-sending the same file is a no-op.
    tax = next(e for e in manifest["departments"] if e["department"] == "TAX")
    _, out, _ = ingest(server, county, tax, "--output", "json")
    check("already" in out.lower(), "re-ingest should say already applied: "
          + out)
    check(departments(server)["TAX"] == after["TAX"], "re-ingest changed TAX")

    # A GB18030 export of the registration loads the same rows.
    for extra in manifest.get("extra_files", []):
        if extra.get("encoding") != "GB18030":
            continue
        entry = {"department": extra["department"], "file": extra["file"],
                 "as_of": extra.get("as_of", expected[extra["department"]][1])}
        ingest(server, county, entry, "--encoding", "GB18030")
        got = departments(server)[extra["department"]]
        check(got[0] == expected[extra["department"]][0],
              "GB18030 copy loaded %d rows" % got[0])
        check(got[2] != after[extra["department"]][2],
              "GB18030 copy is a new batch")

    # Every broken feed: its error, exit code 3, nothing changed.
    state = departments(server)
    corpus = os.path.join(SOURCE, "tests", "data", "bad_feeds")
    with open(os.path.join(corpus, "MANIFEST.tsv")) as f:
        rows = [r for r in csv.reader(f, delimiter="\t")
                if r and not r[0].startswith("#") and r[0] != "file"]
    check(len(rows) >= 10, "bad-feed corpus has at least 10 files")
    for name, dept, encoding, delta, line, field, needle in rows[:]:
        args = ["ingest", "--department", dept, "--as-of", "2026-11-20",
                "--encoding", encoding]
        if delta == "1":
            args.append("--delta")
        code, out, err = cli(server, *args, os.path.join(corpus, name))
        check(code == 3, "%s: exit %d (wanted 3): %s" % (name, code, err))
        check(needle in err, "%s: %r not in error: %s" % (name, needle, err))
        check(("line %s" % line) in err,
              "%s: error does not name line %s: %s" % (name, line, err))
        errors_seen.append(err)
    check(departments(server) == state, "a broken feed changed the store")

    # Usage errors from the CLI: exit 2, flag named, nothing sent.
    code, _, err = cli(server, "ingest", "--department", "TAXES", "--as-of",
                       "2026-11-20", os.path.join(county, tax["file"]))
    check(code == 2 and "--department" in err, "bad department: " + err)
    code, _, err = cli(server, "ingest", "--department", "TAX", "--as-of",
                       "2026-02-30", os.path.join(county, tax["file"]))
    check(code == 2 and "--as-of" in err, "bad date: " + err)
    errors_seen.append(err)

    server.stop()
    check_no_personal_data(work, county, data_dir=os.path.join(work, "data"),
                           texts=errors_seen)
    shutil.rmtree(work, ignore_errors=True)
    print("ingest_county_test: ok (%d residents, %d departments)"
          % (RESIDENTS, len(expected)))


def check_no_personal_data(work, county, data_dir, texts):
    ids, names = set(), set()
    with open(os.path.join(county, "household_registration.csv"),
              encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            ids.add(row["person_id"])
            if len(row["name"]) >= 2:
                names.add(row["name"])
    files = [os.path.join(work, "heduid.stderr.log")]
    files += glob.glob(os.path.join(data_dir, "LOG*"))
    blobs = [open(p, "rb").read().decode("utf-8", "replace") for p in files]
    blobs += texts
    id_like = re.compile(r"[0-9]{17}[0-9X]")
    cjk_run = re.compile(r"[\u4e00-\u9fff]{2,}")
    for blob in blobs:
        if any(token in ids for token in id_like.findall(blob)):
            fail("a raw resident ID appears in a log or error message")
        for run in cjk_run.findall(blob):
            for size in (2, 3, 4):
                for i in range(len(run) - size + 1):
                    if run[i:i + size] in names:
                        fail("a raw name appears in a log or error message")


if __name__ == "__main__":
    main()
