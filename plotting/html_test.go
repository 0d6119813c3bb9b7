// SPDX-License-Identifier: Apache-2.0

package plotting_test

import (
	"strings"
	"testing"

	"github.com/parachute-surv/goparachute/plotting"
)

func TestTableHTML(t *testing.T) {
	md := plotting.Markdown([]string{"Method", "C <mean>"}, [][]string{{"GCS", "**0.71**"}, {"AdamW", "0.69"}}) + "\nA verdict & a note.\n"
	h := plotting.TableHTML(md)
	for _, want := range []string{"<table", "<th style=", "C &lt;mean&gt;", "text-align:right", "<b>0.71</b>", "<p style=\"margin:0.4em 0\">A verdict &amp; a note.</p>", "background:#f6f6f6"} {
		if !strings.Contains(h, want) {
			t.Errorf("HTML lacks %q:\n%s", want, h)
		}
	}
	if strings.Contains(h, "---") {
		t.Errorf("the alignment row was rendered:\n%s", h)
	}
	if n := strings.Count(h, "<tr"); n != 3 {
		t.Errorf("%d rows, want header + 2", n)
	}
}
