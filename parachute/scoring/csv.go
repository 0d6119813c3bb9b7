// SPDX-License-Identifier: Apache-2.0

package scoring

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
)

// Table is a predictions file: one row per patient with its outcome, the
// model's risk and optionally its predicted survival at some times.
//
// The CSV layout (read by [ReadCSV], written by [WriteCSV] and by
// "parachute evaluate --export") has a header row and the columns
//
//	patient (or id)  optional; named in error messages
//	time             observed time, > 0
//	event            1/0 or true/false (R's TRUE/FALSE too); 1 = death observed
//	risk             log-risk, higher = earlier death (optional in a training file)
//	S_<t>            optional, one per time t > 0: predicted S(t | x) in [0, 1]
//
// in any order. Numbers are written with the shortest representation that
// reads back to the same float64, so a file round-trips exactly.
type Table struct {
	Predictions
	// SurvTimes are the times of the S_<t> columns, ascending.
	SurvTimes []float64
	// Surv[k][i] is S(SurvTimes[k] | x_i) of row i.
	Surv [][]float64
}

// SurvAt returns the S_<t> columns at the given times, or an error naming
// the first time without a column.
func (t *Table) SurvAt(path string, times []float64) ([][]float64, error) {
	out := make([][]float64, len(times))
	for k, tm := range times {
		j := slices.Index(t.SurvTimes, tm)
		if j < 0 {
			return nil, fmt.Errorf("%s: no column S_%s for the evaluation time %v (columns at %v)", path, formatFloat(tm), tm, t.SurvTimes)
		}
		out[k] = t.Surv[j]
	}
	return out, nil
}

// ReadCSV parses a predictions file. needRisk requires the risk column. Every
// fault names the file, the row (1-based, the header is row 1), the patient
// when the file has a patient or id column, the column and the value.
func ReadCSV(path string, needRisk bool) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: reading the header: %w", path, err)
	}
	col := map[string]int{}
	type survCol struct {
		t     float64
		index int
	}
	var survCols []survCol
	for i, name := range header {
		name = strings.TrimSpace(name)
		if _, dup := col[name]; dup {
			return nil, fmt.Errorf("%s: column %q appears twice", path, name)
		}
		col[name] = i
		if rest, ok := strings.CutPrefix(name, "S_"); ok {
			t, err := strconv.ParseFloat(rest, 64)
			if err != nil || !(t > 0) || math.IsInf(t, 0) {
				return nil, fmt.Errorf("%s: column %q: S_<t> needs a positive time t", path, name)
			}
			survCols = append(survCols, survCol{t, i})
		}
	}
	for _, need := range []string{"time", "event"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("%s: no %q column (header: %s)", path, need, strings.Join(header, ","))
		}
	}
	riskCol, hasRisk := col["risk"]
	if needRisk && !hasRisk {
		return nil, fmt.Errorf("%s: no \"risk\" column (header: %s)", path, strings.Join(header, ","))
	}
	idCol, hasID := col["patient"]
	if !hasID {
		idCol, hasID = col["id"]
	}
	slices.SortFunc(survCols, func(a, b survCol) int { return int(math.Copysign(1, a.t-b.t)) })
	tab := &Table{}
	for k := range survCols {
		if k > 0 && survCols[k].t == survCols[k-1].t {
			return nil, fmt.Errorf("%s: two S_ columns for time %v", path, survCols[k].t)
		}
		tab.SurvTimes = append(tab.SurvTimes, survCols[k].t)
	}
	tab.Surv = make([][]float64, len(survCols))
	for row := 2; ; row++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		where := fmt.Sprintf("%s: row %d", path, row)
		if hasID {
			where += fmt.Sprintf(" (patient %s)", rec[idCol])
			tab.Patients = append(tab.Patients, rec[idCol])
		}
		num := func(name string, i int) (float64, error) {
			v, err := strconv.ParseFloat(strings.TrimSpace(rec[i]), 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return 0, fmt.Errorf("%s: %s = %q is not a finite number", where, name, rec[i])
			}
			return v, nil
		}
		if strings.TrimSpace(rec[col["time"]]) == "" && strings.TrimSpace(rec[col["event"]]) == "" {
			return nil, fmt.Errorf("%s: time and event are empty (an outcome not known yet, as \"parachute predict\" leaves it): fill them in or drop the row", where)
		}
		t, err := num("time", col["time"])
		if err != nil {
			return nil, err
		}
		if t <= 0 {
			return nil, fmt.Errorf("%s: time = %v: survival times must be > 0", where, t)
		}
		ev, err := parseEvent(rec[col["event"]])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		tab.Outcomes.Time = append(tab.Outcomes.Time, t)
		tab.Outcomes.Event = append(tab.Outcomes.Event, ev)
		if hasRisk {
			v, err := num("risk", riskCol)
			if err != nil {
				return nil, err
			}
			tab.Risk = append(tab.Risk, v)
		}
		for k, sc := range survCols {
			v, err := num(header[sc.index], sc.index)
			if err != nil {
				return nil, err
			}
			if v < 0 || v > 1 {
				return nil, fmt.Errorf("%s: %s = %v: a survival probability must lie in [0, 1]", where, header[sc.index], v)
			}
			tab.Surv[k] = append(tab.Surv[k], v)
		}
	}
	if tab.Outcomes.Len() == 0 {
		return nil, fmt.Errorf("%s: no data rows", path)
	}
	return tab, nil
}

// parseEvent accepts 1/0, true/false and TRUE/FALSE (R's write.csv).
func parseEvent(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "true":
		return true, nil
	case "0", "false":
		return false, nil
	}
	return false, fmt.Errorf("event = %q: expected 1/0 or true/false", s)
}

// WriteCSV writes predictions in the layout of [Table]: patient, time, event
// (1/0) and risk (when p has risks), then one S_<t> column per time with
// surv[k][i] = S(times[k] | x_i) (none when times is empty). p.Patients may
// be nil (the column is then left out). A NaN time is an outcome not known
// yet: its time and event cells are left empty, and [ReadCSV] rejects the
// row, naming it, until they are filled in. Extra columns follow the S_<t>
// ones, one cell per patient ([ReadCSV] ignores columns it does not know).
func WriteCSV(w io.Writer, p Predictions, times []float64, surv [][]float64, extra ...Column) error {
	n := p.Outcomes.Len()
	if len(p.Patients) != 0 && len(p.Patients) != n || p.Risk != nil && len(p.Risk) != n || len(surv) != len(times) {
		return fmt.Errorf("scoring: %d outcomes, %d patients, %d risks, %d survival rows for %d times",
			n, len(p.Patients), len(p.Risk), len(surv), len(times))
	}
	cw := csv.NewWriter(w)
	var header []string
	if p.Patients != nil {
		header = append(header, "patient")
	}
	header = append(header, "time", "event")
	if p.Risk != nil {
		header = append(header, "risk")
	}
	for k, t := range times {
		if len(surv[k]) != n {
			return fmt.Errorf("scoring: %d survival values at time %v for %d patients", len(surv[k]), t, n)
		}
		header = append(header, "S_"+formatFloat(t))
	}
	for _, c := range extra {
		if len(c.Cells) != n {
			return fmt.Errorf("scoring: column %s has %d cells for %d patients", c.Name, len(c.Cells), n)
		}
		header = append(header, c.Name)
	}
	cw.Write(header)
	for i := range n {
		var rec []string
		if p.Patients != nil {
			rec = append(rec, p.Patients[i])
		}
		ev := "0"
		if p.Outcomes.Event[i] {
			ev = "1"
		}
		if math.IsNaN(p.Outcomes.Time[i]) {
			rec = append(rec, "", "")
		} else {
			rec = append(rec, formatFloat(p.Outcomes.Time[i]), ev)
		}
		if p.Risk != nil {
			rec = append(rec, formatFloat(p.Risk[i]))
		}
		for k := range times {
			rec = append(rec, formatFloat(surv[k][i]))
		}
		for _, c := range extra {
			rec = append(rec, c.Cells[i])
		}
		cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

// Column is an extra column of [WriteCSV]: its name and one cell per patient.
type Column struct {
	Name  string
	Cells []string
}

// formatFloat is the shortest decimal that reads back to x exactly.
func formatFloat(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
