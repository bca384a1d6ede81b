#!/usr/bin/python3
"""Generic tools can use the API (issue 18, "Integrators"): a client that
knows nothing of Hedui's protos, as grpcurl does, asks server reflection
(grpc.reflection.v1, and v1alpha as before) over mutual TLS for the list
of services, resolves every listed service's file and its imports into a
descriptor pool, and calls one method of each with message classes built
from those descriptors: each answers, or refuses with a proper status,
never UNIMPLEMENTED. grpc.health.v1.Health resolves like the rest, and its
Check, called through the resolved descriptors, says SERVING for the whole
server and for each Hedui service; a Watch is told NOT_SERVING when the
server stops and then ends, without holding the shutdown for its grace
period."""
import importlib
import os
import shutil
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import Server, check, dev_certificates, workdir  # noqa: E402
import grpc  # noqa: E402
from grpc_python import channel  # noqa: E402
from google.protobuf import descriptor_pb2  # noqa: E402
from google.protobuf import descriptor_pool  # noqa: E402
from google.protobuf import message_factory  # noqa: E402

GRPC_PROTO = "/usr/share/grpc-proto"
HEDUI_SERVICES = {"hedui.v1.VerificationService", "hedui.v1.AuditService",
                  "hedui.v1.AdminService", "hedui.v1.RetentionService",
                  "hedui.v1.RollService", "hedui.v1.ChangeService"}
HEALTH = "grpc.health.v1.Health"
REFLECTION_V1 = "grpc.reflection.v1.ServerReflection"
REFLECTION_V1ALPHA = "grpc.reflection.v1alpha.ServerReflection"
# grpc.health.v1.HealthCheckResponse.ServingStatus, from health.proto.
SERVING, NOT_SERVING = 1, 2
# Methods a generic call must not make on a store: the first method of each
# service is called unless it is here. (Ingest streams a feed; reflection
# gets its own request below.)
SKIPPED = {"/hedui.v1.AdminService/Ingest"}


def reflection_stubs(out_dir, version):
    """Stubs of grpc.reflection.<version> from Debian's grpc-proto, under a
    package of their own: a module path starting with `grpc` would be taken
    for grpcio's own package."""
    package = "hedui_reflection_" + version
    src = os.path.join(out_dir, "src", package)
    os.makedirs(src, exist_ok=True)
    shutil.copy(os.path.join(GRPC_PROTO, "grpc", "reflection", version,
                             "reflection.proto"),
                os.path.join(src, "reflection.proto"))
    subprocess.run(["protoc", "-I", os.path.join(out_dir, "src"),
                    "--python_out", out_dir, "--grpc_python_out", out_dir,
                    "--plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin",
                    package + "/reflection.proto"], check=True)
    open(os.path.join(out_dir, package, "__init__.py"), "a").close()
    if out_dir not in sys.path:
        sys.path.insert(0, out_dir)
    return (importlib.import_module(package + ".reflection_pb2"),
            importlib.import_module(package + ".reflection_pb2_grpc"))


class ReflectionClient:
    """What a generic tool does with reflection: one stream, one request
    after another, every file it is sent kept by name."""

    def __init__(self, ch, stubs):
        self.pb, grpc_module = stubs
        self.stub = grpc_module.ServerReflectionStub(ch)
        self.files = {}  # name -> FileDescriptorProto

    def ask(self, **request):
        answers = list(self.stub.ServerReflectionInfo(
            iter([self.pb.ServerReflectionRequest(host="", **request)]),
            timeout=30))
        check(len(answers) == 1, "one answer per request: %d" % len(answers))
        answer = answers[0]
        check(answer.original_request.WhichOneof("message_request")
              == list(request)[0],
              "the answer names its request: %s" % answer.original_request)
        for raw in answer.file_descriptor_response.file_descriptor_proto:
            f = descriptor_pb2.FileDescriptorProto.FromString(raw)
            self.files.setdefault(f.name, f)
        return answer

    def services(self):
        answer = self.ask(list_services="")
        check(answer.WhichOneof("message_response") == "list_services_response",
              "list_services answered: %s" % answer)
        return [s.name for s in answer.list_services_response.service]

    def resolve(self, symbol):
        """The file defining `symbol`, every import of it resolved too."""
        answer = self.ask(file_containing_symbol=symbol)
        check(answer.WhichOneof("message_response") == "file_descriptor_response",
              "%s resolves: %s" % (symbol, answer.error_response))
        first = descriptor_pb2.FileDescriptorProto.FromString(
            answer.file_descriptor_response.file_descriptor_proto[0])
        missing = self.missing_imports(first.name)
        check(not missing, "%s: imports not sent: %s" % (symbol, missing))
        return first.name

    def missing_imports(self, name, seen=None):
        seen = set() if seen is None else seen
        if name in seen:
            return []
        seen.add(name)
        if name not in self.files:
            # A file only imported: a generic client asks for it by name.
            answer = self.ask(file_by_filename=name)
            if answer.WhichOneof("message_response") != "file_descriptor_response":
                return [name]
        missing = []
        for dep in self.files[name].dependency:
            missing += self.missing_imports(dep, seen)
        return missing

    def pool(self):
        """Every file received, imports before importers."""
        pool = descriptor_pool.DescriptorPool()
        added = set()

        def add(name):
            if name in added:
                return
            added.add(name)
            for dep in self.files[name].dependency:
                add(dep)
            pool.Add(self.files[name])
        for name in sorted(self.files):
            add(name)
        return pool


_FACTORIES = {}


def message_class(pool, full_name):
    """The class of `full_name` built from the resolved descriptors (one per
    pool and name, so answers are instances of it)."""
    factory = _FACTORIES.setdefault(
        id(pool), (pool, message_factory.MessageFactory(pool)))[1]
    return factory.GetPrototype(pool.FindMessageTypeByName(full_name))


def call(ch, method, request, response_class, streaming_in, streaming_out):
    """Calls `method` with `request` (one message of a stream for a client
    stream); the answers decoded with `response_class`, or the RpcError."""
    path = "/%s/%s" % (method.containing_service.full_name, method.name)
    ser = lambda m: m.SerializeToString()  # noqa: E731
    de = response_class.FromString
    try:
        if streaming_in and streaming_out:
            return list(ch.stream_stream(path, ser, de)(iter([request]),
                                                        timeout=30))
        if streaming_in:
            return [ch.stream_unary(path, ser, de)(iter([request]), timeout=30)]
        if streaming_out:
            return list(ch.unary_stream(path, ser, de)(request, timeout=30))
        return [ch.unary_unary(path, ser, de)(request, timeout=30)]
    except grpc.RpcError as e:
        return e


def call_every_service(ch, client, services):
    pool = client.pool()
    for name in services:
        service = pool.FindServiceByName(name)
        check(len(service.methods) > 0, "%s has methods" % name)
        method = next(m for m in service.methods
                      if "/%s/%s" % (name, m.name) not in SKIPPED)
        request_class = message_class(pool, method.input_type.full_name)
        response_class = message_class(pool, method.output_type.full_name)
        request = request_class()
        if name in (REFLECTION_V1, REFLECTION_V1ALPHA):
            request.list_services = ""
        if name == HEALTH:
            request.service = ""
        streaming_in = method.client_streaming
        streaming_out = method.server_streaming
        answer = call(ch, method, request, response_class, streaming_in,
                      streaming_out)
        if isinstance(answer, grpc.RpcError):
            code = answer.code()
            print("%s/%s: %s %s" % (name, method.name, code.name,
                                    answer.details()))
            check(code not in (grpc.StatusCode.UNIMPLEMENTED,
                               grpc.StatusCode.UNKNOWN,
                               grpc.StatusCode.INTERNAL),
                  "%s/%s answers %s: %s" % (name, method.name, code,
                                            answer.details()))
            check(answer.details(),
                  "%s/%s refuses with %s and no message"
                  % (name, method.name, code))
        else:
            print("%s/%s: OK, %d answer(s)" % (name, method.name, len(answer)))
            check(all(isinstance(a, response_class) for a in answer),
                  "%s/%s answers decode" % (name, method.name))
            if name in (REFLECTION_V1, REFLECTION_V1ALPHA):
                listed = [s.name for s in
                          answer[0].list_services_response.service]
                check(sorted(listed) == sorted(services),
                      "%s lists the same services: %s" % (name, listed))


def health_check(ch, pool, service):
    check_method = pool.FindMethodByName(HEALTH + ".Check")
    request = message_class(pool, "grpc.health.v1.HealthCheckRequest")(
        service=service)
    return call(ch, check_method, request,
                message_class(pool, "grpc.health.v1.HealthCheckResponse"),
                False, False)


def check_generic_client(server, stubs, version, identity):
    ch = channel(server, identity)
    client = ReflectionClient(ch, stubs)
    services = client.services()
    print("%s lists %s" % (version, services))
    wanted = HEDUI_SERVICES | {HEALTH, REFLECTION_V1, REFLECTION_V1ALPHA}
    check(set(services) == wanted,
          "%s lists %s, wanted %s" % (version, sorted(services),
                                      sorted(wanted)))
    for name in services:
        client.resolve(name)
    pool = client.pool()
    for name in services:
        pool.FindServiceByName(name)  # raises if it did not resolve
    call_every_service(ch, client, services)
    return ch, client


def main():
    work = workdir("reflection")
    tls = dev_certificates(os.path.join(work, "tls"))
    stubs_dir = os.path.join(work, "stubs")
    v1 = reflection_stubs(stubs_dir, "v1")
    v1alpha = reflection_stubs(stubs_dir, "v1alpha")
    server = Server(work, os.path.join(work, "data"), tls_dir=tls).start()

    # Over mutual TLS as a caller, and (reflection and health being open to
    # load balancers and tools) with no client certificate at all.
    ch, client = check_generic_client(server, v1, "v1", "admin-1")
    check_generic_client(server, v1alpha, "v1alpha", "admin-1")
    check_generic_client(server, v1, "v1 without a certificate", None)

    pool = client.pool()
    response_class = message_class(pool, "grpc.health.v1.HealthCheckResponse")
    for service in [""] + sorted(HEDUI_SERVICES):
        answer = health_check(ch, pool, service)
        check(not isinstance(answer, grpc.RpcError),
              "health of %r: %s" % (service, answer))
        check(isinstance(answer[0], response_class)
              and answer[0].status == SERVING,
              "health of %r is SERVING: %s" % (service, answer[0]))
    unknown = health_check(ch, pool, "no.such.Service")
    check(isinstance(unknown, grpc.RpcError)
          and unknown.code() == grpc.StatusCode.NOT_FOUND,
          "health of an unknown service is NOT_FOUND: %s" % unknown)

    # The other reflection requests, answered from the same pool.
    answer = client.ask(file_containing_symbol=HEALTH + ".Check")
    check(answer.WhichOneof("message_response") == "file_descriptor_response",
          "a method's symbol resolves: %s" % answer.error_response)
    answer = client.ask(file_by_filename="grpc/health/v1/health.proto")
    names = [descriptor_pb2.FileDescriptorProto.FromString(raw).name for raw in
             answer.file_descriptor_response.file_descriptor_proto]
    check(names[:1] == ["grpc/health/v1/health.proto"],
          "health.proto by name: %s" % answer)
    for request in ({"file_by_filename": "no/such.proto"},
                    {"file_containing_symbol": "no.such.Symbol"},
                    {"all_extension_numbers_of_type": "no.such.Message"},
                    {"file_containing_extension": client.pb.ExtensionRequest(
                        containing_type="grpc.health.v1.HealthCheckRequest",
                        extension_number=100)}):
        answer = client.ask(**request)
        check(answer.WhichOneof("message_response") == "error_response"
              and answer.error_response.error_code
              == grpc.StatusCode.NOT_FOUND.value[0],
              "%s is NOT_FOUND: %s" % (request, answer))
    answer = client.ask(
        all_extension_numbers_of_type="grpc.health.v1.HealthCheckRequest")
    check(answer.all_extension_numbers_response.base_type_name
          == "grpc.health.v1.HealthCheckRequest"
          and not answer.all_extension_numbers_response.extension_number,
          "a message without extensions: %s" % answer)
    answer = client.ask(
        all_extension_numbers_of_type="google.protobuf.MessageOptions")
    check(answer.WhichOneof("message_response")
          == "all_extension_numbers_response",
          "descriptor.proto's options resolve: %s" % answer)

    # A watch: SERVING now; told NOT_SERVING when the server stops, then
    # ended, and the server does not wait its 30 s grace for it.
    watch_method = pool.FindMethodByName(HEALTH + ".Watch")
    request = message_class(pool, "grpc.health.v1.HealthCheckRequest")()
    stream = ch.unary_stream(
        "/%s/Watch" % HEALTH, lambda m: m.SerializeToString(),
        response_class.FromString)(request, timeout=120)
    check(watch_method.name == "Watch", "Watch resolves")
    seen = []
    ended = []

    def read():
        try:
            for message in stream:
                seen.append(message.status)
        except grpc.RpcError as e:
            ended.append(e.code())
        else:
            ended.append(grpc.StatusCode.OK)

    reader = threading.Thread(target=read)
    reader.start()
    deadline = time.time() + 30
    while not seen and time.time() < deadline:
        time.sleep(0.05)
    check(seen == [SERVING], "a watch starts SERVING: %s" % seen)
    started = time.time()
    server.stop(timeout=60)
    took = time.time() - started
    reader.join(timeout=30)
    check(not reader.is_alive(), "the watch ended with the server")
    check(seen[-1] == NOT_SERVING,
          "the watch is told NOT_SERVING before the end: %s" % seen)
    check(ended and ended[0] != grpc.StatusCode.OK,
          "the watch ends with a status, not as if finished: %s" % ended)
    check(took < 20, "the server stopped in %.1f s, not held by the watch"
          % took)
    print("PASS: reflection v1 and v1alpha resolve every service; each "
          "answers a generic call; health SERVING, a watch ended at stop")


if __name__ == "__main__":
    main()
