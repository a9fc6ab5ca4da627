#!/usr/bin/env bash
# Builds kube-apiserver, kube-controller-manager and etcd from the Go module proxy into a cache outside the repo.
#
#   tools/k8s-testbin/build.sh          build if the cache is incomplete, then print the binary directory
#   tools/k8s-testbin/build.sh --dir    print the binary directory only (build nothing)
#
# The cache key is the Kubernetes version, the etcd version, the Go version and the architecture, so a version bump
# builds into a new directory and never mixes binaries. A directory is used only once `.complete` is written.
# Binaries are never committed: the wrapper modules (kube/go.mod, etcd/go.mod and their go.sum) pin what is built.
#
# Environment:
#   DSOI_TESTBIN_DIR   cache root (default: $XDG_CACHE_HOME/dsoi/k8s-testbin or ~/.cache/dsoi/k8s-testbin)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export GOTOOLCHAIN=local CGO_ENABLED=0

# shellcheck source=versions.env
. "$here/versions.env"

if ! command -v go >/dev/null 2>&1; then
  echo "k8s-testbin: the Go toolchain (go) is not on PATH; it is needed once to build the control-plane binaries." >&2
  echo "k8s-testbin: alternatively point DSOI_ENVTEST_ASSETS or KUBEBUILDER_ASSETS at a directory holding kube-apiserver and etcd." >&2
  exit 1
fi

root=${DSOI_TESTBIN_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/dsoi/k8s-testbin}
out="$root/k8s-$KUBE_VERSION-etcd-$ETCD_VERSION-$(go env GOVERSION)-$(go env GOARCH)"

if [ "${1:-}" = "--dir" ]; then
  echo "$out"
  exit 0
fi

if [ -f "$out/.complete" ]; then
  echo "$out"
  exit 0
fi

mkdir -p "$out"
log() { echo "k8s-testbin: $*" >&2; }

# One build at a time per cache directory: a second caller (another test run, the demo) waits for the first, then
# finds the cache complete. Two builds at once raced on the same .tmp files.
exec 9>"$out/.lock"
flock 9
if [ -f "$out/.complete" ]; then
  echo "$out"
  exit 0
fi

# Version stamping, as hack/lib/version.sh does, so /version reports the real release instead of v0.0.0-master.
minor=${KUBE_VERSION#v1.}
minor=${minor%%.*}
commit=$(cd "$here/kube" && go mod download -json "k8s.io/kubernetes@$KUBE_VERSION" | sed -n 's/.*"Hash": "\(.*\)".*/\1/p' | head -1)
commit=${commit:-unknown}
build_date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags="$ldflags -X $pkg.gitVersion=$KUBE_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  ldflags="$ldflags -X $pkg.gitCommit=$commit -X $pkg.gitTreeState=clean -X $pkg.buildDate=$build_date"
done

timed_build() {
  # $1 = module dir, $2 = output name, $3.. = go build arguments
  local dir=$1 name=$2
  shift 2
  if [ -x "$out/$name" ]; then
    log "$name already built"
    return
  fi
  log "building $name (this takes several minutes on a cold cache)"
  local start=$SECONDS
  if [ -x /usr/bin/time ]; then
    (cd "$here/$dir" && /usr/bin/time -f "%M" -o "$out/$name.maxrss" go build -trimpath -o "$out/$name.tmp" "$@")
    log "built $name in $((SECONDS - start)) s, peak RSS $(($(cat "$out/$name.maxrss") / 1024)) MiB"
  else
    (cd "$here/$dir" && go build -trimpath -o "$out/$name.tmp" "$@")
    log "built $name in $((SECONDS - start)) s"
  fi
  mv "$out/$name.tmp" "$out/$name"
}

tags=-tags=selinux,notest,grpcnotrace
timed_build etcd etcd -ldflags "-s -w" go.etcd.io/etcd/server/v3
timed_build kube kube-apiserver "$tags" -ldflags "$ldflags" k8s.io/kubernetes/cmd/kube-apiserver
timed_build kube kube-controller-manager "$tags" -ldflags "$ldflags" k8s.io/kubernetes/cmd/kube-controller-manager

"$out/kube-apiserver" --version >&2
"$out/etcd" --version | head -1 >&2
touch "$out/.complete"
echo "$out"
