#!/usr/bin/env bash
# Rebuild the vendored SPARQL editor (YASQE) in src/kg/static/vendor/yasqe/ from the npm
# registry, pinned by scripts/editor/package-lock.json.
#
# The vendored files are committed, so a clean checkout serves the query page without npm
# and without any CDN; this script is only for upgrading the editor or proving that the
# committed files are what the lock file gives.
#
#   scripts/vendor_editor.sh          rewrite src/kg/static/vendor/yasqe/
#   scripts/vendor_editor.sh --check  rebuild in a temporary folder and compare (exit 1 if different)
#
# Needs node and npm. To upgrade: edit the version in scripts/editor/package.json, run
# `npm install --package-lock-only` in scripts/editor/, then run this script.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
dest="$root/src/kg/static/vendor/yasqe"
check=0
if [ "${1:-}" = "--check" ]; then check=1; fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/editor/package.json" "$here/editor/package-lock.json" "$work/"
(cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)

out="$work/out"
mkdir -p "$out"
build="$work/node_modules/@zazuko/yasqe/build"
# The source maps are not shipped (3 MB); drop the comments that would make a browser with
# developer tools open ask for them.
sed '/^\/\/# sourceMappingURL=/d' "$build/yasqe.min.js" > "$out/yasqe.min.js"
sed 's#/\*\# sourceMappingURL=[^*]*\*/##' "$build/yasqe.min.css" > "$out/yasqe.min.css"

# yasqe.min.js bundles its dependencies: ship every package's licence with it.
{
  echo "Licences of the npm packages bundled in yasqe.min.js / yasqe.min.css"
  echo "(installed from scripts/editor/package-lock.json by scripts/vendor_editor.sh)"
  for pkg in $(cd "$work/node_modules" && ls -d */ @*/*/ 2>/dev/null | grep -v '^@[^/]*/$' | sort); do
    pkg="${pkg%/}"
    meta="$work/node_modules/$pkg/package.json"
    [ -f "$meta" ] || continue
    version="$(node -p "require('$meta').version")"
    license="$(node -p "const p=require('$meta'); p.license || (p.licenses||[]).map(l=>l.type).join(' OR ') || 'UNKNOWN'")"
    echo
    echo "================================================================"
    echo "$pkg $version ($license)"
    echo "================================================================"
    lic="$(find "$work/node_modules/$pkg" -maxdepth 1 -iname 'licen[sc]e*' | sort | head -n 1)"
    if [ -n "$lic" ]; then cat "$lic"; else echo "(no licence file in the package; declared licence: $license)"; fi
  done
} > "$out/LICENSES.txt"

version="$(node -p "require('$work/node_modules/@zazuko/yasqe/package.json').version")"
cat > "$out/README.md" <<README
# Vendored SPARQL editor

\`@zazuko/yasqe\` $version (YASQE, Yet Another SPARQL Query Editor; MIT), copied from the npm
registry by \`scripts/vendor_editor.sh\` (pinned by \`scripts/editor/package-lock.json\`).
Do not edit these files by hand: rerun the script. \`LICENSES.txt\` holds the licences of
every package bundled in \`yasqe.min.js\`; \`SHA256SUMS\` lets anyone check the copy.
README
(cd "$out" && sha256sum LICENSES.txt README.md yasqe.min.css yasqe.min.js > SHA256SUMS)

if [ "$check" -eq 1 ]; then
  if diff -r "$out" "$dest" >/dev/null; then
    echo "vendored editor matches the lock file ($dest)"
  else
    echo "vendored editor differs from what the lock file gives; rerun scripts/vendor_editor.sh" >&2
    diff -rq "$out" "$dest" >&2 || true
    exit 1
  fi
else
  rm -rf "$dest"
  mkdir -p "$(dirname "$dest")"
  cp -r "$out" "$dest"
  echo "wrote $dest:"
  du -sh "$dest"/* | sed 's/^/  /'
fi
