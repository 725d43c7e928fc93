package confparse

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/ipvs"
)

// Helpers of the sem_lvs_*_test.go files: direct table tests of the
// semantic pass on the LVS side (virtual_server, virtual_server_group,
// real_server, the checkers, the lvs global keywords). A row gives a whole
// configuration, the value one field of the domain type must take, and
// every diagnostic the load must give — none more.
//
// The templates put the line under test on a fixed line so that a row can
// name it:
//
//	1  virtual_server 192.0.2.1 80 {
//	2  lb_algo rr
//	3  lb_kind NAT
//	4  protocol TCP
//	5  the body of slVS; "real_server 192.0.2.10 80 {" in the others
//	6  the body of slRS; "KIND {" in slCk and slURL
//	7  the body of slCk; "url {" in slURL
//	8  "path /" in slURL
//	9  the body of slURL
const (
	lineVS  = 5
	lineRS  = 6
	lineCk  = 7
	lineURL = 9
)

const slHead = "virtual_server 192.0.2.1 80 {\nlb_algo rr\nlb_kind NAT\nprotocol TCP\n"

// slVS is a complete virtual server with body at line 5 and one real
// server after it.
func slVS(body string) string {
	return slHead + body + "\nreal_server 192.0.2.10 80 {\n}\n}\n"
}

// slRS is a complete virtual server whose one real server has body at
// line 6.
func slRS(body string) string {
	return slHead + "real_server 192.0.2.10 80 {\n" + body + "\n}\n}\n"
}

// slCk is a real server holding one checker block of kind with body at
// line 7.
func slCk(kind, body string) string {
	return slRS(kind + " {\n" + body + "\n}")
}

// slURL is an HTTP_GET whose one url block has path / and body at line 9.
func slURL(body string) string {
	return slCk("HTTP_GET", "url {\npath /\n"+body+"\n}")
}

// slDiag is one expected diagnostic: severity, line and a part of the
// message.
type slDiag struct {
	sev  Severity
	line int
	msg  string
}

func (d slDiag) String() string { return fmt.Sprintf("line %d: %s: ...%s...", d.line, d.sev, d.msg) }

func slW(line int, msg string) slDiag { return slDiag{Warning, line, msg} }
func slI(line int, msg string) slDiag { return slDiag{Info, line, msg} }

// slExpect fails unless ds is exactly want, in any order: each wanted
// diagnostic matches one given diagnostic, and none is left over.
func slExpect(t *testing.T, ds Diagnostics, want []slDiag) {
	t.Helper()
	used := make([]bool, len(ds))
	for _, w := range want {
		found := false
		for i, d := range ds {
			if !used[i] && d.Severity == w.sev && d.Pos.Line == w.line && strings.Contains(d.Msg, w.msg) {
				used[i], found = true, true
				break
			}
		}
		if !found {
			t.Errorf("missing %s", w)
		}
	}
	for i, d := range ds {
		if !used[i] {
			t.Errorf("unexpected %s", d)
		}
	}
}

// slRow is one load: src, the value got must return, the diagnostics.
// A nil got checks the diagnostics alone.
type slRow struct {
	name  string
	src   string
	got   func(*Config) any
	want  any
	diags []slDiag
}

func slRun(t *testing.T, rows []slRow) {
	t.Helper()
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			c, ds := lvsLoad(t, r.src)
			slExpect(t, ds, r.diags)
			if r.got == nil {
				return
			}
			if got := slGet(r.got, c); !reflect.DeepEqual(got, r.want) {
				t.Errorf("got %#v, want %#v", got, r.want)
			}
		})
	}
}

// slMissing is what slGet returns when the value's block was not kept.
type slMissing string

// slGet calls got, turning an index out of range (no virtual server, no
// checker) into a value that compares unequal to any wanted one.
func slGet(got func(*Config) any, c *Config) (v any) {
	defer func() {
		if p := recover(); p != nil {
			v = slMissing(fmt.Sprint(p))
		}
	}()
	return got(c)
}

// Field getters of the first virtual server, real server and checker.
func vs0(c *Config) *ipvs.VirtualServer { return &c.VirtualServers[0] }
func rs0(c *Config) *ipvs.RealServer    { return &c.VirtualServers[0].Reals[0] }
func ck0(c *Config) *check.Checker      { return c.Checkers[0] }

// slCount is the number of virtual servers, real servers and checkers.
func slCount(c *Config) any {
	n := [3]int{len(c.VirtualServers), 0, len(c.Checkers)}
	for _, v := range c.VirtualServers {
		n[1] += len(v.Reals)
	}
	return n
}

// loadElsewhere loads src as a file written for another machine.
func loadElsewhere(t *testing.T, src string) (*Config, Diagnostics) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "keepalived.conf")
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return Load(p, Options{ElsewhereScripts: true})
}
