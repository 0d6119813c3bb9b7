// SPDX-License-Identifier: Apache-2.0

package plotting

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every builder that returns a figure is drawn by some test of this package
// or of nbdisplay, and Render lints what it draws: so every figure the
// notebooks, the tutorials and parachute reproduce draw passes the figure
// lint in go test ./... (and a builder added without a test fails here).
func TestEveryBuilderIsLinted(t *testing.T) {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", func(fi os.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
	if err != nil {
		t.Fatal(err)
	}
	var builders []string
	for _, pkg := range pkgs {
		for _, f := range pkg.Files {
			for _, d := range f.Decls {
				fn, ok := d.(*ast.FuncDecl)
				if !ok || !fn.Name.IsExported() || fn.Recv != nil || fn.Type.Results == nil || fn.Name.Name == "Single" {
					continue
				}
				for _, res := range fn.Type.Results.List {
					if s := types(res.Type); s == "*Figure" || s == "[]*Figure" {
						builders = append(builders, fn.Name.Name)
						break
					}
				}
			}
		}
	}
	if len(builders) < 20 {
		t.Fatalf("found only %d builders: %v", len(builders), builders)
	}
	var tests strings.Builder
	for _, glob := range []string{"*_test.go", filepath.Join("nbdisplay", "*_test.go"), filepath.Join("nbdisplay", "*.go")} {
		files, _ := filepath.Glob(glob)
		for _, f := range files {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			tests.Write(raw)
		}
	}
	for _, b := range builders {
		if !regexp.MustCompile(`\b(plotting\.)?` + b + `\b`).MatchString(tests.String()) {
			t.Errorf("builder %s is drawn by no test: add one (its Render runs the figure lint)", b)
		}
	}
}

func types(e ast.Expr) string {
	switch v := e.(type) {
	case *ast.StarExpr:
		return "*" + types(v.X)
	case *ast.ArrayType:
		return "[]" + types(v.Elt)
	case *ast.Ident:
		return v.Name
	}
	return ""
}
