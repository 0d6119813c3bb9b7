// SPDX-License-Identifier: Apache-2.0

//go:build !stockgomlx

package opclock

import (
	"fmt"
	"sync"
	"time"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/simplego"

	"github.com/parachute-surv/goparachute/parachute/internal/simplegoabi"
)

var (
	installOnce sync.Once
	installErr  error
	clock       = &Clock{entries: map[string]map[backends.OpType]Entry{}}
)

// Install wraps simplego's executors once per process and returns the
// process's clock. Call it after the backend is set up (package backend
// installs the BLAS and fastops executors when it creates one; an executor
// replaced after Install is not timed).
func Install() (*Clock, error) {
	installOnce.Do(func() {
		if err := simplegoabi.Check(); err != nil {
			installErr = fmt.Errorf("opclock: %w", err)
			return
		}
		for op := backends.OpType(0); op < backends.OpTypeLast; op++ {
			if ex := simplegoabi.ExecutorOf(op); ex != nil {
				simplegoabi.SetExecutor(op, timed(op, ex))
			}
		}
	})
	return clock, installErr
}

// timed wraps executor ex of op with the clock.
func timed(op backends.OpType, ex simplegoabi.Executor) simplegoabi.Executor {
	return func(b *simplego.Backend, node *simplego.Node, inputs []*simplego.Buffer, owned []bool) (*simplego.Buffer, error) {
		began := time.Now()
		out, err := ex(b, node, inputs, owned)
		clock.add(op, time.Since(began))
		return out, err
	}
}
