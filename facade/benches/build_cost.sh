#!/usr/bin/env bash
# What an application pays to compile this crate, by feature set, against the
# nine-operation crate (commit 70c8b0f) measured in the same run.
#
# The application is `facade/examples/minimal.rs` (one token-fail call) as a
# crate of its own. Variants:
#   nine     the nine-operation crate, default features
#   tokens   this crate, `default-features = false, features = ["rustls", "tokens"]`
#   default  this crate, default features (`authorization-server`)
#   full     this crate, `features = ["full"]`
# Each variant is built clean in its own target directory, debug then
# release; the debug builds of all variants run first, then the release
# builds, so that load from elsewhere spreads over all of them. Prints a
# Markdown table: wall and CPU (user + system) seconds, and the release
# binary's size, each with its ratio to `nine`.
#
# Usage: bash facade/benches/build_cost.sh [scratch dir]   (offline; ~15 min)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
scratch="${1:-${TMPDIR:-/tmp}/authlete-build-cost}"
baseline=70c8b0f
rm -rf "$scratch"
mkdir -p "$scratch"

# The baseline's sources, as they were.
mkdir -p "$scratch/nine-src"
git -C "$root" archive "$baseline" | tar -x -C "$scratch/nine-src"

app() { # name, dependency line
  local dir="$scratch/app-$1"
  mkdir -p "$dir/src"
  cat >"$dir/Cargo.toml" <<EOF
[package]
name = "app-$1"
version = "0.0.0"
edition = "2024"
publish = false

[workspace]

[dependencies]
$2
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
EOF
  sed -n '/^use /,$p' "$root/facade/examples/minimal.rs" >"$dir/src/main.rs"
  # The workspace's lock file, so that every variant builds the same versions.
  cp "$root/Cargo.lock" "$dir/Cargo.lock"
}
app nine "authlete = { path = \"$scratch/nine-src/facade\" }"
app tokens "authlete = { path = \"$root/facade\", default-features = false, features = [\"rustls\", \"tokens\"] }"
app default "authlete = { path = \"$root/facade\" }"
app full "authlete = { path = \"$root/facade\", features = [\"full\"] }"

variants=(nine tokens default full)
declare -A wall cpu size
build() { # variant, profile
  local dir="$scratch/app-$1" target="$scratch/target-$1-$2" flag=()
  [ "$2" = release ] && flag=(--release)
  rm -rf "$target"
  /usr/bin/time -o "$scratch/time-$1-$2" -f '%e %U %S' cargo build --offline --quiet "${flag[@]}" \
    --manifest-path "$dir/Cargo.toml" --target-dir "$target" >/dev/null 2>"$scratch/err-$1-$2"
  local t
  t=$(tail -1 "$scratch/time-$1-$2")
  wall[$1-$2]=$(awk '{print $1}' <<<"$t")
  cpu[$1-$2]=$(awk '{printf "%.1f", $2 + $3}' <<<"$t")
  if [ "$2" = release ]; then
    size[$1]=$(stat -c %s "$target/release/app-$1")
  fi
  echo "built $1 ($2): wall ${wall[$1-$2]} s, cpu ${cpu[$1-$2]} s" >&2
}
for v in "${variants[@]}"; do build "$v" debug; done
for v in "${variants[@]}"; do build "$v" release; done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo
echo "| variant | debug wall (s) | debug CPU (s) | release wall (s) | release CPU (s) | binary (bytes) |"
echo "|---|---|---|---|---|---|"
for v in "${variants[@]}"; do
  printf '| %s | %s (%s) | %s (%s) | %s (%s) | %s (%s) | %s (%s) |\n' "$v" \
    "${wall[$v-debug]}" "$(ratio "${wall[$v-debug]}" "${wall[nine-debug]}")" \
    "${cpu[$v-debug]}" "$(ratio "${cpu[$v-debug]}" "${cpu[nine-debug]}")" \
    "${wall[$v-release]}" "$(ratio "${wall[$v-release]}" "${wall[nine-release]}")" \
    "${cpu[$v-release]}" "$(ratio "${cpu[$v-release]}" "${cpu[nine-release]}")" \
    "${size[$v]}" "$(ratio "${size[$v]}" "${size[nine]}")"
done
