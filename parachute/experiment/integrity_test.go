// SPDX-License-Identifier: Apache-2.0

package experiment

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/train"
	"github.com/parachute-surv/goparachute/parachute/train/traintest"
)

// A result file carries a checksum: read back intact it loads; truncated
// or with one digit changed it is refused as corrupt, and RunOrLoad
// retrains it rather than read it.
func TestDamagedResultIsRetrained(t *testing.T) {
	cfg := traintest.TinyConfig(t)
	cfg.Epochs, cfg.Schedule.TMax = 2, 2
	rc := ProtocolRuns(data.CohortSpec{Source: "synth:ucec", Seed: 1}, 4, train.MethodParachute, cfg, train.EvalConfig{Repeats: 1, CalibrationBins: 2})[0]
	root := t.TempDir()
	first, _, err := RunOrLoad(root, rc, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if first.Checksum == "" {
		t.Fatal("no checksum written")
	}
	if _, ok, err := LoadResult(root, rc); !ok || err != nil {
		t.Fatalf("an intact file: ok %v, %v", ok, err)
	}
	path := ResultPath(root, rc)
	raw, _ := os.ReadFile(path)
	i := strings.Index(string(raw), `"seconds": `) + len(`"seconds": `)
	flipped := append([]byte(nil), raw...)
	if flipped[i]++; flipped[i] > '9' { // change the first digit of "seconds"
		flipped[i] = '1'
	}
	for name, bad := range map[string][]byte{"truncated": raw[:len(raw)/2], "one digit changed": flipped} {
		os.WriteFile(path, bad, 0o644)
		if _, _, err := LoadResult(root, rc); !errors.Is(err, ErrCorruptResult) {
			t.Errorf("%s: %v", name, err)
		}
		var log strings.Builder
		again, cached, err := RunOrLoad(root, rc, RunOptions{TrainOptions: train.TrainOptions{Progress: &log}})
		if err != nil || cached {
			t.Fatalf("%s: cached %v, %v", name, cached, err)
		}
		if !strings.Contains(log.String(), "retraining") || again.Metrics.HarrellC != first.Metrics.HarrellC {
			t.Errorf("%s: log %q; C %v then %v", name, log.String(), first.Metrics.HarrellC, again.Metrics.HarrellC)
		}
	}
}
