package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/govrrpd/govrrpd/confparse/lvscf"
)

// treeFiles reads the files the globs name.
func treeFiles(t testing.TB, globs ...string) [][]byte {
	var out [][]byte
	for _, glob := range globs {
		files, err := filepath.Glob(glob)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, b)
		}
	}
	return out
}

var (
	lvsCFGlobs      = []string{lvsTestdata + "/examples/*.cf", lvsTestdata + "/examples/invalid/*.cf"}
	keepalivedGlobs = []string{"../../examples/*.conf", "../../confparse/testdata/corpus/*/*.conf", lvsTestdata + "/golden/*.conf"}
	// sniffEdges are lvscf's TestDetect cases and the lexer's corners:
	// quoted first words, an unclosed quote, "=" in a keepalived comment.
	sniffEdges = []string{"# comment\n\nvirtual www {\n", "# comment\rvirtual www {\r", "\r\n\r\nprimary = 192.0.2.1\r\n",
		"! Configuration File for keepalived\nglobal_defs {\n}\n", "vrrp_instance VI_1 {\n state MASTER\n}\n",
		"$IF=eth0\n", "primary 192.0.2.1\n", "", "global_defs {\r}\rvirtual www {\r", "  \t# x\n\t\"virtual\" a {\n",
		"'failover' f {", "'primary' '=' x", "\"unclosed virtual = {", "! virtual IP\nvirtual x {\n"}
)

// TestMayBeLVSCF: every lvs.cf of the tree passes the sniff on to
// lvscf.Detect, and every keepalived.conf of the tree stops at it.
func TestMayBeLVSCF(t *testing.T) {
	lvs := treeFiles(t, lvsCFGlobs...)
	if len(lvs) < 5 {
		t.Fatalf("%d lvs.cf files read: the globs are broken", len(lvs))
	}
	for _, b := range lvs {
		if lvscf.Detect(b) && !mayBeLVSCF(b) {
			t.Errorf("mayBeLVSCF(%.40q) = false, but Detect says lvs.cf", b)
		}
	}
	kc := treeFiles(t, keepalivedGlobs...)
	if len(kc) < 20 {
		t.Fatalf("%d keepalived.conf files read: the globs are broken", len(kc))
	}
	for _, b := range kc {
		if mayBeLVSCF(b) {
			t.Errorf("mayBeLVSCF(%.40q) = true for a keepalived.conf: the daemon's start runs the importer", b)
		}
	}
	for _, s := range sniffEdges {
		if lvscf.Detect([]byte(s)) && !mayBeLVSCF([]byte(s)) {
			t.Errorf("mayBeLVSCF(%q) = false, but Detect says lvs.cf", s)
		}
	}
}

// FuzzMayBeLVSCF: the sniff never turns away what Detect takes for lvs.cf.
func FuzzMayBeLVSCF(f *testing.F) {
	for _, b := range treeFiles(f, append(lvsCFGlobs, keepalivedGlobs...)...) {
		f.Add(b)
	}
	for _, s := range sniffEdges {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if lvscf.Detect(data) && !mayBeLVSCF(data) {
			t.Errorf("mayBeLVSCF(%q) = false, but Detect says lvs.cf", data)
		}
	})
}
