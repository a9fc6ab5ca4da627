#!/usr/bin/env bash
# Builds helm from the Go module proxy into the same cache as the control-plane binaries, for the chart tests.
#
#   tools/k8s-testbin/build-helm.sh         build if the cache is incomplete, then print the path of the helm binary
#   tools/k8s-testbin/build-helm.sh --path  print the path of the helm binary only (build nothing)
#
# The cache key is the Helm version, the Go version and the architecture; a directory is used only once `.complete`
# is written. The wrapper module helm/go.mod (and its go.sum) pins what is built; the binary is never committed.
#
# Environment:
#   DSOI_TESTBIN_DIR   cache root (default: $XDG_CACHE_HOME/dsoi/k8s-testbin or ~/.cache/dsoi/k8s-testbin)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export GOTOOLCHAIN=local CGO_ENABLED=0

# shellcheck source=versions.env
. "$here/versions.env"

if ! command -v go >/dev/null 2>&1; then
  echo "k8s-testbin: the Go toolchain (go) is not on PATH; it is needed once to build helm for the chart tests." >&2
  echo "k8s-testbin: alternatively point DSOI_HELM at a helm $HELM_VERSION binary." >&2
  exit 1
fi

root=${DSOI_TESTBIN_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/dsoi/k8s-testbin}
out="$root/helm-$HELM_VERSION-$(go env GOVERSION)-$(go env GOARCH)"

if [ "${1:-}" = "--path" ]; then
  echo "$out/helm"
  exit 0
fi

if [ -f "$out/.complete" ]; then
  echo "$out/helm"
  exit 0
fi

mkdir -p "$out"
log() { echo "k8s-testbin: $*" >&2; }

# Test files of both operators may ask for helm at once: one builds, the others wait for it.
exec 9>"$out/.lock"
flock 9
if [ -f "$out/.complete" ]; then
  echo "$out/helm"
  exit 0
fi

# Version stamping, as Helm's Makefile does for a tagged build, so `helm version` reports the release.
commit=$(cd "$here/helm" && go mod download -json "helm.sh/helm/v4@$HELM_VERSION" | sed -n 's/.*"Hash": "\(.*\)".*/\1/p' | head -1)
pkg=helm.sh/helm/v4/internal/version
ldflags="-s -w -X $pkg.version=$HELM_VERSION -X $pkg.metadata= -X $pkg.gitCommit=${commit:-unknown} -X $pkg.gitTreeState=clean"

log "building helm $HELM_VERSION (minutes on a cold build cache: about 20 min on 2 busy cores)"
start=$SECONDS
(cd "$here/helm" && go build -trimpath -ldflags "$ldflags" -o "$out/helm.tmp" helm.sh/helm/v4/cmd/helm)
log "built helm in $((SECONDS - start)) s"
mv "$out/helm.tmp" "$out/helm"

"$out/helm" version --short >&2
touch "$out/.complete"
echo "$out/helm"
