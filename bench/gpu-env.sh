# Sourced by the GPU queue's scripts (bench/gpu-queue.md; OUT and log set):
# finds JAX's PJRT CUDA plugin, the CUDA data folder (libdevice, ptxas) and
# the NVIDIA libraries; sets GOMLX_BACKEND=xla:<plugin>, XLA_FLAGS and
# LD_LIBRARY_PATH (never downloads: GOMLX_NO_AUTO_INSTALL=1); writes
# $OUT/environment.json; unpacks bench/bin's binaries and sets BIN to the
# first that runs a 2-op graph on the plugin ($OUT/backends.json).
#
# GPU_DRY_RUN=1 (bench/gpu-queue.sh --dry-run) rehearses a script on a
# machine without a GPU: BIN is cmd/parachute built here with go build, on
# the pure-Go backend, and DRY_RUN=1 tells the script to shrink its work.
if [ "${GPU_DRY_RUN:-0}" = 1 ]; then
  export DRY_RUN=1 GOMLX_BACKEND=go:ops_sequential GOMLX_NO_AUTO_INSTALL=1
  PY="${PYTHON:-python3}"
  BIN_DIR="$(mktemp -d)"
  log "dry run: building cmd/parachute for the pure-Go backend"
  go build -tags nohdf5 -o "$BIN_DIR/parachute" ./cmd/parachute || { echo "go build failed" >&2; exit 1; }
  BIN="$BIN_DIR/parachute"
  printf '{"gpu": "none (dry run on %s, %s CPUs)", "dry_run": true}\n' "$(uname -m)" "$(nproc)" >"$OUT/environment.json"
  "$BIN" backends --json --smoke >"$OUT/backends.json" || { echo "the dry-run binary failed its 2-op graph" >&2; exit 1; }
  return 0 2>/dev/null || exit 0
fi
export DRY_RUN=0
PY="${PYTHON:-python3}"
SITE="$("$PY" -c 'import jax, os; print(os.path.dirname(os.path.dirname(jax.__file__)))')"
PLUGIN="$(find "$SITE/jax_plugins" -name 'xla_cuda_plugin.so' 2>/dev/null | head -n 1)"
[ -n "$PLUGIN" ] || { echo "no xla_cuda_plugin.so under $SITE/jax_plugins" >&2; exit 1; }
log "plugin $PLUGIN"
# The CUDA data folder holds nvvm/libdevice/libdevice.10.bc (and bin/ptxas).
LIBDEVICE="$(find "$SITE/nvidia" /usr/local/cuda*/ -name 'libdevice.10.bc' 2>/dev/null | head -n 1)"
CUDA_DATA="$(dirname "$(dirname "$(dirname "$LIBDEVICE")")")"
PTXAS="$(find "$CUDA_DATA" "$SITE/nvidia" /usr/local/cuda*/ -name ptxas -type f 2>/dev/null | head -n 1)"
log "libdevice ${LIBDEVICE:-not found}; ptxas ${PTXAS:-not found}"
NVLIBS="$(find "$SITE/nvidia" -maxdepth 3 -type d -name lib 2>/dev/null | paste -sd: -)"
export GOMLX_NO_AUTO_INSTALL=1 GOPJRT_CUDA_CHECKS=0
export GOMLX_BACKEND="xla:$PLUGIN"
export XLA_FLAGS="--xla_gpu_cuda_data_dir=$CUDA_DATA"
export LD_LIBRARY_PATH="$NVLIBS${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
[ -n "$PTXAS" ] && export PATH="$(dirname "$PTXAS"):$PATH"
"$PY" - "$OUT/environment.json" <<PYEOF
import json, subprocess, sys, importlib.metadata as md
def ver(p):
    try: return md.version(p)
    except Exception: return None
gpu = subprocess.run(["nvidia-smi", "--query-gpu=name,memory.total,driver_version", "--format=csv,noheader"],
                     capture_output=True, text=True).stdout.strip()
json.dump({"gpu": gpu, "plugin": "$PLUGIN", "cuda_data_dir": "$CUDA_DATA", "ptxas": "$PTXAS",
           "jax": ver("jax"), "jax-cuda13-pjrt": ver("jax-cuda13-pjrt"), "torch": ver("torch")},
          open(sys.argv[1], "w"), indent=2)
print(gpu)
PYEOF

# bench/bin holds gzipped binaries (the working tree travels with a size
# limit); unpack them next to this script's output.
BIN_DIR="$(mktemp -d)"
for f in bench/bin/*.gz; do gunzip -c "$f" >"$BIN_DIR/$(basename "$f" .gz)"; chmod +x "$BIN_DIR/$(basename "$f" .gz)"; done
BIN=""
for candidate in parachute-goxla-v0.1.4 parachute-goxla-v0.2.1; do
  log "$candidate backends --smoke"
  if timeout 120 "$BIN_DIR/$candidate" backends --json --smoke >"$OUT/backends.json"; then
    BIN="$BIN_DIR/$candidate"; cat "$OUT/backends.json" >&2; break
  fi
done
[ -n "$BIN" ] || { echo "neither binary ran a graph on the CUDA plugin" >&2; exit 1; }

