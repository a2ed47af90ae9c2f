package core

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// TestOnlyCoreWrites checks that no package outside the order core writes
// certificates, jobs or ledger entries: every write of those tables goes
// through core, which keeps their history, schedule and money consistent.
func TestOnlyCoreWrites(t *testing.T) {
	owned := map[string]bool{"Certificate": true, "Job": true, "LedgerEntry": true}
	writes := map[string]bool{"Create": true, "CreateBulk": true, "MapCreateBulk": true, "Update": true,
		"UpdateOne": true, "UpdateOneID": true, "Delete": true, "DeleteOne": true, "DeleteOneID": true}
	root := filepath.Join("..", "..")
	var checked int
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			switch rel {
			case "ent", "gen", "internal/core", "internal/dbtest", "tools", "web", "node_modules":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return err
		}
		checked++
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok || !writes[sel.Sel.Name] {
				return true
			}
			if inner, ok := sel.X.(*ast.SelectorExpr); ok && owned[inner.Sel.Name] {
				t.Errorf("%s: %s.%s writes outside the order core", rel, inner.Sel.Name, sel.Sel.Name)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked == 0 {
		t.Fatal("no Go files checked")
	}
}
