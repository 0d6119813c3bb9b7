// SPDX-License-Identifier: Apache-2.0

package nbdisplay

import (
	"strings"
	"testing"
	"time"

	"github.com/parachute-surv/goparachute/parachute/experiment"
)

// The panel follows the events: the current run's epoch and loss with its
// curve while training, the count of trained and cached runs, "done" at
// the end, and text written to it as its last line.
func TestLivePanel(t *testing.T) {
	p := NewLivePanel("Figure 5 <runs>")
	if h := p.HTML(); !strings.Contains(h, "waiting") || !strings.Contains(h, "Figure 5 &lt;runs&gt;") {
		t.Errorf("%s", h)
	}
	for ep := 1; ep <= 3; ep++ {
		p.Observe(experiment.ProgressEvent{RunsTotal: 2, Run: "synth:pda fold 0", Epoch: ep, Epochs: 3, Loss: 2 - 0.1*float64(ep),
			Elapsed: time.Duration(ep) * time.Second, Left: 5 * time.Second})
	}
	h := p.HTML()
	for _, want := range []string{"running: runs <b>0 / 2</b>", "epoch 3 / 3", "loss 1.7000", "<polyline", "left ~5s"} {
		if !strings.Contains(h, want) {
			t.Errorf("while training, the panel lacks %q:\n%s", want, h)
		}
	}
	p.Observe(experiment.ProgressEvent{RunsDone: 1, RunsTotal: 2, RunsTrained: 1, Run: "synth:pda fold 0", Finished: true, TestC: 0.71})
	p.Observe(experiment.ProgressEvent{RunsDone: 2, RunsTotal: 2, RunsTrained: 1, Run: "synth:pda fold 1", Finished: true, TestC: 0.69, Cached: true})
	p.Write([]byte("landscape of run abc\n"))
	h = p.HTML()
	for _, want := range []string{"done: runs <b>2 / 2</b> (1 trained, 1 from the cache)", "read from the cache, test C 0.690", "landscape of run abc", "#bbb"} {
		if !strings.Contains(h, want) {
			t.Errorf("at the end, the panel lacks %q:\n%s", want, h)
		}
	}
	if strings.Contains(h, "left ~") {
		t.Errorf("a finished sweep shows time left:\n%s", h)
	}
}
