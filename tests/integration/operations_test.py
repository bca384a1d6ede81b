#!/usr/bin/python3
"""Running heduid as a county's IT department does (issue 9), end to end:
the configuration file (keys applied, flags override, unknown keys and bad
values refused naming the key), readiness and stopping told to systemd
through a real NOTIFY_SOCKET, JSON log lines without personal data, and the
metrics endpoint scraped by Debian's real Prometheus server, whose HTTP API
must then return the figures the calls produced and the alerting rules of
deploy/prometheus/ loaded. Issue 18: a real scrape passes `promtool check
metrics` (base units, build info, process_* figures), the rules pass
`promtool check rules` and their unit tests (`promtool test rules`), the
newest backup's time is exported, and gRPC core's own lines come out as
JSON through heduid's logger and in the CLI's own form, IDs masked."""
import re
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from harness import (HEDUI, HEDUID, POLICY, SOURCE, TEST_TODAY,  # noqa: E402
                     Server,
                     check, cli, dev_certificates, fail, generate_county,
                     ingest_county, workdir)

PROMETHEUS = "/usr/bin/prometheus"
PROMTOOL = "/usr/bin/promtool"
RESIDENTS = 3000
SAMPLE = 60
APPLICATIONS = 200


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_heduid(args, timeout=30):
    return subprocess.run([HEDUID] + args, capture_output=True, text=True,
                          timeout=timeout)


def test_configuration_file(base, tls):
    conf = os.path.join(base, "bad.conf")
    with open(conf, "w") as f:
        f.write('listen = "127.0.0.1:0"\nmax_in_flight = 5\n')
    proc = run_heduid(["--config", conf])
    check(proc.returncode == 2 and "unknown key 'max_in_flight'" in proc.stderr,
          "an unknown key stops heduid naming it: %d %s"
          % (proc.returncode, proc.stderr))
    with open(conf, "w") as f:
        f.write('max-in-flight = "lots"\n')
    proc = run_heduid(["--config", conf])
    check(proc.returncode == 2 and "max-in-flight" in proc.stderr,
          "a bad value names its key: %s" % proc.stderr)
    with open(conf, "w") as f:
        f.write('insecure = true\nlisten = "0.0.0.0:7441"\npolicy = "%s"\n'
                'audit-key-file = "/k"\naudit-head-file = "/h"\n' % POLICY)
    proc = run_heduid(["--config", conf])
    check(proc.returncode == 2 and "setting 'listen' (--listen)" in proc.stderr,
          "a value the checks refuse names the key: %s" % proc.stderr)
    proc = run_heduid(["--config", conf, "--listen", "127.0.0.1:9",
                       "--print-config"])
    check(proc.returncode == 0 and 'listen="127.0.0.1:9"' in proc.stdout
          and "insecure=true" in proc.stdout,
          "--print-config shows the file's keys with the flags' overrides: %s"
          % proc.stdout)
    example = os.path.join(SOURCE, "deploy", "heduid.example.conf")
    proc = run_heduid(["--config", example, "--print-config"])
    check(proc.returncode == 0, "the example configuration parses: %s"
          % proc.stderr)
    print("configuration file: keys, overrides and errors as documented")


def start_configured(base, tls, metrics_port, notify_path):
    """heduid from a configuration file, as the systemd unit starts it."""
    work = os.path.join(base, "server")
    os.makedirs(work, exist_ok=True)
    key = os.path.join(work, "audit.key")
    with open(key, "wb") as f:
        f.write(os.urandom(32))
    conf = os.path.join(work, "heduid.conf")
    with open(conf, "w") as f:
        f.write("\n".join([
            'listen = "127.0.0.1:0"',
            'port-file = "%s"' % os.path.join(work, "port"),
            'data-dir = "%s"' % os.path.join(work, "data"),
            'policy = "%s"' % POLICY,
            'tls-cert = "%s"' % os.path.join(tls, "server.crt"),
            'tls-key = "%s"' % os.path.join(tls, "server.key"),
            'tls-ca = "%s"' % os.path.join(tls, "ca.crt"),
            'callers = "%s"' % os.path.join(tls, "callers.textproto"),
            'audit-key-file = "%s"' % key,
            'audit-head-file = "%s"' % os.path.join(work, "heads.log"),
            'metrics-listen = "127.0.0.1:%d"' % metrics_port,
            'log-format = "json"',
            # Every certificate of the development CA "expires soon" now.
            'cert-expiry-warning-days = 100000',
            'audit-verify-interval-minutes = 1',
            'backup-dir = "%s"' % os.path.join(work, "backups"),
        ]) + "\n")
    # gRPC core at its most talkative: every one of its lines, too, must
    # come out as JSON through heduid's logger, IDs masked.
    env = dict(os.environ, NOTIFY_SOCKET=notify_path, GRPC_VERBOSITY="debug")
    log = open(os.path.join(work, "heduid.log"), "wb")
    # --test-today is command line only (never in a configuration file).
    proc = subprocess.Popen([HEDUID, "--config", conf,
                             "--test-today", TEST_TODAY], stdout=log,
                            stderr=log, env=env)
    server = Server(work, os.path.join(work, "data"), tls_dir=tls)
    server.proc, server.log, server.log_path = proc, log, log.name
    server.log_start = 0
    deadline = time.time() + 60
    port_file = os.path.join(work, "port")
    while time.time() < deadline:
        check(proc.poll() is None, "heduid exited early; see %s" % log.name)
        if os.path.exists(port_file) and open(port_file).read().strip():
            server.port = int(open(port_file).read())
            return server
        time.sleep(0.05)
    fail("heduid did not start")


def notifications(sock, timeout):
    messages = []
    sock.settimeout(timeout)
    try:
        while True:
            messages.append(sock.recv(4096).decode())
    except socket.timeout:
        pass
    return messages


def ingest_and_verify(server, county, base):
    with open(os.path.join(county, "manifest.json")) as f:
        manifest = json.load(f)
    ingest_county(server, county, manifest)
    sample = os.path.join(base, "sample.jsonl")
    with open(os.path.join(county, "requests.jsonl")) as src, \
            open(sample, "w") as dst:
        for i, line in enumerate(src):
            if i >= SAMPLE:
                break
            dst.write(line)
    cli(server, "--output", "json", "verify", "--batch", sample,
        identity="staff-1")
    bad = os.path.join(base, "bad.json")
    with open(sample) as f:
        request = json.loads(f.readline())
    # A county outside the caller's: refused by the server, not the CLI.
    request["region_code"] = "110101"
    with open(bad, "w") as f:
        json.dump(request, f)
    code, _, _ = cli(server, "verify", "--household", bad, identity="staff-1")
    check(code != 0, "an invalid request is refused")
    return manifest


def prometheus_query(port, expr):
    url = "http://127.0.0.1:%d/api/v1/query?%s" % (
        port, urllib.parse.urlencode({"query": expr}))
    with urllib.request.urlopen(url, timeout=10) as reply:
        body = json.load(reply)
    check(body["status"] == "success", "query %s: %s" % (expr, body))
    return body["data"]["result"]


def wait_for(port, expr, predicate, what, timeout=60):
    deadline = time.time() + timeout
    result = []
    while time.time() < deadline:
        result = prometheus_query(port, expr)
        if result and predicate(result):
            return result
        time.sleep(0.5)
    fail("Prometheus: %s (query %s gave %s)" % (what, expr, result))


def value(result):
    return sum(float(r["value"][1]) for r in result)


def scrape(metrics_port):
    url = "http://127.0.0.1:%d/metrics" % metrics_port
    with urllib.request.urlopen(url, timeout=10) as reply:
        check(reply.headers.get("Content-Type", "").startswith("text/plain"),
              "the exposition is text: %s" % reply.headers)
        return reply.read().decode("utf-8")


def sample(text, name):
    """The value of the unlabelled sample `name` in exposition `text`."""
    for line in text.splitlines():
        parts = line.split(" ")
        if len(parts) == 2 and parts[0] == name:
            return float(parts[1])
    fail("no sample %s in the scrape:\n%s" % (name, text))


def check_scrape(metrics_port, server_pid):
    """What Prometheus' own linter says of a real scrape, and the figures
    every exporter is expected to have."""
    text = scrape(metrics_port)
    lint = subprocess.run([PROMTOOL, "check", "metrics"], input=text,
                          capture_output=True, text=True)
    check(lint.returncode == 0 and not (lint.stdout + lint.stderr).strip(),
          "promtool check metrics passes a real scrape: %d %s"
          % (lint.returncode, lint.stdout + lint.stderr))
    check("_days" not in text, "no metric in days (base unit: seconds)")
    build = [l for l in text.splitlines() if l.startswith("hedui_build_info{")]
    check(len(build) == 1 and 'version="' in build[0]
          and build[0].endswith(" 1"), "hedui_build_info: %s" % build)
    # The process figures against what /proc says from outside.
    with open("/proc/%d/stat" % server_pid) as f:
        stat = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    with open("/proc/stat") as f:
        btime = next(int(l.split()[1]) for l in f if l.startswith("btime "))
    start = btime + int(stat[19]) / ticks
    check(abs(sample(text, "process_start_time_seconds") - start) < 0.05,
          "process_start_time_seconds is heduid's start (%f)" % start)
    fds = len(os.listdir("/proc/%d/fd" % server_pid))
    check(abs(sample(text, "process_open_fds") - fds) <= 5,
          "process_open_fds about %d" % fds)
    with open("/proc/%d/limits" % server_pid) as f:
        soft = next(l.split()[3] for l in f if l.startswith("Max open files"))
    check(sample(text, "process_max_fds") == float(soft),
          "process_max_fds is the soft limit %s" % soft)
    rss = int(stat[21]) * os.sysconf("SC_PAGE_SIZE")
    check(0.5 * rss < sample(text, "process_resident_memory_bytes") < 2 * rss,
          "process_resident_memory_bytes about %d" % rss)
    check(sample(text, "process_virtual_memory_bytes") >= rss,
          "process_virtual_memory_bytes")
    cpu = (int(stat[11]) + int(stat[12])) / ticks
    check(0 < sample(text, "process_cpu_seconds_total") <= cpu + 1,
          "process_cpu_seconds_total about %f" % cpu)
    return text


def check_rules():
    rules = os.path.join(SOURCE, "deploy", "prometheus", "rules.yml")
    proc = subprocess.run([PROMTOOL, "check", "rules", rules],
                          capture_output=True, text=True)
    check(proc.returncode == 0, "promtool check rules: %s"
          % (proc.stdout + proc.stderr))
    tests = os.path.join(SOURCE, "deploy", "prometheus", "rules_test.yml")
    proc = subprocess.run([PROMTOOL, "test", "rules", tests],
                          capture_output=True, text=True)
    check(proc.returncode == 0, "the rules' unit tests (HeduiErrorRate not on "
          "callers' deadlines, HeduiBackupTooOld, data ages in seconds): %s"
          % (proc.stdout + proc.stderr))


def start_prometheus(base, metrics_port):
    prom_dir = os.path.join(base, "prometheus")
    os.makedirs(prom_dir)
    with open(os.path.join(SOURCE, "deploy", "prometheus",
                           "prometheus.yml")) as f:
        config = f.read()
    # The shipped configuration, pointed at this test's ports and files and
    # scraping every second.
    config = (config.replace("/etc/prometheus/hedui-rules.yml",
                             os.path.join(SOURCE, "deploy", "prometheus",
                                          "rules.yml"))
              .replace("127.0.0.1:9441", "127.0.0.1:%d" % metrics_port)
              .replace("scrape_interval: 30s", "scrape_interval: 1s")
              .replace("evaluation_interval: 30s", "evaluation_interval: 1s"))
    config_path = os.path.join(prom_dir, "prometheus.yml")
    with open(config_path, "w") as f:
        f.write(config)
    check_proc = subprocess.run([PROMTOOL, "check", "config", config_path],
                                capture_output=True, text=True)
    check(check_proc.returncode == 0,
          "promtool accepts the configuration and rules: %s"
          % (check_proc.stdout + check_proc.stderr))
    port = free_port()
    log = open(os.path.join(prom_dir, "prometheus.log"), "wb")
    proc = subprocess.Popen(
        [PROMETHEUS, "--config.file", config_path,
         "--storage.tsdb.path", os.path.join(prom_dir, "data"),
         "--web.listen-address", "127.0.0.1:%d" % port],
        stdout=log, stderr=log)
    deadline = time.time() + 60
    while time.time() < deadline:
        check(proc.poll() is None, "prometheus exited; see %s" % log.name)
        try:
            urllib.request.urlopen("http://127.0.0.1:%d/-/ready" % port,
                                   timeout=2)
            return proc, port
        except OSError:
            time.sleep(0.3)
    fail("prometheus did not become ready")


# gRPC's own line format: "E1207 10:00:00.123456789    1234 file.cc:12] ...".
GRPC_RAW_LINE = re.compile(r"^[DIE]\d{4} \d\d:\d\d:\d\d\.\d+ +\d+ ")


def provoke_grpc_core_logs(base, server):
    """A failed TLS handshake makes gRPC core log on both sides: a client
    speaking plain text to heduid's TLS port, and the CLI trusting another
    CA than the one that signed heduid's certificate."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n" * 4)
        try:
            s.recv(1024)
        except OSError:
            pass
    other = dev_certificates(os.path.join(base, "other-ca"))
    env = dict(os.environ, HEDUI_CA=os.path.join(other, "ca.crt"),
               HEDUI_CERT=os.path.join(server.tls_dir, "staff-1.crt"),
               HEDUI_KEY=os.path.join(server.tls_dir, "staff-1.key"),
               GRPC_VERBOSITY="info")
    env.pop("HEDUI_INSECURE", None)
    proc = subprocess.run([HEDUI, "--server", "localhost:%d" % server.port,
                           "health"], capture_output=True, text=True,
                          env=env, timeout=60)
    lines = proc.stderr.splitlines()
    check(proc.returncode != 0, "a server certificate of another CA is "
          "refused: %s" % proc.stderr)
    check(any(l.startswith("hedui: grpc ") for l in lines),
          "the CLI writes gRPC core's lines in its own form: %s" % proc.stderr)
    raw = [l for l in lines if GRPC_RAW_LINE.match(l)]
    check(not raw, "no raw gRPC core line in the CLI's stderr: %s" % raw)


def test_metrics_and_readiness(base, tls):
    county = os.path.join(base, "county")
    generate_county(county, RESIDENTS, applications=APPLICATIONS)
    metrics_port = free_port()
    notify_path = os.path.join(base, "notify.sock")
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(notify_path)

    server = start_configured(base, tls, metrics_port, notify_path)
    ready = notifications(notify, 2)
    check(any("READY=1" in m for m in ready),
          "heduid tells systemd it is ready once serving: %s" % ready)

    prometheus, prom_port = start_prometheus(base, metrics_port)
    try:
        manifest = ingest_and_verify(server, county, base)
        rows = sum(d["rows"] for d in manifest["departments"]
                   if "rows" in d)
        wait_for(prom_port, 'up{job="heduid"}',
                 lambda r: value(r) == 1, "heduid is scraped")
        wait_for(prom_port, "sum(hedui_verdicts_total)",
                 lambda r: value(r) == SAMPLE,
                 "one verdict counted per verified application")
        wait_for(prom_port,
                 'sum(hedui_grpc_requests_total{method="/hedui.v1.'
                 'VerificationService/Verify",code!="OK"})',
                 lambda r: value(r) >= 1, "the refused request is counted")
        wait_for(prom_port,
                 'sum(hedui_grpc_request_duration_seconds_count{method="/'
                 'hedui.v1.VerificationService/VerifyBatch"})',
                 lambda r: value(r) >= 1, "the batch call is timed")
        if rows:
            wait_for(prom_port, "sum(hedui_ingest_rows_total)",
                     lambda r: value(r) == rows, "ingested rows counted")
        else:
            wait_for(prom_port, "sum(hedui_ingest_rows_total)",
                     lambda r: value(r) > 0, "ingested rows counted")
        wait_for(prom_port, "count(hedui_department_data_age_seconds)",
                 lambda r: value(r) == len(manifest["departments"]),
                 "each department's data age")
        # Whole days, in seconds.
        wait_for(prom_port, "hedui_department_data_age_seconds % 86400",
                 lambda r: value(r) == 0, "data ages are whole days")
        wait_for(prom_port, "hedui_backup_last_success_timestamp_seconds",
                 lambda r: value(r) == 0, "no backup yet: 0")
        before = int(time.time())
        cli(server, "admin", "backup", check_exit=0)
        after = int(time.time())
        wait_for(prom_port, "hedui_backup_last_success_timestamp_seconds",
                 lambda r: before <= value(r) <= after,
                 "the new backup's time")
        wait_for(prom_port, 'hedui_build_info{job="heduid"}',
                 lambda r: value(r) == 1, "build info")
        wait_for(prom_port, "process_resident_memory_bytes",
                 lambda r: value(r) > 0, "process figures")
        check_scrape(metrics_port, server.proc.pid)
        wait_for(prom_port, "hedui_audit_chain_length",
                 lambda r: value(r) > SAMPLE, "the audit chain's length")
        wait_for(prom_port, "hedui_audit_chain_intact",
                 lambda r: value(r) == 1, "the background chain check")
        wait_for(prom_port, "hedui_rocksdb_block_cache_hit_ratio",
                 lambda r: 0 <= value(r) <= 1, "the block-cache hit ratio")
        wait_for(prom_port, "hedui_rocksdb_live_data_bytes",
                 lambda r: value(r) > 0, "RocksDB's live data size")
        wait_for(prom_port, "hedui_calls_in_flight",
                 lambda r: value(r) >= 0, "calls in flight")
        # Nothing is enrolled here: the county's files were taken up and
        # nothing waits.
        wait_for(prom_port, "hedui_reverification_backlog_entries",
                 lambda r: value(r) == 0, "the re-verification backlog")
        wait_for(prom_port, "hedui_reverification_lag_seconds",
                 lambda r: value(r) == 0, "the re-verification lag")
        wait_for(prom_port, "hedui_reverification_pending_files",
                 lambda r: value(r) == 0, "files taken up")
        wait_for(prom_port, "count(hedui_certificate_not_after_timestamp_seconds)",
                 lambda r: value(r) == 2, "server and CA certificate expiry")
        wait_for(prom_port, 'ALERTS{alertname="HeduiCertificateExpiringSoon"}',
                 lambda r: len(r) >= 1,
                 "the shipped rule raises the certificate alert")
        with urllib.request.urlopen(
                "http://127.0.0.1:%d/api/v1/rules" % prom_port) as reply:
            rules = json.load(reply)["data"]["groups"]
        names = {r["name"] for g in rules for r in g["rules"]}
        for alert in ("HeduiDepartmentDataStale", "HeduiAuditChainBroken",
                      "HeduiCertificateExpiringSoon", "HeduiErrorRate",
                      "HeduiOverloaded", "HeduiBackupTooOld"):
            check(alert in names, "rule %s loaded: %s" % (alert, names))
        code, out, _ = cli(server, "health", "--details", identity="staff-1")
        check(code == 5 and "EXPIRING SOON" in out
              and "certificate server: expires" in out and "TAX:" in out,
              "health details show the expiring certificates and the data "
              "ages, exit 5 for the warnings: %d %s" % (code, out))
        code, out, err = cli(server, "health", "--details",
                             identity="dibao-system")
        check(code == 6, "a program system may not read the server's "
              "status: %d %s" % (code, out + err))
        provoke_grpc_core_logs(base, server)
        print("Prometheus scraped heduid: verdicts, requests, latency, "
              "ingest rows, data ages, audit chain, RocksDB, certificates, "
              "build info, process figures, the newest backup; promtool "
              "check metrics passes the scrape")
    finally:
        prometheus.send_signal(signal.SIGTERM)
        prometheus.wait(timeout=30)

    server.proc.send_signal(signal.SIGTERM)
    stopping = notifications(notify, 3)
    check(server.proc.wait(timeout=60) == 0, "heduid stops cleanly")
    check(any("STOPPING=1" in m for m in stopping),
          "heduid tells systemd it is stopping: %s" % stopping)

    # JSON lines only, none with a resident's ID or name.
    with open(server.log_path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    check(lines, "heduid logged")
    ids, names = set(), set()
    with open(os.path.join(county, "requests.jsonl")) as f:
        for i, line in enumerate(f):
            if i >= SAMPLE:
                break
            for m in json.loads(line)["members"]:
                ids.add(m["person_id"])
                names.add(m["name"])
    for line in lines:
        entry = json.loads(line)
        check({"time", "level", "logger", "message"} <= set(entry),
              "a JSON log line has its fields: %s" % line)
        for text in ids | names:
            check(text not in line, "the log shows personal data: %s" % line)
    check(any("expires on" in json.loads(l)["message"] for l in lines),
          "certificate expiry is warned in the log")
    grpc_lines = [json.loads(l) for l in lines
                  if json.loads(l)["logger"] == "grpc"]
    check(any("andshake" in e["message"] and e["level"] == "error"
              for e in grpc_lines),
          "gRPC core's handshake failure is logged as JSON by heduid's "
          "logger: %s" % grpc_lines[-20:])
    check(any(e["level"] == "debug" for e in grpc_lines),
          "GRPC_VERBOSITY=debug lines come through at their level")
    print("%d JSON log lines, no resident ID or name, expiry warned"
          % len(lines))


def test_revocation(base, tls):
    """A revoked client certificate is refused from the next call on, after
    a SIGHUP, even on a connection made before; the refusal is audited."""
    crl_tls = os.path.join(base, "tls-crl")
    shutil.copytree(tls, crl_tls)
    revoke = os.path.join(SOURCE, "deploy", "dev-revoke.sh")
    subprocess.run([revoke, crl_tls], check=True, capture_output=True)
    crl = os.path.join(crl_tls, "clients.crl")
    work = os.path.join(base, "crl-server")
    os.makedirs(work)
    server = Server(work, os.path.join(work, "data"), tls_dir=crl_tls,
                    extra_args=["--crl", crl]).start()
    cli(server, "report", "list", identity="staff-1", check_exit=0)
    subprocess.run([revoke, crl_tls, "staff-1"], check=True,
                   capture_output=True)
    server.proc.send_signal(signal.SIGHUP)
    check(server.read_stderr_until("1 revoked client certificates", 30),
          "heduid reloads the revocation list on SIGHUP")
    code, out, err = cli(server, "report", "list", identity="staff-1")
    check(code != 0 and "revoked" in (out + err),
          "a revoked caller is refused, saying why: %d %s" % (code, out + err))
    cli(server, "report", "list", identity="admin-1", check_exit=0)
    _, out, _ = cli(server, "--output", "json", "audit", "list",
                    check_exit=0)
    check("revoked" in out, "the refusal is audited: %s" % out[-2000:])
    # A list not signed by the CA is refused; the one in force stays.
    with open(crl, "w") as f:
        f.write("not a CRL\n")
    server.proc.send_signal(signal.SIGHUP)
    check(server.read_stderr_until("new revocation list refused", 30),
          "a bad revocation list is refused on SIGHUP")
    code, _, _ = cli(server, "report", "list", identity="staff-1")
    check(code != 0, "the previous list stays in force")
    server.stop()
    print("revocation: a revoked caller refused and audited after SIGHUP")


def main():
    for tool in (PROMETHEUS, PROMTOOL):
        check(os.path.exists(tool), "%s (Debian's prometheus package) is "
              "installed by deploy/install-deps.sh" % tool)
    base = workdir("operations")
    check_rules()
    tls = dev_certificates(os.path.join(base, "tls"))
    test_configuration_file(base, tls)
    test_revocation(base, tls)
    test_metrics_and_readiness(base, tls)
    shutil.rmtree(base, ignore_errors=True)
    print("PASS")


if __name__ == "__main__":
    main()
