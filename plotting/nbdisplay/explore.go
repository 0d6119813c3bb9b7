// SPDX-License-Identifier: Apache-2.0

package nbdisplay

import (
	"encoding/base64"
	"fmt"
	"html"
	"os"
	"strconv"

	"github.com/janpfeifer/gonb/gonbui"
	"github.com/janpfeifer/gonb/gonbui/widgets"

	"github.com/parachute-surv/goparachute/parachute/figures"
	"github.com/parachute-surv/goparachute/plotting"
)

// HeadlessEnv is the environment variable that headless runners (the
// notebook tests, make reproduce) set: nbconvert runs no JavaScript, so a
// widget would wait forever for its front end. With it set, [Explore] draws
// its defaults once and returns.
const HeadlessEnv = "PARACHUTE_HEADLESS"

// Headless reports whether the notebook runs without a front end.
func Headless() bool { return os.Getenv(HeadlessEnv) != "" || !gonbui.IsNotebook }

// Explore shows the exploration widgets — cohort, method, optimizer,
// p_miss, scenario, profile — above a figure and a table, draws the
// default settings, and then redraws whenever a widget changes: the runs
// come from the cache, and missing ones train with the live panel showing.
// It returns when the kernel stops the cell; headless (see HeadlessEnv) it
// draws the defaults once and returns. The figure and the table are HTML
// blocks updated in place (ids "explore-figure" and "explore-table" inside
// them, for the browser test).
func Explore(defaults figures.ExploreSettings) error {
	c := figures.ExploreChoices
	pmiss := make([]string, len(c.PMiss))
	for i, p := range c.PMiss {
		pmiss[i] = strconv.FormatFloat(p, 'f', 2, 64)
	}
	names := []string{"cohort", "method", "optimizer", "p_miss", "scenario", "profile"}
	// A default the widget does not list (a data folder, the paper profile)
	// becomes its first option.
	defaultValues := []string{defaults.Cohort, defaults.Method, defaults.Optimizer, strconv.FormatFloat(defaults.PMiss, 'f', 2, 64),
		defaults.Scenario, defaults.Profile}
	options := [][]string{c.Cohorts, c.Methods, c.Optimizers, pmiss, c.Scenarios, c.Profiles}
	current := make([]int, len(options))
	for i, v := range defaultValues {
		if current[i] = indexOf(options[i], v); current[i] < 0 {
			options[i] = append([]string{v}, options[i]...)
			current[i] = 0
		}
	}
	settings := func() figures.ExploreSettings {
		s := defaults
		s.Cohort, s.Method, s.Optimizer = options[0][current[0]], options[1][current[1]], options[2][current[2]]
		s.PMiss, _ = strconv.ParseFloat(options[3][current[3]], 64)
		s.Scenario, s.Profile = options[4][current[4]], options[5][current[5]]
		return s
	}
	figureID, tableID := "explore_figure_"+gonbui.UniqueId(), "explore_table_"+gonbui.UniqueId()
	var panel *LivePanel
	draw := func() {
		s := settings()
		title := fmt.Sprintf("Runs of %s, %s (%s), p_miss %.2f, %s profile", s.Cohort, s.Method, s.Optimizer, s.PMiss, s.Profile)
		if panel == nil {
			panel = NewLivePanel(title)
		}
		panel.Reset(title)
		s.Progress = panel
		gonbui.UpdateHtml(figureID, `<div id="explore-figure">computing…</div>`)
		r, err := figures.Explore(s)
		if err != nil {
			gonbui.UpdateHtml(figureID, `<div id="explore-figure" style="color:#a00">`+html.EscapeString(err.Error())+`</div>`)
			gonbui.UpdateHtml(tableID, `<div id="explore-table"></div>`)
			return
		}
		fig, err := plotting.ExploreFigure(r, plotting.DefaultTheme)
		if err == nil {
			var png []byte
			if png, err = fig.Render("png", plotting.DPI); err == nil {
				gonbui.UpdateHtml(figureID, fmt.Sprintf(`<div id="explore-figure" data-settings="%s"><img style="max-width:640px" src="data:image/png;base64,%s"/></div>`,
					html.EscapeString(fmt.Sprintf("%s/%s/%s/%.2f/%s/%s", s.Cohort, s.Method, s.Optimizer, s.PMiss, s.Scenario, s.Profile)),
					base64.StdEncoding.EncodeToString(png)))
			}
		}
		if err != nil {
			gonbui.UpdateHtml(figureID, `<div id="explore-figure" style="color:#a00">`+html.EscapeString(err.Error())+`</div>`)
		}
		gonbui.UpdateHtml(tableID, `<div id="explore-table">`+plotting.TableHTML(plotting.ExploreTable(r))+`</div>`)
		fmt.Printf("drew %s, %s (%s), p_miss %.2f, %s: mean C %.4f\n", s.Cohort, s.Method, s.Optimizer, s.PMiss, r.Scenario, r.MeanC)
	}
	if Headless() {
		draw()
		gonbui.Sync()
		return nil
	}
	controls := "explore_controls_" + gonbui.UniqueId()
	var cells string
	for i, n := range names {
		cells += fmt.Sprintf(`<label style="margin-right:12px">%s <span id="%s_%d"></span></label>`, n, controls, i)
	}
	gonbui.DisplayHtml(`<div id="` + controls + `" style="font-family:sans-serif">` + cells + `</div>`)
	changes := make(chan [2]int)
	for i, opts := range options {
		sel := widgets.Select(opts).SetDefault(current[i]).WithHtmlId(fmt.Sprintf("explore-%s", names[i])).
			AppendTo(fmt.Sprintf("%s_%d", controls, i)).Done()
		go func(i int) {
			for v := range sel.Listen().C {
				changes <- [2]int{i, v}
			}
		}(i)
	}
	draw()
	for ch := range changes {
		if current[ch[0]] == ch[1] {
			continue
		}
		current[ch[0]] = ch[1]
		draw()
	}
	return nil
}

func indexOf(list []string, v string) int {
	for i, x := range list {
		if x == v {
			return i
		}
	}
	return -1
}
