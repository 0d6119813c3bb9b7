// SPDX-License-Identifier: Apache-2.0

package data_test

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parachute-surv/goparachute/data"
)

// sharedCohorts returns the folder with the authors' real split files
// (../shared/cohorts next to the repository, or $PARACHUTE_SHARED_COHORTS)
// and skips the test when it is absent: the project does not ship them.
func sharedCohorts(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("PARACHUTE_SHARED_COHORTS")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "cohorts")
	}
	if _, err := os.Stat(filepath.Join(dir, "CPTACPDA", "k=all.tsv")); err != nil {
		t.Skipf("real split files not found in %s (they are not part of the repository)", dir)
	}
	return dir
}

// realSplits are the facts of the authors' split files (commit 8ff4575 of
// their repository, the files "parachute data fetch-splits" downloads).
var realSplits = []struct {
	folder              string
	format              data.SplitFormat
	cases, events       int
	testSizes           []int
	minDays, maxDays    float64
	boolEvents, decimal bool
}{
	{"CPTACPDA", data.PathoBench, 96, 70, []int{20, 20, 18, 19, 19}, 32, 1752, false, false},
	{"CPTACUCEC", data.PerCase, 34, 29, []int{9, 9, 8, 8}, 48, 2137, true, false},
	{"MMISTCCRCC", data.PerCase, 92, 22, []int{19, 19, 19, 17, 18}, 0, 3987, false, true},
}

func TestReadSplitsReadsTheAuthorsFiles(t *testing.T) {
	dir := sharedCohorts(t)
	for _, want := range realSplits {
		t.Run(want.folder, func(t *testing.T) {
			table, err := data.ReadSplits(filepath.Join(dir, want.folder, "k=all.tsv"))
			if err != nil {
				t.Fatal(err)
			}
			events, slides := 0, 0
			lo, hi := table.Cases[0].Time, table.Cases[0].Time
			tests := make([]int, len(table.FoldNames))
			for _, c := range table.Cases {
				if c.Event {
					events++
				}
				slides += len(c.SlideIDs)
				lo, hi = min(lo, c.Time), max(hi, c.Time)
				for k, v := range c.Folds {
					if v == "test" {
						tests[k]++
					}
				}
			}
			if table.Format != want.format || len(table.Cases) != want.cases || events != want.events ||
				!slices.Equal(tests, want.testSizes) || lo != want.minDays || hi != want.maxDays ||
				table.BoolEvents != want.boolEvents || table.DecimalDays != want.decimal {
				t.Fatalf("format %v, %d cases, %d events, test sizes %v, days [%v, %v], bool %v, decimal %v",
					table.Format, len(table.Cases), events, tests, lo, hi, table.BoolEvents, table.DecimalDays)
			}
			if want.format == data.PathoBench && slides != 226 {
				t.Errorf("%d slides, the file has 226 rows", slides)
			}
			// Writing the table and reading it back gives the same table.
			path := filepath.Join(t.TempDir(), "k=all.tsv")
			if err := table.Write(path); err != nil {
				t.Fatal(err)
			}
			back, err := data.ReadSplits(path)
			if err != nil {
				t.Fatal(err)
			}
			back.Path = table.Path
			for i := range back.Cases {
				back.Cases[i].Row = table.Cases[i].Row
			}
			if !equalTables(back, table) {
				t.Fatalf("write/read changed the table")
			}
		})
	}
}

func equalTables(a, b *data.SplitTable) bool {
	if a.Format != b.Format || !slices.Equal(a.FoldNames, b.FoldNames) || len(a.Cases) != len(b.Cases) ||
		a.BoolEvents != b.BoolEvents || a.HasOS != b.HasOS || a.DecimalDays != b.DecimalDays {
		return false
	}
	for i := range a.Cases {
		x, y := a.Cases[i], b.Cases[i]
		if x.ID != y.ID || x.Time != y.Time || x.Event != y.Event || !slices.Equal(x.SlideIDs, y.SlideIDs) || !slices.Equal(x.Folds, y.Folds) {
			return false
		}
	}
	return true
}

func TestReadSplitsRejectsFaults(t *testing.T) {
	pb := "case_id\tslide_id\tOS_event\tOS_days\tOS\tfold_0\tfold_1\n"
	pc := "case_id\tOS_event\tOS_days\tfold_0\tfold_1\n"
	cases := []struct {
		name, body string
		want       error
		where      string // substring of the message
	}{
		{"no OS_days column", "case_id\tOS_event\tfold_0\nA\t1\ttrain\n", data.ErrFormat, "no OS_days column"},
		{"no fold columns", "case_id\tOS_event\tOS_days\nA\t1\t10\n", data.ErrFormat, "no fold_<k>"},
		{"bad event", pc + "A\t1\t10\ttrain\ttest\nB\tmaybe\t10\ttest\ttrain\n", data.ErrFormat, "row 3 (patient B)"},
		{"negative time", pc + "A\t1\t-3\ttrain\ttest\n", data.ErrTime, "OS_days = -3"},
		{"NaN time", pc + "A\t1\tNaN\ttrain\ttest\n", data.ErrTime, "OS_days = NaN"},
		{"empty time", pc + "A\t1\t\ttrain\ttest\n", data.ErrTime, "patient A"},
		{"event at time zero", pc + "A\t1\t0\ttrain\ttest\n", data.ErrTime, "OS_days = 0"},
		{"bad fold value", pc + "A\t1\t10\tval\ttest\n", data.ErrFormat, "fold_0 = \"val\""},
		{"duplicate case", pc + "A\t1\t10\ttrain\ttest\nA\t0\t12\ttest\ttrain\n", data.ErrDuplicate, "row 3 (patient A)"},
		{"duplicate slide", pb + "A\tA-1\t1\t10\t4\ttrain\ttest\nA\tA-1\t1\t10\t4\ttrain\ttest\n", data.ErrDuplicate, "slide A-1"},
		{"labels differ across slides", pb + "A\tA-1\t1\t10\t4\ttrain\ttest\nA\tA-2\t0\t10\t4\ttrain\ttest\n", data.ErrDuplicate, "labels or folds differ"},
		{"short row", pc + "A\t1\t10\ttrain\n", data.ErrFormat, "row 2"},
		{"no rows", pc, data.ErrFormat, "no data rows"},
	}
	dir := t.TempDir()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".tsv")
			os.WriteFile(path, []byte(tc.body), 0o644)
			_, err := data.ReadSplits(path)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tc.where) {
				t.Errorf("message %q lacks the file or %q", err, tc.where)
			}
		})
	}
}

func TestReadSplitsKeepsCensoredAtZero(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k=all.tsv")
	os.WriteFile(path, []byte("case_id\tOS_event\tOS_days\tfold_0\nA\t0\t0.0\ttest\nB\t1\t5.0\ttrain\n"), 0o644)
	table, err := data.ReadSplits(path)
	if err != nil || table.Cases[0].Time != 0 {
		t.Fatalf("%v %v", table, err)
	}
}

// TestReadCaseList: a case list may lack the outcome and fold columns, or
// leave a row's outcome empty; a half-given outcome or a lone outcome column
// is an error, and known outcomes are checked as in a split file.
func TestReadCaseList(t *testing.T) {
	write := func(body string) string {
		path := filepath.Join(t.TempDir(), "k=all.tsv")
		os.WriteFile(path, []byte(body), 0o644)
		return path
	}
	tab, err := data.ReadCaseList(write("case_id\nA\nB\n"))
	if err != nil || len(tab.Cases) != 2 || !math.IsNaN(tab.Cases[1].Time) || len(tab.FoldNames) != 0 {
		t.Fatalf("%+v %v", tab, err)
	}
	tab, err = data.ReadCaseList(write("case_id\tslide_id\tOS_event\tOS_days\nA\tA-1\t1\t30\nA\tA-2\t1\t30\nB\tB-1\t\t\n"))
	if err != nil || tab.Format != data.PathoBench || tab.Cases[0].Time != 30 || !tab.Cases[0].Event ||
		!slices.Equal(tab.Cases[0].SlideIDs, []string{"A-1", "A-2"}) || !math.IsNaN(tab.Cases[1].Time) {
		t.Fatalf("%+v %v", tab, err)
	}
	for _, bad := range []struct {
		body string
		want error
	}{
		{"case_id\tOS_days\nA\t30\n", data.ErrFormat},            // OS_event column missing
		{"case_id\tOS_event\tOS_days\nA\t1\t\n", data.ErrTime},   // half an outcome
		{"case_id\tOS_event\tOS_days\nA\t1\t-4\n", data.ErrTime}, // checked as in a split file
		{"case_id\tslide_id\tOS_event\tOS_days\nA\tA-1\t1\t30\nA\tA-2\t\t\n", data.ErrDuplicate},
	} {
		if _, err := data.ReadCaseList(write(bad.body)); !errors.Is(err, bad.want) {
			t.Errorf("%q: err = %v, want %v", bad.body, err, bad.want)
		}
	}
	// A split file still needs its outcome and fold columns.
	if _, err := data.ReadSplits(write("case_id\nA\n")); !errors.Is(err, data.ErrFormat) {
		t.Fatalf("ReadSplits of a case list: %v", err)
	}
}
