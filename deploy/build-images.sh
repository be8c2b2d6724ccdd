#!/usr/bin/env bash
# Builds the service images, the portal's and the database set-up's with the .NET SDK's container support (no Docker daemon) into
# deploy/.images/<name>.tar.gz, ready for `docker load`, `podman load`, `crane push` or `skopeo copy`.
#   TAG=1.2.3 deploy/build-images.sh                 # tag (default: git short hash)
#   REGISTRY=ghcr.io/acme deploy/build-images.sh     # push to a registry instead of writing archives
# The base image (mcr.microsoft.com/dotnet/aspnet, noble-chiseled-extra) is pulled from its registry,
# so the machine needs to reach mcr.microsoft.com (or set BASE_IMAGE to a mirror).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/deploy/.images"
tag="${TAG:-$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo dev)}"
artifacts="${ARTIFACTS:-/tmp/art-build-images}"
mkdir -p "$out"

for path in services/Contributions services/QualityScoring services/RewardLedger services/ChainBridge services/Governance \
            services/CommunityModel services/Portal tools/DatabaseSetup; do
  project="$(basename "$path")"
  # ReadyToRun: the assemblies ship compiled ahead of time, so a pod's start spends less on the JIT (docs/performance.md,
  # "A service's start": about a third of a start's CPU at the median), for images some 35 MB larger and a slower build.
  args=(publish "$root/$path/$project.csproj" -c Release -t:PublishContainer -p:PublishReadyToRun=true
        --os linux --arch x64 --artifacts-path "$artifacts" -p:ContainerImageTag="$tag" -nologo -v:m)
  if [[ -n "${BASE_IMAGE:-}" ]]; then args+=(-p:ContainerBaseImage="$BASE_IMAGE"); fi
  if [[ -n "${REGISTRY:-}" ]]; then
    args+=(-p:ContainerRegistry="$REGISTRY")
  else
    args+=(-p:ContainerArchiveOutputPath="$out/")
  fi
  echo "== $project ($tag)"
  dotnet "${args[@]}"
done
ls -l "$out" 2>/dev/null || true
