package confparse

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// incConf is a genconf.py-like file as lines, with the blocks a real site
// mixes in: global_defs, a VRRP instance, a group and its user, a virtual
// server with warnings, a sorry server, HTTP and MISC checkers.
func incConf(vs, rs int) []string {
	l := []string{"global_defs {", "    router_id inc", "}", "! a comment",
		"vrrp_instance VI_1 {", "    state BACKUP", "    interface lo", "    virtual_router_id 51",
		"    priority 100", "    virtual_ipaddress {", "        192.0.2.250", "    }", "}",
		"virtual_server_group G1 {", "    192.0.2.240 80", "}"}
	for i := range vs {
		l = append(l, incVS(i, rs)...)
	}
	l = append(l, "virtual_server group G1 {", "    lb_algo rr", "    protocol TCP",
		"    real_server 198.51.100.9 80 {", "        TCP_CHECK {", "        }", "    }", "}")
	return l
}

// incVS is virtual server i; every fifth has no protocol (a warning), a
// sorry server and an HTTP_GET checker, every seventh a MISC_CHECK.
func incVS(i, rs int) []string {
	port := 1024 + i
	l := []string{fmt.Sprintf("virtual_server 192.0.2.%d %d {", 1+i%200, port), "    delay_loop 6",
		"    lb_algo rr", "    lb_kind NAT"}
	if i%5 != 0 {
		l = append(l, "    protocol TCP")
	} else {
		l = append(l, fmt.Sprintf("    sorry_server 203.0.113.1 %d", port))
	}
	for j := range rs {
		l = append(l, fmt.Sprintf("    real_server 198.51.100.%d %d {", 1+j, port), "        weight 1")
		switch {
		case i%7 == 3 && j == 0:
			l = append(l, "        MISC_CHECK {", "            misc_path /bin/true", "        }")
		case i%5 == 0:
			l = append(l, "        HTTP_GET {", "            url {", "                path /", "                status_code 200",
				"            }", "        }")
		default:
			l = append(l, "        TCP_CHECK {", "            connect_timeout 3", "        }")
		}
		l = append(l, "    }")
	}
	return append(l, "}")
}

// incEdit changes a file's lines; want says whether the edit may be read
// incrementally.
type incEdit struct {
	name string
	want string // "incremental" or "full"
	edit func(l []string, r *rand.Rand) []string
}

// vsStart is the index of the first line of the k-th virtual_server with
// an address (not the group's).
func vsStart(l []string, k int) int {
	for i, s := range l {
		if strings.HasPrefix(s, "virtual_server 192.") {
			if k == 0 {
				return i
			}
			k--
		}
	}
	return -1
}

func vsEnd(l []string, start int) int {
	for i := start; i < len(l); i++ {
		if l[i] == "}" {
			return i + 1
		}
	}
	return len(l)
}

func editLines(l []string, at, drop int, add ...string) []string {
	out := append([]string{}, l[:at]...)
	out = append(out, add...)
	return append(out, l[at+drop:]...)
}

var incEdits = []incEdit{
	{"weight changed", "incremental", func(l []string, r *rand.Rand) []string {
		i := vsStart(l, r.Intn(12))
		for ; !strings.Contains(l[i], "weight"); i++ {
		}
		return editLines(l, i, 1, "        weight 2")
	}},
	{"real server removed", "incremental", func(l []string, r *rand.Rand) []string {
		i := vsStart(l, 1+r.Intn(11)*5%11)
		for ; !strings.Contains(l[i], "real_server"); i++ {
		}
		j := i
		for ; l[j] != "    }"; j++ {
		}
		return editLines(l, i, j+1-i)
	}},
	{"real server added", "incremental", func(l []string, r *rand.Rand) []string {
		i := vsStart(l, 1+r.Intn(11))
		return editLines(l, i+5, 0, "    real_server 198.51.100.200 9 {", "        TCP_CHECK {", "        }", "    }")
	}},
	{"virtual server removed", "incremental", func(l []string, r *rand.Rand) []string {
		i := vsStart(l, r.Intn(12))
		return editLines(l, i, vsEnd(l, i)-i)
	}},
	{"virtual server added", "incremental", func(l []string, r *rand.Rand) []string {
		i := vsStart(l, r.Intn(12))
		return editLines(l, i, 0, incVS(100+r.Intn(50), 1+r.Intn(3))...)
	}},
	{"virtual server moved", "incremental", func(l []string, r *rand.Rand) []string {
		i := vsStart(l, 2)
		e := vsEnd(l, i)
		b := append([]string{}, l[i:e]...)
		l = editLines(l, i, e-i)
		return editLines(l, vsStart(l, 6), 0, b...)
	}},
	{"lines inserted", "incremental", func(l []string, r *rand.Rand) []string {
		i := vsStart(l, r.Intn(12))
		return editLines(l, i+1, 0, "", "    # why", "    delay_loop 7")
	}},
	{"comment edited", "incremental", func(l []string, r *rand.Rand) []string {
		i := vsStart(l, r.Intn(12))
		return editLines(l, i+1, 0, "    ! note "+fmt.Sprint(r.Int()))
	}},
	{"gap comment added", "incremental", func(l []string, r *rand.Rand) []string {
		return editLines(l, vsStart(l, r.Intn(12)), 0, "# between blocks", "")
	}},
	{"broken block", "full", func(l []string, r *rand.Rand) []string {
		i := vsStart(l, r.Intn(12))
		return editLines(l, i+1, 0, "    }")
	}},
	{"global changed", "full", func(l []string, r *rand.Rand) []string {
		return editLines(l, 1, 1, "    router_id other")
	}},
	{"group changed", "full", func(l []string, r *rand.Rand) []string {
		i := vsStart(l, 0) - 2
		return editLines(l, i, 1, "    192.0.2.241 80")
	}},
	{"parameter used", "full", func(l []string, r *rand.Rand) []string {
		return editLines(l, 0, 0, "$W=1")
	}},
}

// incOpts are the options a daemon reads with: an interface check
// function is always there, and asked only under -t.
var incOpts = Options{InterfaceExists: func(string) bool { return true }}

// loadBoth loads p fully and incrementally after prev and fails the test
// on any difference.
func loadBoth(t *testing.T, p string, prev *Inputs) (*Inputs, string) {
	t.Helper()
	fcfg, fdiags, _ := LoadInputs(p, incOpts)
	icfg, idiags, in, how := LoadInputsAfter(p, incOpts, prev)
	if !reflect.DeepEqual(fdiags, idiags) {
		t.Fatalf("%s: diagnostics differ\nfull:\n%s\nincremental:\n%s", how, fdiags, idiags)
	}
	if fp, ip := printed(t, fcfg), printed(t, icfg); fp != ip {
		t.Fatalf("%s: printed configurations differ\nfull:\n%s\nincremental:\n%s", how, fp, ip)
	}
	if !reflect.DeepEqual(fcfg, icfg) {
		t.Fatalf("%s: configurations differ", how)
	}
	return in, how
}

// printed is c printed, or the printer's error.
func printed(t *testing.T, c *Config) string {
	t.Helper()
	var b strings.Builder
	if err := Print(&b, c); err != nil {
		return "error: " + err.Error()
	}
	return b.String()
}

func writeLines(t *testing.T, p string, l []string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(strings.Join(l, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestLoadIncrementalEqualsFull: every edit reads as a full load would,
// and those that may be read incrementally are.
func TestLoadIncrementalEqualsFull(t *testing.T) {
	for _, e := range incEdits {
		t.Run(e.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "keepalived.conf")
			l := incConf(12, 3)
			writeLines(t, p, l)
			_, _, prev := LoadInputs(p, incOpts)
			writeLines(t, p, e.edit(l, rand.New(rand.NewSource(1))))
			_, how := loadBoth(t, p, prev)
			if !strings.HasPrefix(how, e.want) {
				t.Fatalf("read %q, want %s", how, e.want)
			}
		})
	}
}

// TestLoadIncrementalChain: random edits one after another, each load
// starting from the record of the one before, as reloads do.
func TestLoadIncrementalChain(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	p := filepath.Join(t.TempDir(), "keepalived.conf")
	l := incConf(12, 3)
	writeLines(t, p, l)
	_, _, in := LoadInputs(p, incOpts)
	incremental := 0
	for round := range 40 {
		e := incEdits[r.Intn(len(incEdits))]
		if vsStart(l, 11) < 0 || e.name == "parameter used" && r.Intn(3) > 0 {
			e = incEdits[4] // keep enough virtual servers to edit
		}
		l = e.edit(l, r)
		writeLines(t, p, l)
		var how string
		in, how = loadBoth(t, p, in)
		if strings.HasPrefix(how, "incremental") {
			incremental++
		}
		t.Logf("round %d: %s: %s", round, e.name, how)
		if e.name == "broken block" || e.name == "parameter used" {
			l = l[:0]
			l = append(l, incConf(12, 3)...)
		}
	}
	if incremental == 0 {
		t.Fatal("no edit was read incrementally")
	}
}

// TestLoadIncrementalInclude: a file that includes another is always read
// in full, and still reads right.
func TestLoadIncrementalInclude(t *testing.T) {
	dir := t.TempDir()
	p, q := filepath.Join(dir, "keepalived.conf"), filepath.Join(dir, "vs.conf")
	writeLines(t, q, incVS(1, 2))
	writeLines(t, p, append(incConf(3, 2), "include "+q))
	_, _, prev := LoadInputs(p, incOpts)
	writeLines(t, q, incVS(2, 2))
	_, how := loadBoth(t, p, prev)
	if !strings.HasPrefix(how, "full") {
		t.Fatalf("read %q, want full", how)
	}
}

// FuzzLoadIncremental: whatever a file was and whatever it becomes, the
// load that starts from the last one's record gives what a full load
// gives.
func FuzzLoadIncremental(f *testing.F) {
	base := strings.Join(incConf(4, 2), "\n") + "\n"
	f.Add(base, strings.Replace(base, "weight 1", "weight 2", 1))
	f.Add(base, strings.Replace(base, "virtual_server 192.0.2.2 1025 {", "virtual_server 192.0.2.2 1025 {\n}\n{", 1))
	f.Add(base, strings.Replace(base, "    lb_kind NAT\n", "", 2))
	f.Add(base, strings.Replace(base, "}\nvirtual_server 192.0.2.3", "} virtual_server 192.0.2.3", 1))
	f.Add(base, strings.Replace(base, "        weight 1\n", "        weight 1 }\n", 1))
	f.Add("virtual_server 192.0.2.1 80 {\n protocol TCP\n real_server 198.51.100.1 80 {\n }\n}\n",
		"virtual_server 192.0.2.1 80 {\n real_server 198.51.100.1 80 {\n }\n}\n")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, before, after string) {
		if len(before) > 4096 || len(after) > 4096 {
			return
		}
		p := filepath.Join(dir, "keepalived.conf")
		if err := os.WriteFile(p, []byte(before), 0o600); err != nil {
			t.Fatal(err)
		}
		_, _, prev := LoadInputs(p, Options{ElsewhereScripts: true})
		if err := os.WriteFile(p, []byte(after), 0o600); err != nil {
			t.Fatal(err)
		}
		fcfg, fdiags, _ := LoadInputs(p, Options{ElsewhereScripts: true})
		icfg, idiags, _, how := LoadInputsAfter(p, Options{ElsewhereScripts: true}, prev)
		if !reflect.DeepEqual(fdiags, idiags) {
			t.Fatalf("%s: diagnostics differ\nfull:\n%s\nincremental:\n%s", how, fdiags, idiags)
		}
		if fp, ip := printed(t, fcfg), printed(t, icfg); fp != ip {
			t.Fatalf("%s: printed configurations differ\nfull:\n%s\nincremental:\n%s", how, fp, ip)
		}
	})
}

// TestLoadIncrementalLineNoise: single lines deleted, copied elsewhere or
// inserted from a pool of fragments (stray braces, block heads, keywords),
// on a file reset every third edit so that edits also land in clean ones.
func TestLoadIncrementalLineNoise(t *testing.T) {
	pool := []string{"}", "{", "    }", "virtual_server 192.0.2.9 80 {", "    real_server 198.51.100.3 80 {",
		"        weight 3", "# c", "", "    protocol UDP", "global_defs {", "real_server 198.51.100.4 80 {",
		"    TCP_CHECK {", "} virtual_server 192.0.2.8 81 {", "    lb_kind DR"}
	r := rand.New(rand.NewSource(11))
	base := incConf(8, 2)
	p := filepath.Join(t.TempDir(), "keepalived.conf")
	writeLines(t, p, base)
	_, _, in := LoadInputs(p, incOpts)
	l := base
	counts := map[string]int{}
	for round := range 150 {
		if round%3 == 0 {
			// Back to a clean file, read after the noise as any edit is.
			l = base
			writeLines(t, p, l)
			in, _ = loadBoth(t, p, in)
		}
		i := r.Intn(len(l))
		switch r.Intn(3) {
		case 0:
			l = editLines(l, i, 1)
		case 1:
			l = editLines(l, r.Intn(len(l)), 0, l[i])
		default:
			l = editLines(l, i, 0, pool[r.Intn(len(pool))])
		}
		writeLines(t, p, l)
		var how string
		in, how = loadBoth(t, p, in)
		counts[strings.SplitN(how, ":", 2)[0]]++
		t.Logf("round %d: %s", round, how)
	}
	t.Logf("ways taken: %v", counts)
	if counts["incremental"] == 0 {
		t.Fatal("no edit was read incrementally")
	}
}

// TestLoadIncrementalVRRPOnlyKeepsNoRecord: a file with no virtual server
// keeps no line hashes (4,080 VRRP instances would hold them for nothing),
// and its next load is a full one that says why.
func TestLoadIncrementalVRRPOnlyKeepsNoRecord(t *testing.T) {
	p := filepath.Join(t.TempDir(), "keepalived.conf")
	l := []string{"vrrp_instance v1 {", "    interface eth0", "    virtual_router_id 1", "    priority 100",
		"    virtual_ipaddress {", "        192.0.2.10/24", "    }", "}"}
	writeLines(t, p, l)
	_, _, prev := LoadInputs(p, incOpts)
	if prev.inc.lines != nil || prev.inc.stmts != nil {
		t.Fatalf("record kept %d line hashes and %d statements", len(prev.inc.lines), len(prev.inc.stmts))
	}
	writeLines(t, p, editLines(l, 3, 1, "    priority 101"))
	if _, how := loadBoth(t, p, prev); how != "full: no virtual server block to reuse" {
		t.Fatalf("read %q", how)
	}
}
