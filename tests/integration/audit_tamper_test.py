#!/usr/bin/python3
"""The audit chain detects tampering with the stored trail, end to end: a
server audits a few hundred calls and stops; three copies of its store are
tampered with RocksDB's own `ldb` tool (one entry edited, one deleted, the
tail cut off): for the first two `hedui audit verify` against the restarted
server exits 8 naming the first broken entry; with the tail cut, heduid
refuses to start, naming the head file. The untouched store verifies."""
import os
import shutil
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import (HEDUID, Server, check, cli, dev_certificates,  # noqa: E402
                     workdir)


def ldb(data, *args):
    proc = subprocess.run(["ldb", "--db=" + data, "--column_family=audit"]
                          + list(args), capture_output=True, text=True)
    check(proc.returncode == 0, "ldb %s: %s" % (args, proc.stderr))
    return proc.stdout.strip()


def key(sequence):
    return "0x" + (b"e" + struct.pack(">Q", sequence)).hex().upper()


def audit_verify(work, tls):
    server = Server(work, os.path.join(work, "data"), tls_dir=tls).start()
    code, out, err = cli(server, "audit", "verify")
    server.stop()
    return code, out + err


def main():
    base = workdir("audit-tamper")
    tls = dev_certificates(os.path.join(base, "tls"))
    original = os.path.join(base, "original")
    os.makedirs(original)
    server = Server(original, os.path.join(original, "data"), tls_dir=tls).start()
    for _ in range(250):
        cli(server, "departments", check_exit=0)
    server.stop()
    code, out = audit_verify(original, tls)
    check(code == 0 and "intact" in out, "the untouched trail verifies: %s" % out)

    lines = ldb(os.path.join(original, "data"), "scan", "--key_hex",
                "--value_hex").splitlines()
    last = max(int(l.split(" : ")[0][4:], 16) for l in lines
               if l.startswith("0x65"))
    print("audit trail of %d entries (the last: the check's own)" % last)

    def tampered(name, tamper, broken_at):
        work = os.path.join(base, name)
        shutil.copytree(original, work)
        tamper(os.path.join(work, "data"))
        code, out = audit_verify(work, tls)
        check(code == 8, "%s: hedui audit verify exits 8, got %d: %s"
              % (name, code, out))
        check(str(broken_at) in out, "%s: names entry %d: %s"
              % (name, broken_at, out))
        print("%-10s detected: %s" % (name, out.strip().splitlines()[0]))

    def edit(data):
        value = ldb(data, "get", "--key_hex", "--value_hex", key(50))
        raw = bytearray.fromhex(value[2:] if value.startswith("0x") else value)
        raw[len(raw) // 3] ^= 0x01  # one bit of the entry, not of its MAC
        ldb(data, "put", "--key_hex", "--value_hex", key(50),
            "0x" + raw.hex().upper())

    def delete(data):
        ldb(data, "delete", "--key_hex", key(120))

    def cut(data):
        for s in range(last - 4, last + 1):
            ldb(data, "delete", "--key_hex", key(s))

    tampered("edited", edit, 50)
    tampered("deleted", delete, 120)
    # A cut tail is caught before serving: the head file (written at every
    # clean stop) names entries the store no longer has, so heduid refuses
    # the store instead of numbering on over the missing entries.
    work = os.path.join(base, "cut-tail")
    shutil.copytree(original, work)
    cut(os.path.join(work, "data"))
    server = Server(work, os.path.join(work, "data"), tls_dir=tls)
    proc = subprocess.run(
        [HEDUID, "--listen", "127.0.0.1:0", "--data-dir", server.data_dir,
         "--policy", server.policy, "--audit-key-file", server.audit_key,
         "--audit-head-file", server.audit_heads]
        + server.security_args(), capture_output=True, text=True, timeout=60)
    check(proc.returncode != 0, "cut-tail: heduid refuses to start")
    check("audit-heads.log" in proc.stderr and "names audit entry" in
          proc.stderr, "cut-tail: the refusal names the head file and the "
          "entry: %s" % proc.stderr[-600:])
    print("cut-tail   refused at start: %s"
          % proc.stderr.strip().splitlines()[-1][:160])
    shutil.rmtree(base)
    print("audit tamper test passed")


if __name__ == "__main__":
    main()
