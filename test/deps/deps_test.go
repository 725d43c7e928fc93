package deps

import (
	"fmt"
	"maps"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/govrrpd/govrrpd"

// domain packages are plain: parsers, codecs and state machines that a
// daemon, a test or another program can use without the rest of govrrpd.
var domain = []string{"vrrp", "ipvs", "check", "script", "srcpos", "iproute", "bgp", "agentx", "bfd"}

// rule is one forbidden arrow: a package matching from must not depend,
// directly or through others, on a package matching to.
type rule struct {
	from, to func(string) bool
	why      string
}

func is(p ...string) func(string) bool {
	return func(s string) bool { return slices.Contains(p, s) }
}

func under(p string) func(string) bool {
	return func(s string) bool { return s == p || strings.HasPrefix(s, p+"/") }
}

func not(f func(string) bool) func(string) bool { return func(s string) bool { return !f(s) } }

func either(fs ...func(string) bool) func(string) bool {
	return func(s string) bool { return slices.ContainsFunc(fs, func(f func(string) bool) bool { return f(s) }) }
}

var rules = []rule{
	{is(domain...), either(under("confparse"), under("internal")),
		"a domain package stays plain: no configuration language, no daemon internals"},
	{is("vrrp"), either(under("ipvs"), under("check")), "VRRP knows nothing of load balancing or health checks"},
	{is("check"), under("vrrp"), "health checks know nothing of VRRP"},
	{not(either(under("tools"), under("test"))), under("tools"),
		"the product does not link test and benchmark tooling"},
	{is("cmd/govrrpd"), either(under("github.com/osrg/gobgp"), under("google.golang.org/grpc")),
		"govrrpd links no GoBGP, which would cost every daemon megabytes; BGP runs in cmd/govrrpd-bgp (internal/bgpproc)"},
	{is("cmd/govrrpd-bgp"), under("github.com/prometheus/client_golang"),
		"the BGP helper serves no metrics: govrrpd does, over the helper's status"},
}

// violations lists the forbidden arrows in deps, which maps a package
// (module-relative) to everything it depends on.
func violations(deps map[string][]string) []string {
	var out []string
	for _, pkg := range slices.Sorted(maps.Keys(deps)) {
		for _, r := range rules {
			if !r.from(pkg) {
				continue
			}
			for _, d := range deps[pkg] {
				if d != pkg && r.to(d) {
					out = append(out, fmt.Sprintf("%s imports %s: %s", pkg, d, r.why))
				}
			}
		}
	}
	return out
}

// moduleDeps runs go list over the module: each package with its
// transitive dependencies inside the module, test files not counted.
func moduleDeps(t *testing.T) map[string][]string {
	t.Helper()
	cmd := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Deps}} {{.}}{{end}}`, module+"/...")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := map[string][]string{}
	for line := range strings.Lines(string(out)) {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		pkg := rel(f[0])
		deps[pkg] = nil
		for _, d := range f[1:] {
			if r := rel(d); r != d {
				deps[pkg] = append(deps[pkg], r)
			}
		}
	}
	return deps
}

// rel is p relative to the module, or p itself when outside it.
func rel(p string) string {
	if p == module {
		return "."
	}
	if r, ok := strings.CutPrefix(p, module+"/"); ok {
		return r
	}
	return p
}

func TestDependencyArrows(t *testing.T) {
	deps := moduleDeps(t)
	for _, p := range []string{"vrrp", "check", "confparse", "internal/daemon", "cmd/govrrpd", "cmd/govrrpd-bgp"} {
		if _, ok := deps[p]; !ok {
			t.Fatalf("go list did not report %s; the package walk is broken", p)
		}
	}
	for _, v := range violations(deps) {
		t.Error(v)
	}
}

// The rules catch each kind of forbidden arrow.
func TestDependencyRulesCatch(t *testing.T) {
	cases := []struct {
		pkg, dep string
		bad      bool
	}{
		{"vrrp", "confparse", true},
		{"ipvs", "internal/netconf", true},
		{"iproute", "confparse/lvscf", true},
		{"srcpos", "internal/status", true},
		{"vrrp", "ipvs", true},
		{"vrrp", "check", true},
		{"check", "vrrp", true},
		{"confparse", "tools/nstest", true},
		{"internal/daemon", "tools/lab", true},
		{"cmd/govrrpd", "tools/demo", true},
		{"cmd/govrrpd", "github.com/osrg/gobgp/v3/pkg/server", true},
		{"cmd/govrrpd", "google.golang.org/grpc", true},
		{"cmd/govrrpd-bgp", "github.com/prometheus/client_golang/prometheus", true},
		{"cmd/govrrpd-bgp", "github.com/osrg/gobgp/v3/api", false},
		{"check", "ipvs", false},
		{"check", "srcpos", false},
		{"confparse", "vrrp", false},
		{"internal/daemon", "confparse", false},
		{"tools/lab", "tools/nstest", false},
		{"test/lab", "tools/lab", false},
	}
	for _, c := range cases {
		got := len(violations(map[string][]string{c.pkg: {c.dep}})) > 0
		if got != c.bad {
			t.Errorf("%s -> %s: forbidden = %v, want %v", c.pkg, c.dep, got, c.bad)
		}
	}
}
