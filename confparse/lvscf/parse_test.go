package lvscf

import (
	"errors"
	"github.com/govrrpd/govrrpd/confparse"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestInvalidExamples checks each file of testdata/examples/invalid against
// the result its README states, both as Piranha parses (Strict) and with
// the converter's documented leniencies.
func TestInvalidExamples(t *testing.T) {
	tests := []struct {
		file       string
		strictLine int
		strictMsg  string
		// lenient: "" means the same error as strict; otherwise the
		// warning key that replaces it.
		lenientWarn string
	}{
		{"inline-comment.cf", 4, errExtraArgs, ""},
		{"address-without-device.cf", 4, errMissing, ""},
		{"brace-on-next-line.cf", 2, errMissing, ""},
		{"no-space-around-equals.cf", 3, errUnknown, ""},
		{"escaped-double-quote.cf", 5, errExtraArgs, ""},
		{"uppercase-key.cf", 1, errUnknown, "unknown_key"},
		{"server-nmask.cf", 7, errUnknown, "unknown_key"},
		{"scheduler-sed.cf", 5, errInvalidArg, "scheduler_not_in_piranha"},
		{"stray-closing-brace.cf", 6, errUnknown, ""},
		{"octal-port.cf", 5, errInvalidArg, ""},
		{"unterminated-quote.cf", 5, errMissing, ""},
		{"bad-boolean.cf", 2, errInt, ""},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data := readTestdata(t, "examples/invalid/"+tt.file)
			_, ds := Parse(data, Options{Strict: true})
			assertParseError(t, ds, tt.strictLine, tt.strictMsg)

			_, ds = Parse(data, Options{})
			if tt.lenientWarn == "" {
				assertParseError(t, ds, tt.strictLine, tt.strictMsg)
				return
			}
			if err := Err(ds); err != nil {
				t.Fatalf("lenient parse: unexpected error %v", err)
			}
			if got := ds.WarningKeys(); !slices.Equal(got, []string{tt.lenientWarn}) {
				t.Errorf("lenient warnings = %v, want [%s]", got, tt.lenientWarn)
			}
		})
	}
}

// TestCRLF: Piranha reads only the first line of a CRLF file; the lenient
// parser normalises and reads everything.
func TestCRLF(t *testing.T) {
	data := readTestdata(t, "examples/invalid/crlf.cf")
	cfg, ds := Parse(data, Options{Strict: true})
	if Err(ds) != nil || len(ds) != 0 {
		t.Fatalf("strict: diagnostics %v", ds)
	}
	if cfg.Network != "nat" || len(cfg.Virtuals) != 0 || cfg.Primary.Addr.String() != "10.0.0.1" {
		t.Errorf("strict: want only line 1 parsed, got network %s, %d virtuals", cfg.Network, len(cfg.Virtuals))
	}
	cfg, ds = Parse(data, Options{})
	if Err(ds) != nil || !slices.Equal(ds.WarningKeys(), []string{"crlf_line_endings"}) {
		t.Fatalf("lenient: diagnostics %v", ds)
	}
	if cfg.Network != "direct" || len(cfg.Virtuals) != 1 || cfg.Virtuals[0].Device != "eth0:1" {
		t.Errorf("lenient: file not fully parsed: %+v", cfg)
	}
}

func assertParseError(t *testing.T, ds confparse.Diagnostics, line int, msg string) {
	t.Helper()
	var pe *ParseError
	if err := Err(ds); !errors.As(err, &pe) {
		t.Fatalf("want error line %d %q, got none (%v)", line, msg, ds)
	}
	if pe.Line != line || pe.Msg != msg {
		t.Errorf("got line %d %q, want line %d %q", pe.Line, pe.Msg, line, msg)
	}
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestExamplesParse: every example parses strictly, as it did with Piranha.
func TestExamplesParse(t *testing.T) {
	files, _ := filepath.Glob("testdata/examples/*.cf")
	if len(files) != 6 {
		t.Fatalf("found %d examples, want 6", len(files))
	}
	for _, f := range files {
		data, _ := os.ReadFile(f)
		if _, ds := Parse(data, Options{Strict: true}); len(ds) != 0 {
			t.Errorf("%s: %v", f, ds)
		}
	}
}

const hdr = "primary = 10.0.0.1\n"

// TestGrammarErrors is a table of lines and Piranha's verdict on them.
func TestGrammarErrors(t *testing.T) {
	tests := []struct {
		name, src string
		line      int
		msg       string
	}{
		{"empty file", "", 0, errEmpty},
		{"top-level quote", "debug_level = \"NONE\n", 1, errQuote},
		{"quote in block", "virtual v {\n send = 'x\n}\n", 2, errMissing},
		{"space before equals missing", "port =80\n", 1, errUnknown},
		{"equals glued to value", "virtual v {\n port =80\n}\n", 2, errEqual},
		{"key alone", "virtual v {\n port\n}\n", 2, errMissing},
		{"key equals nothing", "virtual v {\n port =\n}\n", 2, errMissing},
		{"two values", "keepalive = 1 2\n", 1, errExtraArgs},
		{"nat_router one value", "nat_router = 10.0.0.1\n", 1, errMissing},
		{"brace glued to name", "virtual www{\n}\n", 1, errMissing},
		{"not a brace", "virtual www x\n", 1, errList},
		{"words after brace", "virtual www { x\n", 1, errExtraArgs},
		{"words after close", "virtual www {\n} x\n", 2, errExtraArgs},
		{"stray close", "}\n", 1, errUnknown},
		{"server at top", "server s {\n", 1, errUnknown},
		{"virtual in virtual", "virtual a {\n virtual b {\n", 2, errUnknown},
		{"server in server", "virtual a {\n server b {\n server c {\n", 3, errUnknown},
		{"octal 8", "keepalive = 08\n", 1, errInt},
		{"bool 2", "backup_active = 2\n", 1, errBool},
		{"bool word", "backup_active = yes\n", 1, errInt},
		{"bad host", "primary = lb1.example\n", 1, errHost},
		{"bad vip mask", "virtual v {\n vip_nmask = 255.255.255.x\n", 2, errMask},
		{"bad nat mask", "nat_nmask = /24\n", 1, errMask},
		{"sorry hostname", "virtual v {\n sorry_server = web\n", 2, errHost},
		{"bad protocol", "virtual v {\n protocol = sctp\n", 2, errInvalidArg},
		{"bad network", "network = route\n", 1, errInvalidArg},
		{"bad service", "service = both\n", 1, errInvalidArg},
		{"unknown scheduler", "virtual v {\n scheduler = fancy\n", 2, errInvalidArg},
		{"rs port name", "virtual v {\n server s {\n port = http\n", 3, errInt},
		{"case sensitive value", "network = NAT\n", 1, errInvalidArg},
		{"hash inside line", "keepalive = 6 #six\n", 1, errExtraArgs},
		{"quoted tokens count", "virtual v {\n send = \"a\" \"b\"\n", 2, errExtraArgs},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ds := Parse([]byte(tt.src), Options{})
			var pe *ParseError
			if !errors.As(Err(ds), &pe) {
				t.Fatalf("want %q at line %d, got %v", tt.msg, tt.line, ds)
			}
			if pe.Line != tt.line || pe.Msg != tt.msg {
				t.Errorf("got line %d %q, want line %d %q", pe.Line, pe.Msg, tt.line, tt.msg)
			}
		})
	}
}

// TestGrammarValues checks the accepted forms and the defaults that the
// conversion relies on.
func TestGrammarValues(t *testing.T) {
	src := hdr + strings.Join([]string{
		"\t# comment with = signs",
		"",
		"keepalive = 0x0a",
		"deadtime = 010",
		"heartbeat_port = ldaps",
		"syncd_id = 257",
		"backup = 10.1",
		"virtual first {",
		"\tserver early {",
		"\t\taddress = 0x0a000005",
		"\t}",
		"  port = https",
		"  pmask = 255.255.255.255",
		"  send = 'status'",
		"  expect = \"a b # c\"",
		"  send_program = \"/bin/check %h\"",
		"  server late {",
		"    address = 10.0.0.6",
		"    port = -1",
		"  }",
		"  port = 8080",
		"  port = 81",
		"  pmask = 255.255.0.0",
		"}",
		"failover f {",
		"  heartbeat = 1",
		"  server ignored {",
		"  }",
	}, "\n") + "\n"
	cfg, ds := Parse([]byte(src), Options{})
	if Err(ds) != nil {
		t.Fatal(ds)
	}
	wantWarn := []string{"single_quoted_value", "unknown_key", "unterminated_block"}
	if got := ds.WarningKeys(); !slices.Equal(got, wantWarn) {
		t.Errorf("warnings %v, want %v", got, wantWarn)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"keepalive hex", cfg.Keepalive, 10},
		{"deadtime octal", cfg.Deadtime, 8},
		{"heartbeat_port service", cfg.HeartbeatPort, 636},
		{"syncd_id masked", cfg.SyncdID, 1},
		{"short inet_aton", cfg.Backup.Addr, netip.MustParseAddr("10.0.0.1")},
		{"network default", cfg.Network, "nat"},
		{"hard_shutdown default", cfg.HardShutdown, true},
		{"virtual port last wins", cfg.Virtuals[0].Port, 81},
		{"early server inherits 80", cfg.Virtuals[0].Servers[0].Port, 80},
		{"early server port implicit", cfg.Virtuals[0].Servers[0].PortExplicit, false},
		{"hex address", cfg.Virtuals[0].Servers[0].Address.Addr, netip.MustParseAddr("10.0.0.5")},
		{"late server explicit port", cfg.Virtuals[0].Servers[1].Port, -1},
		{"server active default", cfg.Virtuals[0].Servers[1].Active, false},
		{"server weight default", cfg.Virtuals[0].Servers[1].Weight, 1},
		{"pmask", cfg.Virtuals[0].PMask, netip.MustParseAddr("255.255.0.0")},
		{"single quotes kept", cfg.Virtuals[0].Send, "'status'"},
		{"double quotes dropped", cfg.Virtuals[0].Expect, "a b # c"},
		{"send_program", cfg.Virtuals[0].SendProgram, "/bin/check %h"},
		{"timeout default", cfg.Virtuals[0].Timeout, 10},
		{"reentry default", cfg.Virtuals[0].Reentry, 180},
		{"failover parsed", len(cfg.Failovers), 1},
		{"failover server", len(cfg.Failovers[0].Servers), 1},
		{"ended inside block", cfg.EndedInsideBlock, true},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestStrictRejectsLeniencies(t *testing.T) {
	_, ds := Parse([]byte(hdr+"virtual v {\n"), Options{Strict: true})
	if len(ds) != 0 {
		t.Errorf("strict unclosed block: want silence, got %v", ds)
	}
	_, ds = Parse([]byte(hdr+"virtual v {\n scheduler = nq\n}\n"), Options{Strict: true})
	if Err(ds) == nil {
		t.Error("strict: scheduler nq accepted")
	}
}

func TestResolver(t *testing.T) {
	want := netip.MustParseAddr("192.0.2.7")
	opts := Options{Resolve: func(name string) (netip.Addr, error) {
		if name == "lb1.example" {
			return want, nil
		}
		return netip.Addr{}, errors.New("no such host")
	}}
	cfg, ds := Parse([]byte("primary = lb1.example\n"), opts)
	if Err(ds) != nil || cfg.Primary.Addr != want || !cfg.Primary.Resolved {
		t.Errorf("got %+v %v", cfg.Primary, ds)
	}
	_, ds = Parse([]byte("primary = lb2.example\n"), opts)
	if Err(ds) == nil {
		t.Error("unresolvable name accepted")
	}
}

func TestInetAton(t *testing.T) {
	tests := map[string]string{
		"1.2.3.4": "1.2.3.4", "10.1": "10.0.0.1", "10.1.2": "10.1.0.2",
		"0x7f.1": "127.0.0.1", "167772161": "10.0.0.1", "012.0.0.1": "10.0.0.1",
		"1.2.3.256": "", "256.1": "", "1.2.3.4.5": "", "": "", "1..2": "", "09.1.1.1": "",
		"1.2.3.4 ": "",
	}
	for in, want := range tests {
		a, ok := inetAton(in)
		got := ""
		if ok {
			got = a.String()
		}
		if got != want {
			t.Errorf("inetAton(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestStrtol(t *testing.T) {
	tests := map[string]int{"0": 0, "-5": -5, "+7": 7, "0x1F": 31, "010": 8, "2147483648": -2147483648}
	for in, want := range tests {
		if got, ok := strtol(in); !ok || got != want {
			t.Errorf("strtol(%q) = %d,%v want %d", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "080", "1x", "0x", "-", "1.5", "yes"} {
		if _, ok := strtol(bad); ok {
			t.Errorf("strtol(%q) accepted", bad)
		}
	}
}
