// SPDX-License-Identifier: Apache-2.0

package opclock

import (
	"sort"
	"sync"
	"time"

	"github.com/gomlx/gomlx/backends"
)

// Entry is the time and the number of calls of one op type in one account.
type Entry struct {
	Spent time.Duration
	Calls int
}

// Clock holds the timed ops per account and op type.
type Clock struct {
	mu      sync.Mutex
	account string
	entries map[string]map[backends.OpType]Entry
}

// SetAccount makes later ops count under name ("" is an account too).
func (c *Clock) SetAccount(name string) {
	c.mu.Lock()
	c.account = name
	c.mu.Unlock()
}

func (c *Clock) add(op backends.OpType, d time.Duration) {
	c.mu.Lock()
	m := c.entries[c.account]
	if m == nil {
		m = map[backends.OpType]Entry{}
		c.entries[c.account] = m
	}
	e := m[op]
	e.Spent += d
	e.Calls++
	m[op] = e
	c.mu.Unlock()
}

// Reset forgets every account's entries.
func (c *Clock) Reset() {
	c.mu.Lock()
	c.entries = map[string]map[backends.OpType]Entry{}
	c.mu.Unlock()
}

// Account returns a copy of an account's entries by op type.
func (c *Clock) Account(name string) map[backends.OpType]Entry {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[backends.OpType]Entry{}
	for op, e := range c.entries[name] {
		out[op] = e
	}
	return out
}

// Kinds of ops, as the breakdown groups them.
const (
	KindMatMul      = "matrix products"
	KindElementwise = "element-wise"
	KindReduce      = "reductions"
	KindCopy        = "transposes, broadcasts and copies"
	KindOther       = "other ops"
)

// Kinds lists the kinds in the order the breakdown shows them.
var Kinds = []string{KindMatMul, KindElementwise, KindReduce, KindCopy, KindOther}

// KindOf returns the kind of op type op.
func KindOf(op backends.OpType) string {
	switch op {
	case backends.OpTypeDotGeneral, backends.OpTypeDot, backends.OpTypeConvGeneral:
		return KindMatMul
	case backends.OpTypeReduceSum, backends.OpTypeReduceMax, backends.OpTypeReduceMin, backends.OpTypeReduceProduct,
		backends.OpTypeReduceBitwiseAnd, backends.OpTypeReduceBitwiseOr, backends.OpTypeReduceBitwiseXor,
		backends.OpTypeReduceLogicalAnd, backends.OpTypeReduceLogicalOr, backends.OpTypeReduceLogicalXor,
		backends.OpTypeArgMinMax, backends.OpTypeReduceWindow:
		return KindReduce
	case backends.OpTypeTranspose, backends.OpTypeBroadcastInDim, backends.OpTypeBroadcast, backends.OpTypeReshape,
		backends.OpTypeSlice, backends.OpTypeConcatenate, backends.OpTypeGather, backends.OpTypeScatterSum,
		backends.OpTypeScatterMax, backends.OpTypeScatterMin, backends.OpTypePad, backends.OpTypeReverse,
		backends.OpTypeDynamicSlice, backends.OpTypeDynamicUpdateSlice, backends.OpTypeIota, backends.OpTypeIdentity:
		return KindCopy
	case backends.OpTypeFFT, backends.OpTypeSelectAndScatterMax, backends.OpTypeSelectAndScatterMin,
		backends.OpTypeSelectAndScatterSum, backends.OpTypeAllReduce, backends.OpTypeCollectiveBroadcast,
		backends.OpTypeAllGather:
		return KindOther
	}
	// The rest from Abs on (GoMLX lists the standard ops alphabetically)
	// compute each output element from the operands' same element.
	if backends.OpTypeAbs <= op && op < backends.OpTypeAllReduce {
		return KindElementwise
	}
	return KindOther
}

// ByKind sums entries by [KindOf] their op type.
func ByKind(entries map[backends.OpType]Entry) map[string]Entry {
	out := map[string]Entry{}
	for op, e := range entries {
		k := out[KindOf(op)]
		k.Spent += e.Spent
		k.Calls += e.Calls
		out[KindOf(op)] = k
	}
	return out
}

// Top returns the op types of entries from the most time spent down.
func Top(entries map[backends.OpType]Entry) []backends.OpType {
	ops := make([]backends.OpType, 0, len(entries))
	for op := range entries {
		ops = append(ops, op)
	}
	sort.Slice(ops, func(i, j int) bool {
		if entries[ops[i]].Spent != entries[ops[j]].Spent {
			return entries[ops[i]].Spent > entries[ops[j]].Spent
		}
		return ops[i] < ops[j]
	})
	return ops
}
