#!/usr/bin/env bash
# Build two CPython interpreters from the same Debian source package with the
# same flags: one with the GIL (python3.X) and one free-threaded (python3.Xt,
# configure --disable-gil), so the single-thread cost of free-threading can be
# measured fairly. See README.md beside this file for other ways to get them.
#
#     labs/gil/python/build-free-threaded.sh [PREFIX]      (as root)
#
# PREFIX defaults to /opt/cpython; the interpreters land in PREFIX/<ver> and
# PREFIX/<ver>t, and symlinks python<ver> and python<ver>t go to /usr/local/bin
# (BINDIR=... to choose another directory, BINDIR= to skip them).
# Environment knobs (defaults in brackets):
#   PY_VERSION [3.14, else 3.13]  Debian source package python$PY_VERSION ...
#   SUITE      [sid for 3.14, trixie for 3.13]  ... from this Debian suite
#   OPTIMIZE   [plain]     plain: configure's default (-O3, no PGO, no LTO)
#                          pgo: --enable-optimizations --with-lto
#   JOBS       [nproc]     make -j
#   WORKDIR    [/var/tmp/cpython-build]
# Without PY_VERSION, 3.14 is tried first (from sid) and 3.13 (from trixie)
# when no 3.14 source can be downloaded. The newest release apt knows of that
# downloads is used. Idempotent: an interpreter that already runs is not
# rebuilt; the download and the unpacked source are reused.
set -euo pipefail

PREFIX=${1:-/opt/cpython}
PY_VERSION=${PY_VERSION:-}
SUITE=${SUITE:-}
OPTIMIZE=${OPTIMIZE:-plain}
JOBS=${JOBS:-$(nproc)}
WORKDIR=${WORKDIR:-/var/tmp/cpython-build}
BINDIR=${BINDIR-/usr/local/bin}

case "$OPTIMIZE" in
plain) opt_flags=() ;;
pgo) opt_flags=(--enable-optimizations --with-lto) ;;
*)
    echo "OPTIMIZE must be plain or pgo, not '$OPTIMIZE'" >&2
    exit 2
    ;;
esac

say() { printf '==> %s\n' "$*"; }

default_suite() { case "$1" in 3.13) echo trixie ;; *) echo sid ;; esac; }

# Does $1 run and report sys._is_gil_enabled() == $2?
works() {
    local exe=$1 want_gil=$2 got
    [ -x "$exe" ] || return 1
    got=$("$exe" -c 'import sys; print(sys._is_gil_enabled())' 2>/dev/null) || return 1
    [ "$got" = "$want_gil" ]
}

# Download into $WORKDIR/$1 the newest source of python$1 in suite $2 that
# the mirror serves; fails when none downloads.
download() {
    local version=$1 suite=$2
    local list=/etc/apt/sources.list.d/concurrency-lab-$suite-src.sources
    local dir=$WORKDIR/$version
    if ls "$dir"/python"$version"_*.orig.tar.xz >/dev/null 2>&1; then return 0; fi
    if [ ! -f "$list" ]; then
        say "adding a deb-src entry for $suite in $list"
        printf '%s\n' "Types: deb-src" "URIs: http://deb.debian.org/debian" "Suites: $suite" \
            "Components: main" "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" >"$list"
        apt-get update -qq
    fi
    mkdir -p "$dir"
    local releases release
    releases=$(apt-cache showsrc "python$version" 2>/dev/null | awk '/^Version:/ {print $2}' | sort -Vru)
    for release in $releases; do
        say "downloading the source of python$version $release"
        if (cd "$dir" && apt-get source -qq --download-only "python$version=$release" >download.log 2>&1); then
            return 0
        fi
        say "python$version $release: $(grep -m1 '^E:' "$dir/download.log" || echo 'download failed')"
        rm -f "$dir"/python"$version"_*
    done
    rm -rf "$dir"
    return 1
}

fetch_source() {
    local choices choice
    if [ -n "$PY_VERSION" ]; then
        choices="$PY_VERSION:${SUITE:-$(default_suite "$PY_VERSION")}"
    else
        choices="3.14:sid 3.13:trixie"
    fi
    for choice in $choices; do
        if download "${choice%%:*}" "${choice#*:}"; then
            PY_VERSION=${choice%%:*}
            break
        fi
        PY_VERSION=
    done
    if [ -z "$PY_VERSION" ]; then
        echo "no CPython source could be downloaded (tried $choices)" >&2
        exit 1
    fi
    local tarball
    tarball=$(ls "$WORKDIR/$PY_VERSION"/python"$PY_VERSION"_*.orig.tar.xz | sort -V | tail -n1)
    SRC=$WORKDIR/$PY_VERSION/src
    if [ ! -x "$SRC/configure" ]; then
        say "unpacking $(basename "$tarball")"
        rm -rf "$SRC" && mkdir -p "$SRC"
        tar -xf "$tarball" -C "$SRC" --strip-components=1
    fi
    say "source: $(grep -m1 'define PY_VERSION ' "$SRC/Include/patchlevel.h")"
}

build() {
    local flavour=$1 # "" or "t"
    local dest=$PREFIX/$PY_VERSION$flavour
    local exe=$dest/bin/python$PY_VERSION$flavour
    local want_gil=True extra=()
    if [ "$flavour" = t ]; then want_gil=False extra=(--disable-gil); fi
    local args=(--prefix="$dest" --without-ensurepip "${opt_flags[@]}" "${extra[@]}")
    local flags="${args[*]}"
    if works "$exe" "$want_gil" && [ "$(cat "$dest/BUILT-WITH" 2>/dev/null)" = "$flags" ]; then
        say "$exe is already built ($flags)"
        return
    fi
    [ -n "${SRC:-}" ] || fetch_source
    local dir=$WORKDIR/$PY_VERSION/build-$OPTIMIZE$flavour
    rm -rf "$dir" && mkdir -p "$dir"
    say "configure $flags"
    local start=$SECONDS
    (cd "$dir" && "$SRC/configure" "${args[@]}" >configure.log 2>&1) || {
        tail -n 30 "$dir/configure.log" >&2
        exit 1
    }
    say "make -j$JOBS (log: $dir/make.log)"
    make -C "$dir" -j"$JOBS" >"$dir/make.log" 2>&1 || {
        tail -n 30 "$dir/make.log" >&2
        exit 1
    }
    make -C "$dir" install >"$dir/install.log" 2>&1 || {
        tail -n 30 "$dir/install.log" >&2
        exit 1
    }
    say "built $exe in $((SECONDS - start)) s"
    works "$exe" "$want_gil" || {
        echo "$exe does not report sys._is_gil_enabled() == $want_gil" >&2
        exit 1
    }
    echo "$flags" >"$dest/BUILT-WITH"
}

# Without PY_VERSION, an earlier run's interpreters say which version this is;
# otherwise the download decides.
if [ -z "$PY_VERSION" ]; then
    for version in 3.14 3.13; do
        if works "$PREFIX/$version/bin/python$version" True &&
            works "$PREFIX/${version}t/bin/python${version}t" False; then
            PY_VERSION=$version
            break
        fi
    done
fi
[ -n "$PY_VERSION" ] || fetch_source
build ""
build t

for flavour in "" t; do
    exe=$PREFIX/$PY_VERSION$flavour/bin/python$PY_VERSION$flavour
    if [ -n "$BINDIR" ]; then
        ln -sfn "$exe" "$BINDIR/python$PY_VERSION$flavour"
        say "$BINDIR/python$PY_VERSION$flavour -> $exe"
    else
        say "add $(dirname "$exe") to PATH to run python$PY_VERSION$flavour"
    fi
    "$exe" -c 'import sys, sysconfig
print(f"    {sys.executable}: {sys.version.split()[0]}, free-threaded build:",
      bool(sysconfig.get_config_var("Py_GIL_DISABLED")), "GIL enabled:", sys._is_gil_enabled())'
done
