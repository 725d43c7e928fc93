package console

import (
	"bufio"
	"html"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/confparse"
)

func TestEditWithErrorChangesNothing(t *testing.T) {
	e := newEnv(t, true)
	cl, _ := e.login()
	vs := filepath.Join(filepath.Dir(e.conf), "vs.conf")
	text, form := e.editForm(cl, vs)
	before, _ := os.ReadFile(vs)
	bad := strings.Replace(text, "lb_algo wrr", "lb_algo wrr\n    delay_loop notanumber", 1)
	for _, path := range []string{"/ui/config/check", "/ui/config/apply"} {
		code, body, _ := e.do(cl, "POST", path, with(form, "text", bad, "planned", hashOf([]byte(bad))))
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, vs+":4:") {
			t.Fatalf("%s: %d, want 422 naming %s:4:\n%s", path, code, vs, body)
		}
		if strings.Contains(body, os.TempDir()+"/govrrpd-console-") {
			t.Errorf("%s: message names the temporary copy", path)
		}
	}
	after, _ := os.ReadFile(vs)
	if string(after) != string(before) {
		t.Fatal("a refused edit changed the file")
	}
	if _, err := os.Stat(vs + ".govrrpd-prev"); err == nil {
		t.Fatal("a refused edit left a .govrrpd-prev")
	}
	for _, c := range e.b.Calls {
		if c == "reload" {
			t.Fatal("a refused edit reloaded")
		}
	}
}

var plannedRE = regexp.MustCompile(`name="planned" value="([0-9a-f]+)"`)

// TestEditAbsoluteInclude: an edited file included by absolute path is
// checked as edited, not as it is on disk.
func TestEditAbsoluteInclude(t *testing.T) {
	e := newEnv(t, true)
	dir := filepath.Dir(e.conf)
	b, _ := os.ReadFile(e.conf)
	os.WriteFile(e.conf, []byte(strings.Replace(string(b), "include vs.conf", "include "+dir+"/vs.conf", 1)), 0o640)
	cl, _ := e.login()
	vs := filepath.Join(dir, "vs.conf")
	text, form := e.editForm(cl, vs)
	bad := strings.Replace(text, "lb_algo wrr", "lb_algo wrr\n    delay_loop notanumber", 1)
	code, body, _ := e.do(cl, "POST", "/ui/config/check", with(form, "text", bad))
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, vs+":4:") {
		t.Fatalf("check: %d, want 422 naming %s:4:", code, vs)
	}
}

func TestEditPlanApply(t *testing.T) {
	e := newEnv(t, true)
	cl, _ := e.login()
	text, form := e.editForm(cl, e.conf)
	if !strings.Contains(text, "__SECRET_1__") {
		t.Fatalf("auth_pass not redacted:\n%s", text)
	}
	before, _ := os.ReadFile(e.conf)
	good := strings.Replace(text, "192.0.2.100/24\n", "192.0.2.100/24\n        192.0.2.101/24\n", 1)
	form.Set("text", good)
	code, body, _ := e.do(cl, "POST", "/ui/config/check", form)
	if code != 200 || !strings.Contains(body, `id="plan"`) || !strings.Contains(body, "add vip 192.0.2.101/24") || !strings.Contains(body, `id="apply"`) {
		t.Fatalf("check: %d\n%s", code, body)
	}
	if b, _ := os.ReadFile(e.conf); string(b) != string(before) {
		t.Fatal("check wrote the file")
	}
	form.Set("planned", hashOf([]byte(good+"x")))
	if code, _, _ := e.do(cl, "POST", "/ui/config/apply", form); code != http.StatusUnprocessableEntity {
		t.Fatalf("apply of a text whose plan was not shown: %d", code)
	}
	if b, _ := os.ReadFile(e.conf); string(b) != string(before) {
		t.Fatal("an unplanned apply wrote the file")
	}
	form.Set("planned", plannedRE.FindStringSubmatch(body)[1])
	code, body, _ = e.do(cl, "POST", "/ui/config/apply", form)
	if code != 200 || !strings.Contains(body, `id="result"`) {
		t.Fatalf("apply: %d\n%s", code, body)
	}
	after, _ := os.ReadFile(e.conf)
	if !strings.Contains(string(after), "192.0.2.101/24") || !strings.Contains(string(after), "auth_pass s3cr3tpw") {
		t.Fatalf("written file:\n%s", after)
	}
	prev, err := os.ReadFile(e.conf + ".govrrpd-prev")
	if err != nil || string(prev) != string(before) {
		t.Fatalf("previous version not kept: %v", err)
	}
	for _, f := range []string{e.conf, e.conf + ".govrrpd-prev"} {
		if fi, _ := os.Stat(f); fi.Mode().Perm() != 0o640 {
			t.Errorf("%s: mode %v, want 0640", f, fi.Mode().Perm())
		}
	}
	if got := e.b.Calls[len(e.b.Calls)-1]; got != "reload" {
		t.Fatalf("last backend call %q, want reload", got)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(e.conf), ".*tmp-*")); len(left) > 0 {
		t.Fatalf("temporary files left: %v", left)
	}
}

// A second editor's stale form is a conflict, not a silent overwrite:
// when the first saved the same file (its hash moved) and when the first
// saved another file of the configuration (the daemon's config hash
// moved). Reloaded, the editor starts from the new configuration.
func TestEditConflict(t *testing.T) {
	tests := []struct{ name, alice, want string }{
		{"same file", "keepalived.conf", "the file changed on disk"},
		{"other file", "vs.conf", "the running configuration changed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, true)
			alice, _ := e.login()
			bob, _ := e.login()
			atext, aform := e.editForm(alice, filepath.Join(filepath.Dir(e.conf), tc.alice))
			btext, bform := e.editForm(bob, e.conf)
			first := strings.Replace(strings.Replace(atext, "priority 150", "priority 160", 1), "weight 3", "weight 4", 1)
			if code, body, _ := e.do(alice, "POST", "/ui/config/apply", with(aform, "text", first, "planned", hashOf([]byte(first)))); code != 200 {
				t.Fatalf("first save: %d\n%s", code, body)
			}
			saved, _ := os.ReadFile(e.conf)
			second := strings.Replace(btext, "priority 150", "priority 170", 1)
			for _, path := range []string{"/ui/config/check", "/ui/config/apply"} {
				code, body, _ := e.do(bob, "POST", path, with(bform, "text", second, "planned", hashOf([]byte(second))))
				if code != http.StatusConflict || !strings.Contains(body, `id="conflict"`) || !strings.Contains(body, tc.want) {
					t.Fatalf("%s of a stale form: %d\n%s", path, code, body)
				}
			}
			if now, _ := os.ReadFile(e.conf); string(now) != string(saved) {
				t.Fatal("the stale form overwrote the first save")
			}
			btext, bform = e.editForm(bob, e.conf)
			second = strings.Replace(btext, "priority 160", "priority 170", 1)
			second = strings.Replace(second, "priority 150", "priority 170", 1)
			if code, body, _ := e.do(bob, "POST", "/ui/config/check", with(bform, "text", second)); code != 200 {
				t.Fatalf("check from a reloaded editor: %d\n%s", code, body)
			}
		})
	}
}

func TestUnredact(t *testing.T) {
	orig := "a {\n  auth_pass one\n}\nb {\n  auth_pass two\n}\n"
	tests := []struct{ edited, want, err string }{
		{redact(orig), orig, ""},
		{strings.Replace(redact(orig), "__SECRET_2__", "three", 1), strings.Replace(orig, "two", "three", 1), ""},
		{strings.Replace(redact(orig), "__SECRET_2__", "__SECRET_9__", 1), "", "unknown secret placeholder"},
	}
	for i, tc := range tests {
		got, err := unredact(tc.edited, orig)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%d: err %v, want %q", i, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%d: %q, %v", i, got, err)
		}
	}
	if strings.Contains(redact(orig), "one") {
		t.Error("redact left a key")
	}
}

func TestImport(t *testing.T) {
	e := newEnv(t, false)
	cl, csrf := e.login()
	code, body, _ := e.do(cl, "POST", "/ui/import", url.Values{"csrf": {csrf}, "lvscf": {sampleLVS}, "node": {"primary"}, "vrid": {"51"}})
	if code != 200 || !strings.Contains(body, "virtual_server 192.0.2.100 80") {
		t.Fatalf("import: %d\n%s", code, body)
	}
	if code, _, _ := e.do(e.client(), "POST", "/ui/import", url.Values{"lvscf": {sampleLVS}}); code != http.StatusForbidden {
		t.Fatalf("anonymous import: %d", code)
	}
}

// sampleLVS is a one-virtual-server Piranha lvs.cf.
const sampleLVS = "serial_no = 1\nprimary = 192.0.2.1\nservice = lvs\nbackup = 192.0.2.2\nbackup_active = 1\n" +
	"virtual web {\n  address = 192.0.2.100 eth0:1\n  port = 80\n  scheduler = wlc\n  protocol = tcp\n  active = 1\n" +
	"  server rs1 {\n    address = 192.0.2.21\n    weight = 1\n    active = 1\n  }\n}\n"

// TestEventsDiff: a change in the backend reaches a listener as a diff
// naming only the changed row.
func TestEventsDiff(t *testing.T) {
	e := newEnv(t, false)
	resp, err := http.Get(e.srv.URL + "/ui/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	lines := make(chan string, 64)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	next := func() string {
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatal("stream ended")
				}
				if strings.HasPrefix(l, "data: ") {
					return l
				}
			case <-time.After(5 * time.Second):
				t.Fatal("no event within 5 s")
			}
		}
	}
	if first := next(); !strings.Contains(first, `"i-VI_1"`) {
		t.Fatalf("first event is not the full state: %s", first)
	}
	e.b.Maintenance(t.Context(), "VI_1", true)
	d := next()
	if !strings.Contains(d, `"i-VI_1":{`) || !strings.Contains(d, `"state":"BACKUP"`) || strings.Contains(d, "VI_6") {
		t.Fatalf("diff %s", d)
	}
}

func TestSetInBlock(t *testing.T) {
	conf := "vs {\n    lb_algo rr\n    real_server a 80 {\n        weight 3 # three\n        TCP_CHECK {\n            weight 9\n        }\n    }\n    real_server b 80 {\n        inhibit_on_failure\n    }\n}\n"
	tests := []struct {
		line      int
		want, err string
	}{
		{3, "        weight 5", ""},
		{9, "    real_server b 80 {\n        weight 5\n        inhibit_on_failure", ""},
		{2, "", "no block opens"},
		{99, "", "not in the file"},
	}
	for _, tc := range tests {
		got, err := setInBlock(conf, tc.line, "weight", "5")
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("line %d: err %v, want %q", tc.line, err, tc.err)
			}
			continue
		}
		if err != nil || !strings.Contains(got, tc.want) || !strings.Contains(got, "            weight 9") {
			t.Errorf("line %d: %v\n%s", tc.line, err, got)
		}
	}
}

// TestObjectForm: each kind's form (Piranha's tabs) changes its block's
// text, which is planned like a text edit and applies from the edit page;
// a value that is not one word, a keyword the kind does not offer and a
// file outside the configuration are refused.
func TestObjectForm(t *testing.T) {
	e := newEnv(t, true)
	cl, csrf := e.login()
	vs := filepath.Join(filepath.Dir(e.conf), "vs.conf")
	tests := []struct {
		kind, at, key, value string
		file, want, plan     string
	}{
		{"real_server", vs + ":7", "weight", "5", vs, "        weight 5\n", "weight"},
		{"virtual_server", vs + ":1", "lb_algo", "rr", vs, "    lb_algo rr\n", "rr"},
		{"checker", vs + ":9", "connect_timeout", "7", vs, "            connect_timeout 7\n", "TCP_CHECK"},
		{"vrrp_instance", e.conf + ":5", "virtual_ipaddress", "192.0.2.101/24", e.conf, "        192.0.2.100/24\n        192.0.2.101/24\n    }", "add vip 192.0.2.101/24"},
		{"vrrp_instance", e.conf + ":5", "priority", "140", e.conf, "    priority 140\n", "140"},
	}
	for _, tc := range tests {
		form := url.Values{"csrf": {csrf}, "kind": {tc.kind}, "at": {tc.at}, "key": {tc.key}, "value": {tc.value}, "running": {e.runningHash()}}
		code, body, _ := e.do(cl, "POST", "/ui/config/object", form)
		if code != 200 || !strings.Contains(body, tc.plan) || !strings.Contains(body, `id="apply"`) {
			t.Fatalf("%s %s form: %d\n%s", tc.kind, tc.key, code, body)
		}
		apply := url.Values{"csrf": {csrf}, "file": {tc.file}, "hash": {hashRE.FindStringSubmatch(body)[1]}, "running": {runningRE.FindStringSubmatch(body)[1]},
			"text": {html.UnescapeString(textRE.FindStringSubmatch(body)[1])}, "planned": {plannedRE.FindStringSubmatch(body)[1]}}
		if code, body, _ := e.do(cl, "POST", "/ui/config/apply", apply); code != 200 {
			t.Fatalf("%s %s apply: %d\n%s", tc.kind, tc.key, code, body)
		}
		if b, _ := os.ReadFile(tc.file); !strings.Contains(string(b), tc.want) || !strings.Contains(string(b), "auth_pass s3cr3tpw") && tc.file == e.conf {
			t.Fatalf("%s %s: file:\n%s", tc.kind, tc.key, b)
		}
	}
	for _, bad := range []url.Values{
		{"kind": {"real_server"}, "at": {vs + ":7"}, "key": {"weight"}, "value": {"5\n}"}},
		{"kind": {"real_server"}, "at": {vs + ":7"}, "key": {"notify_up"}, "value": {"/bin/sh"}},
		{"kind": {"nope"}, "at": {vs + ":7"}, "key": {"weight"}, "value": {"1"}},
		{"kind": {"real_server"}, "at": {"/etc/passwd:1"}, "key": {"weight"}, "value": {"1"}},
	} {
		bad.Set("csrf", csrf)
		if code, _, _ := e.do(cl, "POST", "/ui/config/object", bad); code == 200 {
			t.Errorf("accepted %v", bad)
		}
	}
}

// The config page offers each kind's form with its keywords.
func TestConfigPageForms(t *testing.T) {
	e := newEnv(t, true)
	cl, _ := e.login()
	_, body, _ := e.do(cl, "GET", "/ui/config", nil)
	for _, want := range []string{`value="virtual_ipaddress">add VIP<`, `value="lb_algo"`, `value="connect_timeout"`, `value="weight"`, "TCP_CHECK 192.0.2.21:80"} {
		if !strings.Contains(body, want) {
			t.Errorf("config page lacks %s", want)
		}
	}
}

var textRE = regexp.MustCompile(`(?s)<textarea name="text"[^>]*>(.*?)</textarea>`)

// writeAtomic keeps the file's mode and owner on both the new file and
// FILE.govrrpd-prev (the owner part needs root to give the file away).
func TestWriteAtomicKeepsModeAndOwner(t *testing.T) {
	f := filepath.Join(t.TempDir(), "keepalived.conf")
	if err := os.WriteFile(f, []byte("old\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	uid, gid := os.Getuid(), os.Getgid()
	if uid == 0 {
		uid, gid = 65534, 65534
		if err := os.Chown(f, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	if err := writeAtomic(f, []byte("new\n")); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{f: "new\n", f + ".govrrpd-prev": "old\n"} {
		b, _ := os.ReadFile(name)
		fi, err := os.Stat(name)
		if err != nil || string(b) != want {
			t.Fatalf("%s: %q, %v", name, b, err)
		}
		st := fi.Sys().(*syscall.Stat_t)
		if fi.Mode().Perm() != 0o640 || int(st.Uid) != uid || int(st.Gid) != gid {
			t.Errorf("%s: mode %v owner %d:%d, want 0640 %d:%d", name, fi.Mode().Perm(), st.Uid, st.Gid, uid, gid)
		}
	}
}

func TestAddToSubBlock(t *testing.T) {
	tests := []struct{ conf, want, err string }{
		{"vrrp_instance A {\n    virtual_ipaddress {\n        192.0.2.1/24\n    }\n    track_script {\n        x\n    }\n}\n",
			"        192.0.2.1/24\n        192.0.2.9/24\n    }\n    track_script", ""},
		{"vrrp_instance A\n{\n    priority 100\n}\n", "{\n    virtual_ipaddress {\n        192.0.2.9/24\n    }\n    priority 100", ""},
		{"vrrp_instance A {\n    virtual_ipaddress { 192.0.2.1/24 }\n}\n", "", "on one line"},
		{"vrrp_instance A {\n    priority 100\n", "", "never closes"},
	}
	for _, tc := range tests {
		got, err := addToSubBlock(tc.conf, 1, vipKey, "192.0.2.9/24")
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: err %v, want %q", tc.conf, err, tc.err)
			}
			continue
		}
		if err != nil || !strings.Contains(got, tc.want) {
			t.Errorf("%q: %v\n%s", tc.conf, err, got)
		}
	}
}

// With -t's options (as the daemon passes them), an interface that does
// not exist is refused at its file:line before anything is written.
func TestEditMissingInterfaceRefused(t *testing.T) {
	e := newEnv(t, true)
	e.c.o.ConfigOptions = confparse.Options{CheckInterfaces: true, InterfaceExists: func(n string) bool { return n == "lo" }}
	cl, _ := e.login()
	text, form := e.editForm(cl, e.conf)
	before, _ := os.ReadFile(e.conf)
	bad := strings.Replace(text, "interface lo", "interface eth9", 1)
	code, body, _ := e.do(cl, "POST", "/ui/config/check", with(form, "text", bad))
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, e.conf+":7: Non-existent interface") {
		t.Fatalf("check: %d\n%s", code, body)
	}
	if after, _ := os.ReadFile(e.conf); string(after) != string(before) {
		t.Fatal("the refused edit changed the file")
	}
}

// Every state-changing route wants the session's CSRF token, whatever
// the form holds.
func TestEveryWriteNeedsCSRF(t *testing.T) {
	e := newEnv(t, true)
	cl, _ := e.login()
	for _, path := range []string{"/ui/logout", "/ui/drain", "/ui/maintenance", "/ui/reload", "/ui/config/check",
		"/ui/config/apply", "/ui/config/object", "/ui/import"} {
		form := url.Values{"csrf": {"0000"}, "file": {e.conf}, "text": {"x"}, "instance": {"VI_1"}, "lvscf": {sampleLVS}}
		if code, _, _ := e.do(cl, "POST", path, form); code != http.StatusForbidden {
			t.Errorf("POST %s with a wrong CSRF token: %d, want 403", path, code)
		}
	}
	if len(e.b.Calls) != 0 {
		t.Fatalf("refused writes reached the backend: %v", e.b.Calls)
	}
	if code, _, _ := e.do(cl, "GET", "/ui/config", nil); code != 200 {
		t.Fatalf("the session did not survive the refused logout: %d", code)
	}
}
