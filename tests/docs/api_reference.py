#!/usr/bin/python3
"""Generates docs/api-reference.md from the descriptors of proto/hedui/v1/*.proto.

    tests/docs/api_reference.py            rewrite docs/api-reference.md
    tests/docs/api_reference.py --check    fail if it is out of date, or if any
                                           service, RPC, message, field, enum or
                                           enum value has no comment (each named)

The reference is built from protoc's own descriptor set (with source info), not
by parsing the .proto text, so it shows what clients compile against. Output is
deterministic: files, services, messages and enums in name order, fields and
values in declaration order.

Needs protoc and Debian's python3-protobuf. google/rpc's protos are looked for
where proto/CMakeLists.txt finds them (HEDUI_GOOGLE_RPC_DIR overrides).
"""

import argparse
import glob
import os
import subprocess
import sys
import tempfile

from google.protobuf import descriptor_pb2

SOURCE_DIR = os.environ.get(
    "HEDUI_SOURCE_DIR",
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
PROTO_ROOT = os.path.join(SOURCE_DIR, "proto")
OUTPUT = os.path.join(SOURCE_DIR, "docs", "api-reference.md")
GOOGLE_RPC_DIR = os.environ.get(
    "HEDUI_GOOGLE_RPC_DIR", "/usr/share/gocode/src/github.com/gogo/googleapis")
PACKAGE_DIR = "hedui/v1"

# Field numbers inside descriptor.proto, for SourceCodeInfo paths.
FILE_MESSAGE, FILE_ENUM, FILE_SERVICE, FILE_SYNTAX = 4, 5, 6, 12
MESSAGE_FIELD, MESSAGE_NESTED, MESSAGE_ENUM = 2, 3, 4
ENUM_VALUE = 2
SERVICE_METHOD = 2

SCALAR_NAMES = {
    descriptor_pb2.FieldDescriptorProto.TYPE_DOUBLE: "double",
    descriptor_pb2.FieldDescriptorProto.TYPE_FLOAT: "float",
    descriptor_pb2.FieldDescriptorProto.TYPE_INT64: "int64",
    descriptor_pb2.FieldDescriptorProto.TYPE_UINT64: "uint64",
    descriptor_pb2.FieldDescriptorProto.TYPE_INT32: "int32",
    descriptor_pb2.FieldDescriptorProto.TYPE_FIXED64: "fixed64",
    descriptor_pb2.FieldDescriptorProto.TYPE_FIXED32: "fixed32",
    descriptor_pb2.FieldDescriptorProto.TYPE_BOOL: "bool",
    descriptor_pb2.FieldDescriptorProto.TYPE_STRING: "string",
    descriptor_pb2.FieldDescriptorProto.TYPE_BYTES: "bytes",
    descriptor_pb2.FieldDescriptorProto.TYPE_UINT32: "uint32",
    descriptor_pb2.FieldDescriptorProto.TYPE_SFIXED32: "sfixed32",
    descriptor_pb2.FieldDescriptorProto.TYPE_SFIXED64: "sfixed64",
    descriptor_pb2.FieldDescriptorProto.TYPE_SINT32: "sint32",
    descriptor_pb2.FieldDescriptorProto.TYPE_SINT64: "sint64",
}


def proto_files():
    pattern = os.path.join(PROTO_ROOT, PACKAGE_DIR, "*.proto")
    return sorted(os.path.relpath(p, PROTO_ROOT) for p in glob.glob(pattern))


def load_descriptors():
    files = proto_files()
    if not files:
        sys.exit(f"no protos under {os.path.join(PROTO_ROOT, PACKAGE_DIR)}")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "hedui.pb")
        cmd = ["protoc", f"-I{PROTO_ROOT}"]
        if os.path.isdir(GOOGLE_RPC_DIR):
            cmd.append(f"-I{GOOGLE_RPC_DIR}")
        cmd += ["--include_imports", "--include_source_info",
                f"--descriptor_set_out={out}"] + files
        subprocess.run(cmd, check=True, cwd=PROTO_ROOT)
        fds = descriptor_pb2.FileDescriptorSet()
        with open(out, "rb") as f:
            fds.ParseFromString(f.read())
    wanted = set(files)
    return [f for f in fds.file if f.name in wanted]


def clean(comment):
    """A comment's text: one space of indent dropped from each line, trimmed."""
    lines = [l[1:] if l.startswith(" ") else l for l in comment.split("\n")]
    return "\n".join(lines).strip()


class Comments:
    def __init__(self, file_proto):
        self.by_path = {}
        for loc in file_proto.source_code_info.location:
            parts = [clean(c) for c in (loc.leading_comments, loc.trailing_comments)]
            text = "\n".join(p for p in parts if p)
            if text:
                self.by_path[tuple(loc.path)] = text

    def get(self, path):
        return self.by_path.get(tuple(path), "")


def file_header(file_proto):
    """The comment that opens a file: the one detached above `syntax`."""
    for loc in file_proto.source_code_info.location:
        if list(loc.path) == [FILE_SYNTAX]:
            return "\n\n".join(clean(c) for c in loc.leading_detached_comments
                               if clean(c)) or clean(loc.leading_comments)
    return ""


def anchor(full_name):
    return full_name.replace(".", "").lower()


def link(full_name):
    return f"[`{full_name}`](#{anchor(full_name)})"


def one_line(text):
    """A comment in a table cell: lines joined, pipes escaped."""
    return " ".join(l.strip() for l in text.split("\n") if l.strip()).replace("|", "\\|")


def type_of(field):
    if field.type_name:
        name = field.type_name.lstrip(".")
        if name.startswith("hedui."):
            return link(name)
        return f"`{name}`"
    return f"`{SCALAR_NAMES[field.type]}`"


def label_of(field, message):
    if field.label == descriptor_pb2.FieldDescriptorProto.LABEL_REPEATED:
        return "repeated"
    if field.proto3_optional:
        return "optional"
    if field.HasField("oneof_index"):
        return f"oneof `{message.oneof_decl[field.oneof_index].name}`"
    return ""


def zh_names(value):
    """The (hedui.v1.zh) / (zh_short) options of an enum value, read from its
    serialized options (the extension is not registered in this process)."""
    raw = value.options.SerializeToString()
    names = {}
    i = 0
    while i < len(raw):
        key, i = _varint(raw, i)
        number, wire = key >> 3, key & 7
        if wire == 2:
            length, i = _varint(raw, i)
            data = raw[i:i + length]
            i += length
            if number in (51000, 51001):
                names[number] = data.decode("utf-8")
        elif wire == 0:
            _, i = _varint(raw, i)
        elif wire == 1:
            i += 8
        elif wire == 5:
            i += 4
        else:
            break
    zh = names.get(51000, "")
    short = names.get(51001, "")
    if zh and short:
        return f"{zh} ({short})"
    return zh


def _varint(data, i):
    result = shift = 0
    while True:
        b = data[i]
        i += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, i
        shift += 7


class Reference:
    def __init__(self, files):
        self.files = files
        self.missing = []
        self.services = []  # (full name, file, comment, [methods])
        self.messages = []  # (full name, file, comment, message, [field comments])
        self.enums = []     # (full name, file, comment, enum, [value comments])
        self.headers = []   # (file, its opening comment)
        for f in sorted(files, key=lambda f: f.name):
            comments = Comments(f)
            self.headers.append((f.name, file_header(f)))
            pkg = f.package
            for si, service in enumerate(f.service):
                path = [FILE_SERVICE, si]
                name = f"{pkg}.{service.name}"
                methods = []
                for mi, method in enumerate(service.method):
                    text = self._need(comments, path + [SERVICE_METHOD, mi],
                                      f"rpc {name}.{method.name}", f.name)
                    methods.append((method, text))
                self.services.append(
                    (name, f.name, self._need(comments, path, f"service {name}", f.name),
                     methods))
            for mi, message in enumerate(f.message_type):
                self._message(comments, f.name, pkg, message, [FILE_MESSAGE, mi])
            for ei, enum in enumerate(f.enum_type):
                self._enum(comments, f.name, pkg, enum, [FILE_ENUM, ei])
        self.services.sort(key=lambda s: s[0])
        self.messages.sort(key=lambda m: m[0])
        self.enums.sort(key=lambda e: e[0])

    def _need(self, comments, path, what, file_name):
        text = comments.get(path)
        if not text:
            self.missing.append(f"{file_name}: {what}")
        return text

    def _message(self, comments, file_name, scope, message, path):
        name = f"{scope}.{message.name}"
        text = self._need(comments, path, f"message {name}", file_name)
        fields = []
        for fi, field in enumerate(message.field):
            fields.append(self._need(comments, path + [MESSAGE_FIELD, fi],
                                     f"field {name}.{field.name}", file_name))
        self.messages.append((name, file_name, text, message, fields))
        for ni, nested in enumerate(message.nested_type):
            if nested.options.map_entry:
                continue
            self._message(comments, file_name, name, nested, path + [MESSAGE_NESTED, ni])
        for ei, enum in enumerate(message.enum_type):
            self._enum(comments, file_name, name, enum, path + [MESSAGE_ENUM, ei])

    def _enum(self, comments, file_name, scope, enum, path):
        name = f"{scope}.{enum.name}"
        text = self._need(comments, path, f"enum {name}", file_name)
        values = []
        for vi, value in enumerate(enum.value):
            values.append(self._need(comments, path + [ENUM_VALUE, vi],
                                     f"enum value {name}.{value.name}", file_name))
        self.enums.append((name, file_name, text, enum, values))

    def markdown(self):
        out = []
        w = out.append
        w("# Hedui API reference (hedui.v1)")
        w("")
        w("<!-- Generated by tests/docs/api_reference.py from proto/hedui/v1/*.proto; "
          "do not edit. -->")
        w("")
        w("Generated from the descriptors of `proto/hedui/v1/*.proto`: every service, "
          "message and enum of package `hedui.v1`, with the comments of the proto files. "
          "Read [the integrator's guide](integrators-guide.md) first. Field names are the "
          "proto names; JSON and most generated code use lowerCamelCase (`page_size` → "
          "`pageSize`). Money is integer fen (1 yuan = 100 fen); dates are civil dates in "
          "Asia/Shanghai (`hedui.v1.Date`). Chinese names are the `(hedui.v1.zh)` "
          "option of each enum value, which reports and the CLI use.")
        w("")
        w("## Contents")
        w("")
        w("Services: " + ", ".join(link(s[0]) for s in self.services))
        w("")
        w("Messages: " + ", ".join(link(m[0]) for m in self.messages))
        w("")
        w("Enums: " + ", ".join(link(e[0]) for e in self.enums))
        w("")
        w("## Files")
        for file_name, text in self.headers:
            w("")
            w(f"### {file_name}")
            w("")
            if text:
                w(text)
                w("")
            w(f"Source: [`proto/{file_name}`](../proto/{file_name}).")
        w("")
        w("## Services")
        for name, file_name, text, methods in self.services:
            w("")
            w(f'<a id="{anchor(name)}"></a>')
            w("")
            w(f"### {name}")
            w("")
            w(f"Defined in `{file_name}`. Full method names are `/{name}/<Method>`.")
            w("")
            if text:
                w(text)
                w("")
            for method, mtext in methods:
                req = link(method.input_type.lstrip("."))
                resp = link(method.output_type.lstrip("."))
                if method.client_streaming:
                    req = "stream " + req
                if method.server_streaming:
                    resp = "stream " + resp
                w(f"#### {method.name}")
                w("")
                w(f"`rpc {method.name}` ({req}) returns ({resp})")
                w("")
                if mtext:
                    w(mtext)
                    w("")
        w("## Messages")
        for name, file_name, text, message, field_texts in self.messages:
            w("")
            w(f'<a id="{anchor(name)}"></a>')
            w("")
            w(f"### {name}")
            w("")
            w(f"Defined in `{file_name}`.")
            w("")
            if text:
                w(text)
                w("")
            if not message.field:
                w("No fields.")
                continue
            w("| Field | Number | Type | Label | Description |")
            w("|---|---|---|---|---|")
            for field, ftext in zip(message.field, field_texts):
                w(f"| `{field.name}` | {field.number} | {type_of(field)} | "
                  f"{label_of(field, message)} | {one_line(ftext)} |")
        w("")
        w("## Enums")
        for name, file_name, text, enum, value_texts in self.enums:
            w("")
            w(f'<a id="{anchor(name)}"></a>')
            w("")
            w(f"### {name}")
            w("")
            w(f"Defined in `{file_name}`.")
            w("")
            if text:
                w(text)
                w("")
            w("| Value | Number | Chinese name | Description |")
            w("|---|---|---|---|")
            for value, vtext in zip(enum.value, value_texts):
                w(f"| `{value.name}` | {value.number} | {zh_names(value)} | "
                  f"{one_line(vtext)} |")
        w("")
        return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="fail when docs/api-reference.md is out of date or a "
                             "comment is missing")
    args = parser.parse_args()
    ref = Reference(load_descriptors())
    text = ref.markdown()
    if not args.check:
        os.makedirs(os.path.dirname(OUTPUT), exist_ok=True)
        with open(OUTPUT, "w", encoding="utf-8") as f:
            f.write(text)
        print(f"wrote {os.path.relpath(OUTPUT, SOURCE_DIR)}")
        for m in ref.missing:
            print(f"no comment: {m}", file=sys.stderr)
        return 0
    failed = False
    if ref.missing:
        failed = True
        print(f"{len(ref.missing)} without a comment:", file=sys.stderr)
        for m in ref.missing:
            print(f"  {m}", file=sys.stderr)
    try:
        with open(OUTPUT, encoding="utf-8") as f:
            current = f.read()
    except FileNotFoundError:
        current = None
    if current != text:
        failed = True
        print(f"{os.path.relpath(OUTPUT, SOURCE_DIR)} is out of date: run "
              f"tests/docs/api_reference.py and commit it", file=sys.stderr)
    if failed:
        return 1
    print("api reference: up to date, every element documented")
    return 0


if __name__ == "__main__":
    sys.exit(main())
