#!/usr/bin/env bash
# Packaging test (issue 9, "Install and run"): builds the .deb from a build
# tree with CPack and reads it back with dpkg-deb the way dpkg will see it:
# its Depends are Debian runtime packages (every library the binaries load,
# no -dev package), it holds the binaries, the unit, the configuration and
# the policy, its maintainer scripts parse, the unit passes systemd-analyze,
# and the extracted binaries run; lintian finds no error and no warning
# (issue 18: copyright, changelog, maintainer address, manual pages,
# deb-systemd-helper in the maintainer scripts). Then checks `cmake --install`
# lays the same files out under a prefix and keeps an operator's edited
# configuration.
#
#   HEDUI_BUILD_DIR=build/release tests/packaging/deb_test.sh
# (ctest sets HEDUI_BUILD_DIR, HEDUI_SOURCE_DIR and HEDUI_VERSION.)
# ok() only echoes, so `test && ok || fail` never runs both.
# shellcheck disable=SC2015
set -euo pipefail

BUILD=$(realpath "${HEDUI_BUILD_DIR:?set HEDUI_BUILD_DIR to a configured and built tree}")
SOURCE=$(realpath "${HEDUI_SOURCE_DIR:-$(dirname "$0")/../..}")
# The version CPack must write: project(VERSION) as the tree was configured.
VERSION=${HEDUI_VERSION:-$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$BUILD/CMakeCache.txt")}

failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }
# A missing tool is a broken machine, not a skipped test: install-deps.sh has them.
for tool in cpack dpkg-deb dpkg-shlibdeps dpkg-parsechangelog readelf lintian; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool not found (deploy/install-deps.sh)" >&2; exit 1; }
done
for bin in server/heduid client/hedui; do
  [ -x "$BUILD/$bin" ] || { echo "FAIL: $BUILD/$bin not built" >&2; exit 1; }
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/hedui-deb-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# ---- the .deb -----------------------------------------------------------------
echo "== cpack -G DEB ($BUILD)"
# -B keeps the package and CPack's staging out of the build tree's top level.
if ! cpack -G DEB --config "$BUILD/CPackConfig.cmake" -B "$TMP/cpack" >"$TMP/cpack.log" 2>&1; then
  cat "$TMP/cpack.log" >&2
  echo "FAIL: cpack -G DEB" >&2
  exit 1
fi
# Warnings (a missing configuration file, dpkg-shlibdeps complaints) fail the test.
if grep -Ei 'warning|error' "$TMP/cpack.log" >&2; then
  fail "cpack printed warnings or errors (above)"
fi
shopt -s nullglob
debs=("$TMP"/cpack/hedui_*.deb)
[ ${#debs[@]} -eq 1 ] || { echo "FAIL: expected one hedui_*.deb, got: ${debs[*]:-none}" >&2; exit 1; }
DEB=${debs[0]}
echo "package: $(basename "$DEB") ($(du -h "$DEB" | cut -f1))"
dpkg-deb -I "$DEB" >"$TMP/info.txt"
dpkg-deb -c "$DEB" >"$TMP/contents.txt"
dpkg-deb -x "$DEB" "$TMP/root"
dpkg-deb -e "$DEB" "$TMP/control"

field() { dpkg-deb -f "$DEB" "$1"; }
[ "$(field Package)" = hedui ] && ok "Package: hedui" || fail "Package is '$(field Package)'"
[ "$(field Version)" = "$VERSION" ] && ok "Version: $VERSION" || fail "Version '$(field Version)' is not $VERSION"
[ -n "$(field Maintainer)" ] && ok "Maintainer: $(field Maintainer)" || fail "no Maintainer"
[ -n "$(field Description)" ] || fail "no Description"

DEPENDS=$(field Depends)
echo "Depends: $DEPENDS"
# Package names only, one a line, without version constraints or alternatives.
tr ',|' '\n\n' <<<"$DEPENDS" | sed 's/(.*//; s/^ *//; s/ *$//' | sed '/^$/d' | sort -u >"$TMP/depends.txt"
if grep -E -- '-dev$' "$TMP/depends.txt" >&2; then
  fail "Depends names -dev packages (above): a runtime machine needs none"
else
  ok "no -dev package in Depends"
fi
# Every library the installed binaries load must come from a package in
# Depends: the NEEDED entries, resolved the way the loader does (ldd), then
# owned by a package (dpkg -S). This is what dpkg-shlibdeps should have found.
# One dpkg -S and one dpkg-query for all libraries: each call reads dpkg's
# whole database (half a second on a loaded machine).
: >"$TMP/needed.txt"
for bin in usr/sbin/heduid usr/bin/hedui; do
  [ -x "$TMP/root/$bin" ] || { fail "/$bin missing from the package"; continue; }
  ldd "$TMP/root/$bin" >"$TMP/ldd.txt" 2>&1 || true
  while read -r soname; do
    path=$(awk -v s="$soname" '$1 == s { print $3 }' "$TMP/ldd.txt")
    if [ -z "$path" ] || [ "$path" = "not" ]; then
      fail "/$bin needs $soname, which does not resolve"
    else
      # dpkg knows the path as shipped; on merged /usr the loader may say /lib.
      echo "/$bin $soname $(realpath "$path")" >>"$TMP/needed.txt"
    fi
  done < <(readelf -d "$TMP/root/$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
done
# "pkg:arch: /path" lines; both /usr/lib and /lib spellings are asked for.
awk '{ print $3; sub("^/usr", "", $3); print $3 }' "$TMP/needed.txt" | sort -u |
  xargs dpkg -S 2>/dev/null | sed 's/:[a-z0-9]*: / /; s/: / /' >"$TMP/owners.txt" || true
# Each owner with the virtual packages it provides: Depends may name one of
# those (libspdlog1.10 provides libspdlog1.10-fmt9, the name its shlibs give).
# shellcheck disable=SC2016
cut -d' ' -f1 "$TMP/owners.txt" | sort -u |
  xargs dpkg-query -W -f='${Package} ${Provides}\n' 2>/dev/null |
  sed 's/([^)]*)//g; s/,/ /g; s/  */ /g' >"$TMP/provides.txt" || true
while read -r bin soname path; do
  pkg=$(awk -v p="$path" -v q="${path#/usr}" '$2 == p || $2 == q { print $1; exit }' "$TMP/owners.txt")
  if [ -z "$pkg" ]; then
    fail "$bin needs $soname ($path), owned by no Debian package"
  elif ! awk -v p="$pkg" '$1 == p' "$TMP/provides.txt" | tr ' ' '\n' | grep -qxFf - "$TMP/depends.txt"; then
    fail "$bin needs $soname from $pkg, which Depends does not name"
  else
    echo "  $bin: $soname <- $pkg"
  fi
done <"$TMP/needed.txt"
# The libraries Hedui is built on, by what heduid or hedui actually loads
# (RocksDB is linked statically: its compression libraries stand for it).
expect_dep() {  # DESCRIPTION REGEX
  if grep -Eq "$2" "$TMP/depends.txt"; then
    ok "Depends has $1: $(grep -E "$2" "$TMP/depends.txt" | tr '\n' ' ')"
  else
    fail "Depends lacks $1 ($2)"
  fi
}
needed_all=$(readelf -d "$TMP/root/usr/sbin/heduid" "$TMP/root/usr/bin/hedui" 2>/dev/null | grep NEEDED || true)
expect_dep gRPC '^libgrpc\+\+1'
expect_dep protobuf '^libprotobuf[0-9]'
expect_dep abseil '^libabsl[0-9]'
expect_dep OpenSSL '^libssl3'
expect_dep "the C++ runtime" '^libstdc\+\+6$'
if grep -q 'librocksdb' <<<"$needed_all"; then
  expect_dep RocksDB '^librocksdb[0-9]'
else
  expect_dep "RocksDB's compression (RocksDB is static)" '^libsnappy1|^libzstd1$'
fi
if grep -q 'libtcmalloc' <<<"$needed_all"; then expect_dep tcmalloc '^libgoogle-perftools4|^libtcmalloc-minimal4'; fi
if grep -q 'libspdlog' <<<"$needed_all"; then expect_dep spdlog '^libspdlog[0-9]'; fi
if grep -q 'libfmt' <<<"$needed_all"; then expect_dep fmt '^libfmt[0-9]'; fi
# The maintainer scripts' own tools.
expect_dep adduser '^adduser$'
expect_dep openssl '^openssl$'

# The files an installed Hedui needs, with modes that matter.
has_file() {  # MODE-REGEX PATH
  if grep -Eq "^$1 .* \./${2#/}\$" "$TMP/contents.txt"; then
    ok "contains $2"
  else
    fail "the package lacks $2 (mode $1)"
  fi
}
has_file '-rwxr-xr-x' /usr/sbin/heduid
has_file '-rwxr-xr-x' /usr/bin/hedui
has_file '-rw-r--r--' /usr/lib/systemd/system/heduid.service
has_file '-rw-r--r--' /usr/lib/sysusers.d/hedui.conf
has_file '-rw-r--r--' /usr/share/bash-completion/completions/hedui
has_file '-rw-r--r--' /usr/lib/tmpfiles.d/hedui.conf
has_file '-rw-r--r--' /etc/hedui/heduid.conf
has_file '-rw-r--r--' /etc/hedui/policy/example.textproto
has_file '-rwxr-xr-x' /usr/share/hedui/dev-ca.sh
has_file '-rw-r--r--' /usr/share/doc/hedui/README-certificates.md
has_file '-rw-r--r--' /usr/share/doc/hedui/heduid.example.conf
has_file '-rw-r--r--' /usr/share/doc/hedui/policy/README.md
has_file '-rw-r--r--' /usr/share/doc/hedui/copyright
has_file '-rw-r--r--' /usr/share/doc/hedui/changelog.gz
has_file '-rw-r--r--' /usr/share/man/man1/hedui.1.gz
has_file '-rw-r--r--' /usr/share/man/man5/heduid.conf.5.gz
has_file '-rw-r--r--' /usr/share/man/man8/heduid.8.gz
if grep -E ' \./usr/(local|etc)/' "$TMP/contents.txt" >&2; then
  fail "files under /usr/local or /usr/etc (above): the .deb must use /usr and /etc"
fi
cmp -s "$TMP/root/etc/hedui/policy/example.textproto" "$SOURCE/deploy/policy/example.textproto" ||
  fail "/etc/hedui/policy/example.textproto differs from deploy/policy/example.textproto"

# The changelog's newest entry is this version (a native package: no Debian
# revision), so a version bump without an entry fails here.
if [ -f "$TMP/root/usr/share/doc/hedui/changelog.gz" ]; then
  gzip -dc "$TMP/root/usr/share/doc/hedui/changelog.gz" >"$TMP/changelog"
  changelog_version=$(dpkg-parsechangelog -l "$TMP/changelog" -S Version 2>&1) || true
  [ "$changelog_version" = "$VERSION" ] && ok "changelog.gz: newest entry $VERSION" ||
    fail "changelog.gz: newest entry is '$changelog_version', not $VERSION (deploy/debian/changelog)"
fi
# The manual pages are the binaries' own: each page documents every option
# its --help lists (help2man), and heduid.conf(5) every key of the example.
man_text() { LC_ALL=C MANWIDTH=200 man --nh --nj -l "$1" 2>/dev/null | col -b; }
if command -v man >/dev/null && command -v col >/dev/null; then
  for page in man1/hedui.1:usr/bin/hedui man8/heduid.8:usr/sbin/heduid; do
    bin=${page#*:} page=${page%:*}
    [ -f "$TMP/root/usr/share/man/$page.gz" ] || continue
    text=$(man_text "$TMP/root/usr/share/man/$page.gz")
    missing=""
    for opt in $("$TMP/root/$bin" --help 2>/dev/null | grep -oE '^ +(-[a-z],)?--[a-z][a-z0-9-]*' | sed 's/.*--/--/'); do
      grep -qF -- "$opt" <<<"$text" || missing="$missing $opt"
    done
    [ -z "$missing" ] && ok "$(basename "$page"): every option of /$bin --help" ||
      fail "$(basename "$page") lacks$missing"
  done
  if [ -f "$TMP/root/usr/share/man/man5/heduid.conf.5.gz" ]; then
    text=$(man_text "$TMP/root/usr/share/man/man5/heduid.conf.5.gz")
    missing=""
    while read -r key; do
      grep -qE "^ +$key( |$)" <<<"$text" || missing="$missing $key"
    done < <(sed -nE 's/^#? *([a-z][a-z0-9-]*) = .*/\1/p' "$SOURCE/deploy/heduid.example.conf" | sort -u)
    [ -z "$missing" ] && ok "heduid.conf.5: every key of the example configuration" ||
      fail "heduid.conf.5 lacks the keys$missing"
  fi
else
  echo "skipped: man or col not installed, the manual pages' text is not read"
fi

# lintian, Debian's package checker: no error and no warning. Overrides, if
# any, live in /usr/share/lintian/overrides/hedui, each naming its tag after a
# comment that says why; nothing is suppressed on this command line.
if lintian --version >/dev/null 2>&1; then
  lintian_status=0
  lintian --show-overrides "$DEB" >"$TMP/lintian.log" 2>&1 || lintian_status=$?
  # As root lintian says so on stderr; that is not a finding.
  sed -i '/running with root privileges is not recommended/d' "$TMP/lintian.log"
  if [ "$lintian_status" -eq 0 ] && ! grep -Eq '^[EW]: ' "$TMP/lintian.log"; then
    ok "lintian: no error, no warning$(grep -c '^O: ' "$TMP/lintian.log" | sed 's/^0$//; s/^[1-9][0-9]*$/ (& overridden, below)/')"
    grep '^O: ' "$TMP/lintian.log" || true
  else
    cat "$TMP/lintian.log" >&2
    fail "lintian (exit $lintian_status): errors or warnings above"
  fi
fi
OVERRIDES=$TMP/root/usr/share/lintian/overrides/hedui
if [ -f "$OVERRIDES" ]; then
  # No blanket override: every line names the package and one tag, after a
  # comment; a bare tag or a wildcard would hide whatever comes next.
  if awk '/^#/ { why = 1; next } /^[[:space:]]*$/ { next }
          !why || $0 !~ /^hedui: [a-z0-9-]+( |$)/ || /\*/ { bad = 1; print > "/dev/stderr" }
          { why = 0 } END { exit bad }' "$OVERRIDES"; then
    ok "lintian overrides: each names its tag after a comment"
  else
    fail "lintian overrides (above) without a comment, a tag or with a wildcard"
  fi
fi

# Maintainer scripts: present, executable, parsable by the shell dpkg runs
# them with (/bin/sh = dash) and by bash; conffiles name files in the package.
for script in postinst prerm postrm; do
  f=$TMP/control/$script
  if [ ! -x "$f" ]; then
    fail "control: $script missing or not executable"
  elif bash -n "$f" && { ! command -v dash >/dev/null || dash -n "$f"; }; then
    ok "control: $script parses"
  else
    fail "control: $script has syntax errors"
  fi
done
if [ -f "$TMP/control/conffiles" ]; then
  while read -r conffile; do
    [ -f "$TMP/root$conffile" ] && ok "conffile $conffile" || fail "conffile $conffile is not in the package"
  done <"$TMP/control/conffiles"
  grep -qxF /etc/hedui/heduid.conf "$TMP/control/conffiles" ||
    fail "heduid.conf is not a conffile: an upgrade would overwrite the operator's settings"
else
  fail "control: no conffiles"
fi

# The unit: points at the packaged binary and configuration, notifies, stops
# with a timeout longer than the server's grace period, and can write where
# the configuration puts the store and the audit heads.
UNIT=$TMP/root/usr/lib/systemd/system/heduid.service
CONF=$TMP/root/etc/hedui/heduid.conf
unit_value() { sed -n "s/^$1=//p" "$UNIT" | tail -n 1; }
# A key of heduid.conf (a CLI11 config file: key = value, dashes or underscores).
conf_value() {
  [ -f "$CONF" ] || return 0  # already failed above; the checks below then fail too
  sed -nE "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*\"?([^\"#]*)\"?.*/\1/p" "$CONF" 2>/dev/null |
    sed 's/[[:space:]]*$//' | tail -n 1
}
if [ -f "$UNIT" ]; then
  [ "$(unit_value ExecStart)" = "/usr/sbin/heduid --config /etc/hedui/heduid.conf" ] &&
    ok "ExecStart runs /usr/sbin/heduid --config /etc/hedui/heduid.conf" ||
    fail "ExecStart is '$(unit_value ExecStart)'"
  [ "$(unit_value Type)" = notify ] && ok "Type=notify" || fail "Type is '$(unit_value Type)'"
  [ "$(unit_value User)" = hedui ] || fail "User is '$(unit_value User)'"
  grace=$(conf_value 'shutdown[-_]grace[-_]seconds')
  grace=${grace:-30}
  stop=$(unit_value TimeoutStopSec)
  if [[ "$stop" =~ ^[0-9]+$ ]] && [ "$stop" -gt "$grace" ]; then
    ok "TimeoutStopSec=$stop > shutdown grace $grace s"
  else
    fail "TimeoutStopSec '$stop' is not longer than the shutdown grace $grace s"
  fi
  # ReadWritePaths ("-" = may be missing) and the StateDirectory under /var/lib.
  writable=" $(unit_value ReadWritePaths | sed -E 's#(^| )-#\1#g') $(unit_value StateDirectory | sed 's|[^ ]*|/var/lib/&|g') "
  for key in 'data[-_]dir' 'audit[-_]head[-_]file' 'backup[-_]dir'; do
    value=$(conf_value "$key")
    if [ -z "$value" ]; then
      # backup-dir may stay unset (backups refused); the others default to relative paths.
      [[ "$key" == backup* ]] && continue
      fail "heduid.conf sets no ${key//\[-_\]/-}: the default is relative, unwritable under ProtectSystem=strict"
      continue
    fi
    inside=""
    for dir in $writable; do
      case "$value/" in "$dir"/*) inside=$dir ;; esac
    done
    [ -n "$inside" ] && ok "${key//\[-_\]/-} $value is writable (under $inside)" ||
      fail "${key//\[-_\]/-} $value is not under the unit's writable paths ($writable)"
  done
else
  fail "no unit to check"
fi

if command -v systemd-analyze >/dev/null; then
  # verify checks that ExecStart's binary exists: point it at the extracted one.
  mkdir -p "$TMP/unit"
  sed "s|/usr/sbin/heduid|$TMP/root/usr/sbin/heduid|" "$UNIT" >"$TMP/unit/heduid.service"
  if SYSTEMD_LOG_LEVEL=notice systemd-analyze verify --man=no "$TMP/unit/heduid.service" \
      >"$TMP/verify.log" 2>&1 && ! grep -q . "$TMP/verify.log"; then
    ok "systemd-analyze verify: clean"
  else
    cat "$TMP/verify.log" >&2
    fail "systemd-analyze verify heduid.service"
  fi
  # The hardening, scored by systemd (0 best, 10 worst; 1.4 when written):
  # losing a protection pushes it over 2.5 and fails.
  if systemd-analyze security --offline=yes --threshold=25 "$TMP/unit/heduid.service" \
      >"$TMP/security.log" 2>&1; then
    ok "systemd-analyze security: $(grep -o 'exposure level.*' "$TMP/security.log")"
  else
    grep -E '✗|exposure' "$TMP/security.log" >&2 || cat "$TMP/security.log" >&2
    fail "systemd-analyze security: exposure above 2.5"
  fi
else
  echo "skipped: systemd-analyze not installed (package systemd), the unit is not verified"
fi

# The sysusers.d and tmpfiles.d snippets, applied to an empty root directory:
# they parse, make the user, and the directories with their owners and modes.
if command -v systemd-sysusers >/dev/null && command -v systemd-tmpfiles >/dev/null; then
  R=$TMP/sysroot
  mkdir -p "$R/etc"
  if systemd-sysusers --root="$R" "$TMP/root/usr/lib/sysusers.d/hedui.conf" >"$TMP/sysusers.log" 2>&1 &&
      grep -q '^hedui:' "$R/etc/passwd"; then
    ok "sysusers.d: creates the user hedui"
  else
    cat "$TMP/sysusers.log" >&2
    fail "sysusers.d/hedui.conf"
  fi
  if systemd-tmpfiles --root="$R" --create "$TMP/root/usr/lib/tmpfiles.d/hedui.conf" >"$TMP/tmpfiles.log" 2>&1 &&
      [ "$(stat -c %a "$R/var/lib/hedui" 2>/dev/null)" = 700 ] &&
      [ "$(stat -c %a "$R/etc/hedui/tls" 2>/dev/null)" = 750 ]; then
    ok "tmpfiles.d: /var/lib/hedui 0700, /etc/hedui/tls 0750"
  else
    cat "$TMP/tmpfiles.log" >&2
    fail "tmpfiles.d/hedui.conf"
  fi
else
  echo "skipped: systemd-sysusers/systemd-tmpfiles not installed, their snippets are not applied"
fi

# The packaged binaries run: every library resolves on this Debian system.
for bin in usr/sbin/heduid usr/bin/hedui; do
  if "$TMP/root/$bin" --help >"$TMP/help.txt" 2>&1 && grep -q "$(basename "$bin")" "$TMP/help.txt"; then
    ok "/$bin --help"
  else
    head -5 "$TMP/help.txt" >&2
    fail "/$bin --help"
  fi
done

# ---- cmake --install --------------------------------------------------------------
echo "== cmake --install --prefix"
P=$TMP/prefix
cmake --install "$BUILD" --prefix "$P" >"$TMP/install.log" 2>&1 || { cat "$TMP/install.log" >&2; fail "cmake --install"; }
for f in sbin/heduid bin/hedui share/hedui/dev-ca.sh; do
  [ -x "$P/$f" ] && ok "prefix: $f" || fail "cmake --install: $f missing or not executable"
done
for f in lib/systemd/system/heduid.service lib/sysusers.d/hedui.conf lib/tmpfiles.d/hedui.conf etc/hedui/heduid.conf \
    etc/hedui/policy/example.textproto share/doc/hedui/README-certificates.md share/man/man8/heduid.8.gz; do
  [ -f "$P/$f" ] && ok "prefix: $f" || fail "cmake --install: $f missing"
done
# Outside /usr the unit names the prefix's binary and configuration.
want="ExecStart=$P/sbin/heduid --config $P/etc/hedui/heduid.conf"
grep -qxF "$want" "$P/lib/systemd/system/heduid.service" 2>/dev/null &&
  ok "prefix: the unit starts $P/sbin/heduid" || fail "prefix: the unit lacks '$want'"
"$P/sbin/heduid" --help >/dev/null 2>&1 && ok "prefix: heduid --help" || fail "prefix: heduid --help"
# A second install keeps the operator's configuration.
echo "# edited by the operator" >>"$P/etc/hedui/heduid.conf"
cmake --install "$BUILD" --prefix "$P" >"$TMP/install2.log" 2>&1 || fail "cmake --install (again)"
grep -q "edited by the operator" "$P/etc/hedui/heduid.conf" 2>/dev/null &&
  ok "prefix: a second install keeps an edited heduid.conf" ||
  fail "prefix: a second install overwrote the edited heduid.conf"
# A system install (prefix /usr) into a DESTDIR: configuration in /etc, not /usr/etc.
DESTDIR=$TMP/destdir cmake --install "$BUILD" --prefix /usr >"$TMP/install3.log" 2>&1 || fail "cmake --install --prefix /usr with DESTDIR"
for f in usr/sbin/heduid etc/hedui/heduid.conf etc/hedui/policy/example.textproto usr/lib/systemd/system/heduid.service; do
  [ -e "$TMP/destdir/$f" ] && ok "DESTDIR, prefix /usr: /$f" || fail "DESTDIR, prefix /usr: /$f missing"
done
cmp -s "$TMP/destdir/usr/lib/systemd/system/heduid.service" "$SOURCE/deploy/systemd/heduid.service" ||
  fail "with prefix /usr the unit must be deploy/systemd/heduid.service unchanged"

if [ "$failures" -gt 0 ]; then
  echo "packaging test: $failures failure(s)" >&2
  exit 1
fi
echo "packaging test: passed"
