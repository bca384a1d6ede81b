#!/usr/bin/python3
"""VerifyBatch is flow-controlled: a client streams HEDUI_FLOW_REQUESTS
(default 100,000) requests and reads no reply for a while; the server reads
ahead a bounded number, stops reading while its replies are not taken, and
its memory stays under a stated bound. Then every result is read, in order.

Open streams hold no thread of heduid (the streams are on gRPC's callback
API): every watch and idle VerifyBatch stream the three callers' caps allow
(16 + 8 each, admitted: one more of each is refused) leaves heduid's thread
count where it was (the synchronous server held one thread per watch and two
per batch stream, 96 here); cancelled, they give back every slot."""
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import (Server, check, dev_certificates,  # noqa: E402
                     generate_county, wait_for, workdir)
from grpc_python import channel, generate_stubs  # noqa: E402
from service_test import to_request  # noqa: E402

import grpc  # noqa: E402
import importlib  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402

COUNT = int(os.environ.get("HEDUI_FLOW_REQUESTS", "100000"))
# heduid's resident memory must stay under this while the client holds back
# (the store's block cache is 512 MiB at most; the read-ahead is 64 requests).
BOUND_MB = 600


def rss_mb(pid):
    for line in open("/proc/%d/status" % pid):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0


def threads_of(pid):
    return len(os.listdir("/proc/%d/task" % pid))


def open_streams_hold_no_thread(server, stubs):
    ch_pb = importlib.import_module("hedui.v1.change_service_pb2")
    ch_grpc = importlib.import_module("hedui.v1.change_service_pb2_grpc")
    vs_grpc = stubs["verification_service_pb2_grpc"]
    pid = server.proc.pid
    # Warm: a watch and a batch make gRPC start its own threads.
    staff = channel(server, "staff-1")
    warm = ch_grpc.ChangeServiceStub(staff).WatchChanges(
        ch_pb.WatchChangesRequest(), timeout=2)
    try:
        list(warm)
    except grpc.RpcError:
        pass
    list(vs_grpc.VerificationServiceStub(staff).VerifyBatch(iter([]),
                                                            timeout=30))
    time.sleep(1)
    before = threads_of(pid)
    release = threading.Event()

    def idle():
        release.wait()
        return
        yield

    def refused(call):
        try:
            list(call())
        except grpc.RpcError as e:
            return e.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        return False

    calls = []
    callers = ("staff-1", "dibao-system", "admin-1")
    stubs_of = {}
    for who in callers:
        ch = channel(server, who)
        watch = ch_grpc.ChangeServiceStub(ch)
        verify = vs_grpc.VerificationServiceStub(ch)
        stubs_of[who] = (watch, verify)
        for _ in range(16):
            calls.append(watch.WatchChanges(ch_pb.WatchChangesRequest(),
                                            timeout=120))
        for _ in range(8):
            calls.append(verify.VerifyBatch(idle(), timeout=120))
    # The calls reach the server in their own time; a probe sent before
    # they all did could take a slot from one of them.
    time.sleep(2)
    for who, (watch, verify) in stubs_of.items():
        # Admitted, every one: the caller's next of each is refused.
        check(refused(lambda: watch.WatchChanges(
            ch_pb.WatchChangesRequest(), timeout=5)),
            "%s's 16 watches admitted: a 17th refused" % who)
        check(refused(lambda: verify.VerifyBatch(iter([]), timeout=5)),
              "%s's 8 batch streams admitted: a 9th refused" % who)
    check(not any(call.done() for call in calls), "every stream still open")
    time.sleep(1)
    during = threads_of(pid)
    print("%d open streams (%d watches, %d idle batches): heduid threads "
          "%d before, %d with them open"
          % (len(calls), 16 * len(callers), 8 * len(callers), before, during))
    check(during <= before + 8, "heduid's threads grew from %d to %d with "
          "%d open streams" % (before, during, len(calls)))
    for call in calls:
        call.cancel()
    release.set()
    # Every slot given back: a new batch of each caller is served.
    for who in callers:
        verify = vs_grpc.VerificationServiceStub(channel(server, who))

        def served():
            try:
                list(verify.VerifyBatch(iter([]), timeout=10))
                return True
            except grpc.RpcError:
                return False
        wait_for(served, "%s's slots given back" % who, timeout=30)
    print("open streams hold no thread: passed")


def main():
    work = workdir("flow")
    tls = dev_certificates(os.path.join(work, "tls"))
    stubs = generate_stubs(os.path.join(work, "stubs"))
    vs_pb = stubs["verification_service_pb2"]
    county = os.path.join(work, "county")
    manifest = generate_county(county, 20000, applications=300)
    server = Server(work, os.path.join(work, "data"), tls_dir=tls).start()
    admin = stubs["admin_pb2_grpc"].AdminServiceStub(channel(server, "admin-1"))
    from service_test import ingest_all
    ingest_all(admin, county, manifest, stubs["admin_pb2"])
    app = json.loads(open(os.path.join(county, manifest["applications_file"])).readline())
    request = vs_pb.VerifyRequest(request=to_request(app, stubs["verification_pb2"]))

    sent = [0]

    def requests():
        for _ in range(COUNT):
            sent[0] += 1
            yield request

    staff = stubs["verification_service_pb2_grpc"].VerificationServiceStub(
        channel(server, "staff-1"))
    started = time.time()
    replies = staff.VerifyBatch(requests(), timeout=1800)
    peak = 0.0
    # Hold back: no reply is read for 20 s.
    while time.time() - started < 20:
        peak = max(peak, rss_mb(server.proc.pid))
        time.sleep(0.2)
    held_back = sent[0]
    print("after 20 s without reading: %d of %d requests taken from the "
          "client, heduid RSS %.0f MB" % (held_back, COUNT, peak))
    # The client library may itself take replies into its buffers (gRPC's
    # flow-control windows grow with the bandwidth-delay product); what must
    # stay bounded is the server's memory.
    received = 0
    stop = threading.Event()

    def watch():
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, rss_mb(server.proc.pid))
            time.sleep(0.2)
    watcher = threading.Thread(target=watch)
    watcher.start()
    for result in replies:
        check(result.index == received, "results in order")
        check(result.code == 0, "item %d failed: %s" % (received, result.message))
        received += 1
    stop.set()
    watcher.join()
    elapsed = time.time() - started
    check(received == COUNT, "%d results for %d requests" % (received, COUNT))
    print("%d results in order in %.0f s; heduid peak RSS %.0f MB (bound %d MB)"
          % (received, elapsed, peak, BOUND_MB))
    check(peak < BOUND_MB, "heduid RSS %.0f MB over the bound %d MB"
          % (peak, BOUND_MB))
    open_streams_hold_no_thread(server, stubs)
    server.stop()
    shutil.rmtree(work)
    print("flow control test passed")


if __name__ == "__main__":
    main()
