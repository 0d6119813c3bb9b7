// SPDX-License-Identifier: Apache-2.0

package nbdisplay

import (
	"fmt"
	"html"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/janpfeifer/gonb/gonbui"

	"github.com/parachute-surv/goparachute/parachute/experiment"
	"github.com/parachute-surv/goparachute/parachute/train"
)

// LivePanel shows training progress in a notebook cell as one HTML block
// updated in place: runs done of total (trained and read from the cache),
// the current run, its epoch and loss, elapsed and estimated time left, and
// a small loss curve of the current run over the last finished ones. Give
// it as the Progress writer of the figure builders (figures.Options) or of
// experiment.RunAll: it implements experiment.ProgressObserver, so it gets
// events instead of text; other text written to it shows as the panel's
// last line. Its final state stays in the saved notebook. Outside a notebook
// it draws nothing.
type LivePanel struct {
	mu     sync.Mutex
	id     string
	title  string
	last   experiment.ProgressEvent
	seen   bool
	losses []float64   // the current run's epoch losses
	curves [][]float64 // the last finished runs' curves
	note   string
	drawn  time.Time
}

// liveRedraw is the shortest interval between two redraws (a run finishing
// the sweep is always drawn).
const liveRedraw = 400 * time.Millisecond

// NewLivePanel returns a panel with the given title.
func NewLivePanel(title string) *LivePanel {
	return &LivePanel{id: "parachute_live_" + gonbui.UniqueId(), title: title}
}

// Reset starts the panel over with a new title (a new sweep in the same
// block).
func (p *LivePanel) Reset(title string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.title, p.seen, p.losses, p.curves, p.note = title, false, nil, nil, ""
	p.redraw(true)
}

// Observe implements experiment.ProgressObserver.
func (p *LivePanel) Observe(e experiment.ProgressEvent) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.seen && e.Run != p.last.Run {
		p.finishCurve()
	}
	p.last, p.seen = e, true
	if !e.Finished {
		p.losses = append(p.losses, e.Loss)
	} else {
		p.finishCurve()
	}
	p.redraw(e.Finished && e.RunsDone == e.RunsTotal)
}

// finishCurve moves the current run's curve to the finished ones.
func (p *LivePanel) finishCurve() {
	if len(p.losses) > 1 {
		p.curves = append(p.curves, p.losses)
		if len(p.curves) > 5 {
			p.curves = p.curves[1:]
		}
	}
	p.losses = nil
}

// Write shows the last line of text written (for example an analysis step).
func (p *LivePanel) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if l := strings.TrimSpace(lines[len(lines)-1]); l != "" {
		p.note = l
	}
	p.redraw(false)
	return len(b), nil
}

// OnEpoch returns a callback for experiment.TrainOptions.OnEpoch that
// shows one run's training (run names it, epochs is its length).
func (p *LivePanel) OnEpoch(run string, epochs int) func(train.Epoch) {
	began := time.Now()
	return func(e train.Epoch) {
		elapsed := time.Since(began)
		left := time.Duration(float64(elapsed) / float64(e.Epoch+1) * float64(epochs-e.Epoch-1))
		p.Observe(experiment.ProgressEvent{RunsTotal: 1, Run: run, Epoch: e.Epoch + 1, Epochs: epochs, Loss: e.Loss,
			Elapsed: elapsed, Left: left})
		if e.Epoch+1 == epochs {
			p.Observe(experiment.ProgressEvent{RunsDone: 1, RunsTotal: 1, RunsTrained: 1, Run: run, Finished: true,
				Epoch: epochs, Epochs: epochs, Elapsed: elapsed, TestC: math.NaN()})
		}
	}
}

// Done draws the final state.
func (p *LivePanel) Done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.redraw(true)
}

func (p *LivePanel) redraw(force bool) {
	if !force && time.Since(p.drawn) < liveRedraw {
		return
	}
	p.drawn = time.Now()
	gonbui.UpdateHtml(p.id, p.html())
}

// HTML returns the panel's current HTML.
func (p *LivePanel) HTML() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.html()
}

func (p *LivePanel) html() string {
	e := p.last
	var b strings.Builder
	b.WriteString(`<div style="font-family:sans-serif;font-size:90%;border:1px solid #ccc;border-radius:4px;padding:6px 10px;display:inline-block;min-width:28em">`)
	fmt.Fprintf(&b, `<div style="font-weight:bold">%s</div>`, html.EscapeString(p.title))
	if !p.seen {
		b.WriteString(`<div>waiting for the first run…</div>`)
	} else {
		state := "running"
		if e.Finished && e.RunsDone == e.RunsTotal {
			state = "done"
		}
		pct := 0.0
		if e.RunsTotal > 0 {
			pct = 100 * float64(e.RunsDone) / float64(e.RunsTotal)
		}
		fmt.Fprintf(&b, `<div>%s: runs <b>%d / %d</b> (%d trained, %d from the cache) · elapsed %s`,
			state, e.RunsDone, e.RunsTotal, e.RunsTrained, e.RunsDone-e.RunsTrained, e.Elapsed.Round(time.Second))
		if e.Left > 0 && state == "running" {
			fmt.Fprintf(&b, ` · left ~%s`, e.Left.Round(time.Second))
		}
		b.WriteString(`</div>`)
		fmt.Fprintf(&b, `<div style="background:#eee;height:6px;margin:3px 0"><div style="background:#4a7fb0;height:6px;width:%.1f%%"></div></div>`, pct)
		if e.Finished {
			how := "trained"
			if e.Cached {
				how = "read from the cache"
			}
			c := ""
			if !math.IsNaN(e.TestC) {
				c = fmt.Sprintf(", test C %.3f", e.TestC)
			}
			fmt.Fprintf(&b, `<div>last run: %s (%s%s)</div>`, html.EscapeString(e.Run), how, c)
		} else {
			fmt.Fprintf(&b, `<div>current run: %s · epoch %d / %d · loss %.4f</div>`, html.EscapeString(e.Run), e.Epoch, e.Epochs, e.Loss)
		}
		b.WriteString(lossSparkline(p.losses, p.curves))
	}
	if p.note != "" {
		fmt.Fprintf(&b, `<div style="color:#555">%s</div>`, html.EscapeString(p.note))
	}
	b.WriteString(`</div>`)
	return b.String()
}

// lossSparkline draws the current run's losses (dark) over the last
// finished runs' (light) as an inline SVG, epochs along x, all on one
// scale; empty when there is nothing to draw.
func lossSparkline(current []float64, done [][]float64) string {
	all := append(append([][]float64{}, done...), current)
	lo, hi, n := math.Inf(1), math.Inf(-1), 0
	for _, c := range all {
		for _, v := range c {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
		n = max(n, len(c))
	}
	if n < 2 || !(hi >= lo) {
		return ""
	}
	if hi == lo {
		hi = lo + 1
	}
	const w, h = 240.0, 50.0
	line := func(c []float64, colour string, width float64) string {
		var pts []string
		for i, v := range c {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				continue
			}
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", 2+float64(i)/float64(n-1)*(w-4), 2+(hi-v)/(hi-lo)*(h-4)))
		}
		return fmt.Sprintf(`<polyline fill="none" stroke="%s" stroke-width="%.1f" points="%s"/>`, colour, width, strings.Join(pts, " "))
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<div style="display:flex;align-items:center;gap:8px"><svg width="%.0f" height="%.0f" style="background:#fafafa;border:1px solid #eee">`, w, h)
	for _, c := range done {
		b.WriteString(line(c, "#bbb", 1))
	}
	if len(current) > 1 {
		b.WriteString(line(current, "#1f4e79", 1.6))
	}
	fmt.Fprintf(&b, `</svg><span style="color:#555">training loss per epoch<br>%.3g – %.3g</span></div>`, lo, hi)
	return b.String()
}
