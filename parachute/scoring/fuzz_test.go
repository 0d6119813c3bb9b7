// SPDX-License-Identifier: Apache-2.0

package scoring_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/parachute-surv/goparachute/parachute/scoring"
)

// Any bytes as a metrics CSV give a table or an error, never a panic.
func FuzzReadCSV(f *testing.F) {
	f.Add([]byte("patient,time,event,risk,S_200\nP1,100,1,0.5,0.9\nP2,,,0.1,0.95\n"))
	f.Add([]byte("time,event,risk\n1,true,NaN\n"))
	f.Add([]byte("\"\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		path := filepath.Join(t.TempDir(), "preds.csv")
		os.WriteFile(path, raw, 0o644)
		scoring.ReadCSV(path, true)
		scoring.ReadCSV(path, false)
	})
}
