package control_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/govrrpd/govrrpd/internal/control"
	"github.com/govrrpd/govrrpd/internal/status"
)

// apiPackages declare the API's answers: the status types and control's
// wrappers (CheckerEntry).
var apiPackages = map[string]bool{
	reflect.TypeOf(status.Daemon{}).PkgPath():        true,
	reflect.TypeOf(control.CheckerEntry{}).PkgPath(): true,
}

// jsonFields is every JSON field name of ty and the types it holds.
func jsonFields(ty reflect.Type, seen map[reflect.Type]bool, out map[string]bool) {
	for ty.Kind() == reflect.Slice || ty.Kind() == reflect.Map || ty.Kind() == reflect.Pointer {
		ty = ty.Elem()
	}
	if ty.Kind() != reflect.Struct || seen[ty] || !apiPackages[ty.PkgPath()] {
		return
	}
	seen[ty] = true
	for i := range ty.NumField() {
		f := ty.Field(i)
		if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "" && name != "-" {
			out[name] = true
		}
		jsonFields(f.Type, seen, out)
	}
}

// goldenKeys adds every object key of v to out, except the keys of the
// API's maps (drops, ops, results: their keys are data, not schema).
func goldenKeys(v any, out map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			out[k] = true
			if k == "drops" || k == "ops" || k == "results" {
				continue
			}
			goldenKeys(e, out)
		}
	case []any:
		for _, e := range x {
			goldenKeys(e, out)
		}
	}
}

var (
	backticked = regexp.MustCompile("`([^`]*)`")
	word       = regexp.MustCompile(`[a-z][a-z0-9_]*`)
	parens     = regexp.MustCompile(`\([^)]*\)`)
)

// TestAPIDocMatchesSchema: docs/api.md's Schema section names every field
// the API answers (the status types and the golden answers), and every
// field its "| field |" tables name exists. A field added to the API
// without its line in the document, or a documented field renamed in
// the code, fails here.
func TestAPIDocMatchesSchema(t *testing.T) {
	doc, err := os.ReadFile("../../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	_, schema, ok := strings.Cut(string(doc), "\n## Schema\n")
	if !ok {
		t.Fatal("docs/api.md has no ## Schema section")
	}
	schema, _, _ = strings.Cut(schema, "\n## Example")
	documented := map[string]bool{}
	for _, m := range backticked.FindAllStringSubmatch(schema, -1) {
		for _, w := range word.FindAllString(m[1], -1) {
			documented[w] = true
		}
	}
	fields := map[string]bool{}
	seen := map[reflect.Type]bool{}
	for _, v := range []any{status.Daemon{}, status.Plan{}, control.CheckerEntry{}} {
		jsonFields(reflect.TypeOf(v), seen, fields)
	}
	goldens, _ := filepath.Glob("testdata/*.json")
	if len(goldens) == 0 {
		t.Fatal("no golden answers in testdata")
	}
	answered := map[string]bool{}
	for _, g := range goldens {
		b, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("%s: %v", g, err)
		}
		goldenKeys(v, answered)
	}
	for name := range answered {
		if !fields[name] {
			t.Errorf("golden answers carry %q, which no status type declares", name)
		}
	}
	var missing []string
	for name := range fields {
		if !documented[name] {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	for _, name := range missing {
		t.Errorf("field %q is answered but docs/api.md's Schema does not name it", name)
	}
	inTable := false
	for _, l := range strings.Split(schema, "\n") {
		switch {
		case strings.HasPrefix(l, "| field |"):
			inTable = true
			continue
		case !strings.HasPrefix(l, "|"):
			inTable = false
		}
		if !inTable || strings.HasPrefix(l, "|---") {
			continue
		}
		first := parens.ReplaceAllString(strings.Split(l, "|")[1], "")
		for _, m := range backticked.FindAllStringSubmatch(first, -1) {
			for _, w := range word.FindAllString(m[1], -1) {
				if !fields[w] {
					t.Errorf("docs/api.md documents field %q (%q), which the API does not answer", w, strings.TrimSpace(first))
				}
			}
		}
	}
}
