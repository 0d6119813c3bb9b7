// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
)

// checkPages opens what make reproduce wrote for readers, in headless
// Chromium: OUT/index.html (a screenshot goes to shots/index.png), every
// link on it, which must resolve to a file under OUT, and every exported
// notebook page (OUT/html/*/*.html), in which every image must have loaded
// and drawn content (a decoded size, not 0 × 0) and every inline SVG must
// hold drawing elements — Debian's nbconvert 6.5 once left them empty.
func checkPages(out, shots, chromium string) error {
	index := filepath.Join(out, "index.html")
	if _, err := os.Stat(index); err != nil {
		return fmt.Errorf("%w (run make reproduce first)", err)
	}
	browser, err := launch(chromium)
	if err != nil {
		return err
	}
	defer browser.Close()
	open := func(path string) (*rod.Page, error) {
		page, err := browser.Page(proto.TargetCreateTarget{URL: "file://" + path})
		if err != nil {
			return nil, err
		}
		if err := page.SetViewport(&proto.EmulationSetDeviceMetricsOverride{Width: 1100, Height: 1600, DeviceScaleFactor: 1}); err != nil {
			return nil, err
		}
		if err := page.Timeout(2 * time.Minute).WaitLoad(); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return page, nil
	}
	page, err := open(index)
	if err != nil {
		return err
	}
	shot(page, filepath.Join(shots, "index.png"))
	res, err := page.Eval(`() => Array.from(document.querySelectorAll("a[href], img[src]")).map(e => e.getAttribute("href") || e.getAttribute("src"))`)
	if err != nil {
		return err
	}
	var problems []string
	links := 0
	for _, v := range res.Value.Arr() {
		ref := v.Str()
		if strings.HasPrefix(ref, "#") {
			continue
		}
		p, err := url.PathUnescape(ref)
		if err != nil || strings.Contains(ref, "://") {
			problems = append(problems, fmt.Sprintf("index.html: link %q is not a file under %s", ref, out))
			continue
		}
		if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(p))); err != nil {
			problems = append(problems, fmt.Sprintf("index.html: link %q does not resolve", ref))
		}
		links++
	}
	if bad, err := imageProblems(page); err != nil {
		return err
	} else if len(bad) > 0 {
		problems = append(problems, "index.html: "+strings.Join(bad, "; "))
	}
	pages, _ := filepath.Glob(filepath.Join(out, "html", "*", "*.html"))
	if len(pages) == 0 {
		problems = append(problems, "no exported notebook pages under "+filepath.Join(out, "html"))
	}
	figures := 0
	for _, p := range pages {
		pg, err := open(p)
		if err != nil {
			return err
		}
		bad, err := imageProblems(pg)
		if err != nil {
			return err
		}
		n, _ := pg.Eval(`() => document.querySelectorAll("img").length`)
		figures += n.Value.Int()
		for _, b := range bad {
			problems = append(problems, fmt.Sprintf("%s: %s", filepath.Base(p), b))
		}
		pg.Close()
	}
	if len(problems) > 0 {
		return fmt.Errorf("%d problems:\n  %s", len(problems), strings.Join(problems, "\n  "))
	}
	fmt.Printf("pages: index.html's %d links resolve; %d exported pages show their %d images; screenshot %s\n",
		links, len(pages), figures, filepath.Join(shots, "index.png"))
	return nil
}

// imageProblems lists the page's images that did not load or decode to
// nothing, and its inline SVGs without drawing elements.
func imageProblems(page *rod.Page) ([]string, error) {
	res, err := page.Eval(`() => {
		const out = [];
		document.querySelectorAll("img").forEach((img, i) => {
			if (!img.complete || img.naturalWidth === 0 || img.naturalHeight === 0) out.push("image " + (i+1) + " (" + (img.getAttribute("alt") || img.src.slice(0, 40)) + ") did not draw");
		});
		document.querySelectorAll("svg").forEach((svg, i) => {
			if (svg.querySelectorAll("path, rect, circle, ellipse, line, polyline, polygon, image, use").length === 0)
				out.push("inline SVG " + (i+1) + " has no drawing elements (a blank figure)");
		});
		return out; }`)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, v := range res.Value.Arr() {
		out = append(out, v.Str())
	}
	return out, nil
}
