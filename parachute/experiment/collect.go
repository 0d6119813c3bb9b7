// SPDX-License-Identifier: Apache-2.0

package experiment

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/parachute-surv/goparachute/parachute/scoring"
	"github.com/parachute-surv/goparachute/parachute/train"
)

// NotApplicable is what a collected table records for a setting its run's
// method ignores (a linear baseline's optimizer and epochs).
const NotApplicable = "n/a"

// CollectRow is one (run, scenario) row of a collected table: the settings
// that tell runs apart (the cohort and its generator seed, method,
// optimizer, profile, epochs, training seed, fold and training p_miss, plus
// in Settings every other setting in which two runs agreeing on these
// differ), the scenario with how many patients it masked, and the metrics.
type CollectRow struct {
	Hash      string  `json:"hash"`
	Cohort    string  `json:"cohort"`
	DataSeed  uint64  `json:"data_seed"`
	Method    string  `json:"method"`
	Optimizer string  `json:"optimizer"` // NotApplicable for linear baselines
	Profile   string  `json:"profile"`
	Epochs    string  `json:"epochs"` // NotApplicable for linear baselines
	Seed      uint64  `json:"seed"`
	Fold      int     `json:"fold"`
	PMiss     float64 `json:"pmiss"`
	// Settings holds, by JSON path of the run configuration ([Settings]),
	// the settings in which runs equal in the columns above differ.
	Settings map[string]string `json:"settings,omitempty"`
	Scenario string            `json:"scenario"`
	// Eligible and MaskedPerRepeat: see [ScenarioResult]; MaskedPerRepeat
	// is null for the full scenario and for results that did not record it.
	Eligible        int            `json:"eligible"`
	MaskedPerRepeat *float64       `json:"masked_per_repeat"`
	CMean           scoring.Number `json:"c_mean"`
	CSD             scoring.Number `json:"c_sd"`
	Repeats         int            `json:"n_repeats"`
	UnoC            scoring.Number `json:"uno_c"`
	MeanAUC         scoring.Number `json:"mean_auc"`
	IBS             scoring.Number `json:"ibs"`
	Seconds         float64        `json:"seconds"`
}

// key is the row's identity by its columns (without the scenario).
func (r CollectRow) key() string {
	return fmt.Sprintf("%s|%d|%s|%s|%s|%s|%d|%d|%v", r.Cohort, r.DataSeed, r.Method, r.Optimizer, r.Profile, r.Epochs, r.Seed, r.Fold, r.PMiss)
}

// Collect reads every result under root/runs into one table, sorted by
// cohort, data seed, method, optimizer, profile, epochs, seed, p_miss, fold,
// the extra settings and scenario. root must hold a runs folder.
func Collect(root string) ([]CollectRow, error) {
	paths, err := filepath.Glob(filepath.Join(root, "runs", "*.json"))
	if err != nil {
		return nil, err
	}
	if st, err := os.Stat(filepath.Join(root, "runs")); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("%s holds no runs folder: not the results folder of a sweep or protocol", root)
	}
	var results []*RunResult
	for _, path := range paths {
		r, err := ReadResult(path)
		if err != nil {
			return nil, err
		}
		results = append(results, r)
	}
	base := make([]CollectRow, len(results))
	settings := make([]map[string]string, len(results))
	for i, r := range results {
		c := r.Config
		row := CollectRow{Hash: r.Hash, Cohort: c.Cohort.Source, DataSeed: c.Cohort.Seed, Method: c.Method,
			Optimizer: c.Train.Optimizer, Profile: c.Train.Profile, Epochs: strconv.Itoa(c.Train.Epochs),
			Seed: c.Train.Seed, Fold: c.Fold, PMiss: c.Train.PMiss, Seconds: r.Seconds}
		if train.IsLinear(c.Method) {
			row.Optimizer, row.Epochs = NotApplicable, NotApplicable
		}
		base[i] = row
		if settings[i], err = train.Settings(c); err != nil {
			return nil, err
		}
	}
	extra := distinguishingSettings(base, settings)
	var rows []CollectRow
	for i, r := range results {
		row := base[i]
		if len(extra) > 0 {
			row.Settings = map[string]string{}
			for _, p := range extra {
				row.Settings[p] = settings[i][p]
			}
		}
		for _, sc := range r.Scenarios {
			row := row
			row.Scenario, row.Eligible, row.CMean, row.CSD, row.Repeats = sc.Scenario, sc.Eligible, sc.CMean, sc.CSD, sc.Repeats
			if mean, _, ok := sc.MaskedPerRepeat(); ok {
				row.MaskedPerRepeat = &mean
			}
			row.UnoC, row.MeanAUC, row.IBS = r.Metrics.UnoC, r.Metrics.MeanAUC, r.Metrics.IBS
			rows = append(rows, row)
		}
	}
	slices.SortStableFunc(rows, func(x, y CollectRow) int {
		if c := cmp.Or(cmp.Compare(x.Cohort, y.Cohort), cmp.Compare(x.DataSeed, y.DataSeed), cmp.Compare(x.Method, y.Method),
			cmp.Compare(x.Optimizer, y.Optimizer), cmp.Compare(x.Profile, y.Profile), cmp.Compare(x.Epochs, y.Epochs),
			cmp.Compare(x.Seed, y.Seed), cmp.Compare(x.PMiss, y.PMiss), cmp.Compare(x.Fold, y.Fold)); c != 0 {
			return c
		}
		for _, p := range extra {
			if c := cmp.Compare(x.Settings[p], y.Settings[p]); c != 0 {
				return c
			}
		}
		return cmp.Compare(scenarioOrder(x.Scenario), scenarioOrder(y.Scenario))
	})
	return rows, nil
}

// distinguishingSettings returns, sorted, the setting paths in which two
// runs with the same columns (CollectRow.key) differ: without them such runs
// would give rows that differ only by hash.
func distinguishingSettings(rows []CollectRow, settings []map[string]string) []string {
	groups := map[string][]int{}
	for i, r := range rows {
		groups[r.key()] = append(groups[r.key()], i)
	}
	found := map[string]bool{}
	for _, g := range groups {
		for _, i := range g[1:] {
			for _, d := range diffMaps(settings[g[0]], settings[i]) {
				found[d] = true
			}
		}
	}
	return slices.Sorted(maps.Keys(found))
}

// diffMaps lists the keys whose values differ (a missing key counts).
func diffMaps(a, b map[string]string) []string {
	var out []string
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			out = append(out, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	return out
}

// WriteCSV writes collected rows as CSV (undefined numbers empty): the
// columns of CollectRow, each extra setting as a column named by its path.
func WriteCSV(w io.Writer, rows []CollectRow) error {
	var extra []string
	if len(rows) > 0 {
		extra = slices.Sorted(maps.Keys(rows[0].Settings))
	}
	cw := csv.NewWriter(w)
	cw.Write(slices.Concat([]string{"hash", "cohort", "data_seed", "method", "optimizer", "profile", "epochs", "seed", "fold", "pmiss"},
		extra, []string{"scenario", "eligible", "masked_per_repeat", "c_mean", "c_sd", "n_repeats", "uno_c", "mean_auc", "ibs", "seconds"}))
	num := func(n scoring.Number) string {
		b, _ := n.MarshalJSON()
		if string(b) == "null" {
			return ""
		}
		return string(b)
	}
	for _, r := range rows {
		masked := ""
		if r.MaskedPerRepeat != nil {
			masked = strconv.FormatFloat(*r.MaskedPerRepeat, 'g', -1, 64)
		}
		var settings []string
		for _, p := range extra {
			settings = append(settings, r.Settings[p])
		}
		cw.Write(slices.Concat([]string{r.Hash, r.Cohort, strconv.FormatUint(r.DataSeed, 10), r.Method, r.Optimizer, r.Profile, r.Epochs,
			strconv.FormatUint(r.Seed, 10), strconv.Itoa(r.Fold), strconv.FormatFloat(r.PMiss, 'g', -1, 64)}, settings,
			[]string{r.Scenario, strconv.Itoa(r.Eligible), masked, num(r.CMean), num(r.CSD), strconv.Itoa(r.Repeats), num(r.UnoC),
				num(r.MeanAUC), num(r.IBS), strconv.FormatFloat(r.Seconds, 'f', 1, 64)}))
	}
	cw.Flush()
	return cw.Error()
}
