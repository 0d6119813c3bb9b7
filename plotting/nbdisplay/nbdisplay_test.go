// SPDX-License-Identifier: Apache-2.0

package nbdisplay_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/parachute-surv/goparachute/plotting"
	"github.com/parachute-surv/goparachute/plotting/nbdisplay"
)

// Outside a kernel the display calls do nothing, and the files are still
// written where $PARACHUTE_FIGURES says.
func TestShowSavesOutsideANotebook(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PARACHUTE_FIGURES", dir)
	paths, err := nbdisplay.Show(must(plotting.BoxPlots("two groups", "value",
		[]plotting.BoxGroup{{Label: "a", Values: []float64{1, 2, 3, 4}}, {Label: "b", Values: []float64{2, 3, 4, 5}}}, plotting.DefaultTheme)), "empty")
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"empty.png", "empty.svg"} {
		if paths[i] != filepath.Join(dir, name) {
			t.Errorf("path %q, want %q", paths[i], filepath.Join(dir, name))
		}
		if _, err := os.Stat(paths[i]); err != nil {
			t.Error(err)
		}
	}
	path, err := nbdisplay.ShowTable("| a |\n| --- |\n| 1 |\n", "table")
	if err != nil {
		t.Fatal(err)
	}
	if raw, err := os.ReadFile(path); err != nil || string(raw) != "| a |\n| --- |\n| 1 |\n" {
		t.Errorf("table file: %q, %v", raw, err)
	}
}

func must(f *plotting.Figure, err error) *plotting.Figure {
	if err != nil {
		panic(err)
	}
	return f
}
