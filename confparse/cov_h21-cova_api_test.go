package confparse

import (
	"reflect"
	"strings"
	"testing"

	"github.com/govrrpd/govrrpd/vrrp"
)

// Direct tests of the small exported helpers the daemon, the lvs.cf
// importer and the manual-page test call on a loaded configuration.

// TestDiagnosticString pins both forms: keepalived.conf messages carry no
// key and print "FILE:LINE: severity: msg"; the importer's keyed messages
// print "SEVERITY key: [pos: ]msg".
func TestDiagnosticString(t *testing.T) {
	rows := []struct {
		d    Diagnostic
		want string
	}{
		{Diagnostic{Pos: Pos{"a.conf", 3}, Severity: Warning, Msg: "bad"}, "a.conf:3: warning: bad"},
		{Diagnostic{Pos: Pos{Line: 7}, Severity: Fatal, Msg: "gone"}, "line 7: error: gone"},
		{Diagnostic{Pos: Pos{"lvs.cf", 9}, Severity: Warning, Msg: "m", Key: "lvs-x"}, "WARNING lvs-x: lvs.cf:9: m"},
		{Diagnostic{Severity: Info, Msg: "whole file", Key: "lvs-y"}, "INFO lvs-y: whole file"},
	}
	for _, r := range rows {
		if got := r.d.String(); got != r.want {
			t.Errorf("%+v: got %q, want %q", r.d, got, r.want)
		}
	}
	ds := Diagnostics{rows[0].d, rows[2].d}
	if got := ds.String(); got != rows[0].want+"\n"+rows[2].want+"\n" {
		t.Errorf("Diagnostics.String() = %q", got)
	}
}

// TestSeverityString checks the generated names, including a value that is
// no severity (a corrupt exit code must not print as a known class).
func TestSeverityString(t *testing.T) {
	for s, want := range map[Severity]string{Info: "info", Fatal: "error", Warning: "warning",
		Security: "security", Stop: "stop", 2: "Severity(2)", 8: "Severity(8)"} {
		if got := s.String(); got != want {
			t.Errorf("Severity(%d) = %q, want %q", int(s), got, want)
		}
	}
}

func TestDiagnosticsWarningKeysSorted(t *testing.T) {
	ds := Diagnostics{
		{Pos: Pos{"b.conf", 2}, Severity: Warning, Key: "k1"},
		{Pos: Pos{"a.conf", 9}, Severity: Info, Key: "i1"},
		{Pos: Pos{"a.conf", 4}, Severity: Warning, Key: "k2"},
		{Pos: Pos{"b.conf", 2}, Severity: Fatal, Key: "f1"},
		{Pos: Pos{"a.conf", 4}, Severity: Warning, Key: ""},
	}
	if got, want := ds.WarningKeys(), []string{"k1", "k2", ""}; !reflect.DeepEqual(got, want) {
		t.Errorf("WarningKeys = %q, want %q", got, want)
	}
	var order []string
	for _, d := range ds.Sorted() {
		order = append(order, d.Pos.String()+"/"+d.Key)
	}
	// Stable: equal positions keep their insertion order.
	want := []string{"a.conf:4/k2", "a.conf:4/", "a.conf:9/i1", "b.conf:2/k1", "b.conf:2/f1"}
	if !reflect.DeepEqual(order, want) {
		t.Errorf("Sorted = %q, want %q", order, want)
	}
	if ds[0].Key != "k1" {
		t.Error("Sorted reordered its receiver")
	}
	if Diagnostics(nil).WarningKeys() != nil {
		t.Error("no diagnostics should give no keys")
	}
}

func TestDiagnosticsExitCode(t *testing.T) {
	rows := []struct {
		sevs []Severity
		code int
	}{
		{nil, 0},
		{[]Severity{Info}, 0},
		{[]Severity{Fatal, Info}, 4},
		{[]Severity{Fatal, Warning}, 5},
		{[]Severity{Security, Warning}, 6},
		{[]Severity{Security, Stop, Warning}, 2},
	}
	for _, r := range rows {
		var ds Diagnostics
		for _, s := range r.sevs {
			ds = append(ds, Diagnostic{Severity: s})
		}
		if got := ds.ExitCode(); got != r.code {
			t.Errorf("%v: exit %d, want %d", r.sevs, got, r.code)
		}
		if ds.HasErrors() != (r.code != 0) {
			t.Errorf("%v: HasErrors = %v", r.sevs, ds.HasErrors())
		}
	}
}

// TestSNMPEnabled: any one tree makes the sub-agent run; traps or a socket
// alone do not.
func TestSNMPEnabled(t *testing.T) {
	rows := []struct {
		s    SNMPDefs
		want bool
	}{
		{SNMPDefs{}, false},
		{SNMPDefs{Traps: true, Socket: "tcp:192.0.2.1:705"}, false},
		{SNMPDefs{VRRP: true}, true},
		{SNMPDefs{Checker: true}, true},
		{SNMPDefs{RFCv2: true}, true},
		{SNMPDefs{RFCv3: true}, true},
	}
	for _, r := range rows {
		if got := r.s.Enabled(); got != r.want {
			t.Errorf("%+v: Enabled = %v", r.s, got)
		}
	}
}

// TestBGPKeywordsListed checks that the list the manual's test reads is
// sorted per block and names what bgpconf's tables accept.
func TestBGPKeywordsListed(t *testing.T) {
	kw := BGPKeywords()
	for _, blk := range []string{"", "bgp", "neighbor", "announce"} {
		ks := kw[blk]
		if len(ks) == 0 {
			t.Errorf("block %q: no keywords", blk)
			continue
		}
		for i := 1; i < len(ks); i++ {
			if ks[i-1] >= ks[i] {
				t.Errorf("block %q: %q before %q", blk, ks[i-1], ks[i])
			}
		}
	}
	if len(kw) != 4 {
		t.Errorf("blocks %v", reflect.ValueOf(kw).MapKeys())
	}
	for blk, tbl := range map[string]map[string]bgpHandler{"": bgpTop, "bgp": bgpGlobalKeys,
		"neighbor": bgpNeighborKeys, "announce": bgpAnnounceKeys} {
		if len(kw[blk]) != len(tbl) {
			t.Errorf("block %q: %d listed, %d in the table", blk, len(kw[blk]), len(tbl))
		}
	}
}

// TestGrammarRefusesText: the grammar reads the tokenizer's slices only; a
// caller that hands it raw text gets an error, not a second tokenizer.
func TestGrammarRefusesText(t *testing.T) {
	l, err := lexerDef{}.Lex("x.conf", strings.NewReader("vrrp_instance VI_1 {"))
	if err == nil || l != nil || !strings.Contains(err.Error(), "pre-split tokens") {
		t.Errorf("Lex = %v, %v", l, err)
	}
	if len(lexerDef{}.Symbols()) == 0 {
		t.Error("no token symbols")
	}
}

// TestBFDTrackersVRRPOnly: VRRP hears of the bfd_instances that report to
// it, with their weight and reverse flag, and never of checker-only ones.
func TestBFDTrackersVRRPOnly(t *testing.T) {
	src := bfdBlock("both", "neighbor_ip 192.0.2.2\nweight 10\n") +
		bfdBlock("v", "neighbor_ip 192.0.2.3\nweight -20 reverse\nvrrp\n") +
		bfdBlock("c", "neighbor_ip 192.0.2.4\nchecker\n")
	c, ds := loadSem(t, src)
	matchDiags(t, ds, nil)
	want := []vrrp.BFDTracker{{Name: "both", Weight: 10}, {Name: "v", Weight: -20, Reverse: true}}
	if got := c.BFDTrackers(); !reflect.DeepEqual(got, want) {
		t.Errorf("BFDTrackers = %+v, want %+v", got, want)
	}
	if got := (&Config{}).BFDTrackers(); got != nil {
		t.Errorf("no bfd_instance: %+v", got)
	}
}
