// SPDX-License-Identifier: Apache-2.0

// Package figlint checks a drawn figure the way a reader would look at it.
// A [Recorder] is a vg.Canvas that wraps the real one (or none) and records
// each string with the ink box of its glyphs, taken from the font that draws
// it, and each path and image with its bounding box, after the canvas
// transforms — so the boxes are exact, not guessed from the SVG. The
// figure's code announces where a panel's data area is ([BeginData]), where
// a legend is drawn ([BeginLegend]) and which marks are named annotations
// allowed outside the data ([BeginAnnotation]). [Recorder.Problems] then
// applies the rules:
//
//   - [TextOverlap]: no two strings' ink boxes overlap;
//   - [TextOffCanvas]: no string leaves the canvas;
//   - [MarkOutsideData]: no data mark reaches outside its panel's data area;
//   - [LegendAlike]: no two entries of a legend look alike (same colour and
//     the same marker or dash);
//   - [MissingGlyph]: every rune drawn exists in its font;
//   - [NumberFormat]: numbers are formatted for reading (no 22500.00);
//   - [UnmarkedPanel]: every panel announced its data area.
//
// Each rule allows [Tolerance] points of slack.
package figlint
