// SPDX-License-Identifier: Apache-2.0

package testutil_test

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/parachute-surv/goparachute/parachute/testutil"
)

const module = "github.com/parachute-surv/goparachute"

// goFile is one parsed Go file of the module.
type goFile struct {
	dir     string // package directory relative to the module root, with "/"
	name    string
	test    bool
	imports []string
	ast     *ast.File
}

// moduleRoot walks up from the test's directory to go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found")
		}
		dir = parent
	}
}

// moduleFiles parses every Go file of the root module (not testdata, not the
// nested tools module, not hidden or output folders).
func moduleFiles(t *testing.T) []goFile {
	t.Helper()
	root := moduleRoot(t)
	var files []goFile
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			base := d.Name()
			if rel != "." && (strings.HasPrefix(base, ".") || base == "testdata" || base == "out" || base == "tools") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		gf := goFile{dir: filepath.ToSlash(filepath.Dir(rel)), name: d.Name(), test: strings.HasSuffix(path, "_test.go"), ast: f}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			gf.imports = append(gf.imports, p)
		}
		files = append(files, gf)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func isStdlib(p string) bool { return !strings.Contains(strings.SplitN(p, "/", 2)[0], ".") }

func isGoMLX(p string) bool { return strings.HasPrefix(p, "github.com/gomlx/") }

func inModule(p, dir string) bool {
	return p == module+"/"+dir || strings.HasPrefix(p, module+"/"+dir+"/")
}

// TestDependencyRules enforces the dependency rules of parachute/doc.go and the
// project's conventions on non-test files.
func TestDependencyRules(t *testing.T) {
	pureGo := regexp.MustCompile(`^(parachute/survival|parachute/stats|parachute/landscape)(/|$)`)
	science := regexp.MustCompile(`^parachute/(model|losses|optim|baselines|landscape|interpret|survival|scoring|fastgrad)(/|$)`)
	for _, f := range moduleFiles(t) {
		if f.test {
			continue
		}
		where := f.dir + "/" + f.name
		for _, p := range f.imports {
			switch {
			case pureGo.MatchString(f.dir) && !isStdlib(p) && !strings.HasPrefix(p, "gonum.org/v1/gonum") &&
				!strings.HasPrefix(p, module+"/"+f.dir):
				t.Errorf("%s imports %s: survival, stats and landscape import only the standard library and gonum", where, p)
			case f.dir == "parachute/slurm" && !isStdlib(p) && !inModule(p, "parachute/atomicfile"):
				t.Errorf("%s imports %s: slurm knows job scripts and logs, not runs: the standard library and atomicfile only", where, p)
			case f.dir == "data/formats" && strings.HasPrefix(p, module+"/") && !inModule(p, "parachute/atomicfile"):
				t.Errorf("%s imports %s: data/formats knows files, not cohorts: of the module, atomicfile only", where, p)
			case f.dir == "parachute/scoring" && !isStdlib(p) && !strings.HasPrefix(p, "gonum.org/v1/gonum") && !inModule(p, "parachute/survival"):
				t.Errorf("%s imports %s: scoring imports only the standard library, gonum and survival", where, p)
			case (strings.HasPrefix(f.dir, "parachute") || f.dir == "data" || strings.HasPrefix(f.dir, "data/")) && inModule(p, "plotting"):
				t.Errorf("%s imports %s: nothing under parachute/ or data/ imports plotting", where, p)
			case science.MatchString(f.dir) && (inModule(p, "data") || inModule(p, "parachute/train") || inModule(p, "parachute/experiment") || inModule(p, "parachute/bench")):
				t.Errorf("%s imports %s: the science packages sit below data, train, experiment and bench", where, p)
			case (f.dir == "parachute/train" || f.dir == "parachute/hvp") && (inModule(p, "parachute/experiment") || inModule(p, "parachute/bench") || inModule(p, "parachute/figures") || inModule(p, "parachute/tutorial")):
				t.Errorf("%s imports %s: train and hvp sit below experiment, bench and figures", where, p)
			case f.dir == "parachute/figures" && inModule(p, "parachute/tutorial"):
				t.Errorf("%s imports %s: the tutorials' builders sit above the figures' (tutorial 2 takes figures.Options)", where, p)
			case f.dir == "parachute/experiment" && (inModule(p, "parachute/bench") || inModule(p, "parachute/figures") || inModule(p, "parachute/tutorial")):
				t.Errorf("%s imports %s: experiment sits below bench and figures", where, p)
			case (inModule(p, "parachute/blasdot") || inModule(p, "parachute/fastops")) && f.dir != "parachute/backend":
				t.Errorf("%s imports %s: only backend installs the simplego overrides (so that -tags stockgomlx leaves them out)", where, p)
			case (f.dir == "data" || strings.HasPrefix(f.dir, "data/")) && (inModule(p, "parachute/model") || inModule(p, "parachute/experiment")):
				t.Errorf("%s imports %s: data never imports model or experiment", where, p)
			case (f.dir == "data" || strings.HasPrefix(f.dir, "data/")) && isGoMLX(p):
				t.Errorf("%s imports %s: data imports no GoMLX", where, p)
			case strings.HasPrefix(p, "github.com/janpfeifer/gonb") && f.dir != "plotting/nbdisplay":
				t.Errorf("%s imports %s: only plotting/nbdisplay imports GoNB", where, p)
			case inModule(p, "parachute/testutil"):
				t.Errorf("%s imports %s: testutil is for _test.go files only", where, p)
			}
		}
	}
}

// TestExportedIdentifiersHaveDocComments requires a doc comment on every
// exported top-level declaration of non-main, non-test files.
func TestExportedIdentifiersHaveDocComments(t *testing.T) {
	for _, f := range moduleFiles(t) {
		if f.test || f.ast.Name.Name == "main" {
			continue
		}
		where := f.dir + "/" + f.name
		for _, decl := range f.ast.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if d.Name.IsExported() && d.Doc == nil && (d.Recv == nil || receiverExported(d.Recv)) {
					t.Errorf("%s: func %s has no doc comment", where, d.Name.Name)
				}
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					switch s := spec.(type) {
					case *ast.TypeSpec:
						if s.Name.IsExported() && d.Doc == nil && s.Doc == nil {
							t.Errorf("%s: type %s has no doc comment", where, s.Name.Name)
						}
					case *ast.ValueSpec:
						for _, n := range s.Names {
							// A commented group (const/var block) documents its members.
							if n.IsExported() && d.Doc == nil && s.Doc == nil && s.Comment == nil {
								t.Errorf("%s: %s has no doc comment", where, n.Name)
							}
						}
					}
				}
			}
		}
		if f.name == "doc.go" && f.ast.Doc == nil {
			t.Errorf("%s: doc.go without a package comment", where)
		}
	}
}

func receiverExported(recv *ast.FieldList) bool {
	typ := recv.List[0].Type
	if star, ok := typ.(*ast.StarExpr); ok {
		typ = star.X
	}
	if idx, ok := typ.(*ast.IndexExpr); ok {
		typ = idx.X
	}
	id, ok := typ.(*ast.Ident)
	return ok && id.IsExported()
}

// TestEveryFileHasSPDXHeader checks the one-line licence header of the house
// style.
func TestEveryFileHasSPDXHeader(t *testing.T) {
	for _, f := range moduleFiles(t) {
		if len(f.ast.Comments) == 0 || !strings.HasPrefix(f.ast.Comments[0].Text(), "SPDX-License-Identifier:") {
			t.Errorf("%s/%s: first line is not an SPDX-License-Identifier comment", f.dir, f.name)
		}
	}
}

// TestReferenceFilesHaveProvenance checks the header of every reference JSON
// file under a testdata/reference folder.
func TestReferenceFilesHaveProvenance(t *testing.T) {
	root := moduleRoot(t)
	var found []string
	filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".json") &&
			filepath.Base(filepath.Dir(path)) == "reference" && strings.Contains(path, string(filepath.Separator)+"testdata"+string(filepath.Separator)) {
			found = append(found, path)
		}
		return nil
	})
	sort.Strings(found)
	if len(found) == 0 {
		t.Fatal("no reference files found")
	}
	for _, path := range found {
		var v map[string]any
		testutil.LoadReference(t, path, &v)
	}
}

// TestOnlyStatsDecidesDirections keeps the comparison rule in one place:
// outside parachute/stats no non-test Go file spells the verdicts "better"
// or "worse" or compares an interval's Lower or Upper bound with a
// constant (deciding a direction itself), and no notebook code cell does
// either. Words such as "flatter" must be derived from stats' verdicts.
func TestOnlyStatsDecidesDirections(t *testing.T) {
	bound := regexp.MustCompile(`\.(Lower|Upper)\s*[<>]=?\s*[-0-9.]`)
	for _, f := range moduleFiles(t) {
		if f.test || f.dir == "parachute/stats" || strings.HasPrefix(f.dir, "parachute/stats/") {
			continue
		}
		where := f.dir + "/" + f.name
		ast.Inspect(f.ast, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.BasicLit:
				if n.Value == `"better"` || n.Value == `"worse"` {
					t.Errorf("%s spells the verdict %s: use stats.Better / stats.Worse from stats.Decide", where, n.Value)
				}
			case *ast.BinaryExpr:
				if sel, ok := n.X.(*ast.SelectorExpr); ok && (sel.Sel.Name == "Lower" || sel.Sel.Name == "Upper") && (n.Op.String() == ">" || n.Op.String() == "<") {
					if _, lit := n.Y.(*ast.BasicLit); lit {
						t.Errorf("%s compares .%s %s a constant: directions come from stats.Decide or stats.Side", where, sel.Sel.Name, n.Op)
					}
				}
			}
			return true
		})
	}
	root := moduleRoot(t)
	notebooks, _ := filepath.Glob(filepath.Join(root, "notebooks", "*.ipynb"))
	tutorials, _ := filepath.Glob(filepath.Join(root, "tutorials", "*.ipynb"))
	for _, path := range append(notebooks, tutorials...) {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var nb struct {
			Cells []struct {
				CellType string   `json:"cell_type"`
				Source   []string `json:"source"`
			} `json:"cells"`
		}
		if err := json.Unmarshal(raw, &nb); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for i, c := range nb.Cells {
			src := strings.Join(c.Source, "")
			if c.CellType == "code" && (bound.MatchString(src) || strings.Contains(src, `"better"`) || strings.Contains(src, `"worse"`)) {
				t.Errorf("%s cell %d decides a direction itself", filepath.Base(path), i)
			}
		}
	}
}
