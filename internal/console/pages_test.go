package console

import (
	"bytes"
	"fmt"
	"html/template"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/internal/status"
)

// The pages were html/template templates; they are Go code now, and the
// templates (testdata/tmpl) stay as the specification the code must
// match byte for byte, escaping included. html/template is linked into
// this test binary only.

// templateFuncs are the helpers the templates call.
func templateFuncs() template.FuncMap {
	return template.FuncMap{"ms": ms, "ago": ago, "ts": ts, "join": strings.Join, "lower": strings.ToLower, "short": short}
}

// pageSet is the parsed templates, by page name, or why they did not parse.
type pageSet struct {
	byName map[string]*template.Template
	err    error
}

var pageNames = []string{"overview", "lvs", "reloads", "login", "message", "config", "edit", "import"}

var pages = lazy[pageSet]{build: func() pageSet {
	ps := map[string]*template.Template{}
	for _, name := range pageNames {
		t, err := template.New(name).Funcs(templateFuncs()).ParseFS(os.DirFS("testdata/tmpl"), "layout.html", name+".html")
		if err != nil {
			return pageSet{err: fmt.Errorf("console template %s: %w", name, err)}
		}
		ps[name] = t
	}
	return pageSet{byName: ps}
}}

// bothWays renders p through its template and through the code.
func bothWays(t testing.TB, p page) (want, got string) {
	t.Helper()
	set := pages.get()
	if set.err != nil {
		t.Fatal(set.err)
	}
	var b bytes.Buffer
	if err := set.byName[p.Nav].ExecuteTemplate(&b, "layout", p); err != nil {
		t.Fatalf("template %s: %v", p.Nav, err)
	}
	var o out
	writePage(&o, &p)
	return b.String(), o.String()
}

// firstDiff shows where two renderings part.
func firstDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(0, i-80)
	return fmt.Sprintf("at byte %d:\ntemplate: %q\ncode:     %q", i, a[lo:min(len(a), i+80)], b[lo:min(len(b), i+80)])
}

// hostile are strings every escaping context must handle.
var hostile = []string{
	"", `plain`, `a"b'c<d>e&f+g`, "<script>alert(1)</script>", "nul\x00byte", "ünïcødé · ●",
	"javascript:alert(1)", "JavaScript:x", "data:text/html,x", "http://h/?a=1&b=2", "mailto:x@y",
	"/ui/lvs?q=a%20b&page=2", "%zz%4", "bad\xffutf8", "a b\tc\nd", "/x?y=#z", "vbscript:msgbox",
	"//evil.example/", "?q=<>&page=1",
}

// dataFor is one of each page's data, its strings taken from s.
func dataFor(name string, s func(int) string, flag func(int) bool) content {
	now := time.Date(2026, 12, 7, 4, 0, 0, 0, time.UTC)
	ch := []status.Change{{Kind: s(1), Op: s(2), Object: s(3), Parent: s(4), Detail: s(5), KeepsState: flag(1), Ops: []string{s(6), s(7)}},
		{Kind: "vip", Op: "add", Object: s(8)}}
	switch name {
	case "overview":
		return overviewData{D: daemonFor(s, now), Rows: instancesFor(s, flag), Pager: pagerFor(s, flag),
			Timeline: []Transition{{At: now, Instance: s(1), From: s(2), To: s(3), Reason: s(4)}},
			Peers: shown[status.Peer]{Items: []status.Peer{{Instance: s(5), Addr: s(6), Priority: 100, AdvertInt: status.Duration(1234567 * time.Nanosecond),
				LastAdvert: now.Add(-1500 * time.Millisecond)}, {Instance: s(7)}}, Matching: 3, Total: 4},
			Groups: shown[status.SyncGroup]{Items: []status.SyncGroup{{Name: s(8), State: s(9), Members: []string{s(1), s(2)}}}, Matching: 1, Total: 1}}
	case "lvs":
		return lvsData{D: daemonFor(s, now), Rows: vsFor(s, flag), Pager: pagerFor(s, flag)}
	case "reloads":
		return reloadsData{D: daemonFor(s, now), Reloads: []status.Reload{{At: now, ConfigHash: s(1), Result: s(2), Error: s(3), Changes: ch}, {}}}
	case "login":
		return loginData{Enabled: flag(2), Next: s(1), Error: s(2)}
	case "message":
		return messageData{Error: s(1), Done: s(2), Back: s(3)}
	case "config":
		return configData{Files: []string{s(1), s(2)}, Diags: []string{s(3), s(4)}, Running: s(5),
			Objects: []object{{Kind: s(6), Name: s(7), At: s(8), Keys: []string{"virtual_ipaddress", s(9)}}, {Kind: "checker", Name: s(1)}}}
	case "edit":
		st := editState{File: s(1), Text: s(2), Hash: s(3), Running: s(4), Planned: s(5), Warnings: []string{s(7), s(8)}, Conflict: s(9)}
		if flag(5) {
			st.Errors = []string{s(6)}
		}
		chs := ch
		if flag(2) {
			chs = nil // "No change."
		}
		if flag(3) {
			st.Plan = &status.Plan{ConfigHash: s(1), Changes: chs}
		}
		if flag(4) {
			st.Result = &status.Reload{Result: s(2), Error: s(3), Changes: chs}
		}
		return st
	case "import":
		return importResult{Input: s(1), Node: s(2), VRID: s(3), Output: s(4), Diags: []string{s(5)}, Error: s(6)}
	}
	panic("no page " + name)
}

func daemonFor(s func(int) string, now time.Time) status.Daemon {
	return status.Daemon{Version: s(1), PID: 4242, Started: now.Add(-time.Hour), Now: now, ConfigFile: s(2), ConfigHash: s(3) + "0123456789abcdef",
		ReloadStats: status.ReloadStats{Total: 7, Refused: 2}}
}

func pagerFor(s func(int) string, flag func(int) bool) pager {
	pg := pager{Query: s(1), Page: 2, Pages: 3, Total: 250, Matching: 201}
	if flag(1) {
		pg.PrevURL = s(2)
	}
	if flag(2) {
		pg.NextURL = s(3)
	}
	return pg
}

func instancesFor(s func(int) string, flag func(int) bool) []status.Instance {
	return []status.Instance{{Name: s(1), VRID: 255, Interface: s(2), State: s(3), Priority: 100, EffectivePriority: -3,
		Trackers:   []status.Tracker{{Kind: s(4), Name: s(5), Contribution: -20, Fault: flag(3)}, {Kind: "file"}},
		MasterAddr: s(6), VIPs: []string{s(7), s(8)}, LastReason: s(9), Maintenance: flag(4)}, {}}
}

func vsFor(s func(int) string, flag func(int) bool) []status.VirtualServer {
	ck := []status.Checker{{Kind: s(5), At: s(6), LastResult: s(7), LastLatency: status.Duration(2500 * time.Microsecond)}, {}}
	return []status.VirtualServer{{Key: s(1), Scheduler: s(2), Quorum: flag(3), Stats: status.IPVSStats{Conns: 12, CPS: 3},
		Reals: []status.RealServer{{Key: s(3), WeightConfigured: 5, WeightCurrent: -1, Healthy: flag(4), Drained: flag(5), Checkers: ck,
			Stats: status.IPVSStats{Conns: 1, CPS: 2, InPPS: 3, OutPPS: 4}}, {Key: s(4), Healthy: !flag(4), Drained: !flag(5)}}}, {Key: s(8)}}
}

// zeroData is each page with nothing in it: empty lists and strings.
var zeroData = map[string]content{"overview": overviewData{}, "lvs": lvsData{}, "reloads": reloadsData{}, "login": loginData{},
	"message": messageData{}, "config": configData{}, "edit": editState{}, "import": importResult{}}

// matchPage renders one page both ways and fails on the first difference.
func matchPage(t testing.TB, name string, data content, loggedIn, allowEdit bool, csrf string) {
	t.Helper()
	p := page{Title: name, Nav: name, LoggedIn: loggedIn, CSRF: csrf, AllowEdit: allowEdit, Data: data}
	if want, got := bothWays(t, p); want != got {
		t.Fatalf("%s (logged in %v, edit %v): %s", name, loggedIn, allowEdit, firstDiff(want, got))
	}
}

func TestPagesMatchTemplates(t *testing.T) {
	for _, name := range pageNames {
		t.Run(name, func(t *testing.T) {
			for _, in := range []bool{false, true} {
				for _, edit := range []bool{false, true} {
					matchPage(t, name, zeroData[name], in, edit, "")
				}
			}
			for base := range hostile {
				s := func(i int) string { return hostile[(base+i)%len(hostile)] }
				for mask := range 256 {
					flag := func(i int) bool { return mask&(1<<i) != 0 }
					matchPage(t, name, dataFor(name, s, flag), flag(6), flag(7), s(0))
				}
			}
		})
	}
}

// TestEscapingContexts pins a few outputs by hand, so that the code and
// the templates cannot drift together (the comparison above would pass).
func TestEscapingContexts(t *testing.T) {
	tests := []struct {
		name string
		w    func(*out)
		want string
	}{
		{"text", func(o *out) { o.h("a\"b'c<d>e&f+g\x00ü") }, "a&#34;b&#39;c&lt;d&gt;e&amp;f&#43;g\uFFFDü"},
		{"href unsafe scheme", func(o *out) { o.href("javascript:alert(1)") }, "#ZgotmplZ"},
		{"href normalised", func(o *out) { o.href("/ui/lvs?q=a b&page=2%41%zz") }, "/ui/lvs?q=a%20b&amp;page=2%41%25zz"},
		{"href http", func(o *out) { o.href("HTTP://h/x") }, "HTTP://h/x"},
		{"query", func(o *out) { o.query("/etc/a b+c&d") }, "%2fetc%2fa%20b%2bc%26d"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var o out
			tt.w(&o)
			if got := o.String(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// FuzzPagesMatchTemplates: whatever strings the fields hold, every page
// written by the code is the template's page, byte for byte.
func FuzzPagesMatchTemplates(f *testing.F) {
	f.Add("javascript:x", `"'<>&+`, "ü\x00", uint8(0xff))
	f.Add("", "/ui/?q=a&page=2", "%4", uint8(0))
	f.Fuzz(func(t *testing.T, a, b, c string, mask uint8) {
		s := func(i int) string { return [...]string{a, b, c}[i%3] }
		flag := func(i int) bool { return mask&(1<<i) != 0 }
		for _, name := range pageNames {
			matchPage(t, name, dataFor(name, s, flag), flag(6), flag(7), s(0))
		}
	})
}

// BenchmarkOverviewPage writes a full page of the routers table (100
// instances, 100 peers) through the template and through the code.
func BenchmarkOverviewPage(b *testing.B) {
	s := func(i int) string { return fmt.Sprintf("vi_%d", i) }
	flag := func(int) bool { return true }
	d := dataFor("overview", s, flag).(overviewData)
	for i := range pageSize {
		in := instancesFor(func(j int) string { return fmt.Sprintf("vi_%d_%d", i, j) }, flag)[0]
		d.Rows = append(d.Rows, in)
		d.Peers.Items = append(d.Peers.Items, status.Peer{Instance: in.Name, Addr: "192.0.2.9", Priority: 100})
	}
	p := page{Title: "overview", Nav: "overview", LoggedIn: true, CSRF: "c", Data: d}
	tpl := pages.get().byName["overview"]
	b.Run("template", func(b *testing.B) {
		var w bytes.Buffer
		for b.Loop() {
			w.Reset()
			if err := tpl.ExecuteTemplate(&w, "layout", p); err != nil {
				b.Fatal(err)
			}
		}
		b.SetBytes(int64(w.Len()))
	})
	b.Run("code", func(b *testing.B) {
		var o out
		for b.Loop() {
			o.Reset()
			writePage(&o, &p)
		}
		b.SetBytes(int64(o.Len()))
	})
}
