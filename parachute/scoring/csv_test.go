// SPDX-License-Identifier: Apache-2.0

package scoring_test

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parachute-surv/goparachute/parachute/scoring"
	"github.com/parachute-surv/goparachute/parachute/survival"
)

// TestCSVUnknownOutcomes: a NaN time (an outcome not known yet) is written as
// empty time and event cells; ReadCSV names the row until they are filled in,
// and then reads the file exactly.
func TestCSVUnknownOutcomes(t *testing.T) {
	p := scoring.Predictions{Patients: []string{"A", "B"}, Risk: []float64{0.25, -1.5},
		Outcomes: survival.Outcomes{Time: []float64{120, math.NaN()}, Event: []bool{true, false}}}
	surv := [][]float64{{0.9, 0.95}}
	var buf bytes.Buffer
	if err := scoring.WriteCSV(&buf, p, []float64{365}, surv); err != nil {
		t.Fatal(err)
	}
	want := "patient,time,event,risk,S_365\nA,120,1,0.25,0.9\nB,,,-1.5,0.95\n"
	if buf.String() != want {
		t.Fatalf("wrote\n%s\nwant\n%s", buf.String(), want)
	}
	path := filepath.Join(t.TempDir(), "preds.csv")
	os.WriteFile(path, buf.Bytes(), 0o644)
	if _, err := scoring.ReadCSV(path, true); err == nil || !strings.Contains(err.Error(), "row 3 (patient B): time and event are empty") {
		t.Fatalf("err = %v", err)
	}
	os.WriteFile(path, []byte(strings.Replace(buf.String(), "B,,,", "B,400,0,", 1)), 0o644)
	tab, err := scoring.ReadCSV(path, true)
	if err != nil || tab.Outcomes.Time[1] != 400 || tab.Risk[1] != -1.5 || tab.Surv[0][1] != 0.95 {
		t.Fatalf("%+v %v", tab, err)
	}
}
