package deps

import (
	"maps"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// opsStd are the standard library's HTTP, TLS, certificate and template
// packages. Their initialisers and code are the largest part of the
// daemon's resident binary that VRRP and IPVS never run: a build of
// cmd/govrrpd without them is 10.1 MiB idle against 14.9 (keepalived
// 12.8) — docs/scale.md, "Session 8: the binary's resident pages".
var opsStd = []string{"net/http", "crypto/tls", "crypto/x509", "html/template", "text/template"}

// opsImporters are the daemon's packages allowed to import opsStd: the
// API and console (control, console), the metrics page (metrics), the
// HTTP_GET/SSL_GET fetcher (check/httpcheck, which the govrrpd-check
// helper and genhash link; check itself does not, Session 9) and the
// flags that set them up (cmd/govrrpd). Keeping the imports here keeps a daemon without them a
// matter of moving these packages' HTTP parts out, should the project
// decide to; a new importer elsewhere would tie that code to the binary.
var opsImporters = []string{"internal/control", "internal/console", "internal/metrics", "check/httpcheck", "cmd/govrrpd"}

// opsImportViolations lists the module packages in imports (a package to
// its direct imports) that import an opsStd package without being one of
// opsImporters.
func opsImportViolations(imports map[string][]string) []string {
	var out []string
	for _, pkg := range slices.Sorted(maps.Keys(imports)) {
		if rel(pkg) == pkg || slices.Contains(opsImporters, rel(pkg)) {
			continue
		}
		for _, imp := range imports[pkg] {
			if slices.Contains(opsStd, imp) {
				out = append(out, rel(pkg)+" imports "+imp)
			}
		}
	}
	return out
}

func TestOpsImportsStayInOpsPackages(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`,
		module+"/cmd/govrrpd").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	imports := map[string][]string{}
	for line := range strings.Lines(string(out)) {
		if f := strings.Fields(line); len(f) > 0 {
			imports[f[0]] = f[1:]
		}
	}
	if !slices.Contains(imports[module+"/internal/control"], "net/http") {
		t.Fatalf("go list reports no net/http import for internal/control; the walk is broken")
	}
	for _, v := range opsImportViolations(imports) {
		t.Errorf("%s: only %s import %s (docs/scale.md, Session 8)", v,
			strings.Join(opsImporters, ", "), strings.Join(opsStd, ", "))
	}
}

// The check fires for a daemon package importing any of opsStd, and
// leaves the allowed importers and the standard library alone.
func TestOpsImportViolationsCatch(t *testing.T) {
	cases := []struct {
		pkg, imp string
		bad      bool
	}{
		{module + "/internal/daemon", "net/http", true},
		{module + "/vrrp", "crypto/tls", true},
		{module + "/internal/lvs", "crypto/x509", true},
		{module + "/internal/notify", "text/template", true},
		{module + "/confparse", "html/template", true},
		{module + "/internal/control", "net/http", false},
		{module + "/internal/console", "html/template", false},
		{module + "/internal/metrics", "net/http", false},
		{module + "/check", "crypto/tls", true},
		{module + "/check", "net/http", true},
		{module + "/internal/checkproc", "crypto/x509", true},
		{module + "/check/httpcheck", "crypto/tls", false},
		{module + "/cmd/govrrpd", "crypto/tls", false},
		{module + "/internal/daemon", "net", false},
		{"net/http/httputil", "net/http", false},
	}
	for _, c := range cases {
		got := len(opsImportViolations(map[string][]string{c.pkg: {c.imp}})) > 0
		if got != c.bad {
			t.Errorf("%s -> %s: flagged = %v, want %v", c.pkg, c.imp, got, c.bad)
		}
	}
}
