#!/usr/bin/python3
"""The restore drill (issue 9): a real heduid with mutual TLS is loaded with a
synthetic county and verifies a sample; `hedui admin backup` backs it up while
it serves; new snapshots are ingested and more households verified; the server
is stopped and `heduid restore` brings the backup back into an empty data
directory. After a restart the old reports come back byte-identical, the
later ones are gone, `hedui audit verify` passes (the restore marker in the
head file) and the server verifies again. Also: listing, verifying and pruning
backups, and the refusals (no backup_dir, keep_last 0, not an administrator,
a non-empty data directory)."""
import json
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import (HEDUID, Server, check, cli, dev_certificates,  # noqa: E402
                     departments, fail, generate_county, workdir)
import grpc  # noqa: E402
from grpc_python import channel, generate_stubs  # noqa: E402
from service_test import expect_error, ingest_all, to_request  # noqa: E402

RESIDENTS = int(os.environ.get("HEDUI_BACKUP_RESIDENTS", "20000"))
APPLICATIONS = int(os.environ.get("HEDUI_BACKUP_APPLICATIONS", "400"))


def restore(args):
    proc = subprocess.run([HEDUID, "restore"] + args, capture_output=True,
                          timeout=600)
    return (proc.returncode, proc.stdout.decode("utf-8", "replace"),
            proc.stderr.decode("utf-8", "replace"))


def main():
    work = workdir("backup")
    tls = dev_certificates(os.path.join(work, "tls"))
    stubs = generate_stubs(os.path.join(work, "stubs"))
    vs_pb = stubs["verification_service_pb2"]
    v_pb = stubs["verification_pb2"]
    a_pb = stubs["admin_pb2"]
    county = os.path.join(work, "county")
    manifest = generate_county(county, RESIDENTS, applications=APPLICATIONS)
    data = os.path.join(work, "data")
    backups = os.path.join(work, "backups")
    server = Server(work, data, tls_dir=tls,
                    extra_args=["--backup-dir", backups]).start()

    def stub(kind, identity):
        ch = channel(server, identity)
        return {"verify": stubs["verification_service_pb2_grpc"].VerificationServiceStub,
                "admin": stubs["admin_pb2_grpc"].AdminServiceStub}[kind](ch)

    # Refusals first: only administrators, keep_last at least 1, an
    # unknown backup.
    for method, request in (("CreateBackup", a_pb.CreateBackupRequest()),
                            ("ListBackups", a_pb.ListBackupsRequest()),
                            ("VerifyBackup", a_pb.VerifyBackupRequest(backup_id=1)),
                            ("PruneBackups", a_pb.PruneBackupsRequest(keep_last=1))):
        expect_error(grpc.StatusCode.PERMISSION_DENIED,
                     getattr(stub("admin", "staff-1"), method), request, timeout=30)
    code, _, err = cli(server, "admin", "backup", identity="staff-1")
    check(code == 6, "hedui admin backup as staff exits 6: %d %s" % (code, err))
    admin = stub("admin", "admin-1")
    e = expect_error(grpc.StatusCode.INVALID_ARGUMENT, admin.PruneBackups,
                     a_pb.PruneBackupsRequest(keep_last=0), timeout=30)
    check("keep_last" in e.details(), "the refusal names keep_last: " + e.details())
    code, _, err = cli(server, "admin", "prune-backups", "--keep", "0")
    check(code == 3 and "keep_last" in err, "prune --keep 0: %d %s" % (code, err))
    expect_error(grpc.StatusCode.NOT_FOUND, admin.VerifyBackup,
                 a_pb.VerifyBackupRequest(backup_id=99), timeout=30)
    code, out, _ = cli(server, "admin", "backups", check_exit=0)
    check("no backups" in out, "no backups yet: " + out)

    # The county and a first sample of verifications.
    ingest_all(admin, county, manifest, a_pb)
    apps = [json.loads(line) for line in
            open(os.path.join(county, manifest["applications_file"]))]
    requests = [to_request(a, v_pb) for a in apps]
    half = len(requests) // 2
    staff = stub("verify", "staff-1")
    old = {}
    for result in staff.VerifyBatch(
            (vs_pb.VerifyRequest(request=r) for r in requests[:half]), timeout=600):
        check(result.code == 0, "verification %d: %s" % (result.index, result.message))
        old[result.report.report_id] = result.report.SerializeToString()
    before = departments(server)
    print("ingested the county (%d residents), verified %d households"
          % (RESIDENTS, len(old)))

    # Two online backups; the first is pruned.
    for expected_id in (1, 2):
        code, out, err = cli(server, "admin", "backup", check_exit=0)
        match = re.search(r"backup (\d+) made: .* audit entries 1-(\d+)", out)
        check(match and int(match.group(1)) == expected_id,
              "backup %d made: %s" % (expected_id, out))
    covered = int(match.group(2))
    _, out, _ = cli(server, "--output", "json", "admin", "backups", check_exit=0)
    listed = json.loads(out)["backups"]
    check([b["backup_id"] for b in listed] == [1, 2], "two backups: %s" % listed)
    check(all(b["requested_by"] == "admin-1" and b["format_version"] >= 2
              for b in listed), "who and which format: %s" % listed)
    check(int(listed[1]["audit_sequence"]) == covered, "audit entry covered")
    cli(server, "admin", "verify-backup", "2", check_exit=0)
    _, out, _ = cli(server, "admin", "prune-backups", "--keep", "1", check_exit=0)
    check("deleted backups 1" in out, "backup 1 pruned: " + out)
    _, out, _ = cli(server, "--output", "json", "admin", "backups", check_exit=0)
    check([b["backup_id"] for b in json.loads(out)["backups"]] == [2],
          "backup 2 kept: " + out)
    print("backups: made 1 and 2 (audit entry %d), verified, pruned to 2" % covered)

    # The later history: a new TAX snapshot and more verifications.
    tax = next(e for e in manifest["departments"] if e["department"] == "TAX")
    ingest_all(admin, county,
               dict(manifest, departments=[dict(tax, as_of="2026-11-02")]), a_pb)
    check(departments(server)["TAX"][1] == "2026-11-02", "the new TAX snapshot")
    later = []
    for result in staff.VerifyBatch(
            (vs_pb.VerifyRequest(request=r) for r in requests[half:]), timeout=600):
        check(result.code == 0, "verification %d: %s" % (result.index, result.message))
        later.append(result.report.report_id)
    server.stop()

    # The restore: refused over the old store, done into an empty directory.
    args = ["--backup-dir", backups, "--backup-id", "2", "--data-dir", data,
            "--audit-head-file", server.audit_heads]
    code, out, err = restore(args)
    check(code == 4 and "not empty" in err,
          "a restore over the store is refused: %d %s %s" % (code, out, err))
    os.rename(data, data + ".before-restore")
    code, out, err = restore(args)
    check(code == 0, "heduid restore: %d\n%s%s" % (code, out, err))
    print(out.strip())
    with open(server.audit_heads) as f:
        check(f.read().splitlines()[-1].startswith("restored "),
              "the head file ends with the restore marker")

    server = Server(work, data, tls_dir=tls,
                    extra_args=["--backup-dir", backups]).start()
    staff = stub("verify", "staff-1")
    for report_id, stored in old.items():
        got = staff.GetReport(vs_pb.GetReportRequest(report_id=report_id), timeout=30)
        check(got.SerializeToString() == stored,
              "%s comes back byte-identical" % report_id)
    for report_id in later:
        expect_error(grpc.StatusCode.NOT_FOUND, staff.GetReport,
                     vs_pb.GetReportRequest(report_id=report_id), timeout=30)
    check(departments(server) == before, "the departments as backed up")
    _, out, _ = cli(server, "audit", "verify", check_exit=0)
    fresh = staff.Verify(vs_pb.VerifyRequest(request=requests[-1]), timeout=30)
    check(fresh.report.report_id, "the restored server verifies")
    tax_as_of = next(d.as_of for d in fresh.report.departments
                     if d.department == stubs["codes_pb2"].TAX)
    check((tax_as_of.month, tax_as_of.day) != (11, 2),
          "the later TAX snapshot is gone")
    cli(server, "audit", "verify", check_exit=0)
    print("restored: %d old reports byte-identical, %d later ones gone, audit "
          "chain intact, serving" % (len(old), len(later)))
    server.stop()

    # Without a backup_dir every backup call is refused, naming it.
    server = Server(work, data, tls_dir=tls).start()
    e = expect_error(grpc.StatusCode.FAILED_PRECONDITION,
                     stub("admin", "admin-1").CreateBackup,
                     a_pb.CreateBackupRequest(), timeout=30)
    check("backup_dir" in e.details(), "names backup_dir: " + e.details())
    code, _, err = cli(server, "admin", "backups")
    check(code == 4 and "backup_dir" in err, "CLI: %d %s" % (code, err))
    server.stop()
    shutil.rmtree(work)
    print("backup and restore test passed")


if __name__ == "__main__":
    try:
        main()
    except subprocess.TimeoutExpired as e:
        fail("timed out: %s" % e)
