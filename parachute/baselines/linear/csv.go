// SPDX-License-Identifier: Apache-2.0

package linear

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// Table is survival data for the linear models: outcomes and covariates.
type Table struct {
	// Names are the covariates' names, in the column order of X.
	Names []string
	X     [][]float64 // n × p
	Time  []float64
	Event []bool
}

// ReadCSV reads a CSV file with a header row and the columns time, event
// (1/0 or true/false) and the named covariates, in any order (other
// columns are ignored). Every fault names the file, the row (the header is
// row 1) and the column: a missing column, an empty or non-numeric value, a
// time that is not positive, an event that is not 1/0/true/false.
func ReadCSV(path string, covariates []string) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: reading the header: %w", path, err)
	}
	col := map[string]int{}
	for i, name := range header {
		col[strings.TrimSpace(name)] = i
	}
	need := append([]string{"time", "event"}, covariates...)
	for _, name := range need {
		if _, ok := col[name]; !ok {
			return nil, fmt.Errorf("%s: no %q column (header: %s)", path, name, strings.Join(header, ","))
		}
	}
	t := &Table{Names: covariates}
	for row := 2; ; row++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		num := func(name string) (float64, error) {
			s := strings.TrimSpace(rec[col[name]])
			v, err := strconv.ParseFloat(s, 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return 0, fmt.Errorf("%s: row %d: %s = %q is not a finite number", path, row, name, s)
			}
			return v, nil
		}
		tm, err := num("time")
		if err != nil {
			return nil, err
		}
		if tm <= 0 {
			return nil, fmt.Errorf("%s: row %d: time = %v must be positive", path, row, tm)
		}
		var ev bool
		switch strings.ToLower(strings.TrimSpace(rec[col["event"]])) {
		case "1", "true":
			ev = true
		case "0", "false":
		default:
			return nil, fmt.Errorf("%s: row %d: event = %q: want 1/0 or true/false", path, row, rec[col["event"]])
		}
		x := make([]float64, len(covariates))
		for j, name := range covariates {
			if x[j], err = num(name); err != nil {
				return nil, err
			}
		}
		t.Time, t.Event, t.X = append(t.Time, tm), append(t.Event, ev), append(t.X, x)
	}
	if len(t.X) == 0 {
		return nil, fmt.Errorf("%s: no data rows", path)
	}
	return t, nil
}
