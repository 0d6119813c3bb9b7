// SPDX-License-Identifier: Apache-2.0

// Command browser drives the exploration notebook (notebooks/explore.ipynb)
// in a real browser, which is the only way to test GoNB widgets: nbconvert
// runs no JavaScript. It starts a Jupyter Notebook server (Debian's
// jupyter-notebook) with the gonb kernel on a copy of the notebook, opens it
// in headless Chromium (Debian's chromium) through go-rod, restarts the
// kernel and runs every cell, waits for the figure and the table, moves the
// cohort widget, and checks that both were redrawn for the new cohort.
// Screenshots of both states go to --out. It exits non-zero on failure,
// after one retry of the whole run (about one run in twenty loses GoNB's
// widget handshake).
//
//	cd tools && go run ./browser --repo .. --out ../out/browser
//
// With --pages OUT it checks instead what make reproduce wrote for readers
// (see checkPages).
//
// make browser-test runs it. The notebook trains in the smoke profile into a
// scratch cache.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/launcher"
	"github.com/go-rod/rod/lib/proto"
)

func main() {
	repo := flag.String("repo", "..", "the repository root")
	out := flag.String("out", "", "folder for the screenshots and the server log (default: REPO/out/browser)")
	chromium := flag.String("chromium", "/usr/bin/chromium", "the browser")
	timeout := flag.Duration("timeout", 10*time.Minute, "time allowed for each step of the run")
	pages := flag.String("pages", "", "instead of the explorer, check what make reproduce wrote in this folder: index.html, its links and every exported page's figures")
	flag.Parse()
	root, err := filepath.Abs(*repo)
	if err != nil {
		fail(err)
	}
	if *out == "" {
		*out = filepath.Join(root, "out", "browser")
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fail(err)
	}
	if *pages != "" {
		dir, err := filepath.Abs(*pages)
		if err != nil {
			fail(err)
		}
		if err := checkPages(dir, *out, *chromium); err != nil {
			fail(err)
		}
		return
	}
	for attempt := 1; attempt <= 2; attempt++ {
		err = run(root, *out, *chromium, *timeout)
		if err == nil {
			fmt.Println("browser test passed: the figure and the table were redrawn for the new cohort; screenshots in", *out)
			return
		}
		fmt.Fprintf(os.Stderr, "attempt %d: %v\n", attempt, err)
	}
	fail(err)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "browser test:", err)
	os.Exit(1)
}

// run is one attempt: a fresh server, browser and kernel.
func run(root, out, chromium string, timeout time.Duration) error {
	// The copy lives inside the repository, so that the notebook's setup
	// cell finds the module.
	work, err := os.MkdirTemp(filepath.Join(root, "out"), "browser-run-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	raw, err := os.ReadFile(filepath.Join(root, "notebooks", "explore.ipynb"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(work, "explore.ipynb"), raw, 0o644); err != nil {
		return err
	}
	port, err := freePort()
	if err != nil {
		return err
	}
	server, err := startServer(work, out, port)
	if err != nil {
		return err
	}
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	defer stopServer(server, base)
	if err := waitHTTP(base+"/api", time.Minute); err != nil {
		return fmt.Errorf("jupyter server: %w (see %s)", err, filepath.Join(out, "jupyter.log"))
	}

	browser, err := launch(chromium)
	if err != nil {
		return err
	}
	defer browser.Close()
	page, err := browser.Page(proto.TargetCreateTarget{URL: base + "/notebooks/explore.ipynb"})
	if err != nil {
		return err
	}
	if err := page.SetViewport(&proto.EmulationSetDeviceMetricsOverride{Width: 1200, Height: 1800, DeviceScaleFactor: 1}); err != nil {
		return err
	}

	step := func(what, js string, limit time.Duration) error {
		deadline := time.Now().Add(limit)
		for time.Now().Before(deadline) {
			if res, err := page.Eval(js); err == nil && res.Value.Bool() {
				return nil
			}
			time.Sleep(time.Second)
		}
		return fmt.Errorf("timed out after %v waiting for %s", limit, what)
	}
	if err := step("the kernel", `() => !!(window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected())`, 2*time.Minute); err != nil {
		return err
	}
	// The kernel survives page loads: restart it, then run every cell.
	if _, err := page.Eval(`() => { Jupyter.notebook.kernel.restart(); return true }`); err != nil {
		return err
	}
	time.Sleep(3 * time.Second)
	if err := step("the restarted kernel", `() => Jupyter.notebook.kernel.is_connected()`, time.Minute); err != nil {
		return err
	}
	if _, err := page.Eval(`() => { Jupyter.notebook.execute_all_cells(); return true }`); err != nil {
		return err
	}
	figureReady := `() => { const f = document.getElementById("explore-figure"); const t = document.getElementById("explore-table");
		return !!(f && f.querySelector("img") && t && t.querySelector("table")) }`
	// await waits for js to hold, then reads what the notebook shows; on a
	// timeout it keeps a screenshot, failed-<name>.png.
	await := func(what, js, name string) (drawn, error) {
		if err := step(what, js, timeout); err != nil {
			shot(page, filepath.Join(out, "failed-"+name+".png"))
			return drawn{}, err
		}
		return state(page)
	}
	first, err := await("the first figure and table", figureReady, "first")
	if err != nil {
		return err
	}
	shot(page, filepath.Join(out, "explore-1-ucec.png"))

	// Move the cohort widget to its second option (pda) as a user does:
	// select it and fire the change event GoNB listens to.
	if _, err := page.Eval(`() => { const s = document.getElementById("explore-cohort"); s.value = "1";
		s.dispatchEvent(new Event("input")); s.dispatchEvent(new Event("change")); return true }`); err != nil {
		return err
	}
	changed := fmt.Sprintf(`() => { const f = document.getElementById("explore-figure"); const t = document.getElementById("explore-table");
		return !!(f && f.querySelector("img") && t && t.querySelector("table") && f.getAttribute("data-settings") !== %q) }`, first.settings)
	second, err := await("the redrawn figure", changed, "second")
	if err != nil {
		return err
	}
	shot(page, filepath.Join(out, "explore-2-pda.png"))
	switch {
	case !strings.HasPrefix(second.settings, "pda/"):
		return fmt.Errorf("the figure was redrawn for %q, not for pda", second.settings)
	case second.image == first.image:
		return errors.New("the figure's image did not change")
	case second.table == first.table:
		return errors.New("the table did not change")
	}
	fmt.Printf("first: %s (%d-byte image); second: %s (%d-byte image)\n", first.settings, len(first.image), second.settings, len(second.image))
	page.Eval(`() => { Jupyter.notebook.kernel.interrupt(); return true }`)
	return nil
}

// launch starts headless Chromium and connects to it.
func launch(chromium string) (*rod.Browser, error) {
	u, err := launcher.New().Bin(chromium).NoSandbox(true).Headless(true).Launch()
	if err != nil {
		return nil, fmt.Errorf("chromium: %w", err)
	}
	browser := rod.New().ControlURL(u)
	if err := browser.Connect(); err != nil {
		return nil, err
	}
	return browser, nil
}

// drawn is what the notebook shows.
type drawn struct{ settings, image, table string }

func state(page *rod.Page) (drawn, error) {
	res, err := page.Eval(`() => { const f = document.getElementById("explore-figure"); const t = document.getElementById("explore-table");
		return [f.getAttribute("data-settings"), f.querySelector("img").src, t.innerText] }`)
	if err != nil {
		return drawn{}, err
	}
	a := res.Value.Arr()
	return drawn{a[0].Str(), a[1].Str(), a[2].Str()}, nil
}

func shot(page *rod.Page, path string) {
	if raw, err := page.Screenshot(true, nil); err == nil {
		os.WriteFile(path, raw, 0o644)
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// startServer starts classic Jupyter Notebook on dir, the gonb kernel on
// PATH, the notebook in the smoke profile with a scratch cache.
func startServer(dir, out string, port int) (*exec.Cmd, error) {
	gobin, err := exec.Command("go", "env", "GOPATH").Output()
	if err != nil {
		return nil, err
	}
	log, err := os.Create(filepath.Join(out, "jupyter.log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("jupyter", "notebook", "--no-browser", "--allow-root", "--ip=127.0.0.1", fmt.Sprintf("--port=%d", port),
		"--NotebookApp.token=", "--NotebookApp.password=", "--NotebookApp.disable_check_xsrf=True", "--notebook-dir="+dir)
	cmd.Env = append(os.Environ(),
		"PATH="+filepath.Join(strings.TrimSpace(string(gobin)), "bin")+string(os.PathListSeparator)+os.Getenv("PATH"),
		"PARACHUTE_PROFILE=smoke", "PARACHUTE_CACHE="+filepath.Join(dir, "cache"), "PARACHUTE_FIGURES="+filepath.Join(dir, "figures"),
		"GOMLX_BACKEND=go:ops_sequential", "GOMLX_NO_AUTO_INSTALL=1")
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return cmd, nil
}

// stopServer shuts the server's kernels down through its REST API (each
// DELETE returns once its kernel has stopped), then the server, so that no
// gonb kernel outlives the test.
func stopServer(cmd *exec.Cmd, base string) {
	if resp, err := http.Get(base + "/api/kernels"); err == nil {
		var kernels []struct{ ID string }
		json.NewDecoder(resp.Body).Decode(&kernels)
		resp.Body.Close()
		for _, k := range kernels {
			req, _ := http.NewRequest(http.MethodDelete, base+"/api/kernels/"+k.ID, nil)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				fmt.Fprintf(os.Stderr, "shutting kernel %s down: %v\n", k.ID, err)
				continue
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusNoContent {
				fmt.Fprintf(os.Stderr, "shutting kernel %s down: %s\n", k.ID, resp.Status)
			}
		}
	}
	cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
	}
}

func waitHTTP(url string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(url); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(500 * time.Millisecond)
	}
	return fmt.Errorf("no answer from %s", url)
}
