// SPDX-License-Identifier: Apache-2.0

package data

import (
	"fmt"
	"strings"
	"testing"
)

// TestSyntheticEffectsStateTheGeneratorsNumbers: the list printed beside
// Figure 10 carries the shifts the generator draws with, the dead-cell
// shift included.
func TestSyntheticEffectsStateTheGeneratorsNumbers(t *testing.T) {
	all := strings.Join(SyntheticEffects(), "\n")
	for k, class := range CellClasses {
		if !strings.Contains(all, class+" density") {
			t.Errorf("no line for %s", class)
		}
		if d := cellDensityShift[k]; d != 0 && !strings.Contains(all, fmt.Sprintf("%+.2f·r", d)) {
			t.Errorf("%s's shift %+.2f not stated", class, d)
		}
	}
	for _, want := range []string{"dead density: log-normal around 40 /mm², log-shift +0.05·r", "sphericity falls", "no effect on dispersion"} {
		if !strings.Contains(all, want) {
			t.Errorf("effects lack %q:\n%s", want, all)
		}
	}
}
