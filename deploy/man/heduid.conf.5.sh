#!/bin/sh
# Writes the manual page heduid.conf(5) to standard output from the built
# heduid itself: every key, its description and its default come from
# `heduid --print-config`, i.e. the same option table as `heduid --help`, so
# the page cannot document a key the server does not have or miss one it has.
# The text around the keys is here.
#
#   deploy/man/heduid.conf.5.sh path/to/heduid deploy/heduid.example.conf > heduid.conf.5
# SOURCE_DATE_EPOCH, when set, dates the page (reproducible builds).
set -eu

HEDUID=${1:?usage: heduid.conf.5.sh path/to/heduid [example.conf]}
# The example configuration (deploy/heduid.example.conf): its keys, as set.
EXAMPLE=${2:-}
version=$("$HEDUID" --version)
if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then
  date=$(LC_ALL=C date -u -d "@$SOURCE_DATE_EPOCH" '+%B %Y')
else
  date=$(LC_ALL=C date -u '+%B %Y')
fi
# --print-config with no --config: the built-in defaults.
keys=$("$HEDUID" --print-config)

cat <<ROFF
.TH HEDUID.CONF 5 "$date" "$version" "File Formats"
.SH NAME
heduid.conf \\- configuration file of the Hedui verification server
.SH SYNOPSIS
.I /etc/hedui/heduid.conf
.SH DESCRIPTION
.BR heduid (8)
reads this file when started with \\fB\\-\\-config\\fR \\fIFILE\\fR, as the
systemd unit does. One \\fIkey\\fR \\fB=\\fR \\fIvalue\\fR a line; strings in
double quotes; \\fB#\\fR starts a comment. The keys are heduid's option names
without the leading dashes, and an option given on the command line overrides
the key. An unknown or misspelt key, or a bad value, stops the server at
start\\-up with an error naming the key (exit status 2).
\\fBheduid \\-\\-config\\fR \\fIFILE\\fR \\fB\\-\\-print\\-config\\fR shows the
effective configuration.
.PP
The package installs a commented example as /etc/hedui/heduid.conf (a
conffile: upgrades keep your edits; the original is also in
/usr/share/doc/hedui/heduid.example.conf). Its paths put the store, the audit
heads and the backups under /var/lib/hedui and /var/backups/hedui, the only
directories the systemd unit lets heduid write.
.SH KEYS
Each key with its built\\-in default (used when the key is absent).
ROFF

# "# description" lines, then "key=value"; a blank line separates keys.
# Keys with a dot belong to a subcommand (restore), not to the server.
printf '%s\n' "$keys" | awk '
  function roff(s) {
    gsub(/\\/, "\\e", s)
    sub(/^[.'"'"']/, "\\\\\\&&", s)
    return s
  }
  /^#/ { sub(/^# ?/, ""); desc = (desc == "" ? "" : desc " ") $0; next }
  /^[a-z][a-z0-9-]*=/ {
    key = substr($0, 1, index($0, "=") - 1)
    value = substr($0, index($0, "=") + 1)
    gsub(/-/, "\\-", key)
    print ".TP"
    if (value == "\"\"") {
      print "\\fB" key "\\fR (default: none)"
    } else {
      gsub(/-/, "\\-", value)
      print "\\fB" key "\\fR = " roff(value)
    }
    print roff(desc)
    desc = ""
    next
  }
  { desc = "" }
'

if [ -n "$EXAMPLE" ]; then
  cat <<ROFF
.SH EXAMPLE
The keys the packaged configuration sets:
.PP
.nf
ROFF
  grep -E '^[a-z][a-z0-9-]* *=' "$EXAMPLE" | sed 's/\\/\\e/g; s/-/\\-/g'
  echo ".fi"
fi

cat <<ROFF
.SH FILES
.TP
.I /etc/hedui/heduid.conf
the configuration.
.TP
.I /usr/share/doc/hedui/heduid.example.conf
the example it was installed from, every key explained.
.SH SEE ALSO
.BR heduid (8),
.BR hedui (1)
ROFF
