// SPDX-License-Identifier: Apache-2.0

package data

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/parachute-surv/goparachute/data/formats"
	"github.com/parachute-surv/goparachute/parachute/atomicfile"
)

// CellClasses are CellViT's five nucleus classes, in the column order of a
// CellViT summary file.
var CellClasses = []string{"neoplastic", "inflammatory", "epithelial", "dead", "connective"}

// CellCounts summarises CellViT's nucleus classification of one slide.
type CellCounts struct {
	SlideID string
	// Counts holds the number of nuclei per class, in the order of CellClasses.
	Counts [5]int
	// TissueAreaMM2 is the area of tissue the counts were taken over, in mm².
	TissueAreaMM2 float64
}

// Density returns the number of nuclei of class k per mm² of tissue.
func (c CellCounts) Density(k int) float64 { return float64(c.Counts[k]) / c.TissueAreaMM2 }

// cellVitHeader is the header of a CellViT summary file.
var cellVitHeader = append(append([]string{"case_id", "slide_id"}, CellClasses...), "tissue_area_mm2")

// ReadCellCounts reads a CellViT summary CSV (header case_id, slide_id,
// neoplastic, inflammatory, epithelial, dead, connective, tissue_area_mm2;
// one row per slide) and returns the rows by case. Faults name the file, the
// row and the patient: a missing column, a count that is not a non-negative
// integer, an area that is not > 0, a slide listed twice.
func ReadCellCounts(path string) (_ map[string][]CellCounts, err error) {
	defer formats.GuardDecoder(path, &err)
	f, err := os.Open(path)
	if err != nil {
		return nil, &FileError{Path: path, Err: fmt.Errorf("%w: %v", ErrFormat, err)}
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		return nil, &FileError{Path: path, Where: "header", Err: fmt.Errorf("%w: %v", ErrFormat, err)}
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(h)] = i
	}
	for _, need := range cellVitHeader {
		if _, ok := col[need]; !ok {
			return nil, &FileError{Path: path, Where: "header", Err: formats.Faultf(ErrFormat, "no %s column", need)}
		}
	}
	out := map[string][]CellCounts{}
	seen := map[string]int{}
	for row := 2; ; row++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, &FileError{Path: path, Where: fmt.Sprintf("row %d", row), Err: fmt.Errorf("%w: %v", ErrFormat, err)}
		}
		caseID := strings.TrimSpace(rec[col["case_id"]])
		fault := func(err error) error {
			return &FileError{Path: path, Where: fmt.Sprintf("row %d", row), Patient: caseID, Err: err}
		}
		c := CellCounts{SlideID: strings.TrimSpace(rec[col["slide_id"]])}
		if caseID == "" || c.SlideID == "" {
			return nil, fault(formats.Faultf(ErrFormat, "empty case_id or slide_id"))
		}
		if prev, dup := seen[c.SlideID]; dup {
			return nil, fault(formats.Faultf(ErrDuplicate, "slide %s already on row %d", c.SlideID, prev))
		}
		seen[c.SlideID] = row
		for k, name := range CellClasses {
			v, err := strconv.Atoi(strings.TrimSpace(rec[col[name]]))
			if err != nil || v < 0 {
				return nil, fault(formats.Faultf(ErrFormat, "%s = %q is not a non-negative integer", name, rec[col[name]]))
			}
			c.Counts[k] = v
		}
		c.TissueAreaMM2, err = strconv.ParseFloat(strings.TrimSpace(rec[col["tissue_area_mm2"]]), 64)
		if err != nil || !(c.TissueAreaMM2 > 0) || math.IsInf(c.TissueAreaMM2, 0) {
			return nil, fault(formats.Faultf(ErrFormat, "tissue_area_mm2 = %q must be a number > 0", rec[col["tissue_area_mm2"]]))
		}
		out[caseID] = append(out[caseID], c)
	}
	return out, nil
}

// WriteCellCounts writes CellViT summaries, in patient order, as a CSV
// that [ReadCellCounts] reads; atomically.
func WriteCellCounts(path string, patients []Patient) error {
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write(cellVitHeader)
	for _, p := range patients {
		for _, c := range p.Cells {
			rec := []string{p.ID, c.SlideID}
			for _, v := range c.Counts {
				rec = append(rec, strconv.Itoa(v))
			}
			w.Write(append(rec, strconv.FormatFloat(c.TissueAreaMM2, 'g', -1, 64)))
		}
	}
	w.Flush()
	if err := atomicfile.Write(path, []byte(b.String())); err != nil {
		return &FileError{Path: path, Err: err}
	}
	return nil
}
