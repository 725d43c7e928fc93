package confparse

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/tools/lab"
	"github.com/govrrpd/govrrpd/vrrp"
)

// The conformance corpus is keepalived's own sample configurations (copied
// from /work/shared/keepalived-samples into testdata/corpus, README and
// all). keepalived 2.2.7's verdict for each is the (B) column of that README:
// `keepalived -t` in a namespace where eth0..eth3 and eth0.1 exist. govrrpd
// must give the same exit code, and must point at the same defects on the
// same lines, because an operator moving from keepalived reads our output
// looking for the messages they already know.

const corpusDir = "testdata/corpus"

// corpusIfaces are the only interface names the samples use.
var corpusIfaces = []string{"eth0", "eth1", "eth2", "eth3", "eth0.1"}

// corpusMsg is a diagnostic keepalived gives: govrrpd must report one on
// Line whose text holds every word (case-insensitive).
type corpusMsg struct {
	Line  int
	Words []string
}

// corpusCase is one `-t` run of a corpus file.
type corpusCase struct {
	File string // below testdata/corpus
	ID   string // -i config-id; "" means a fixed id matching no @ line
	// Keepalived is keepalived 2.2.7's exit code (README, column B).
	Keepalived int
	// Govrrpd, when Why is set, is govrrpd's deliberately different code.
	Govrrpd int
	Why     string
	Msgs    []corpusMsg
}

// want is the exit code govrrpd must give.
func (c corpusCase) want() int {
	if c.Why != "" {
		return c.Govrrpd
	}
	return c.Keepalived
}

func (c corpusCase) name() string {
	if c.ID != "" {
		return c.File + "@" + c.ID
	}
	return c.File
}

func cm(line int, words ...string) corpusMsg { return corpusMsg{line, words} }

// corpusCases is every corpus file and keepalived's verdict. Lines that
// keepalived 2.2.7 does not print (it gives no line for messages raised
// after the block is read) are the line of the block the message is about.
// Where keepalived names a different line the comment says so.
var corpusCases = []corpusCase{
	{File: "doc-samples/keepalived.conf.HTTP_GET.port"},
	{File: "doc-samples/keepalived.conf.IPv6"},
	{File: "doc-samples/keepalived.conf.PING_CHECK"},
	{File: "doc-samples/keepalived.conf.SMTP_CHECK"},
	{File: "doc-samples/keepalived.conf.SSL_GET", Keepalived: 5,
		Msgs: []corpusMsg{cm(13, "(VI_1)", "initial state master", "incompatible with AH")}},
	{File: "doc-samples/keepalived.conf.UDP_CHECK"},
	// keepalived reports "No script set" at the closing brace (line 13);
	// govrrpd at the vrrp_script header that names the script.
	{File: "doc-samples/keepalived.conf.conditional_conf", Keepalived: 5, Msgs: []corpusMsg{
		cm(6, "no script set", "check_VI_0", "removing"),
		cm(25, "(VI_0)", "track script check_VI_0 not found")}},
	{File: "doc-samples/keepalived.conf.conditional_conf", ID: "high", Keepalived: 0},
	{File: "doc-samples/keepalived.conf.conditional_conf", ID: "low", Keepalived: 0},
	{File: "doc-samples/keepalived.conf.fwmark", Keepalived: 5,
		Msgs: []corpusMsg{cm(7, "virtual server FWM 1", "protocol specified for fwmark", "ignored")}},
	{File: "doc-samples/keepalived.conf.inhibit"},
	{File: "doc-samples/keepalived.conf.misc_check"},
	{File: "doc-samples/keepalived.conf.misc_check_arg"},
	{File: "doc-samples/keepalived.conf.quorum"},
	{File: "doc-samples/keepalived.conf.sample"},
	{File: "doc-samples/keepalived.conf.status_code"},
	{File: "doc-samples/keepalived.conf.track_interface", Keepalived: 5,
		Msgs: []corpusMsg{cm(31, "cannot track route 192.168.112.0/24", "no interface")}},
	{File: "doc-samples/keepalived.conf.virtual_server_group"},
	{File: "doc-samples/keepalived.conf.virtualhost"},
	{File: "doc-samples/keepalived.conf.vrrp"},
	// keepalived prints the violation with no line; govrrpd names the
	// first script line that would run as root.
	{File: "doc-samples/keepalived.conf.vrrp.localcheck", Keepalived: 6,
		Msgs: []corpusMsg{cm(12, "SECURITY VIOLATION", "script_security not enabled")}},
	{File: "doc-samples/keepalived.conf.vrrp.lvs_syncd", Keepalived: 5, Msgs: []corpusMsg{
		cm(3, "sync group VG1 has no virtual router"),
		cm(4, "unknown keyword", "VI_2"),
		cm(5, "unknown keyword", "VI_3"),
		cm(11, "(VI_1)", "lvs_sync_daemon_interface", "deprecated")}},
	{File: "doc-samples/keepalived.conf.vrrp.routes", Keepalived: 5, Msgs: []corpusMsg{
		cm(29, "cannot track route 192.168.112.0/24"),
		cm(30, `"or" for routes is deprecated`, "nexthop"),
		cm(30, "cannot track route 192.168.113.0/24"),
		cm(31, "cannot track route 192.168.113.1/32"),
		cm(32, `"gw" for routes is deprecated`, "via"),
		cm(32, "cannot track route 0.0.0.0/0")}},
	{File: "doc-samples/keepalived.conf.vrrp.rules", Keepalived: 5, Msgs: []corpusMsg{
		cm(10, "rule has no preference", "16384"),
		cm(11, "invalid IP", "192.168.100./24"),
		cm(25, "rule has no preference", "16383"),
		cm(26, "invalid IP", "192.168.200./24")}},
	{File: "doc-samples/keepalived.conf.vrrp.scripts"},
	{File: "doc-samples/keepalived.conf.vrrp.static_ipaddress", Keepalived: 5,
		Msgs: []corpusMsg{cm(25, "cannot track route 192.168.112.0/24", "no interface")}},
	{File: "doc-samples/keepalived.conf.vrrp.sync"},
	{File: "other/docker/keepalived.conf"},
	{File: "other/etc/keepalived.conf", Keepalived: 5, Msgs: etcSampleMsgs},
	{File: "other/etc/keepalived.conf.sample.in", Keepalived: 5,
		Msgs: append(etcSampleMsgs[:len(etcSampleMsgs):len(etcSampleMsgs)],
			cm(19, "(VI_1)", "accept mode", "RFC3768", "resetting"))},
	// govrrpd also says AH is not supported for all four instances (lines
	// 13, 28, 43, 58); the exit code is 5 either way.
	{File: "from-docs/case-study-failover.1.conf", Keepalived: 5, Msgs: []corpusMsg{
		cm(13, "(VI_1)", "initial state master", "AH"),
		cm(28, "(VI_2)", "initial state master", "AH"),
		cm(43, "(VI_3)", "AH", "not supported")}},
	{File: "from-docs/case-study-healthcheck.1.conf"},
	{File: "from-docs/case-study-healthcheck.2.conf"},
	{File: "from-docs/case-study-mixing.1.conf"},
	{File: "from-docs/configuration-synopsis.1.conf"},
	{File: "from-docs/configuration-synopsis.2.conf", Keepalived: 5, Msgs: []corpusMsg{
		cm(1, "virtual router VI_2", "sync group VG1", "doesn't exist"),
		cm(1, "sync group VG1 has only 1 virtual router"),
		cm(34, "(VI_1)", "track script chk_haproxy not found")}},
	{File: "from-docs/configuration-synopsis.3.conf", Keepalived: 5,
		Msgs: []corpusMsg{cm(18, "digest", "length should be 32 rather than 17")}},
	{File: "from-docs/quick-start.1.conf"},
	{File: "from-docs/quick-start.2.conf"},
	// keepalived 2.2.7 has no auth_hmac and derails on its block (Unknown
	// keyword for every line of it, then "No VIP specified"); govrrpd reads
	// it as keepalived 2.4.3 does, which accepts both files (rc 0, measured
	// with test/peers/keepalived24.sh's build).
	{File: "from-docs/vrrp-hmac-authentication.1.conf", Keepalived: 5, Govrrpd: 0, Why: whyAuthHMAC},
	{File: "from-docs/vrrp-hmac-authentication.2.conf", Keepalived: 5, Govrrpd: 0, Why: whyAuthHMAC},
}

const whyAuthHMAC = "auth_hmac is read with keepalived 2.4.3's meaning"

var etcSampleMsgs = []corpusMsg{
	cm(15, "vrrp_garp_interval", "'0'"),
	cm(16, "vrrp_gna_interval", "'0'"),
	cm(19, "(VI_1)", "state MASTER must match being address owner"),
	cm(19, "(VI_1)", "strict mode does not support authentication"),
}

// corpusOptions are the options of a `-t` run in the (B) namespace.
func corpusOptions(id string) Options {
	if id == "" {
		id = "corpus-none" // matches no @ line, whatever the host is called
	}
	have := map[string]bool{}
	for _, n := range corpusIfaces {
		have[n] = true
	}
	return Options{ConfigID: id, CheckInterfaces: true, InterfaceExists: func(n string) bool { return have[n] }}
}

func TestCorpusExitCodes(t *testing.T) {
	agree, deliberate := 0, 0
	for _, c := range corpusCases {
		t.Run(c.name(), func(t *testing.T) {
			_, diags := Load(filepath.Join(corpusDir, c.File), corpusOptions(c.ID))
			if got := diags.ExitCode(); got != c.want() {
				t.Fatalf("exit code %d, want %d (keepalived %d)\n%s", got, c.want(), c.Keepalived, diags)
			}
			if c.Why != "" {
				deliberate++
			} else {
				agree++
			}
		})
	}
	t.Logf("corpus: %d runs agree with keepalived 2.2.7, %d differ deliberately", agree, deliberate)
}

func TestCorpusMessages(t *testing.T) {
	for _, c := range corpusCases {
		if len(c.Msgs) == 0 {
			continue
		}
		t.Run(c.name(), func(t *testing.T) {
			_, diags := Load(filepath.Join(corpusDir, c.File), corpusOptions(c.ID))
			for _, w := range c.Msgs {
				if !hasCorpusMsg(diags, w) {
					t.Errorf("no diagnostic on line %d with %q\ngot:\n%s", w.Line, w.Words, diags.Sorted())
				}
			}
		})
	}
}

func hasCorpusMsg(diags Diagnostics, w corpusMsg) bool {
	for _, d := range diags {
		if d.Pos.Line != w.Line || d.Severity == Info {
			continue
		}
		msg := strings.ToLower(d.Msg)
		ok := true
		for _, word := range w.Words {
			ok = ok && strings.Contains(msg, strings.ToLower(word))
		}
		if ok {
			return true
		}
	}
	return false
}

// Every diagnostic of the corpus must name the file and a line: `-t` output
// is FILE:LINE: message, and an operator cannot act on "line 0".
func TestCorpusDiagnosticsHavePositions(t *testing.T) {
	for _, c := range corpusCases {
		path := filepath.Join(corpusDir, c.File)
		_, diags := Load(path, corpusOptions(c.ID))
		for _, d := range diags {
			if d.Pos.File == "" || d.Pos.Line < 1 {
				t.Errorf("%s: diagnostic without FILE:LINE: %v", c.name(), d)
			}
		}
	}
}

// auth_hmac is read as keepalived 2.4.3 defines it: the documentation's
// examples load clean, with the key, window and default mode.
func TestCorpusAuthHMAC(t *testing.T) {
	for _, f := range []string{"from-docs/vrrp-hmac-authentication.1.conf", "from-docs/vrrp-hmac-authentication.2.conf"} {
		cfg, diags := Load(filepath.Join(corpusDir, f), corpusOptions(""))
		if len(diags) != 0 {
			t.Errorf("%s: %s", f, diags)
		}
		if len(cfg.Instances) != 1 || cfg.Instances[0].AuthHMAC == nil {
			t.Fatalf("%s: no auth_hmac read: %+v", f, cfg.Instances)
		}
		h := cfg.Instances[0].AuthHMAC
		if k := h.Key(1); k == nil || len(k.Secret) != 32 || k.Secret[31] != 0x1f || h.ActiveKey != 1 ||
			h.Window != 5*time.Second || h.Monotonic || h.Mode != vrrp.HMACEnforce {
			t.Errorf("%s: auth_hmac read as %+v", f, h)
		}
	}
}

// The table must cover every file of the corpus and agree with the README's
// verdicts, so that adding a sample or mistyping a code cannot go unseen.
func TestCorpusTableMatchesREADME(t *testing.T) {
	readme, _ := readmeVerdicts(t, filepath.Join(corpusDir, "README.md"))
	files := corpusFiles(t)
	listed := map[string]bool{}
	for _, c := range corpusCases {
		listed[c.File] = true
		if c.ID != "" {
			continue
		}
		rc, ok := readme[c.File]
		if !ok {
			t.Errorf("%s: no verdict in README.md", c.File)
		} else if rc != c.Keepalived {
			t.Errorf("%s: table says keepalived gives %d, README says %d", c.File, c.Keepalived, rc)
		}
	}
	for _, f := range files {
		if !listed[f] {
			t.Errorf("corpus file %s is not in corpusCases", f)
		}
	}
	if len(files) != 39 {
		t.Errorf("corpus has %d files, README lists 25+3+11", len(files))
	}
}

// TestCorpusHostColumn is the README's (A) run: keepalived -t on a host
// where only lo and eth0 exist, so samples naming eth1..eth3 or eth0.1
// meet the missing-interface path. keepalived 2.2.7 exits 5 there, not 4:
// each missing interface is reported as a configuration error (5) and then
// "Non-existent interface specified in configuration" (4), and the exit code
// is the numeric maximum.
func TestCorpusHostColumn(t *testing.T) {
	_, host := readmeVerdicts(t, filepath.Join(corpusDir, "README.md"))
	have := map[string]bool{"lo": true, "eth0": true}
	opts := Options{ConfigID: "corpus-none", CheckInterfaces: true, InterfaceExists: func(n string) bool { return have[n] }}
	for _, c := range corpusCases {
		want, ok := host[c.File]
		if !ok || c.ID != "" {
			continue
		}
		if c.Why != "" && want == c.Keepalived {
			want = c.Govrrpd
		}
		t.Run(c.File, func(t *testing.T) {
			_, diags := Load(filepath.Join(corpusDir, c.File), opts)
			if got := diags.ExitCode(); got != want {
				t.Errorf("with only lo and eth0: exit %d, keepalived 2.2.7 gives %d\n%s", got, want, diags.Sorted())
			}
		})
	}
}

// corpusFiles lists the configuration files below testdata/corpus.
func corpusFiles(t testing.TB) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(corpusDir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Base(p) == "README.md" {
			return err
		}
		rel, _ := filepath.Rel(corpusDir, p)
		files = append(files, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	return files
}

// readmeVerdicts reads the exit codes from the README's three tables:
// doc-samples rows (file, what, A, B, ...), other rows (path, A, B, ...) and
// from-docs rows (file or "a, b" or "x.1/.2.conf", rc list; netns only).
// netns is column (B), host column (A): only lo and eth0 exist.
func readmeVerdicts(t *testing.T, path string) (netns, host map[string]int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	num := regexp.MustCompile(`\d+`)
	out, host := map[string]int{}, map[string]int{}
	section := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "## ") {
			section = line
			continue
		}
		if !strings.HasPrefix(line, "| ") {
			continue
		}
		cells := strings.Split(line, "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		first := strings.Fields(cells[1])
		if len(first) == 0 {
			continue
		}
		switch {
		case strings.Contains(section, "doc/samples") && strings.HasPrefix(first[0], "keepalived.conf"):
			out["doc-samples/"+first[0]] = atoiFirst(num, cells[4])
			host["doc-samples/"+first[0]] = atoiFirst(num, cells[3])
		case strings.Contains(section, "Other") && strings.HasPrefix(first[0], "other/"):
			out[first[0]] = atoiFirst(num, cells[3])
			host[first[0]] = atoiFirst(num, cells[2])
		case strings.Contains(section, "from-docs") && strings.Contains(first[0], ".conf"):
			names := strings.Split(cells[1], ",")
			if strings.Contains(cells[1], "/.") { // "x.1/.2.conf"
				base := cells[1][:strings.Index(cells[1], "/.")]
				stem := base[:strings.LastIndex(base, ".")]
				names = []string{base + ".conf", stem + cells[1][strings.Index(cells[1], "/.")+1:]}
			}
			codes := num.FindAllString(cells[2], -1)
			for i, n := range names {
				if i < len(codes) {
					rc, _ := strconv.Atoi(codes[i])
					out["from-docs/"+strings.TrimSpace(n)] = rc
				}
			}
		}
	}
	return out, host
}

func atoiFirst(num *regexp.Regexp, s string) int {
	n, err := strconv.Atoi(num.FindString(s))
	if err != nil {
		return -1
	}
	return n
}

// TestCorpusCLIInNamespace runs the real `govrrpd -t` (and keepalived -t
// when installed) in a throwaway namespace holding the samples' interfaces,
// so the interface check uses the kernel rather than a stub.
func TestCorpusCLIInNamespace(t *testing.T) {
	ns := lab.IfaceNS(t, corpusIfaces...)
	bin := lab.Binary(t)
	keepalived, _ := exec.LookPath("keepalived")
	if keepalived == "" {
		t.Log("keepalived not installed: comparing with the README table only")
	}
	for _, c := range corpusCases {
		t.Run(c.name(), func(t *testing.T) {
			path, err := filepath.Abs(filepath.Join(corpusDir, c.File))
			if err != nil {
				t.Fatal(err)
			}
			id := c.ID
			if id == "" {
				id = "corpus-none"
			}
			rc, out := lab.RunIn(t, ns, bin, "-t", "-f", path, "-i", id)
			if rc != c.want() {
				t.Errorf("govrrpd -t: exit %d, want %d\n%s", rc, c.want(), out)
			}
			checkCLIFormat(t, path, out)
			if keepalived != "" {
				if krc, kout := lab.RunIn(t, ns, keepalived, "-t", "-f", path, "-i", id); krc != c.Keepalived {
					t.Errorf("live keepalived -t: exit %d, table says %d\n%s", krc, c.Keepalived, kout)
				}
			}
		})
	}
}

var cliLine = regexp.MustCompile(`^(.+):(\d+): \S`)

// checkCLIFormat asserts every line of `-t` output is FILE:LINE: message
// naming the file given (the corpus has no includes).
func checkCLIFormat(t *testing.T, path, out string) {
	t.Helper()
	for _, l := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		if l == "" {
			continue
		}
		mm := cliLine.FindStringSubmatch(l)
		if mm == nil || mm[1] != path || mm[2] == "0" {
			t.Errorf("-t output line is not %s:LINE: message: %q", path, l)
		}
	}
}
