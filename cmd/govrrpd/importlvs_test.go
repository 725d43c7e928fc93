package main

import (
	"bytes"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const lvsTestdata = "../../confparse/lvscf/testdata"

func TestImportLVSCFGolden(t *testing.T) {
	var stdout, stderr bytes.Buffer
	in := filepath.Join(lvsTestdata, "examples/nat-http.cf")
	// Flags after the file name are accepted too.
	code := importLVSCF([]string{in, "--node", "backup"}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	want, _ := os.ReadFile(filepath.Join(lvsTestdata, "golden/nat-http.backup.conf"))
	if stdout.String() != string(want) {
		t.Errorf("stdout differs from golden:\n%s", stdout.String())
	}
	if !strings.Contains(stderr.String(), "WARNING reentry_unsupported") {
		t.Errorf("stderr lacks the warning: %s", stderr.String())
	}
}

func TestImportLVSCFOutputFile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "keepalived.conf")
	var stdout, stderr bytes.Buffer
	code := importLVSCF([]string{"-o", out, "--node=primary", "--vrid", "7", "--vrrp-interface", "bond0",
		filepath.Join(lvsTestdata, "examples/fwmark.cf")}, &stdout, &stderr)
	if code != 0 || stdout.Len() != 0 {
		t.Fatalf("exit %d, stdout %q, stderr %s", code, stdout.String(), stderr.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"    virtual_router_id 7\n", "    interface bond0\n", "# node: primary 172.16.5.2\n"} {
		if !strings.Contains(string(b), w) {
			t.Errorf("output lacks %q", w)
		}
	}
}

func TestImportLVSCFErrors(t *testing.T) {
	tests := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--node", "backup", filepath.Join(lvsTestdata, "examples/tunnel-standalone.cf")}, 1,
			"error: backup node requested but backup_active = 0 or no backup defined: pulse does not run on the backup\n"},
		{[]string{filepath.Join(lvsTestdata, "examples/invalid/inline-comment.cf")}, 1, "line 4: unexpected arguments\n"},
		{[]string{"--node", "primary", filepath.Join(lvsTestdata, "examples/invalid/uppercase-key.cf")}, 1, "primary is missing"},
		{[]string{"--node", "left", filepath.Join(lvsTestdata, "examples/nat-http.cf")}, 1, "want primary, backup or auto"},
		{[]string{filepath.Join(lvsTestdata, "no-such.cf")}, 1, "no such file"},
		{nil, 2, "usage:"},
		{[]string{"a.cf", "b.cf"}, 2, "usage:"},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		code := importLVSCF(tt.args, &stdout, &stderr)
		if code != tt.code || !strings.Contains(stderr.String(), tt.msg) || stdout.Len() != 0 {
			t.Errorf("%v: exit %d stderr %q stdout %d bytes; want exit %d and %q", tt.args, code, stderr.String(), stdout.Len(), tt.code, tt.msg)
		}
	}
}

// TestImportLVSCFAuto: --node auto picks primary only on the host holding
// the primary address, as pulse did.
func TestImportLVSCFAuto(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(lvsTestdata, "examples/nat-http.cf"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		local []netip.Addr
		want  string
	}{
		{[]netip.Addr{netip.MustParseAddr("127.0.0.1"), netip.MustParseAddr("192.168.0.11")}, "# node: primary 192.168.0.11"},
		{[]netip.Addr{netip.MustParseAddr("192.168.0.12")}, "# node: backup 192.168.0.12"},
		{nil, "# node: backup 192.168.0.12"},
	} {
		out, _, err := convertLVSCF(data, "auto", 51, "", func() []netip.Addr { return tt.local })
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(out), tt.want+"\n") {
			t.Errorf("local %v: output header %q, want %q", tt.local, strings.SplitN(string(out), "\n", 3)[1], tt.want)
		}
	}
}
