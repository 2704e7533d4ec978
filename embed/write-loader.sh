#!/bin/sh
# Trunk post-build hook: writes embed.js, the host pages' entry, naming this build's hashed
# glue, wasm and console stylesheet (host pages must not need to know the hashes).
set -eu
dir="$TRUNK_STAGING_DIR"
one() {
  found=$(cd "$dir" && ls $1 2>/dev/null | grep -v "$2" || true)
  if [ "$(printf '%s\n' "$found" | grep -c .)" -ne 1 ]; then
    echo "embed/write-loader.sh: expected one file matching $1 in $dir, found: $found" >&2
    exit 1
  fi
  printf '%s' "$found"
}
glue=$(one 'ws-console-*.js' '_bg\|embed')
wasm=$(one 'ws-console-*_bg.wasm' '^$')
css=$(one 'console-*.css' '^$')
sed -e "s|@GLUE@|$glue|" -e "s|@WASM@|$wasm|" -e "s|@CSS@|$css|" \
  "$TRUNK_SOURCE_DIR/embed/embed.js.in" > "$dir/embed.js"
