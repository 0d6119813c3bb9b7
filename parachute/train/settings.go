// SPDX-License-Identifier: Apache-2.0

package train

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Settings flattens a configuration into its leaf settings: the JSON path of
// each leaf ("train.model.dim", "cohort.seed", "train.schedule.Max") and its
// value as compact JSON ("64", "\"adamw\"", "null"). Arrays are leaves
// (their JSON is the value). Two configurations are the same run exactly
// when their settings are equal, which is what [RunConfig.Hash] hashes.
func Settings(v any) (map[string]string, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var tree any
	if err := json.Unmarshal(raw, &tree); err != nil {
		return nil, err
	}
	out := map[string]string{}
	var walk func(prefix string, node any)
	walk = func(prefix string, node any) {
		if m, ok := node.(map[string]any); ok && len(m) > 0 {
			for k, child := range m {
				path := k
				if prefix != "" {
					path = prefix + "." + k
				}
				walk(path, child)
			}
			return
		}
		leaf, _ := json.Marshal(node)
		out[prefix] = string(leaf)
	}
	walk("", tree)
	return out, nil
}

// SettingDiff is one setting that differs between two configurations.
type SettingDiff struct {
	Path      string // JSON path, as in [Settings]
	Have, Got string // the values (compact JSON; "absent" when missing)
}

// DiffSettings lists the settings in which have and want differ, by path.
func DiffSettings(have, want any) ([]SettingDiff, error) {
	a, err := Settings(have)
	if err != nil {
		return nil, err
	}
	b, err := Settings(want)
	if err != nil {
		return nil, err
	}
	paths := slices.Sorted(maps.Keys(a))
	for p := range b {
		if _, ok := a[p]; !ok {
			paths = append(paths, p)
		}
	}
	slices.Sort(paths)
	var out []SettingDiff
	for _, p := range paths {
		x, okA := a[p]
		y, okB := b[p]
		if !okA {
			x = "absent"
		}
		if !okB {
			y = "absent"
		}
		if x != y {
			out = append(out, SettingDiff{Path: p, Have: x, Got: y})
		}
	}
	return out, nil
}

// FormatDiffs writes diffs one per line, "  path: have → got", at most limit
// lines (the rest counted).
func FormatDiffs(diffs []SettingDiff, limit int) string {
	var b strings.Builder
	for i, d := range diffs {
		if i == limit {
			fmt.Fprintf(&b, "  … and %d more\n", len(diffs)-limit)
			break
		}
		fmt.Fprintf(&b, "  %s: %s → %s\n", d.Path, d.Have, d.Got)
	}
	return strings.TrimRight(b.String(), "\n")
}
