#!/usr/bin/env bash
# Builds the test control planes from the Go module proxy into testenv/.bin/.
#
#   testenv/build.sh [all|k8s-1.24|k8s-current|etcd]...   build what is missing or stale
#   testenv/build.sh --check [...]                        exit 1 (naming them) if any is missing/stale
#
# Each component lands in testenv/.bin/<name>-<version>/ with a `stamp` file holding the
# version and a hash of go.mod, go.sum, main.go, the toolchain and the build flags; when the
# stamp matches, the build is skipped, so running this again is cheap. Go's own module and
# build caches (GOMODCACHE, GOCACHE) are left where Go keeps them, so a rebuild after a version
# bump only recompiles what changed.
#
# The versions come from the go.mod files under testenv/go/; cluster.ts reads the same files to
# find the binaries, so bumping a version there is all it takes.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BIN="$HERE/.bin"

# Go 1.23+ refuses some old //go:linkname pulls at link time; -checklinkname=0 turns that check
# off. With the versions pinned here Go 1.26 links without it (checked), so it is off by default;
# set TESTENV_CHECKLINKNAME0=1 to add it should a version bump bring such a dependency back.
LINKNAME_FLAG=""
[[ "${TESTENV_CHECKLINKNAME0:-}" == 1 ]] && LINKNAME_FLAG="-checklinkname=0"

die() { echo "build.sh: $*" >&2; exit 1; }

command -v go >/dev/null 2>&1 || die "go is not installed (need Go >= 1.26; see testenv/README.md)"
command -v sha256sum >/dev/null 2>&1 || die "sha256sum missing"

# component -> module dir, binary name, version module, output prefix
comp_dir()    { case $1 in k8s-1.24) echo "$HERE/go/k8s-1.24";; k8s-current) echo "$HERE/go/k8s-current";; etcd) echo "$HERE/go/etcd";; esac; }
comp_bin()    { case $1 in k8s-1.24) echo k8s;; k8s-current) echo kube-apiserver;; etcd) echo etcd;; esac; }
comp_mod()    { case $1 in k8s-1.24|k8s-current) echo k8s.io/kubernetes;; etcd) echo go.etcd.io/etcd/server/v3;; esac; }
comp_prefix() { case $1 in k8s-1.24) echo k8s;; k8s-current) echo kube-apiserver;; etcd) echo etcd;; esac; }

# The version of the main module dependency, read from go.mod (the `require` line, not a replace).
comp_version() {
  local dir mod
  dir=$(comp_dir "$1"); mod=$(comp_mod "$1")
  awk -v m="$mod" '$1==m && $2 ~ /^v[0-9]/ {print $2; exit} $1=="require" && $2==m {print $3; exit}' "$dir/go.mod"
}

comp_ldflags() {
  local c=$1 v=$2 flags="-s -w${LINKNAME_FLAG:+ $LINKNAME_FLAG}"
  case $c in
    k8s-1.24|k8s-current)
      local major minor
      major=$(echo "${v#v}" | cut -d. -f1); minor=$(echo "${v#v}" | cut -d. -f2)
      # /version reports these; without them a module build says v0.0.0-master.
      for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
        flags+=" -X $pkg.gitVersion=$v -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
      done ;;
    etcd) ;;
  esac
  echo "$flags"
}

# Which Go toolchain builds a component ("local" = the machine's go). Override with e.g.
# K8S_124_GOTOOLCHAIN=go1.22.12 if the local one stops working.
comp_toolchain() {
  case $1 in
    k8s-1.24) echo "${K8S_124_GOTOOLCHAIN:-local}";;
    k8s-current) echo "${K8S_CURRENT_GOTOOLCHAIN:-local}";;
    etcd) echo "${ETCD_GOTOOLCHAIN:-local}";;
  esac
}

stamp_for() {
  local c=$1 dir v tc
  dir=$(comp_dir "$c"); v=$(comp_version "$c"); tc=$(comp_toolchain "$c")
  {
    echo "version=$v"
    echo "toolchain=$tc"
    echo "ldflags=$(comp_ldflags "$c" "$v")"
    echo "inputs=$(cat "$dir/go.mod" "$dir/go.sum" "$dir/main.go" | sha256sum | cut -d' ' -f1)"
  }
}

out_dir() { echo "$BIN/$(comp_prefix "$1")-$(comp_version "$1")"; }

is_current() {
  local c=$1 out
  out=$(out_dir "$c")
  [[ -x "$out/$(comp_bin "$c")" && -f "$out/stamp" ]] && [[ "$(cat "$out/stamp")" == "$(stamp_for "$c")" ]]
}

build_one() {
  local c=$1 dir v out bin tc flags start
  dir=$(comp_dir "$c"); v=$(comp_version "$c"); out=$(out_dir "$c"); bin=$(comp_bin "$c")
  [[ -n "$v" ]] || die "$c: cannot read the version of $(comp_mod "$c") from $dir/go.mod"
  if is_current "$c"; then
    echo "build.sh: $c $v is up to date ($out/$bin)"
    return 0
  fi
  tc=$(comp_toolchain "$c"); flags=$(comp_ldflags "$c" "$v")
  mkdir -p "$out"
  echo "build.sh: building $c $v with GOTOOLCHAIN=$tc -> $out/$bin (a cold kube-apiserver build takes many minutes on 2 cores)"
  start=$SECONDS
  if ! (cd "$dir" && GOTOOLCHAIN="$tc" go build -trimpath -buildvcs=false -p 2 -ldflags="$flags" -o "$out/$bin.tmp" . 2>&1 | tee "$out/build.log"; exit "${PIPESTATUS[0]}"); then
    rm -f "$out/$bin.tmp"
    die "$c $v: go build failed after $((SECONDS - start)) s (log: $out/build.log)"
  fi
  mv -f "$out/$bin.tmp" "$out/$bin"
  stamp_for "$c" > "$out/stamp"
  echo "build.sh: built $c $v in $((SECONDS - start)) s"
}

check=0
targets=()
for a in "$@"; do
  case $a in
    --check) check=1;;
    all) targets+=(etcd k8s-1.24 k8s-current);;
    k8s-1.24|k8s-current|etcd) targets+=("$a");;
    -h|--help) sed -n '2,14p' "$0"; exit 0;;
    *) die "unknown target '$a' (want all, k8s-1.24, k8s-current, etcd, --check)";;
  esac
done
[[ ${#targets[@]} -gt 0 ]] || targets=(etcd k8s-1.24 k8s-current)

if [[ $check == 1 ]]; then
  missing=()
  for c in "${targets[@]}"; do is_current "$c" || missing+=("$c $(comp_version "$c")"); done
  if [[ ${#missing[@]} -gt 0 ]]; then
    printf 'build.sh: missing or stale: %s\n' "${missing[@]}" >&2
    exit 1
  fi
  echo "build.sh: all built"
  exit 0
fi

total=$SECONDS
for c in "${targets[@]}"; do build_one "$c"; done
echo "build.sh: done in $((SECONDS - total)) s"
