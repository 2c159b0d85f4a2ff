#!/bin/bash
# Verifying signatures, weft side by side with gpgv and sqv in the same
# run (issue 5, item 7).  Prints wall times and ratios; never pass/fail.
#
# 1. Per signature: a detached Ed25519 signature over a small file,
#    checked WEFT_BENCH_RUNS (15) times by each tool; the median wall
#    time of a whole process (start-up included).  weft twice: with the
#    web of trust (its normal verdict) and with --no-trust (what gpgv and
#    sqv do: cryptography only).  Target: weft no slower than either.
# 2. Throughput: a detached signature over a file of WEFT_BENCH_MB
#    (1024) MiB, generated in the bench directory at run time (zeros:
#    hashing does not care), checked once by each tool; the baseline is
#    libgcrypt's own SHA-256 over the same file (gpg --print-md SHA256),
#    the hash speed the target is close to.
set -u
export LC_ALL=C
top=$(cd "$(dirname "$0")/../.." && pwd)
WEFT=${WEFT:-$top/build/weft}
RUNS=${WEFT_BENCH_RUNS:-15}
MB=${WEFT_BENCH_MB:-1024}
[ -x "$WEFT" ] || { echo "bench verify: $WEFT missing (make)"; exit 1; }
T=$(mktemp -d /tmp/weft-bench-verify.XXXXXX)
trap 'rm -rf "$T"' EXIT
cp "$WEFT" "$T/weft" && WEFT=$T/weft

timed() {
	local s=$EPOCHREALTIME e
	"$@" >/dev/null 2>&1
	RC=$?
	e=$EPOCHREALTIME
	DT=$(echo "$e - $s" | bc -l)
}
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
ft() {
	if [ -z "$1" ]; then printf '%10s' "-"
	elif [ "$(echo "$1 < 1" | bc -l)" = 1 ]; then printf '%7.1f ms' "$(echo "$1 * 1000" | bc -l)"
	else printf '%8.2f s' "$1"; fi
}
ratio() {
	if [ -z "$1" ] || [ -z "$2" ]; then printf '%9s' "-"
	else printf '%8.2fx' "$(echo "$1 / $2" | bc -l)"; fi
}
# times LABEL CMD...: RUNS runs, the median in MED (empty when it fails)
times() {
	local label=$1 t=() i
	shift
	MED=""
	for ((i = 0; i < RUNS; i++)); do
		timed "$@"
		if [ "$RC" != 0 ]; then echo "  $label failed (exit $RC)"; return; fi
		t+=("$DT")
	done
	MED=$(median "${t[@]}")
}

W() { "$WEFT" --home "$T/home" "$@"; }
W -q generate "Bench <bench@example.org>" --no-passphrase >/dev/null 2>&1 ||
	{ echo "bench verify: weft generate failed"; exit 1; }
W export > "$T/key.pgp"
head -c 4096 /dev/urandom > "$T/small"
W -q sign --detach -o "$T/small.sig" "$T/small"
have_gpgv=0; command -v gpgv >/dev/null && have_gpgv=1
have_sqv=0; command -v sqv >/dev/null && have_sqv=1

echo "== verify: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
times "weft verify" "$WEFT" --home "$T/home" verify --signature "$T/small.sig" "$T/small"; w_t=$MED
times "weft verify --no-trust" "$WEFT" --home "$T/home" verify --no-trust --signature "$T/small.sig" "$T/small"; w_n=$MED
g=""; s=""
[ $have_gpgv = 1 ] && { times gpgv gpgv --keyring "$T/key.pgp" "$T/small.sig" "$T/small"; g=$MED; }
[ $have_sqv = 1 ] && { times sqv sqv --keyring "$T/key.pgp" "$T/small.sig" "$T/small"; s=$MED; }
printf '%-44s %10s   %s\n' "one detached signature, 4 KiB, per process" "median" "other/weft (no-trust)"
printf '%-44s %s\n' "weft verify (with the web of trust)" "$(ft "$w_t")"
printf '%-44s %s\n' "weft verify --no-trust" "$(ft "$w_n")"
printf '%-44s %s %s\n' "gpgv" "$(ft "$g")" "$(ratio "$g" "$w_n")"
printf '%-44s %s %s\n' "sqv" "$(ft "$s")" "$(ratio "$s" "$w_n")"

# 2. throughput
head -c $((MB * 1024 * 1024)) /dev/zero > "$T/big"
W -q sign --detach -o "$T/big.sig" "$T/big"
timed gpg --print-md SHA256 "$T/big"; base=$DT
timed "$WEFT" --home "$T/home" verify --no-trust --signature "$T/big.sig" "$T/big"; wb=$DT; wrc=$RC
gb=""; sb=""
[ $have_gpgv = 1 ] && { timed gpgv --keyring "$T/key.pgp" "$T/big.sig" "$T/big"; gb=$DT; }
[ $have_sqv = 1 ] && { timed sqv --keyring "$T/key.pgp" "$T/big.sig" "$T/big"; sb=$DT; }
mbps() { [ -n "$1" ] && printf '%7.0f MiB/s' "$(echo "$MB / $1" | bc -l)" || printf '%13s' -; }
echo
printf '%-44s %10s %13s   %s\n' "detached signature over $MB MiB" "time" "throughput" "time/SHA-256 alone"
printf '%-44s %s %s %s\n' "libgcrypt SHA-256 alone (gpg --print-md)" "$(ft "$base")" "$(mbps "$base")" ""
printf '%-44s %s %s %s%s\n' "weft verify --no-trust" "$(ft "$wb")" "$(mbps "$wb")" "$(ratio "$wb" "$base")" "$([ "$wrc" = 0 ] || echo "  (exit $wrc)")"
printf '%-44s %s %s %s\n' "gpgv" "$(ft "$gb")" "$(mbps "$gb")" "$(ratio "$gb" "$base")"
printf '%-44s %s %s %s\n' "sqv" "$(ft "$sb")" "$(mbps "$sb")" "$(ratio "$sb" "$base")"
rm -f "$T/big"
