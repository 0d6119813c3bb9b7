// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parachute-surv/goparachute/parachute/scoring"
	"github.com/parachute-surv/goparachute/parachute/testutil"
)

// ovarianReference is the part of parachute/survival's R reference for
// the ovarian data that "parachute metrics" reports. On ovarian no event
// time equals a censoring time, so the command's scikit-survival conventions
// give R's values.
type ovarianReference struct {
	Time    []float64 `json:"time"`
	Event   []bool    `json:"event"`
	Risk    []float64 `json:"risk"`
	Times   []float64 `json:"times"`
	Harrell struct {
		Concordance float64 `json:"concordance"`
	} `json:"harrell"`
	Uno struct {
		Concordance float64 `json:"concordance"`
	} `json:"uno"`
	AUC     []float64 `json:"auc"`
	Brier   []float64 `json:"brier"`
	Breslow struct {
		SurvAtTimes [][]float64 `json:"surv_at_times"`
	} `json:"breslow"`
	KM map[string]struct {
		Time []float64 `json:"time"`
		Surv []float64 `json:"surv"`
	} `json:"km"`
	LogRank2 struct {
		ChiSq float64 `json:"chisq"`
		P     float64 `json:"p"`
	} `json:"logrank2"`
}

func runCommand(t *testing.T, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	var out, errOut bytes.Buffer
	status = run(args, &out, &errOut)
	return out.String(), errOut.String(), status
}

func TestMetricsMatchesR(t *testing.T) {
	var ref ovarianReference
	testutil.LoadReference(t, filepath.Join("..", "..", "parachute", "survival", "testdata", "reference", "ovarian.json"), &ref)
	var b strings.Builder
	b.WriteString("patient,time,event,risk")
	for _, tk := range ref.Times {
		fmt.Fprintf(&b, ",S_%g", tk)
	}
	b.WriteString("\n")
	for i := range ref.Time {
		fmt.Fprintf(&b, "P%02d,%g,%v,%.17g", i, ref.Time[i], ref.Event[i], ref.Risk[i])
		for k := range ref.Times {
			fmt.Fprintf(&b, ",%.17g", ref.Breslow.SurvAtTimes[k][i])
		}
		b.WriteString("\n")
	}
	path := filepath.Join(t.TempDir(), "test.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	times := fmt.Sprintf("%g,%g,%g", ref.Times[0], ref.Times[1], ref.Times[2])
	out, errOut, status := runCommand(t, "metrics", "--test", path, "--times", times)
	if status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	var rep scoring.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	testutil.CheckClose(t, "harrell_c", float64(rep.HarrellC), ref.Harrell.Concordance, testutil.SameEstimator)
	testutil.CheckClose(t, "uno_c", float64(rep.UnoC), ref.Uno.Concordance, testutil.SameEstimator)
	for k := range ref.Times {
		testutil.CheckClose(t, "auc", float64(rep.AUC[k]), ref.AUC[k], testutil.SameEstimator)
		testutil.CheckClose(t, "brier", float64(rep.Brier[k]), ref.Brier[k], testutil.ReferenceInput)
		km := ref.KM["log"]
		want := 1.0
		for j, tj := range km.Time {
			if tj <= ref.Times[k] {
				want = km.Surv[j]
			}
		}
		testutil.CheckClose(t, "km", float64(rep.KM[k]), want, testutil.SameEstimator)
	}
	testutil.CheckClose(t, "logrank chisq", float64(rep.LogRank.ChiSq), ref.LogRank2.ChiSq, testutil.SameEstimator)
	testutil.CheckClose(t, "logrank p", float64(rep.LogRank.P), ref.LogRank2.P, testutil.SameEstimator)
	if math.IsNaN(float64(rep.IBS)) || rep.LogRank.ThresholdFrom != "test" || rep.N != len(ref.Time) || rep.Censoring != "test" {
		t.Errorf("report %+v", rep)
	}
	// Without --times the command takes the S_<t> columns' times, and
	// without those the event-time quartiles (the test data being its own
	// reference), which are the reference's times (R's quantile type 1).
	noSurv := filepath.Join(t.TempDir(), "risk-only.csv")
	var lines []string
	for _, line := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		lines = append(lines, strings.Join(strings.Split(line, ",")[:4], ","))
	}
	if err := os.WriteFile(noSurv, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, file := range []string{path, noSurv} {
		out, errOut, status = runCommand(t, "metrics", "--test", file)
		if status != 0 && file == path {
			t.Fatalf("status %d: %s", status, errOut)
		}
		var rep2 scoring.Report
		if err := json.Unmarshal([]byte(out), &rep2); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(rep2.Times, ref.Times) {
			t.Errorf("%s: default times %v, want %v", filepath.Base(file), rep2.Times, ref.Times)
		}
	}
}

func TestMetricsUsesTrainingCensoringAndMedian(t *testing.T) {
	dir := t.TempDir()
	test := filepath.Join(dir, "test.csv")
	train := filepath.Join(dir, "train.csv")
	// The hand-worked example of parachute/survival's hand_test.go: Uno's C
	// with the training censoring distribution is 84/148.
	os.WriteFile(test, []byte("time,event,risk\n1.5,1,.9\n2,1,.8\n3.5,0,.1\n4,1,.5\n4.5,0,.7\n"), 0o644)
	os.WriteFile(train, []byte("time,event,risk\n1,1,0\n2,0,0.2\n3,1,0.4\n4,0,0.6\n5,1,0.8\n"), 0o644)
	out, errOut, status := runCommand(t, "metrics", "--test", test, "--train", train, "--times", "3,4")
	if status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	var rep scoring.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	testutil.CheckClose(t, "uno_c", float64(rep.UnoC), 84.0/148, testutil.HandDerived)
	testutil.CheckClose(t, "auc(4)", float64(rep.AUC[1]), 7.0/15, testutil.HandDerived)
	// Training median risk 0.4: test risks .9, .8, .5, .7 are high, .1 low.
	if rep.LogRank.ThresholdFrom != "train" || rep.LogRank.Threshold != 0.4 || rep.LogRank.High != 4 {
		t.Errorf("logrank split %+v", rep.LogRank)
	}
}

func TestMetricsRejectsBadInput(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name, csv string
		args      []string
		status    int      // 2: bad input; 1: a metric is undefined
		want      []string // substrings of stderr
	}{
		{"negative time", "patient,time,event,risk\nA,3,1,0.2\nB,-2,0,0.1\n", nil, 2,
			[]string{"row 3", "patient B", "time = -2", "> 0"}},
		{"bad event", "time,event,risk\n3,yes,0.2\n4,0,0.1\n", nil, 2, []string{"row 2", `event = "yes"`}},
		{"NaN risk", "time,event,risk\n3,1,NaN\n4,0,0.1\n", nil, 2, []string{"row 2", "risk", "finite"}},
		{"missing risk column", "time,event\n3,1\n", nil, 2, []string{`no "risk" column`}},
		{"probability above one", "time,event,risk,S_3\n3,1,0.2,1.2\n4,0,0.1,0.5\n", nil, 2, []string{"S_3 = 1.2", "[0, 1]"}},
		{"no survival column at a time", "time,event,risk,S_3\n3,1,0.2,0.9\n4,0,0.1,0.5\n", []string{"--times", "3.5"}, 2,
			[]string{"no column S_3.5"}},
		{"time outside follow-up", "time,event,risk\n3,1,0.2\n4,0,0.1\n5,1,0.3\n", []string{"--times", "9"}, 1,
			[]string{"undefined metrics", "auc:", "follow-up"}},
		{"all censored", "time,event,risk\n3,0,0.2\n4,0,0.1\n", []string{"--times", "3"}, 1,
			[]string{"harrell_c:", "no comparable pairs"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".csv")
			os.WriteFile(path, []byte(tc.csv), 0o644)
			_, errOut, status := runCommand(t, append([]string{"metrics", "--test", path}, tc.args...)...)
			if status != tc.status {
				t.Fatalf("status %d, want %d (stderr %q)", status, tc.status, errOut)
			}
			for _, w := range tc.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr %q lacks %q", errOut, w)
				}
			}
			if !strings.Contains(errOut, path) && tc.status == 2 && tc.args == nil {
				t.Errorf("stderr %q does not name the file", errOut)
			}
		})
	}
	if _, _, status := runCommand(t, "metrics"); status != 2 {
		t.Errorf("missing --test: status %d", status)
	}
	if _, _, status := runCommand(t, "nosuchcommand"); status != 2 {
		t.Errorf("unknown command: status %d", status)
	}
}
