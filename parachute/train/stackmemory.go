// SPDX-License-Identifier: Apache-2.0

package train

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/model"
)

// RunMemoryBytes estimates the memory one run of cfg holds when it trains,
// alone or as one of a stack's K runs (a stack of K holds about K times it,
// in either layout: on a run axis every intermediate is K runs wide): the
// bytes of every value of the run's training graph, all counted as
// if held at once — inputs, parameters and the other variables the step
// reads, each intermediate, the gradients and the updated variables — plus
// the AdamW moments when AdamW runs on the host (the pure-Go backend). It is
// an upper bound of a step's working set: a backend that frees or reuses
// buffers (XLA does) stays under it. The graph is built, not compiled or
// run; the widths are the cohort's.
func RunMemoryBytes(b backends.Backend, c *data.Cohort, cfg TrainConfig) (int64, error) {
	t, err := NewTrainer(b, c, cfg)
	if err != nil {
		return 0, err
	}
	g := NewGraph(b, "run memory")
	defer g.Finalize()
	// The training graph's inputs, as stepArgs gives them: an (empty) batch,
	// its outcomes and the learning rate.
	args := append(t.args(model.NewBatch(t.Config.Model, t.Config.BatchSize)), tensors.FromScalar(0.0))
	inputs := make([]*Node, len(args))
	for i, x := range args {
		inputs[i] = Parameter(g, fmt.Sprintf("input%d", i), x.(*tensors.Tensor).Shape())
	}
	t.trainGraph(t.ctx, inputs)
	var bytes int64
	for _, n := range g.Nodes() {
		if s := n.Shape(); s.DType != dtypes.InvalidDType { // a multi-output node has none; its outputs are nodes too
			bytes += int64(s.Memory())
		}
	}
	if t.adamwOnHost {
		for _, p := range t.params {
			bytes += 2 * int64(p.Shape().Memory())
		}
	}
	return bytes, nil
}

// StackSizeFor is the most runs of perRun bytes that fit in budget bytes,
// at least 1 and at most limit; a budget ≤ 0 is no budget (limit).
func StackSizeFor(perRun, budget int64, limit int) int {
	if budget <= 0 || perRun <= 0 {
		return limit
	}
	return max(1, min(limit, int(budget/perRun)))
}

// StackMemoryBudget is the memory RunAll lets all its stacks together hold
// when RunOptions.StackMemory is 0: on the pure-Go backend half of the memory
// the host has available (MemAvailable of /proc/meminfo); on XLA backends 0,
// no budget (the device's memory is not visible through GoMLX, so --stack
// and --stack-memory bound a stack there).
func StackMemoryBudget(pureGo bool) int64 {
	if !pureGo {
		return 0
	}
	raw, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	return availableMemory(string(raw)) / 2
}

// availableMemory reads MemAvailable (in bytes) from the text of
// /proc/meminfo; 0 when absent.
func availableMemory(meminfo string) int64 { return procKiB(meminfo, "MemAvailable") << 10 }

// ParseBytes reads a memory size: a number with an optional unit B, KB, MB,
// GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024), case
// insensitive, as in "80GiB" or "512 MB"; a bare number is bytes.
func ParseBytes(s string) (int64, error) {
	text := strings.TrimSpace(s)
	i := len(text)
	for i > 0 && (text[i-1] < '0' || text[i-1] > '9') && text[i-1] != '.' {
		i--
	}
	number, unit := strings.TrimSpace(text[:i]), strings.ToLower(strings.TrimSpace(text[i:]))
	scale := map[string]float64{"": 1, "b": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
		"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40}
	f, err := strconv.ParseFloat(number, 64)
	m, ok := scale[unit]
	if err != nil || !ok || f < 0 {
		return 0, fmt.Errorf("train: memory size %q: want a non-negative number with an optional unit (B, KB, MB, GB, TB, KiB, MiB, GiB, TiB)", s)
	}
	return int64(f * m), nil
}

// PeakRSSMB reads the process's peak resident memory (Linux VmHWM); 0
// elsewhere.
func PeakRSSMB() float64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	return float64(procKiB(string(raw), "VmHWM")) / 1024
}

// procKiB reads the field "key:   N kB" of a /proc file's text (status,
// meminfo) as N; 0 when absent or unreadable.
func procKiB(text, key string) int64 {
	for _, line := range strings.Split(text, "\n") {
		if rest, ok := strings.CutPrefix(line, key+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				return 0
			}
			return kb
		}
	}
	return 0
}
