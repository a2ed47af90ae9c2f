package store_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// readBackAllowed lists the calls of ent's UpdateOne/UpdateOneID that may be
// saved (and so read the row back in their transaction), as
// "path/to/file.go:Func" with why. Keep it empty: a write that needs the row
// as it is now builds it with store.Applied, or reads it after the commit.
var readBackAllowed = map[string]string{}

// TestNoUpdateOneReadBack checks that no Go file of the service (tests and
// generated code aside) saves an update made with ent's UpdateOne or
// UpdateOneID: their Save and Exec run the UPDATE and then read the row
// back in the same transaction, and on MariaDB 10.11 Galera a transaction
// that reads back a row it updated after a locked read could commit over
// another node's update of that row (a lost update: TestProbeCounterShapes
// and TestLoginFailuresCountedAcrossNodes in internal/galeratest). Writes
// use Update().Where(x.ID(id)) and, where the new row is needed,
// store.Applied; core's saveCert does that for certificates.
//
// The check is syntactic: Save, Exec, SaveX or ExecX called on an expression
// with an UpdateOne/UpdateOneID call in it (a chain, or a builder passed
// through a helper like core.EndOp), or on a variable declared with a type
// *…UpdateOne or assigned from such an expression.
func TestNoUpdateOneReadBack(t *testing.T) {
	root := filepath.Join("..", "..")
	var checked int
	seen := map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			switch rel {
			case ".git", "ent", "gen", "tools", "web/node_modules", "node_modules":
				return filepath.SkipDir
			}
			if d.Name() == "testdata" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		if ast.IsGenerated(f) {
			return nil
		}
		checked++
		for _, v := range readBacks(fset, f) {
			key := rel + ":" + v.fn
			if _, ok := readBackAllowed[key]; ok {
				seen[key] = true
				continue
			}
			t.Errorf("%s:%d: %s saves an update made with UpdateOne/UpdateOneID, which reads the row back "+
				"(lost updates on Galera): use Update().Where(id) and store.Applied", rel, v.line, v.fn)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 100 {
		t.Fatalf("only %d Go files checked: is the walk rooted at the module?", checked)
	}
	for key := range readBackAllowed {
		if !seen[key] {
			t.Errorf("readBackAllowed lists %s, which no longer saves an UpdateOne: remove it", key)
		}
	}
}

// The check itself finds the shapes it is meant to find, and passes the
// ones it must pass.
func TestReadBackCheckShapes(t *testing.T) {
	src := `package p

func chain(ctx context.Context, tx *ent.Tx, c *ent.Certificate) {
	tx.Certificate.UpdateOne(c).SetName("x").Save(ctx)
}

func chainID(ctx context.Context, db *ent.Client) error {
	return db.Account.UpdateOneID(1).SetName("x").Exec(ctx)
}

func helper(ctx context.Context, tx *ent.Tx, c *ent.Certificate) {
	EndOp(tx.Certificate.UpdateOne(c)).SetUpdateTime(now).SaveX(ctx)
}

func variable(ctx context.Context, tx *ent.Tx, m *ent.ProcessingModule) {
	u := tx.ProcessingModule.UpdateOne(m).SetUpdateTime(now)
	u.SetName("x")
	u.Save(ctx)
}

func varDecl(ctx context.Context, tx *ent.Tx, m *ent.ProcessingModule) {
	var u *ent.ProcessingModuleUpdateOne = tx.ProcessingModule.UpdateOne(m)
	u.ExecX(ctx)
}

func param(ctx context.Context, u *ent.CertificateUpdateOne) {
	u.Save(ctx)
}

func fine(ctx context.Context, tx *ent.Tx, c *ent.Certificate, u *ent.CertificateUpdateOne) {
	tx.Certificate.Update().Where(certificate.ID(c.ID)).SetName("x").Save(ctx)
	upd := tx.Certificate.Update().Where(certificate.ID(c.ID))
	upd.Exec(ctx)
	u.SetName("y")
	EndOp(u)
	ok := tx.Certificate.UpdateOne(c).Mutation()
	_ = ok
}
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range readBacks(fset, f) {
		got = append(got, fmt.Sprintf("%s:%d", v.fn, v.line))
	}
	want := []string{"chain:4", "chainID:8", "helper:12", "variable:18", "varDecl:23", "param:27"}
	if !slices.Equal(got, want) {
		t.Fatalf("found %v, want %v", got, want)
	}
}

type readBack struct {
	fn   string // the enclosing function
	line int
}

var saves = map[string]bool{"Save": true, "Exec": true, "SaveX": true, "ExecX": true}

// readBacks are the calls in f that save an UpdateOne builder.
func readBacks(fset *token.FileSet, f *ast.File) []readBack {
	var out []readBack
	for _, decl := range f.Decls {
		fd, ok := decl.(*ast.FuncDecl)
		if !ok || fd.Body == nil {
			continue
		}
		name := fd.Name.Name
		if fd.Recv != nil && len(fd.Recv.List) == 1 {
			name = recvName(fd.Recv.List[0].Type) + "." + name
		}
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || !saves[sel.Sel.Name] {
				return true
			}
			if isUpdateOne(sel.X) {
				out = append(out, readBack{fn: name, line: fset.Position(call.Pos()).Line})
			}
			return true
		})
	}
	return out
}

func recvName(e ast.Expr) string {
	if s, ok := e.(*ast.StarExpr); ok {
		e = s.X
	}
	if g, ok := e.(*ast.IndexExpr); ok {
		e = g.X
	}
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return "?"
}

// isUpdateOne reports whether e is an UpdateOne builder: an expression that
// calls UpdateOne/UpdateOneID, or a variable declared as one or assigned
// from one.
func isUpdateOne(e ast.Expr) bool {
	if id, ok := e.(*ast.Ident); ok {
		return identIsUpdateOne(id)
	}
	return callsUpdateOne(e)
}

func callsUpdateOne(e ast.Node) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.SelectorExpr:
			if n.Sel.Name == "UpdateOne" || n.Sel.Name == "UpdateOneID" {
				found = true
			}
		}
		return !found
	})
	return found
}

func isUpdateOneType(e ast.Expr) bool {
	if s, ok := e.(*ast.StarExpr); ok {
		e = s.X
	}
	switch t := e.(type) {
	case *ast.SelectorExpr:
		return strings.HasSuffix(t.Sel.Name, "UpdateOne")
	case *ast.Ident:
		return strings.HasSuffix(t.Name, "UpdateOne")
	}
	return false
}

func identIsUpdateOne(id *ast.Ident) bool {
	if id.Obj == nil {
		return false
	}
	switch d := id.Obj.Decl.(type) {
	case *ast.Field:
		return isUpdateOneType(d.Type)
	case *ast.ValueSpec:
		if d.Type != nil && isUpdateOneType(d.Type) {
			return true
		}
		for i, n := range d.Names {
			if n.Name == id.Name && i < len(d.Values) {
				return callsUpdateOne(d.Values[i])
			}
		}
	case *ast.AssignStmt:
		for i, l := range d.Lhs {
			if l, ok := l.(*ast.Ident); ok && l.Name == id.Name {
				if len(d.Rhs) == len(d.Lhs) {
					return callsUpdateOne(d.Rhs[i])
				}
				return len(d.Rhs) == 1 && callsUpdateOne(d.Rhs[0])
			}
		}
	}
	return false
}
