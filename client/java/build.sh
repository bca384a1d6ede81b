#!/usr/bin/env bash
# Builds the example Java client from Debian's packages only (client/java/README.md):
#
#   client/java/build.sh [OUT_DIR]      (default: client/java/out)
#
# OUT_DIR gets hedui-example.jar, whose manifest's Class-Path names the Debian jars below by
# absolute path (OUT_DIR/classpath holds the same list for `java -cp`); lib/libnetty_tcnative.so
# (see below); and hedui-example, a launcher: `OUT_DIR/hedui-example --server ... FILE.json`. Nothing generated is kept in the source tree: protoc
# writes the stubs into a temporary directory.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
SOURCE=$(cd "$HERE/../.." && pwd)
OUT=${1:-$HERE/out}
JAVA_DIR=${HEDUI_JAVA_DIR:-/usr/share/java}
GRPC_JAVA_PLUGIN=${HEDUI_GRPC_JAVA_PLUGIN:-/usr/bin/grpc_java_plugin}

# libgrpc-java declares almost none of its dependencies, so every jar is named here, each for
# a reason. Runtime (also needed to compile the example and the generated code):
RUNTIME_JARS=(
  grpc-api                  # io.grpc: channels, Status, Metadata (libgrpc-java)
  grpc-context              # io.grpc.Context, split out of grpc-api (libgrpc-java)
  grpc-core                 # the channel implementation, DNS resolver, pick-first (libgrpc-java)
  grpc-netty                # the HTTP/2 transport and GrpcSslContexts (libgrpc-java)
  grpc-stub                 # blocking/async stubs the generated *Grpc classes extend (libgrpc-java)
  grpc-protobuf             # marshallers of generated stubs; io.grpc.protobuf.StatusProto (libgrpc-java)
  grpc-protobuf-lite        # grpc-protobuf's base marshaller (libgrpc-java)
  protobuf                  # protobuf-java 3.21, the runtime of the generated messages (libprotobuf-java)
  protobuf-util             # JsonFormat: the household file is protobuf JSON (libprotobuf-java)
  proto-google-common-protos # com.google.rpc.Status, BadRequest, ... (libgoogle-common-protos-java)
  guava                     # Preconditions, MoreObjects etc. throughout grpc-java and protobuf-util (libguava-java)
  perfmark-api              # grpc-core and grpc-netty call PerfMark on every call (libperfmark-java)
  gson                      # grpc-core parses service configs, protobuf-util parses JSON (libgoogle-gson-java)
  netty-common              # netty (libnetty-java 4.1.48) ...
  netty-buffer
  netty-transport
  netty-resolver
  netty-codec
  netty-codec-http          # HTTP/1 classes that codec-http2 builds on
  netty-codec-http2         # gRPC's HTTP/2 framing
  netty-handler             # SslHandler, SslContextBuilder
  netty-handler-proxy       # grpc-netty links ProxyHandler for CONNECT proxies
  netty-codec-socks         # netty-handler-proxy's dependency
  netty-tcnative            # Java half of the OpenSSL binding; the JNI half is libnetty-tcnative-jni
)
# Compile only: the generated stubs carry @javax.annotation.Generated, which is no longer in
# the JDK since Java 11 (libgeronimo-annotation-1.3-spec-java). Its retention is SOURCE.
COMPILE_ONLY_JARS=(
  geronimo-annotation-1.3-spec
)

# Where libnetty-tcnative-jni put its library (/usr/lib/<multiarch>/jni on Debian 12).
TCNATIVE_SO=${HEDUI_TCNATIVE_SO:-$(dpkg -L libnetty-tcnative-jni 2>/dev/null |
  grep -m1 '/libnetty-tcnative\.so$' || echo /usr/lib/x86_64-linux-gnu/jni/libnetty-tcnative.so)}

die() { echo "build.sh: $*" >&2; exit 1; }
command -v javac >/dev/null || die "javac not found (apt-get install default-jdk-headless)"
command -v jar >/dev/null || die "jar not found (apt-get install default-jdk-headless)"
command -v protoc >/dev/null || die "protoc not found (apt-get install protobuf-compiler)"
[ -x "$GRPC_JAVA_PLUGIN" ] ||
  die "$GRPC_JAVA_PLUGIN not found (apt-get install protobuf-compiler-grpc-java-plugin)"
[ -f "$TCNATIVE_SO" ] || die "$TCNATIVE_SO not found (apt-get install libnetty-tcnative-jni)"

classpath() {  # NAME... -> the jars' paths joined by ':'
  local paths=() name
  for name in "$@"; do
    [ -f "$JAVA_DIR/$name.jar" ] || die "$JAVA_DIR/$name.jar not found (deploy/install-deps.sh)"
    paths+=("$JAVA_DIR/$name.jar")
  done
  (IFS=:; echo "${paths[*]}")
}
RUNTIME_CP=$(classpath "${RUNTIME_JARS[@]}")
COMPILE_CP=$RUNTIME_CP:$(classpath "${COMPILE_ONLY_JARS[@]}")

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/gen" "$TMP/classes" "$OUT"

# Every hedui/v1 proto, so the generated API is complete; javac below compiles only the
# classes the example reaches (-sourcepath), which keeps the build short.
mapfile -t PROTOS < <(cd "$SOURCE/proto" && find hedui/v1 -name '*.proto' | sort)
protoc -I "$SOURCE/proto" --java_out="$TMP/gen" --grpc-java_out="$TMP/gen" \
  --plugin=protoc-gen-grpc-java="$GRPC_JAVA_PLUGIN" "${PROTOS[@]}"

# --release 11: the jar runs on any Java from 11 on, though Debian 12's default is 17.
# -Xlint:none -nowarn: the generated code's deprecation warnings are not ours to fix.
javac --release 11 -encoding UTF-8 -Xlint:none -nowarn -implicit:class \
  -cp "$COMPILE_CP" -sourcepath "$TMP/gen" -d "$TMP/classes" \
  "$HERE/src/hedui/example/HeduiExample.java"

# The manifest's Class-Path holds space-separated URLs; absolute paths work, as in Debian's own
# jars (jh_manifest). A line starting with one space continues the previous one, so each
# further jar is written after two: the continuation and the separator.
{
  echo "Main-Class: hedui.example.HeduiExample"
  prefix="Class-Path: "
  for jar in ${RUNTIME_CP//:/ }; do
    echo "$prefix$jar"
    prefix="  "
  done
} >"$TMP/manifest.txt"
rm -f "$OUT/hedui-example.jar"
jar --create --file "$OUT/hedui-example.jar" --manifest "$TMP/manifest.txt" -C "$TMP/classes" .
echo "$RUNTIME_CP" >"$OUT/classpath"

# netty looks for its JNI library as netty_tcnative; Debian installs it as
# libnetty-tcnative.so, and netty-tcnative's own JNI_OnLoad refuses to start from a file of
# another name ("unexpected library path"). The JVM resolves symbolic links before loading,
# so a link does not do: the library is copied (120 KB; it links Debian's libssl3
# dynamically, so OpenSSL security updates still apply, but rebuild after an update of
# libnetty-tcnative-jni itself).
mkdir -p "$OUT/lib"
cp "$TCNATIVE_SO" "$OUT/lib/libnetty_tcnative.so.tmp"
mv -f "$OUT/lib/libnetty_tcnative.so.tmp" "$OUT/lib/libnetty_tcnative.so"
cat >"$OUT/hedui-example" <<'EOF2'
#!/bin/sh
# Runs the example client with netty-tcnative's library from this directory's lib/.
here=$(cd "$(dirname "$0")" && pwd)
exec java -Djava.library.path="$here/lib" -jar "$here/hedui-example.jar" "$@"
EOF2
chmod +x "$OUT/hedui-example"
echo "built $OUT/hedui-example.jar"
