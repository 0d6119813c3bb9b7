// SPDX-License-Identifier: Apache-2.0

package nbdisplay

import (
	"path/filepath"
	"testing"

	"github.com/parachute-surv/goparachute/parachute/figures"
	"github.com/parachute-surv/goparachute/parachute/train"
)

// Outside a notebook Explore draws its defaults once (training the smoke
// runs into the cache) and returns instead of waiting for widgets.
func TestExploreHeadless(t *testing.T) {
	if testing.Short() {
		t.Skip("trains small models")
	}
	t.Setenv(HeadlessEnv, "1")
	t.Setenv("PARACHUTE_FIGURES", t.TempDir())
	s := figures.DefaultExploreSettings(train.ProfileSmoke)
	s.Root = t.TempDir()
	if err := Explore(s); err != nil {
		t.Fatal(err)
	}
	runs, _ := filepath.Glob(filepath.Join(s.Root, "runs", "*.json"))
	if len(runs) != 4 { // synthetic UCEC has four folds
		t.Errorf("%d runs in the cache, want 4", len(runs))
	}
	if !Headless() {
		t.Error("headless not detected")
	}
}
