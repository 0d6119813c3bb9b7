// SPDX-License-Identifier: Apache-2.0

package data_test

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/data/formats"
)

// tinyCohort has six patients: P1–P4 with a slide and a series, P5
// pathology only, P6 radiology only; two folds.
func tinyCohort() *data.Cohort {
	c := &data.Cohort{Name: "TINY", Pathology: data.DefaultPathology, Radiology: data.DefaultRadiology}
	for i := range 6 {
		p := data.Patient{ID: fmt.Sprintf("P%d", i+1), Time: float64(10 * (i + 1)), Event: i%2 == 0}
		if i != 5 {
			f := make([]float32, 768)
			for j := range f {
				f[j] = float32(i) + float32(j)/1000
			}
			p.Slides = []data.Slide{{ID: p.ID + "-S1", Features: f}}
			p.Cells = []data.CellCounts{{SlideID: p.ID + "-S1", Counts: [5]int{i, 1, 2, 3, 4}, TissueAreaMM2: 1.5}}
		}
		if i != 4 {
			f := make([]float32, 2*1024)
			for j := range f {
				f[j] = float32(i) - float32(j)/1000
			}
			p.Series = []data.Series{{ID: "ct1", Slices: 2, Width: 1024, Features: f}}
			p.Mask = &formats.Mask{Dims: [3]int{2, 2, 1}, Spacing: [3]float64{1, 1, 2}, Voxels: []uint8{0, 1, 1, 0}}
		}
		c.Patients = append(c.Patients, p)
	}
	c.Folds = []data.Fold{
		{Name: "fold_0", Train: []int{2, 3, 4, 5}, Test: []int{0, 1}},
		{Name: "fold_1", Train: []int{0, 1, 4, 5}, Test: []int{2, 3}},
	}
	return c
}

func writeTiny(t *testing.T, style data.SplitStyle) string {
	t.Helper()
	dir := t.TempDir()
	if err := data.Write(tinyCohort(), dir, style); err != nil {
		t.Fatal(err)
	}
	return dir
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	os.MkdirAll(filepath.Dir(dst), 0o755)
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	io.Copy(out, in)
}

func editSplits(t *testing.T, dir string, edit func(string) string) {
	t.Helper()
	path := filepath.Join(dir, "labels_splits", "TINY", "k=all.tsv")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, []byte(edit(string(raw))), 0o644)
}

func TestLoadReadsWhatWriteWrote(t *testing.T) {
	if !data.HDF5Available {
		t.Skip("built with nohdf5")
	}
	for _, style := range []data.SplitStyle{{Format: data.PathoBench, HasOS: true}, {Format: data.PerCase, BoolEvents: true}} {
		t.Run(style.Format.String(), func(t *testing.T) {
			dir := writeTiny(t, style)
			got, err := data.Load(dir, "TINY", nil)
			if err != nil {
				t.Fatal(err)
			}
			want := tinyCohort()
			assertSameCohort(t, got, want)
			r := got.Report
			if r.Patients != 6 || r.HistoPatients != 5 || r.RadPatients != 5 || r.BothPatients != 4 ||
				r.HistoImages != 5 || r.RadImages != 5 || r.CellViTSlides != 5 || r.Masks != 5 ||
				len(r.RowsWithoutFeatures)+len(r.FilesWithoutSplitRow)+len(r.SlidesWithoutFile)+len(r.Missing) != 0 {
				t.Fatalf("report %+v", r)
			}
		})
	}
}

// assertSameCohort compares everything but the load report.
func assertSameCohort(t *testing.T, got, want *data.Cohort) {
	t.Helper()
	if got.Name != want.Name || got.Pathology != want.Pathology || got.Radiology != want.Radiology || len(got.Patients) != len(want.Patients) {
		t.Fatalf("cohort %s (%d patients), want %s (%d)", got.Name, len(got.Patients), want.Name, len(want.Patients))
	}
	for i := range want.Patients {
		g, w := got.Patients[i], want.Patients[i]
		if g.ID != w.ID || g.Time != w.Time || g.Event != w.Event || len(g.Slides) != len(w.Slides) || len(g.Series) != len(w.Series) ||
			!slices.Equal(g.Cells, w.Cells) || (g.Mask == nil) != (w.Mask == nil) {
			t.Fatalf("patient %d: got %s %v %v %d slides %d series, want %s %v %v %d %d",
				i, g.ID, g.Time, g.Event, len(g.Slides), len(g.Series), w.ID, w.Time, w.Event, len(w.Slides), len(w.Series))
		}
		for k := range w.Slides {
			if g.Slides[k].ID != w.Slides[k].ID || !slices.Equal(g.Slides[k].Features, w.Slides[k].Features) ||
				!slices.Equal(g.Slides[k].Coords, w.Slides[k].Coords) {
				t.Fatalf("patient %s slide %d differs", w.ID, k)
			}
		}
		for k := range w.Series {
			gs, ws := g.Series[k], w.Series[k]
			if gs.ID != ws.ID || gs.Slices != ws.Slices || gs.Width != ws.Width || !slices.Equal(gs.Features, ws.Features) {
				t.Fatalf("patient %s series %d differs", w.ID, k)
			}
		}
		if w.Mask != nil && (g.Mask.Dims != w.Mask.Dims || g.Mask.Spacing != w.Mask.Spacing || !slices.Equal(g.Mask.Voxels, w.Mask.Voxels)) {
			t.Fatalf("patient %s mask differs", w.ID)
		}
	}
	if len(got.Folds) != len(want.Folds) {
		t.Fatalf("%d folds, want %d", len(got.Folds), len(want.Folds))
	}
	for k := range want.Folds {
		g, w := got.Folds[k], want.Folds[k]
		if g.Name != w.Name || !slices.Equal(g.Train, w.Train) || !slices.Equal(g.Test, w.Test) {
			t.Fatalf("fold %d: %+v, want %+v", k, g, w)
		}
	}
}

func TestLoadReportsWhatItLeavesOut(t *testing.T) {
	if !data.HDF5Available {
		t.Skip("built with nohdf5")
	}
	dir := writeTiny(t, data.SplitStyle{Format: data.PerCase})
	feat := filepath.Join(dir, "features", "TINY")
	// P5 loses its only slide: a split row without features.
	os.Remove(filepath.Join(feat, "TITAN", "P5-S1.h5"))
	// Files of a case the split file does not list.
	copyFile(t, filepath.Join(feat, "TITAN", "P1-S1.h5"), filepath.Join(feat, "TITAN", "Q9-S1.h5"))
	copyFile(t, filepath.Join(feat, "MedImageInsights", "P1", "ct1.npy"), filepath.Join(feat, "MedImageInsights", "Q9", "ct1.npy"))
	// A radiology folder without .npy files.
	os.RemoveAll(filepath.Join(feat, "MedImageInsights", "P6"))
	os.MkdirAll(filepath.Join(feat, "MedImageInsights", "P6"), 0o755)
	// Patch features are pooled and counted.
	copyFile(t, filepath.Join("testdata", "h5", "patches_conch.h5"), filepath.Join(feat, "TITAN", "P1-S1.h5"))
	// P6 (now without any feature) is censored at time 0 in the split file.
	editSplits(t, dir, func(s string) string { return strings.Replace(s, "P6\t0\t60", "P6\t0\t0", 1) })
	c, err := data.Load(dir, "TINY", nil)
	if err != nil {
		t.Fatal(err)
	}
	r := c.Report
	if len(c.Patients) != 4 || !slices.Equal(r.RowsWithoutFeatures, []string{"P5"}) || !slices.Equal(r.ExcludedZeroTime, []string{"P6"}) ||
		!slices.Equal(r.FilesWithoutSplitRow, []string{"features/TINY/TITAN/Q9-S1.h5", "features/TINY/MedImageInsights/Q9", "features/TINY/CellViT/cells.csv (rows of case P5)", "features/TINY/TumourMasks/P6.nii.gz"}) ||
		!slices.Equal(r.EmptySeriesFolders, []string{"features/TINY/MedImageInsights/P6"}) || r.PooledPatchFiles != 1 {
		t.Fatalf("report %+v", r)
	}
}

// TestLoadReadsTorchSeries replaces one patient's .npy series by a .pt file
// saved with torch.save, as the authors' layout allows, and adds a second
// one: both load, in file-name order.
func TestLoadReadsTorchSeries(t *testing.T) {
	if !data.HDF5Available {
		t.Skip("built with nohdf5")
	}
	dir := writeTiny(t, data.SplitStyle{Format: data.PerCase})
	ct := filepath.Join(dir, "features", "TINY", "MedImageInsights", "P2")
	os.Remove(filepath.Join(ct, "ct1.npy"))
	copyFile(t, filepath.Join("testdata", "pt", "series_3x1024.pt"), filepath.Join(ct, "ct1.pt"))
	copyFile(t, filepath.Join("testdata", "pt", "series_legacy.pt"), filepath.Join(ct, "ct2.pth"))
	c, err := data.Load(dir, "TINY", nil)
	if err != nil {
		t.Fatal(err)
	}
	series := c.Patients[1].Series
	if len(series) != 2 || series[0].ID != "ct1" || series[1].ID != "ct2" || series[0].Slices != 3 || series[1].Slices != 3 {
		t.Fatalf("P2's series: %+v", series)
	}
	for _, s := range series {
		for k, v := range s.Features { // data/testdata/gen/fixtures.py's series, in float32
			if want := float32(0.1*float64(k/1024) - 0.0005*float64(k%1024)); v != want {
				t.Fatalf("%s[%d] = %v, want %v", s.ID, k, v, want)
			}
		}
	}
}

func TestLoadReportsSlidesWithoutFile(t *testing.T) {
	if !data.HDF5Available {
		t.Skip("built with nohdf5")
	}
	dir := writeTiny(t, data.SplitStyle{Format: data.PathoBench})
	os.Remove(filepath.Join(dir, "features", "TINY", "TITAN", "P2-S1.h5"))
	c, err := data.Load(dir, "TINY", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.Report.SlidesWithoutFile, []string{"P2-S1"}) || c.Patients[1].HasPathology() {
		t.Fatalf("report %+v", c.Report)
	}
}

// TestLoadRejectsFaults checks that every fault the package documents (Load:
// wrong width, NaN/Inf, bad time, duplicates, no modality, empty fold, fold
// without events, unreadable file) gives an error naming the file, the
// patient and the fault.
func TestLoadRejectsFaults(t *testing.T) {
	if !data.HDF5Available {
		t.Skip("built with nohdf5")
	}
	fixture := func(name string) string { return filepath.Join("testdata", name) }
	cases := []struct {
		name    string
		corrupt func(t *testing.T, dir string)
		want    error
		patient string
		file    string // substring of the path in the message
	}{
		{"wrong slide width", func(t *testing.T, dir string) {
			copyFile(t, fixture("h5/width512.h5"), filepath.Join(dir, "features/TINY/TITAN/P3-S1.h5"))
		}, data.ErrWidth, "P3", "P3-S1.h5"},
		{"NaN in slide features", func(t *testing.T, dir string) {
			copyFile(t, fixture("h5/nan.h5"), filepath.Join(dir, "features/TINY/TITAN/P2-S1.h5"))
		}, data.ErrNonFinite, "P2", "P2-S1.h5"},
		{"Inf in CT features", func(t *testing.T, dir string) {
			copyFile(t, fixture("npy/series_inf.npy"), filepath.Join(dir, "features/TINY/MedImageInsights/P4/ct1.npy"))
		}, data.ErrNonFinite, "P4", "ct1.npy"},
		{"wrong CT width", func(t *testing.T, dir string) {
			copyFile(t, fixture("npy/series_3x512.npy"), filepath.Join(dir, "features/TINY/MedImageInsights/P1/ct1.npy"))
		}, data.ErrWidth, "P1", "ct1.npy"},
		{"Inf in .pt CT features", func(t *testing.T, dir string) {
			copyFile(t, fixture("pt/series_inf.pt"), filepath.Join(dir, "features/TINY/MedImageInsights/P3/ct2.pt"))
		}, data.ErrNonFinite, "P3", "ct2.pt"},
		{"unreadable .pt file", func(t *testing.T, dir string) {
			copyFile(t, fixture("pt/state_dict.pt"), filepath.Join(dir, "features/TINY/MedImageInsights/P2/ct2.pt"))
		}, data.ErrFormat, "P2", "ct2.pt"},
		{"series in both .npy and .pt", func(t *testing.T, dir string) {
			copyFile(t, fixture("pt/series_3x1024.pt"), filepath.Join(dir, "features/TINY/MedImageInsights/P1/ct1.pt"))
		}, data.ErrDuplicate, "P1", "ct1"},
		{"unreadable slide file", func(t *testing.T, dir string) {
			copyFile(t, fixture("h5/truncated.h5"), filepath.Join(dir, "features/TINY/TITAN/P1-S1.h5"))
		}, data.ErrFormat, "P1", "P1-S1.h5"},
		{"unreadable mask", func(t *testing.T, dir string) {
			copyFile(t, fixture("nifti/truncated.nii"), filepath.Join(dir, "features/TINY/TumourMasks/P2.nii.gz"))
		}, data.ErrFormat, "P2", "P2.nii.gz"},
		{"negative time", func(t *testing.T, dir string) {
			editSplits(t, dir, func(s string) string { return strings.Replace(s, "P3\t1\t30", "P3\t1\t-30", 1) })
		}, data.ErrTime, "P3", "k=all.tsv"},
		{"duplicate patient", func(t *testing.T, dir string) {
			editSplits(t, dir, func(s string) string { return s + "P2\t0\t20\ttest\ttrain\n" })
		}, data.ErrDuplicate, "P2", "k=all.tsv"},
		{"empty fold", func(t *testing.T, dir string) {
			editSplits(t, dir, func(s string) string { return strings.ReplaceAll(s, "\ttrain\ttest", "\ttrain\ttrain") })
		}, data.ErrFold, "", "k=all.tsv"},
		{"fold without events", func(t *testing.T, dir string) {
			// fold_0 tests P1 (event) and P2: make P1 censored.
			editSplits(t, dir, func(s string) string { return strings.Replace(s, "P1\t1\t10", "P1\t0\t10", 1) })
		}, data.ErrFold, "", "k=all.tsv"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeTiny(t, data.SplitStyle{Format: data.PerCase})
			tc.corrupt(t, dir)
			_, err := data.Load(dir, "TINY", nil)
			var fe *data.FileError
			if !errors.Is(err, tc.want) || !errors.As(err, &fe) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if fe.Patient != tc.patient || !strings.Contains(fe.Path, tc.file) {
				t.Fatalf("error %q: patient %q, path %q; want %q and %q", err, fe.Patient, fe.Path, tc.patient, tc.file)
			}
		})
	}
}

func TestValidateRejectsPatientWithoutModality(t *testing.T) {
	c := tinyCohort()
	c.Patients[2].Slides, c.Patients[2].Series = nil, nil
	if err := c.Validate(); !errors.Is(err, data.ErrNoModality) || !strings.Contains(err.Error(), "P3") {
		t.Fatalf("err = %v", err)
	}
}

// TestLoadMatchesTheAuthorsSplitFiles builds feature files for the real split
// files' cases (slide files named by slide_id for CPTAC-PDA, by case-ID prefix
// for MMIST-ccRCC) and loads them.
func TestLoadMatchesTheAuthorsSplitFiles(t *testing.T) {
	if !data.HDF5Available {
		t.Skip("built with nohdf5")
	}
	shared := sharedCohorts(t)
	feat := make([]float32, 768)
	for _, tc := range []struct {
		folder          string
		patients, slide int
		zero            []string
	}{{"CPTACPDA", 96, 226, nil}, {"MMISTCCRCC", 91, 91, []string{"C3L-00792"}}} {
		t.Run(tc.folder, func(t *testing.T) {
			dir := t.TempDir()
			split := filepath.Join(dir, "labels_splits", tc.folder, "k=all.tsv")
			copyFile(t, filepath.Join(shared, tc.folder, "k=all.tsv"), split)
			table, err := data.ReadSplits(split)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range table.Cases {
				names := c.SlideIDs
				if table.Format == data.PerCase {
					names = []string{c.ID + "-01Z-00-DX1"}
				}
				for _, s := range names {
					if err := formats.WriteSlideFeatures(filepath.Join(dir, "features", tc.folder, "TITAN", s+".h5"), feat, nil); err != nil {
						t.Fatal(err)
					}
				}
			}
			c, err := data.Load(dir, tc.folder, nil)
			if err != nil {
				t.Fatal(err)
			}
			r := c.Report
			if r.Patients != tc.patients || r.HistoImages != tc.slide || !slices.Equal(r.ExcludedZeroTime, tc.zero) ||
				len(r.FilesWithoutSplitRow) != 0 || len(r.SlidesWithoutFile) != 0 {
				t.Fatalf("report %+v", r)
			}
		})
	}
}

// TestLoadNewPatients reads the tiny cohort as new patients: with a
// Patho-Bench case list without outcomes (slides matched by slide_id, a
// listed case without files reported), and without a case list.
func TestLoadNewPatients(t *testing.T) {
	if !data.HDF5Available {
		t.Skip("built with nohdf5")
	}
	dir := writeTiny(t, data.SplitStyle{Format: data.PathoBench})
	list := filepath.Join(dir, "labels_splits", "TINY", "k=all.tsv")
	os.WriteFile(list, []byte("case_id\tslide_id\nP1\tP1-S1\nP2\tP2-S1\nP5\tP5-S1\nP6\t\nP9\t\n"), 0o644)
	np, err := data.LoadNewPatients(dir, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	want := tinyCohort()
	if len(np.Patients) != 4 || np.Patients[2].ID != "P5" || np.Patients[2].HasRadiology() || np.Patients[3].HasPathology() ||
		!slices.Equal(np.Patients[0].Slides[0].Features, want.Patients[0].Slides[0].Features) ||
		!slices.Equal(np.Patients[3].Series[0].Features, want.Patients[5].Series[0].Features) || np.Patients[0].HasOutcome() {
		t.Fatalf("patients %+v", np.Patients)
	}
	if !slices.Equal(np.Report.RowsWithoutFeatures, []string{"P9"}) || len(np.Report.FilesWithoutSplitRow) == 0 {
		t.Fatalf("report %+v", np.Report)
	}
	// Without a case list: the CT folders P1–P4, P6, and P5's slide alone.
	os.Remove(list)
	np, err = data.LoadNewPatients(dir, "TINY", nil)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range np.Patients {
		ids = append(ids, p.ID)
	}
	if !slices.Equal(ids, []string{"P1", "P2", "P3", "P4", "P5-S1", "P6"}) || !slices.Equal(np.SlidesAsPatients, []string{"features/TINY/TITAN/P5-S1.h5"}) ||
		len(np.Patients[0].Slides) != 1 || len(np.Patients[0].Series) != 1 {
		t.Fatalf("patients %v, slides as patients %v", ids, np.SlidesAsPatients)
	}
}
