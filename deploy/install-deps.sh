#!/usr/bin/env bash
# Installs exactly the Debian packages Hedui builds, tests and runs with.
# Idempotent: when every package is present it only checks and exits (well under a second).
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler grpc-proto
  golang-github-gogo-googleapis-dev  # google/rpc/*.proto: the standard error details
  libabsl-dev librocksdb-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev libspdlog-dev libfmt-dev nlohmann-json3-dev libssl-dev
  libgoogle-perftools-dev libsystemd-dev
  clang-format clang-tidy
  # tests/fuzz: clang with libFuzzer and the sanitizer runtimes
  # (libclang_rt.fuzzer-x86_64.a is in libclang-rt-14-dev, only recommended by
  # clang-14), and llvm-symbolizer for readable crash stacks.
  clang libclang-rt-14-dev llvm-14
  python3 python3-grpcio python3-protobuf
  openssl procps
  dpkg-dev      # dpkg-shlibdeps: CPack computes the .deb's Depends with it
  help2man      # the manual pages, from the binaries' --help
  lintian       # the packaging test checks the .deb with it
  rocksdb-tools
  prometheus    # the metrics test scrapes heduid with the real server
  prometheus-cpp-dev  # the metrics registry and exposition (core + pull)
  # client/java: the example Java client, built with javac from Debian's jars
  # only (libgrpc-java declares few of its dependencies, so they are listed).
  default-jdk-headless libgrpc-java protobuf-compiler-grpc-java-plugin
  libprotobuf-java libgoogle-common-protos-java
  libgeronimo-annotation-1.3-spec-java libnetty-java libnetty-tcnative-java
  libnetty-tcnative-jni libguava-java libperfmark-java libgoogle-gson-java
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
