// SPDX-License-Identifier: Apache-2.0

package data

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/parachute-surv/goparachute/data/formats"
	"github.com/parachute-surv/goparachute/parachute/atomicfile"
	"github.com/parachute-surv/goparachute/parachute/survival"
)

// SplitFormat is the layout of a split/label file.
type SplitFormat int

const (
	// PathoBench has one row per slide: case_id, slide_id, OS_event (0/1),
	// OS_days, OS, fold_0…fold_{K−1} (train/test). The authors' CPTAC-PDA
	// file uses it. A case's rows must agree on its labels and folds.
	PathoBench SplitFormat = iota
	// PerCase has one row per case: case_id, OS_event (0/1 or True/False),
	// OS_days, optionally OS, fold_0…fold_{K−1}: the authors' CPTAC-UCEC and
	// MMIST-ccRCC files.
	PerCase
)

// String names the format.
func (f SplitFormat) String() string {
	if f == PathoBench {
		return "Patho-Bench (one row per slide)"
	}
	return "per case"
}

// SplitCase is one case of a split file.
type SplitCase struct {
	ID    string
	Time  float64 // OS_days
	Event bool    // OS_event: death observed
	// SlideIDs lists the slides of the case's rows (Patho-Bench format only;
	// a row with an empty slide_id lists none).
	SlideIDs []string
	// Folds holds "train" or "test" for each fold column.
	Folds []string
	// Row is the case's first data row (the header is row 1).
	Row int
}

// SplitTable is a parsed split/label file. The style fields record how
// values were written, so that [SplitTable.Write] reproduces the layout.
type SplitTable struct {
	Path      string
	Format    SplitFormat
	FoldNames []string
	Cases     []SplitCase
	// BoolEvents is true when OS_event is written True/False, false for 0/1.
	BoolEvents bool
	// HasOS is true when the file has the OS stratification column.
	HasOS bool
	// DecimalDays is true when OS_days is written with a decimal point (1521.0).
	DecimalDays bool
}

// ReadSplits reads a split/label TSV in either format (detected from the
// slide_id column). Fold columns are the columns named fold_<k>, ordered by
// k. Every fault returns a [*FileError] naming the file, the row and the
// patient: a missing column, an OS_event that is not 0/1/True/False, an
// OS_days that is NaN, infinite or negative (or 0 for an observed death), a
// fold value other than train/test, a case listed twice (per-case format), a
// slide listed twice, or a case whose rows disagree on labels or folds
// (Patho-Bench format). A censored case at OS_days = 0 is kept here; [Load]
// excludes it and counts it in its report, because it is never at risk at
// any event time.
func ReadSplits(path string) (_ *SplitTable, err error) {
	defer formats.GuardDecoder(path, &err)
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, &FileError{Path: path, Err: fmt.Errorf("split file not found (parachute data fetch-splits --cohort pda|ucec|ccrcc --dest %s "+
			"downloads the authors' split files): %w", filepath.Dir(filepath.Dir(path)), err)}
	}
	if err != nil {
		return nil, &FileError{Path: path, Err: err}
	}
	defer f.Close()
	return parseSplits(path, f, false)
}

// ReadCaseList reads the case list of patients to predict for: a file laid
// out as a split file (tab-separated, case_id, optionally slide_id) in which
// the outcome columns OS_days and OS_event and the fold columns may be
// absent, and a row may leave both outcome values empty. A case whose outcome
// is unknown gets Time NaN (and Event false); known outcomes are checked as
// [ReadSplits] checks them, and fold columns are read but not required.
func ReadCaseList(path string) (_ *SplitTable, err error) {
	defer formats.GuardDecoder(path, &err)
	f, err := os.Open(path)
	if err != nil {
		return nil, &FileError{Path: path, Err: fmt.Errorf("%w: %v", ErrFormat, err)}
	}
	defer f.Close()
	return parseSplits(path, f, true)
}

// parseSplits parses a split file; caseList relaxes it to a case list (see
// [ReadCaseList]).
func parseSplits(path string, r io.Reader, caseList bool) (*SplitTable, error) {
	cr := csv.NewReader(bufio.NewReader(r))
	cr.Comma = '\t'
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, &FileError{Path: path, Where: "header", Err: fmt.Errorf("%w: %v", ErrFormat, err)}
	}
	col := map[string]int{}
	type foldCol struct{ k, index int }
	var folds []foldCol
	for i, name := range header {
		name = strings.TrimSpace(name)
		col[name] = i
		if rest, ok := strings.CutPrefix(name, "fold_"); ok {
			k, err := strconv.Atoi(rest)
			if err != nil {
				return nil, &FileError{Path: path, Where: "header", Err: formats.Faultf(ErrFormat, "fold column %q is not fold_<number>", name)}
			}
			folds = append(folds, foldCol{k, i})
		}
	}
	required := []string{"case_id", "OS_event", "OS_days"}
	_, hasEvent := col["OS_event"]
	_, hasDays := col["OS_days"]
	if caseList && !hasEvent && !hasDays {
		required = required[:1]
	}
	for _, need := range required {
		if _, ok := col[need]; !ok {
			return nil, &FileError{Path: path, Where: "header", Err: formats.Faultf(ErrFormat, "no %s column", need)}
		}
	}
	if len(folds) == 0 && !caseList {
		return nil, &FileError{Path: path, Where: "header", Err: formats.Faultf(ErrFormat, "no fold_<k> columns")}
	}
	sort.Slice(folds, func(a, b int) bool { return folds[a].k < folds[b].k })
	t := &SplitTable{Path: path, Format: PerCase}
	for _, fc := range folds {
		t.FoldNames = append(t.FoldNames, header[fc.index])
	}
	slideCol, hasSlide := col["slide_id"]
	if hasSlide {
		t.Format = PathoBench
	}
	_, t.HasOS = col["OS"]
	byID := map[string]int{}
	slideSeen := map[string]int{}
	for row := 2; ; row++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, &FileError{Path: path, Where: fmt.Sprintf("row %d", row), Err: fmt.Errorf("%w: %v", ErrFormat, err)}
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // blank line
		}
		if len(rec) != len(header) {
			return nil, &FileError{Path: path, Where: fmt.Sprintf("row %d", row), Err: formats.Faultf(ErrFormat, "%d fields, header has %d", len(rec), len(header))}
		}
		id := strings.TrimSpace(rec[col["case_id"]])
		fault := func(err error) error {
			return &FileError{Path: path, Where: fmt.Sprintf("row %d", row), Patient: id, Err: err}
		}
		if id == "" {
			return nil, fault(formats.Faultf(ErrFormat, "empty case_id"))
		}
		c := SplitCase{ID: id, Row: row}
		if err := parseOutcome(&c, rec, col, t, caseList); err != nil {
			return nil, fault(err)
		}
		for k, fc := range folds {
			v := strings.TrimSpace(rec[fc.index])
			if v != "train" && v != "test" {
				return nil, fault(formats.Faultf(ErrFormat, "%s = %q, expected train or test", t.FoldNames[k], v))
			}
			c.Folds = append(c.Folds, v)
		}
		var slide string
		if hasSlide {
			slide = strings.TrimSpace(rec[slideCol])
			if slide != "" {
				if prev, dup := slideSeen[slide]; dup {
					return nil, fault(formats.Faultf(ErrDuplicate, "slide %s already on row %d", slide, prev))
				}
				slideSeen[slide] = row
			}
		}
		if k, dup := byID[id]; dup {
			prev := &t.Cases[k]
			if !hasSlide {
				return nil, fault(formats.Faultf(ErrDuplicate, "case already on row %d", prev.Row))
			}
			if !sameOutcome(prev, &c) || !slices.Equal(prev.Folds, c.Folds) {
				return nil, fault(formats.Faultf(ErrDuplicate, "labels or folds differ from row %d", prev.Row))
			}
			if slide != "" {
				prev.SlideIDs = append(prev.SlideIDs, slide)
			}
			continue
		}
		if slide != "" {
			c.SlideIDs = []string{slide}
		}
		byID[id] = len(t.Cases)
		t.Cases = append(t.Cases, c)
	}
	if len(t.Cases) == 0 {
		return nil, &FileError{Path: path, Err: formats.Faultf(ErrFormat, "no data rows")}
	}
	return t, nil
}

// sameOutcome compares two rows' outcomes (unknown equals unknown).
func sameOutcome(a, b *SplitCase) bool {
	if math.IsNaN(a.Time) || math.IsNaN(b.Time) {
		return math.IsNaN(a.Time) && math.IsNaN(b.Time)
	}
	return a.Time == b.Time && a.Event == b.Event
}

// parseOutcome reads a row's OS_event and OS_days into c. In a case list
// (caseList), absent outcome columns or two empty values leave the outcome
// unknown (Time NaN).
func parseOutcome(c *SplitCase, rec []string, col map[string]int, t *SplitTable, caseList bool) error {
	evCol, hasEvent := col["OS_event"]
	dayCol, hasDays := col["OS_days"]
	if caseList && (!hasEvent && !hasDays || strings.TrimSpace(rec[evCol]) == "" && strings.TrimSpace(rec[dayCol]) == "") {
		c.Time = math.NaN()
		return nil
	}
	evText := strings.TrimSpace(rec[evCol])
	switch evText {
	case "1", "1.0":
		c.Event = true
	case "0", "0.0":
	case "True", "TRUE", "true":
		c.Event, t.BoolEvents = true, true
	case "False", "FALSE", "false":
		t.BoolEvents = true
	default:
		return formats.Faultf(ErrFormat, "OS_event = %q, expected 0/1 or True/False", evText)
	}
	dayText := strings.TrimSpace(rec[dayCol])
	var err error
	if c.Time, err = strconv.ParseFloat(dayText, 64); err != nil {
		return formats.Faultf(ErrTime, "OS_days = %q is not a number", dayText)
	}
	if math.IsNaN(c.Time) || math.IsInf(c.Time, 0) || c.Time < 0 || (c.Time == 0 && c.Event) {
		return formats.Faultf(ErrTime, "OS_days = %v", c.Time)
	}
	if strings.Contains(dayText, ".") {
		t.DecimalDays = true
	}
	return nil
}

// Write writes the table as a TSV in its format and style, atomically
// (temporary file, then rename). The OS column, when present, holds the
// stratification code quartile(OS_days) + 4·OS_event, the quartile index
// 0–3 of the case's time among all cases' times (Patho-Bench's label_dict).
func (t *SplitTable) Write(path string) error {
	var b strings.Builder
	cols := []string{"case_id"}
	if t.Format == PathoBench {
		cols = append(cols, "slide_id")
	}
	cols = append(cols, "OS_event", "OS_days")
	if t.HasOS {
		cols = append(cols, "OS")
	}
	cols = append(cols, t.FoldNames...)
	b.WriteString(strings.Join(cols, "\t") + "\n")
	q := t.timeQuartiles()
	for _, c := range t.Cases {
		ev := "0"
		switch {
		case t.BoolEvents && c.Event:
			ev = "True"
		case t.BoolEvents:
			ev = "False"
		case c.Event:
			ev = "1"
		}
		days := strconv.FormatFloat(c.Time, 'g', -1, 64)
		if t.DecimalDays && !strings.ContainsAny(days, ".e") {
			days += ".0"
		}
		rest := []string{ev, days}
		if t.HasOS {
			code := 0
			for _, cut := range q {
				if c.Time > cut {
					code++
				}
			}
			if c.Event {
				code += 4
			}
			rest = append(rest, strconv.Itoa(code))
		}
		rest = append(rest, c.Folds...)
		slides := c.SlideIDs
		if t.Format == PathoBench && len(slides) == 0 {
			slides = []string{""}
		}
		if t.Format != PathoBench {
			slides = []string{"\x00"}
		}
		for _, s := range slides {
			fields := []string{c.ID}
			if s != "\x00" {
				fields = append(fields, s)
			}
			b.WriteString(strings.Join(append(fields, rest...), "\t") + "\n")
		}
	}
	return atomicfile.Write(path, []byte(b.String()))
}

// timeQuartiles returns the 25/50/75 % quantiles (R type 7) of the cases' times.
func (t *SplitTable) timeQuartiles() []float64 {
	times := make([]float64, len(t.Cases))
	for i, c := range t.Cases {
		times[i] = c.Time
	}
	return []float64{survival.Quantile(times, 0.25), survival.Quantile(times, 0.5), survival.Quantile(times, 0.75)}
}
