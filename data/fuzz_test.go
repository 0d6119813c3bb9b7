// SPDX-License-Identifier: Apache-2.0

package data_test

import (
	"testing"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/testutil"
)

// Fuzz targets of the table readers (the feature and mask readers' are
// package formats'): any bytes give either a result or a *data.FileError
// that names the file; never a panic. go test runs the seeds; make fuzz runs
// each target for a set time.

func FuzzReadSplits(f *testing.F) {
	f.Add([]byte("case_id\tslide_id\tOS_days\tOS_event\tfold_0\n" + "C3L-1\tC3L-1-21\t300\t1\ttrain\nC3L-2\tC3L-2-21\t200\t0\ttest\n"))
	f.Add([]byte("case_id\tOS_days\n"))
	f.Add([]byte("\x00\xff\t\n\t\t\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		testutil.FuzzFile(t, "k=all.tsv", raw, func(p string) error { _, err := data.ReadSplits(p); return err })
		testutil.FuzzFile(t, "cases.tsv", raw, func(p string) error { _, err := data.ReadCaseList(p); return err })
	})
}

func FuzzReadCellCounts(f *testing.F) {
	f.Add([]byte("case_id,slide_id,neoplastic,inflammatory,epithelial,dead,connective,tissue_area_mm2\nC3L-1,C3L-1-21,10,2,3,0,4,1.5\n"))
	f.Add([]byte("case_id,slide_id\n,,\n"))
	f.Add([]byte("\"unterminated\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		testutil.FuzzFile(t, "cells.csv", raw, func(p string) error { _, err := data.ReadCellCounts(p); return err })
	})
}
