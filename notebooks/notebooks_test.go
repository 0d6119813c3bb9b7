// SPDX-License-Identifier: Apache-2.0

// Executes every GoNB notebook of notebooks/ and tutorials/ headless
// (nbconvert with the gonb kernel) and checks the outputs. By default the
// notebooks run in the smoke profile with their runs and figures in a
// temporary folder; make reproduce sets $NOTEBOOKS_OUT (where the executed
// notebooks are kept), $PARACHUTE_PROFILE, $PARACHUTE_CACHE and
// $PARACHUTE_FIGURES instead. Expectations live
// in the notebooks as cell metadata, "metadata": {"expect": {"stdout": [...],
// "mime": [...], "html": [...]}}: strings the cell's stdout must contain, MIME
// types some output must have, strings some text/html output must contain.
// Besides those, a notebook fails on an error output or on a
// stderr line "exit status N", "signal: ..." or "GoNB Error:", because GoNB
// reports a panicking cell as a success and nbconvert then exits 0.
package notebooks_test

import (
	"encoding/json"
	"fmt"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// cell is the part of an executed nbformat 4 cell the checks read.
type cell struct {
	CellType string `json:"cell_type"`
	Metadata struct {
		Expect *struct {
			Stdout []string `json:"stdout"`
			MIME   []string `json:"mime"`
			HTML   []string `json:"html"`
		} `json:"expect"`
	} `json:"metadata"`
	Source  multiline `json:"source"`
	Outputs []struct {
		OutputType string                     `json:"output_type"`
		Name       string                     `json:"name"`
		Text       multiline                  `json:"text"`
		Data       map[string]json.RawMessage `json:"data"`
		Ename      string                     `json:"ename"`
		Evalue     string                     `json:"evalue"`
	} `json:"outputs"`
}

// multiline decodes nbformat text, stored as one string or a list of lines.
type multiline string

func (m *multiline) UnmarshalJSON(raw []byte) error {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		*m = multiline(s)
		return nil
	}
	var parts []string
	if err := json.Unmarshal(raw, &parts); err != nil {
		return err
	}
	*m = multiline(strings.Join(parts, ""))
	return nil
}

type notebook struct {
	Cells []cell `json:"cells"`
}

var failureLine = regexp.MustCompile(`(?m)^(exit status \d+|signal: .+|GoNB Error:.*)$`)

// notebookFiles are $NOTEBOOKS (a glob) or every notebook here and in
// tutorials/.
func notebookFiles(t *testing.T) []string {
	globs := []string{"*.ipynb", filepath.Join("..", "tutorials", "*.ipynb")}
	if g := os.Getenv("NOTEBOOKS"); g != "" {
		globs = []string{g}
	}
	var files []string
	for _, g := range globs {
		m, err := filepath.Glob(g)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatalf("no notebooks match %v", globs)
	}
	return files
}

func readNotebook(t *testing.T, path string) notebook {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var nb notebook
	if err := json.Unmarshal(raw, &nb); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return nb
}

// Notebooks hold no logic: they import only the repository's packages and
// the modules doc.go pins, declare no types, and every code cell but the
// setup cell has at least one expectation for the checker to test.
func TestNotebooksAreThin(t *testing.T) {
	pinned := map[string]bool{}
	f, err := parser.ParseFile(token.NewFileSet(), "doc.go", nil, parser.ImportsOnly)
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		pinned[p] = true
	}
	importLine := regexp.MustCompile(`^\s*(?:import\s+)?(?:\w+\s+)?"([^"]+)"\s*$`)
	typeDecl := regexp.MustCompile(`(?m)^type\s`)
	for _, path := range notebookFiles(t) {
		nb := readNotebook(t, path)
		code := 0
		for i, c := range nb.Cells {
			if c.CellType != "code" {
				continue
			}
			code++
			src := string(c.Source)
			if code == 1 {
				if !strings.Contains(src, "go mod edit -require=") || !strings.Contains(src, "%env GOMLX_BACKEND go:ops_sequential") {
					t.Errorf("%s: the first code cell must wire the repository and select the CPU backend", path)
				}
				continue
			}
			for _, line := range strings.Split(src, "\n") {
				m := importLine.FindStringSubmatch(line)
				if m == nil || !strings.Contains(m[1], ".") {
					continue // not an import, or the standard library
				}
				if !pinned[m[1]] {
					t.Errorf("%s cell %d imports %s, which notebooks/doc.go does not pin", path, i, m[1])
				}
			}
			if typeDecl.MatchString(src) {
				t.Errorf("%s cell %d declares a type: library code belongs in a package", path, i)
			}
			if c.Metadata.Expect == nil {
				t.Errorf("%s cell %d has no expectation in its metadata", path, i)
			}
		}
	}
}

func TestNotebooks(t *testing.T) {
	if testing.Short() {
		t.Skip("executes the notebooks through Jupyter")
	}
	jupyter, err := jupyterWithGonb()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	// Unless told otherwise the notebooks train in the smoke profile, and
	// their runs and figures go to a temporary folder, not out/. nbconvert
	// runs no JavaScript: widgets are told to draw their defaults and return
	// (nbdisplay.HeadlessEnv).
	scratch := t.TempDir()
	env := append(os.Environ(), "PARACHUTE_HEADLESS=1")
	for k, v := range map[string]string{"PARACHUTE_PROFILE": "smoke", "PARACHUTE_CACHE": filepath.Join(scratch, "cache"),
		"PARACHUTE_FIGURES": filepath.Join(scratch, "figures")} {
		if os.Getenv(k) == "" {
			env = append(env, k+"="+v)
		}
	}
	keep := os.Getenv("NOTEBOOKS_OUT")
	for _, path := range notebookFiles(t) {
		name := strings.TrimSuffix(filepath.Base(path), ".ipynb")
		t.Run(name, func(t *testing.T) {
			out := t.TempDir()
			if keep != "" {
				// notebooks/x.ipynb → $NOTEBOOKS_OUT/notebooks/x.ipynb, and
				// tutorials/ alike.
				abs, err := filepath.Abs(path)
				if err != nil {
					t.Fatal(err)
				}
				out = filepath.Join(keep, filepath.Base(filepath.Dir(abs)))
				fmt.Printf("executing %s into %s\n", path, out)
			}
			cmd := exec.Command(jupyter, "nbconvert", "--to", "notebook", "--execute",
				"--ExecutePreprocessor.timeout="+cellTimeout(), "--ExecutePreprocessor.kernel_name=gonb",
				"--output-dir", out, "--output", name, path)
			cmd.Env = env
			start := time.Now()
			log, err := cmd.CombinedOutput()
			t.Logf("%s executed in %s", path, time.Since(start).Round(time.Second))
			if err != nil {
				t.Fatalf("nbconvert: %v\n%s", err, tail(string(log), 4000))
			}
			for _, problem := range checkOutputs(readNotebook(t, filepath.Join(out, name+".ipynb"))) {
				t.Error(problem)
			}
		})
	}
}

// jupyterWithGonb finds jupyter ($JUPYTER or on PATH) and checks that the
// gonb kernel is installed.
func jupyterWithGonb() (string, error) {
	jupyter := os.Getenv("JUPYTER")
	if jupyter == "" {
		var err error
		if jupyter, err = exec.LookPath("jupyter"); err != nil {
			return "", fmt.Errorf("no jupyter (make setup installs it): %w", err)
		}
	}
	specs, err := exec.Command(jupyter, "kernelspec", "list", "--json").Output()
	if err != nil {
		return "", fmt.Errorf("jupyter kernelspec list: %w", err)
	}
	if !strings.Contains(string(specs), `"gonb"`) {
		return "", fmt.Errorf("no gonb kernelspec (make setup installs it)")
	}
	return jupyter, nil
}

// checkOutputs returns what is wrong with an executed notebook.
func checkOutputs(nb notebook) []string {
	var problems []string
	for i, c := range nb.Cells {
		if c.CellType != "code" {
			continue
		}
		var stdout, htmlOut strings.Builder
		var failures []string
		mimes := map[string]bool{}
		for _, o := range c.Outputs {
			switch o.OutputType {
			case "error":
				problems = append(problems, fmt.Sprintf("cell %d: %s: %s", i, o.Ename, o.Evalue))
			case "stream":
				if o.Name == "stdout" {
					stdout.WriteString(string(o.Text))
				} else if failureLine.MatchString(string(o.Text)) {
					failures = append(failures, tail(string(o.Text), 2000))
				}
			case "display_data", "execute_result":
				for mime, raw := range o.Data {
					mimes[mime] = true
					if mime == "text/html" {
						var h multiline
						if json.Unmarshal(raw, &h) == nil {
							htmlOut.WriteString(string(h))
						}
					}
				}
			}
		}
		if len(failures) > 0 {
			problems = append(problems, fmt.Sprintf("cell %d failed:\n%s\nstdout:\n%s", i, strings.Join(failures, "\n"), tail(stdout.String(), 2000)))
			continue
		}
		if e := c.Metadata.Expect; e != nil {
			for _, want := range e.Stdout {
				if !strings.Contains(stdout.String(), want) {
					problems = append(problems, fmt.Sprintf("cell %d: stdout lacks %q; it was:\n%s", i, want, tail(stdout.String(), 2000)))
				}
			}
			for _, want := range e.MIME {
				if !mimes[want] {
					problems = append(problems, fmt.Sprintf("cell %d: no %s output (got %v)", i, want, slices.Sorted(maps.Keys(mimes))))
				}
			}
			for _, want := range e.HTML {
				if !strings.Contains(htmlOut.String(), want) {
					problems = append(problems, fmt.Sprintf("cell %d: no HTML output contains %q", i, want))
				}
			}
		}
	}
	return problems
}

// cellTimeout is nbconvert's limit per cell in seconds: $NOTEBOOK_CELL_TIMEOUT,
// else 1800 (make reproduce sets 7200: a clean quick-profile Figure 5 trains
// 840 models in one cell).
func cellTimeout() string {
	if v := os.Getenv("NOTEBOOK_CELL_TIMEOUT"); v != "" {
		return v
	}
	return "1800"
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// The checker catches what nbconvert lets through: error outputs, a program
// that panicked or exited non-zero, and missing expected output; text stored
// as a list of lines counts like one string.
func TestCheckOutputsCatchesFailures(t *testing.T) {
	const executed = `{"cells": [
	 {"cell_type": "markdown", "source": "# title"},
	 {"cell_type": "code", "metadata": {"expect": {"stdout": ["ok 42"], "mime": ["image/png"]}},
	  "outputs": [{"output_type": "stream", "name": "stdout", "text": ["o", "k 42\n"]},
	              {"output_type": "display_data", "data": {"image/png": "iVBOR"}}]},
	 {"cell_type": "code", "outputs": [{"output_type": "stream", "name": "stderr", "text": "panic: boom\n\ngoroutine 1\nexit status 2\n"}]},
	 {"cell_type": "code", "outputs": [{"output_type": "error", "ename": "ERROR", "evalue": "failed to run go build"}]},
	 {"cell_type": "code", "metadata": {"expect": {"stdout": ["figure saved"], "mime": ["image/svg+xml"]}},
	  "outputs": [{"output_type": "stream", "name": "stderr", "text": "a warning\n"}]}
	]}`
	var nb notebook
	if err := json.Unmarshal([]byte(executed), &nb); err != nil {
		t.Fatal(err)
	}
	problems := checkOutputs(nb)
	want := []string{"cell 2 failed", "cell 3: ERROR", `cell 4: stdout lacks "figure saved"`, "cell 4: no image/svg+xml output"}
	if len(problems) != len(want) {
		t.Fatalf("problems %q, want %d", problems, len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(problems[i], w) {
			t.Errorf("problem %d = %q, want it to start with %q", i, problems[i], w)
		}
	}
}
