// SPDX-License-Identifier: Apache-2.0

package figlint

import (
	"math"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
)

func TestNumberFormat(t *testing.T) {
	for s, bad := range map[string]bool{
		"0": false, "0.25": false, "1000": false, "2500": false, "−0.05": false, "1e+04": false,
		"10,000": false, "22.5k": false, "0.0001": false, "123.456": false,
		"10000": true, "22500.00": true, "2500.00": true, "1000.5": true, "0.1234567": true, "1234567": true,
		"n = 12345": false, "PARACHUTE": false,
	} {
		if got := numberFormat(s) != ""; got != bad {
			t.Errorf("numberFormat(%q) flags %v, want %v", s, got, bad)
		}
	}
}

// A string drawn after a rotation by 90° has its box turned: a y-axis label
// is tall and narrow.
func TestRotatedTextBox(t *testing.T) {
	r := NewRecorder(nil, 200, 200)
	f := plot.DefaultTextHandler.Cache().Lookup(font.Font{Typeface: "Liberation", Variant: "Serif", Size: 10}, 10)
	r.Push()
	r.Translate(vg.Point{X: 100, Y: 100})
	r.Rotate(math.Pi / 2)
	r.FillString(f, vg.Point{}, "a long label")
	r.Pop()
	r.FillString(f, vg.Point{X: 10, Y: 10}, "a long label")
	turned, flat := r.texts[0].box, r.texts[1].box
	if w, h := turned.Max.X-turned.Min.X, turned.Max.Y-turned.Min.Y; w >= h {
		t.Errorf("rotated box %v is %v wide and %v tall, want taller than wide", turned, w, h)
	}
	if w, h := flat.Max.X-flat.Min.X, flat.Max.Y-flat.Min.Y; w <= h || math.Abs(float64(w-f.Width("a long label"))) > 1e-9 {
		t.Errorf("flat box %v: width %v, want the string's advance %v", flat, w, f.Width("a long label"))
	}
	if turned.Min.X > 100 || turned.Max.X < 100 || turned.Min.Y < 99.9 {
		t.Errorf("rotated box %v does not start at the translated origin", turned)
	}
}

// Labels turned by 45° side by side: their bounding boxes overlap, their
// ink does not — and the same labels closer do.
func TestRotatedLabelsSideBySide(t *testing.T) {
	f := plot.DefaultTextHandler.Cache().Lookup(font.Font{Typeface: "Liberation", Variant: "Serif", Size: 8}, 8)
	draw := func(step vg.Length) []Problem {
		r := NewRecorder(nil, 300, 100)
		for i, s := range []string{"slide 1", "slide 2", "slide 3"} {
			r.Push()
			r.Translate(vg.Point{X: 50 + step*vg.Length(i), Y: 50})
			r.Rotate(math.Pi / 4)
			r.FillString(f, vg.Point{X: -f.Width(s)}, s)
			r.Pop()
		}
		return r.Problems()
	}
	// 15 pt apart, their bounding boxes (about 18 pt wide) overlap; the
	// ink, 10.6 pt apart across the baselines, does not.
	if probs := draw(15); len(probs) > 0 {
		t.Errorf("labels 15 pt apart at 45°: %v", probs)
	}
	if probs := draw(4); len(probs) == 0 {
		t.Error("labels 4 pt apart at 45° passed")
	}
}
