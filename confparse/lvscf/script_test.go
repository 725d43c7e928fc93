package lvscf

import (
	"net"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/govrrpd/govrrpd/script"
)

// decodeKeepalived splits a script string as keepalived's second pass does
// (mapping.md §4.4): blanks separate words outside single quotes, quotes
// group, and backslash escapes are decoded everywhere.
func decodeKeepalived(raw string) []string {
	var argv []string
	var cur strings.Builder
	inQ, have := false, false
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c == '\\' && i+1 < len(raw):
			i++
			switch e := raw[i]; e {
			case 'r':
				cur.WriteByte('\r')
			case 'n':
				cur.WriteByte('\n')
			case 't':
				cur.WriteByte('\t')
			case 'x':
				v, _ := strconv.ParseUint(raw[i+1:i+3], 16, 8)
				cur.WriteByte(byte(v))
				i += 2
			default:
				cur.WriteByte(e)
			}
			have = true
		case c == '\'':
			inQ, have = !inQ, true
		case c == ' ' && !inQ:
			if have {
				argv = append(argv, cur.String())
			}
			cur.Reset()
			have = false
		default:
			cur.WriteByte(c)
			have = true
		}
	}
	if have {
		argv = append(argv, cur.String())
	}
	return argv
}

// TestScriptArgvMatchesRaw: for every script the converter writes, the
// argv it records is what keepalived makes of the written text.
func TestScriptArgvMatchesRaw(t *testing.T) {
	var specs []script.Spec
	for _, in := range []string{"examples/failover-services.cf", "examples/fwmark.cf", "examples/send-program.cf",
		"examples/send-expect-regex.cf", "extra/kitchen-lvs.cf", "extra/kitchen-fos.cf"} {
		res, ds := Import(readTestdata(t, in), Options{}, ConvertOptions{Node: "primary"})
		if res == nil {
			t.Fatalf("%s: %v", in, ds)
		}
		for _, s := range res.Config.Scripts {
			specs = append(specs, s.Script)
		}
		for _, c := range res.Config.Checkers {
			if c.Misc() != nil {
				specs = append(specs, c.Misc().Path)
			}
		}
		n := res.Config.Instances[0].Notifies()
		specs = append(specs, n.Master, n.Backup)
	}
	count := 0
	for _, s := range specs {
		if s.IsZero() {
			continue
		}
		count++
		if got := decodeKeepalived(s.Raw); !slices.Equal(got, s.Argv) {
			t.Errorf("raw %s\ndecodes to %q\nconverter says %q", s.Raw, got, s.Argv)
		}
	}
	if count < 20 {
		t.Errorf("only %d scripts checked", count)
	}
}

func TestScriptWord(t *testing.T) {
	tests := map[string]string{
		"GET / HTTP/1.0\r\n\r\n": `'GET / HTTP/1.0\r\n\r\n'`,
		`^HTTP/1\.[01]`:          `'^HTTP/1\\.[01]'`,
		"'status'":               `'\'status\''`,
		"a\"b\tc\x01\x7f#!":      `'a\"b\tc\x01\x7f#!'`,
		"":                       `''`,
	}
	for in, want := range tests {
		if got := scriptWord(in); got != want {
			t.Errorf("scriptWord(%q) = %s, want %s", in, got, want)
		}
		if got := decodeKeepalived(scriptWord(in)); len(got) != 1 || got[0] != in {
			t.Errorf("round trip of %q gave %q", in, got)
		}
	}
}

func TestNannyString(t *testing.T) {
	tests := []struct{ in, want, bad string }{
		{`GET / HTTP/1.0\r\n\r\n`, "GET / HTTP/1.0\r\n\r\n", ""},
		{`^HTTP/1\\.[01]`, `^HTTP/1\.[01]`, ""},
		{`\'q\"\t`, "'q\"\t", ""},
		{`a\zb`, `a\zb`, `\z`},
		{`\`, `\`, ""},   // one byte: convert_str is skipped
		{`x\`, `x\`, ""}, // a trailing backslash has nothing to escape
	}
	for _, tt := range tests {
		got, bad := nannyString(tt.in)
		if got != tt.want || strings.Join(bad, " ") != tt.bad {
			t.Errorf("nannyString(%q) = %q %v, want %q %q", tt.in, got, bad, tt.want, tt.bad)
		}
	}
}

// TestProbeTemplate runs the MISC_CHECK probe program with bash against a
// loopback TCP server, the way keepalived would exec it, and checks the
// verdicts nanny would have given.
func TestProbeTemplate(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash not installed")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skipf("no loopback: %v", err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.Write([]byte("220 mx.example.net ESMTP ready\r\n"))
				buf := make([]byte, 64)
				c.Read(buf)
			}()
		}
	}()
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	argv := spec(prog(probeProg)).Argv[0]
	tests := []struct {
		send, expect, regex string
		pass                bool
	}{
		{"", "220", "0", true},
		{"EHLO x\r\n", "220 mx", "0", true},
		{"", "250", "0", false},
		{"", "*", "0", true},
		{"", "^220 [-A-Za-z0-9.]+ E?SMTP", "1", true},
		{"", "^250", "1", false},
		{"QUIT\r\n", "", "0", true},
	}
	for _, tt := range tests {
		cmd := exec.Command(bash, "-c", argv, "lvscheck", "tcp", "127.0.0.1", port, tt.send, tt.expect, tt.regex)
		err := cmd.Run()
		if (err == nil) != tt.pass {
			t.Errorf("send %q expect %q regex %s: pass=%v (%v), want %v", tt.send, tt.expect, tt.regex, err == nil, err, tt.pass)
		}
	}
	closed := exec.Command(bash, "-c", argv, "lvscheck", "tcp", "127.0.0.1", "1", "", "", "0")
	if closed.Run() == nil {
		t.Error("probe of a closed port passed")
	}
}
