// SPDX-License-Identifier: Apache-2.0

// Package nbdisplay shows figures and tables in GoNB notebooks and saves
// them beside the notebook run. It is the only package that imports GoNB;
// outside a notebook kernel its display calls do nothing, so the same cells
// also run in plain Go programs and tests.
package nbdisplay

import (
	"fmt"
	"path/filepath"

	"github.com/janpfeifer/gonb/gonbui"
	"github.com/janpfeifer/gonb/gonbui/protocol"

	"github.com/parachute-surv/goparachute/parachute/atomicfile"
	"github.com/parachute-surv/goparachute/parachute/experiment"
	"github.com/parachute-surv/goparachute/plotting"
)

// Show displays a figure in the notebook as one output holding both
// image/png (at plotting.DPI) and image/svg+xml, so the front end picks the
// one it renders best, writes name.png and name.svg into
// [plotting.FiguresDir], and prints "saved" with the two paths (relative to
// the repository).
func Show(fig *plotting.Figure, name string) ([]string, error) {
	png, err := fig.Render("png", plotting.DPI)
	if err != nil {
		return nil, err
	}
	svg, err := fig.Render("svg", 0)
	if err != nil {
		return nil, err
	}
	dir, err := plotting.FiguresDir()
	if err != nil {
		return nil, err
	}
	paths := []string{filepath.Join(dir, name+".png"), filepath.Join(dir, name+".svg")}
	for i, raw := range [][]byte{png, svg} {
		if err := atomicfile.Write(paths[i], raw); err != nil {
			return nil, err
		}
	}
	gonbui.SendData(&protocol.DisplayData{Data: map[protocol.MIMEType]any{
		protocol.MIMEImagePNG: png,
		protocol.MIMEImageSVG: string(svg),
	}})
	gonbui.Sync()
	fmt.Println("saved", experiment.ShortPath(paths[0]), experiment.ShortPath(paths[1]))
	return paths, nil
}

// ShowTable displays a Markdown table as one output holding text/html (a
// styled table: plotting.TableHTML) and text/markdown (the front end picks
// the HTML; the Markdown stays in the notebook file), writes it to name.md
// in [plotting.FiguresDir] and prints "saved" with the path.
func ShowTable(markdown, name string) (string, error) {
	dir, err := plotting.FiguresDir()
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, name+".md")
	if err := atomicfile.Write(path, []byte(markdown)); err != nil {
		return "", err
	}
	gonbui.SendData(&protocol.DisplayData{Data: map[protocol.MIMEType]any{
		protocol.MIMETextHTML:     plotting.TableHTML(markdown),
		protocol.MIMETextMarkdown: markdown,
	}})
	gonbui.Sync()
	fmt.Println("saved", experiment.ShortPath(path))
	return path, nil
}

// Markdown displays Markdown text (for example a results line).
func Markdown(format string, args ...any) {
	gonbui.DisplayMarkdown(fmt.Sprintf(format, args...))
	gonbui.Sync()
}
