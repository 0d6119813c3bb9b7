// SPDX-License-Identifier: Apache-2.0

package data_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/parachute-surv/goparachute/data"
)

func TestCellCounts(t *testing.T) {
	dir := t.TempDir()
	patients := []data.Patient{{ID: "A", Cells: []data.CellCounts{{SlideID: "A-1", Counts: [5]int{10, 20, 30, 4, 5}, TissueAreaMM2: 2.5}}}}
	path := filepath.Join(dir, "cells.csv")
	if err := data.WriteCellCounts(path, patients); err != nil {
		t.Fatal(err)
	}
	got, err := data.ReadCellCounts(path)
	if err != nil {
		t.Fatal(err)
	}
	if c := got["A"]; len(c) != 1 || c[0] != patients[0].Cells[0] || c[0].Density(0) != 4 {
		t.Fatalf("got %+v", got)
	}
	header := "case_id,slide_id,neoplastic,inflammatory,epithelial,dead,connective,tissue_area_mm2\n"
	for name, body := range map[string]string{
		"negative count": header + "A,A-1,10,-2,30,4,5,2.5\n",
		"zero area":      header + "A,A-1,10,2,30,4,5,0\n",
		"duplicate":      header + "A,A-1,10,2,30,4,5,1\nA,A-1,10,2,30,4,5,1\n",
		"missing column": "case_id,slide_id,neoplastic\nA,A-1,3\n",
	} {
		p := filepath.Join(dir, "bad.csv")
		os.WriteFile(p, []byte(body), 0o644)
		var fe *data.FileError
		if _, err := data.ReadCellCounts(p); !errors.As(err, &fe) {
			t.Errorf("%s: err = %v", name, err)
		} else if name != "missing column" && fe.Patient != "A" {
			t.Errorf("%s: error %q does not name the patient", name, err)
		}
	}
}
