// SPDX-License-Identifier: Apache-2.0

package experiment

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/parachute-surv/goparachute/parachute/train"
)

// ProgressEvent is a sweep's state after an epoch of one of its runs, or
// after a run finished (Finished set, Epoch the run's last).
type ProgressEvent struct {
	// RunsDone of RunsTotal have finished (RunsTrained of them trained, the
	// others read from the cache).
	RunsDone, RunsTotal, RunsTrained int
	// Run describes the run the event is about; Epoch (1-based) of Epochs
	// and its mean training loss.
	Run           string
	Epoch, Epochs int
	Loss          float64
	// TestC is a finished run's test Harrell C; Cached says it was read
	// from the cache.
	Finished bool
	TestC    float64
	Cached   bool
	// Elapsed since the sweep began, and Left its estimate (0 when unknown).
	Elapsed, Left time.Duration
}

// ProgressObserver receives a sweep's progress as events: a progress
// writer given to RunAll (and to the figure builders) that implements it
// gets every event instead of the text lines (a notebook's live panel).
type ProgressObserver interface {
	Observe(ProgressEvent)
}

// sweepProgress prints runs done of total, each worker's current run and
// epoch, elapsed and estimated time left: one live line on a terminal, log
// lines otherwise.
type sweepProgress struct {
	mu       sync.Mutex
	w        io.Writer
	terminal bool
	total    int
	finished int
	trained  int
	began    time.Time
	status   map[int]string
}

func newSweepProgress(w io.Writer, total int) *sweepProgress {
	p := &sweepProgress{w: w, total: total, began: time.Now(), status: map[int]string{}}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.terminal = true
		}
	}
	return p
}

func (p *sweepProgress) eta() string {
	if p.trained == 0 {
		return "?"
	}
	return p.left().Round(time.Second).String()
}

// left extrapolates the time left from the runs trained so far (cached runs
// take no time); 0 before the first.
func (p *sweepProgress) left() time.Duration {
	if p.trained == 0 {
		return 0
	}
	return time.Duration(float64(time.Since(p.began)) / float64(p.trained) * float64(p.total-p.finished))
}

// event sends an event to an observing writer; false when the writer does
// not observe.
func (p *sweepProgress) event(e ProgressEvent) bool {
	o, ok := p.w.(ProgressObserver)
	if !ok {
		return false
	}
	e.RunsDone, e.RunsTotal, e.RunsTrained = p.finished, p.total, p.trained
	e.Elapsed, e.Left = time.Since(p.began), p.left()
	o.Observe(e)
	return true
}

// describe names a run for progress: cohort, method, optimizer, fold, p_miss.
func describe(r RunConfig) string {
	return fmt.Sprintf("%s %s %s fold %d p_miss %.2f seed %d", r.Cohort.Source, r.Method, r.Train.Optimizer, r.Fold, r.Train.PMiss, r.Train.Seed)
}

func (p *sweepProgress) epoch(worker int, r RunConfig, e train.Epoch) {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.event(ProgressEvent{Run: describe(r), Epoch: e.Epoch + 1, Epochs: r.Train.Epochs, Loss: e.Loss}) {
		return
	}
	p.status[worker] = fmt.Sprintf("fold %d p_miss %.2f epoch %d/%d", r.Fold, r.Train.PMiss, e.Epoch+1, r.Train.Epochs)
	if p.terminal {
		var parts []string
		for w := range len(p.status) + 1 {
			if s, ok := p.status[w]; ok {
				parts = append(parts, s)
			}
		}
		fmt.Fprintf(p.w, "\r\033[Kruns %d/%d  %s  elapsed %s  left ~%s", p.finished, p.total, strings.Join(parts, " | "),
			time.Since(p.began).Round(time.Second), p.eta())
	} else if (e.Epoch+1)%10 == 0 || e.Epoch+1 == r.Train.Epochs {
		fmt.Fprintf(p.w, "runs %d/%d  %s  loss %.4f  elapsed %s\n", p.finished, p.total, p.status[worker], e.Loss, time.Since(p.began).Round(time.Second))
	}
}

func (p *sweepProgress) done(worker int, r RunConfig, res *RunResult, cached bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.finished++
	if !cached {
		p.trained++
	}
	delete(p.status, worker)
	if p.w == nil {
		return
	}
	if p.event(ProgressEvent{Run: describe(r), Finished: true, TestC: float64(res.Metrics.HarrellC), Cached: cached, Epochs: r.Train.Epochs}) {
		return
	}
	how := "trained"
	if cached {
		how = "cached"
	}
	line := fmt.Sprintf("runs %d/%d  %s fold %d p_miss %.2f: test C %.3f (%s)  elapsed %s  left ~%s",
		p.finished, p.total, res.Hash, r.Fold, r.Train.PMiss, float64(res.Metrics.HarrellC), how,
		time.Since(p.began).Round(time.Second), p.eta())
	if p.terminal {
		fmt.Fprintf(p.w, "\r\033[K%s\n", line)
	} else {
		fmt.Fprintln(p.w, line)
	}
}

func (p *sweepProgress) finish() {}

// Write prints a run's one-off message (resumed from its checkpoint, a
// damaged result retrained, waiting for a lock) as a line of its own
// between the progress lines; an observing writer does not get them.
func (p *sweepProgress) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.w.(ProgressObserver); ok || p.w == nil {
		return len(b), nil
	}
	if p.terminal {
		fmt.Fprint(p.w, "\r\033[K")
	}
	return p.w.Write(b)
}
