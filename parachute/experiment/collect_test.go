// SPDX-License-Identifier: Apache-2.0

package experiment

import (
	"slices"
	"testing"
)

// Runs equal in every column but a setting (a batch size, say) get that
// setting as a column of its own; a setting that differs only between runs
// the columns already tell apart does not.
func TestDistinguishingSettings(t *testing.T) {
	rows := []CollectRow{{Method: "parachute", Fold: 0}, {Method: "parachute", Fold: 0}, {Method: "parachute", Fold: 1}, {Method: "coxph", Fold: 0}}
	settings := []map[string]string{
		{"train.batch_size": "16", "train.dim": "8", "fold": "0"},
		{"train.batch_size": "32", "train.dim": "8", "fold": "0"},
		{"train.batch_size": "16", "train.dim": "8", "fold": "1"},
		{"train.batch_size": "16", "train.dim": "absent", "fold": "0"},
	}
	if got := distinguishingSettings(rows, settings); !slices.Equal(got, []string{"train.batch_size"}) {
		t.Errorf("distinguishing settings %v, want [train.batch_size]", got)
	}
	if got := distinguishingSettings(rows[2:], settings[2:]); len(got) != 0 {
		t.Errorf("runs the columns tell apart: %v", got)
	}
}
