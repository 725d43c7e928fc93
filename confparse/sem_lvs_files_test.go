package confparse

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// LVS diagnostics name the file and line of the statement, also when the
// statement comes from an included file, and the messages about a whole
// block name the block's header wherever its body came from.
func TestSemLVSIncludedPositions(t *testing.T) {
	type at struct {
		file string
		line int
		msg  string
	}
	cases := []struct {
		name  string
		files map[string]string // keepalived.conf and what it includes
		want  []at
	}{
		{"virtual server in an include",
			map[string]string{
				"keepalived.conf": "global_defs {\n}\ninclude lvs.conf\n",
				"lvs.conf":        slVS("lb_algo fair"),
			},
			[]at{{"lvs.conf", lineVS, "Invalid lvs_scheduler 'fair' - ignoring"}}},
		{"real servers from an include inside the block",
			map[string]string{
				"keepalived.conf": "virtual_server 192.0.2.1 80 {\nlb_algo rr\nlb_kind NAT\nprotocol TCP\nquorum 3\ninclude reals.conf\n}\n",
				"reals.conf":      "real_server 192.0.2.10 80 {\nweight -1\n}\nreal_server 192.0.2.10 80 {\n}\n",
			},
			[]at{
				{"reals.conf", 2, "weight: number '-1' outside range [0, 2147483647]"},
				{"reals.conf", 4, "real server 192.0.2.10:80 is duplicated - removing second rs"},
				{"keepalived.conf", 1, "quorum 3 for [192.0.2.1]:tcp:80 exceeds total weight of real servers 1"},
			}},
		{"checker body from an include",
			map[string]string{
				"keepalived.conf": slRS("TCP_CHECK {\ninclude check.conf\n}"),
				"check.conf":      "connect_port 0\nbindto 2001:db8::1\n",
			},
			[]at{
				{"check.conf", 1, "connect_port: number '0' outside range [1, 65535]"},
				{"check.conf", 1, "Invalid checker connect_port '0'"},
				{"check.conf", 2, "bindto address 2001:db8::1 does not match address family"},
			}},
		{"group in an include, service in the main file",
			map[string]string{
				"keepalived.conf": "include group.conf\n" + vsWith("group G", "192.0.2.10 80"),
				"group.conf":      "virtual_server_group G {\n192.0.2.1 80\n192.0.2.9-8 80\n}\n",
			},
			[]at{{"group.conf", 3, "Address range end is not greater than address range start - 192.0.2.9-8"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, text := range tc.files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			_, ds := Load(filepath.Join(dir, "keepalived.conf"), Options{})
			if len(ds) != len(tc.want) {
				t.Errorf("%d diagnostics, want %d:\n%s", len(ds), len(tc.want), ds)
			}
			for _, w := range tc.want {
				found := false
				for _, d := range ds {
					if filepath.Base(d.Pos.File) == w.file && d.Pos.Line == w.line && strings.Contains(d.Msg, w.msg) {
						found = true
					}
				}
				if !found {
					t.Errorf("missing %s:%d: %s in\n%s", w.file, w.line, w.msg, ds)
				}
			}
		})
	}
}

// Two services report each their own lines, and what one gets wrong does
// not leak into the next (the read state is reused between them).
func TestSemLVSServicesApart(t *testing.T) {
	src := slVS("lb_algo fair\nsorry_server 192.0.2.99 80\nsorry_server_inhibit") + // lines 1-10
		"virtual_server 192.0.2.2 80 {\nlb_algo rr\nlb_kind DR\nprotocol UDP\nreal_server 192.0.2.20 {\nweight 3\n}\n}\n" // 11-18
	slRun(t, []slRow{
		{"second service clean", src, func(c *Config) any {
			a, b := &c.VirtualServers[0], &c.VirtualServers[1]
			return []any{a.Scheduler, a.Options().SorryInhibit, a.Options().Sorry != nil, b.Scheduler, b.Options().SorryInhibit, b.Options().Sorry == nil, b.Reals[0].Weight,
				b.Reals[0].Addr.String(), b.Reals[0].Source.Line()}
		}, []any{"rr", true, true, "rr", false, true, 3, "192.0.2.20:80", 15},
			[]slDiag{slW(lineVS, "Invalid lvs_scheduler 'fair' - ignoring")}},
	})
}
