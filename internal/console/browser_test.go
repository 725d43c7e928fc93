package console

import (
	"context"
	"flag"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/govrrpd/govrrpd/internal/status"
)

var update = flag.Bool("update", false, "rewrite the screenshots in docs/img/")

const chromium = "/usr/bin/chromium"

// browser starts a headless Chromium with a fresh profile and records
// every host the page asks for.
func browser(t *testing.T) (context.Context, func() []string) {
	t.Helper()
	if _, err := os.Stat(chromium); err != nil {
		t.Skip("no " + chromium + " (Debian's chromium package)")
	}
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(chromium), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(profileDir(t)), chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true)}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	var mu sync.Mutex
	var hosts []string
	chromedp.ListenTarget(ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			if u, err := url.Parse(e.Request.URL); err == nil && u.Scheme != "data" {
				mu.Lock()
				hosts = append(hosts, u.Host)
				mu.Unlock()
			}
		}
	})
	if err := chromedp.Run(ctx, network.Enable()); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	return ctx, func() []string { mu.Lock(); defer mu.Unlock(); return slices.Clone(hosts) }
}

// profileDir is a fresh Chromium profile. Chromium's helper processes
// can still write to it for a moment after the browser is gone, which made
// t.TempDir's own removal fail the test ("directory not empty"); this one
// is removed after the browser's cleanup (registered first, so it runs
// last), retrying for a few seconds.
func profileDir(t *testing.T) string {
	dir, err := os.MkdirTemp("", "govrrpd-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(100 * time.Millisecond) {
			err := os.RemoveAll(dir)
			if err == nil {
				return
			}
			if time.Now().After(deadline) {
				t.Logf("chromium profile %s left behind: %v", dir, err)
				return
			}
		}
	})
	return dir
}

// shot saves the page as docs/img/console-NAME.png with -update.
func shot(t *testing.T, name string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		if !*update {
			return nil
		}
		var b []byte
		if err := chromedp.FullScreenshot(&b, 100).Do(ctx); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join("..", "..", "docs", "img", "console-"+name+".png"), b, 0o644)
	})
}

func run(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action) {
	t.Helper()
	if err := chromedp.Run(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// TestBrowser drives the console in headless Chromium against a fake
// backend whose state changes under the open page.
func TestBrowser(t *testing.T) {
	e := newEnv(t, true)
	ctx, hosts := browser(t)
	u := e.srv.URL
	vs := filepath.Join(filepath.Dir(e.conf), "vs.conf")

	// live update: the page shows the new master without a reload
	var master string
	run(t, ctx, "overview", chromedp.Navigate(u+"/ui/"), chromedp.WaitVisible(`#instances`),
		chromedp.Text(`td[data-id="i-VI_1"][data-f="master"]`, &master), chromedp.Poll(`document.getElementById("live").className === "up"`, nil))
	if master != "192.0.2.1" {
		t.Fatalf("master shown %q", master)
	}
	e.b.setEdit(func(d *status.Daemon) {
		d.Instances[0].State, d.Instances[0].MasterAddr, d.Instances[0].LastReason = "BACKUP", "192.0.2.2", "higher priority advert from 192.0.2.2"
	})
	start := time.Now()
	run(t, ctx, "new master via SSE", chromedp.Poll(`document.querySelector('td[data-id="i-VI_1"][data-f="master"]').textContent === "192.0.2.2"`,
		nil, chromedp.WithPollingTimeout(2*time.Second)))
	t.Logf("new master shown after %v", time.Since(start).Round(time.Millisecond))
	run(t, ctx, "overview shot", shot(t, "overview"))

	// a write without login is refused
	var code int
	run(t, ctx, "anonymous drain", chromedp.Navigate(u+"/ui/lvs"), chromedp.WaitVisible(`main`), shot(t, "lvs"),
		chromedp.Evaluate(`fetch("/ui/drain", {method: "POST", body: new URLSearchParams({vs: "TCP 192.0.2.100:80", rs: "192.0.2.21:80", on: "true"})}).then(r => r.status)`,
			&code, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
	if code != 403 || len(e.b.Calls) != 0 {
		t.Fatalf("anonymous drain: %d, backend calls %v", code, e.b.Calls)
	}

	// login, then a drain click reaches the backend
	run(t, ctx, "login", chromedp.Navigate(u+"/ui/login"), chromedp.WaitVisible(`#token`), shot(t, "login"),
		chromedp.SendKeys(`#token`, testToken), chromedp.Click(`#login-btn`), chromedp.WaitVisible(`#logout`))
	run(t, ctx, "drain", chromedp.Navigate(u+"/ui/lvs"), chromedp.Click(`button.drain[data-rs="192.0.2.21:80"]`), chromedp.WaitVisible(`#done`))
	if d, _ := e.b.Snapshot(ctx); d.VirtualServers[0].Reals[0].WeightCurrent != 0 || !d.VirtualServers[0].Reals[0].Drained {
		t.Fatal("drain click did not drain the real server in the backend")
	}
	run(t, ctx, "reloads", chromedp.Navigate(u+"/ui/reloads"), chromedp.WaitVisible(`main`), shot(t, "reloads"),
		chromedp.Navigate(u+"/ui/config"), chromedp.WaitVisible(`main`), shot(t, "config"))

	// an edit with an error names file:line and changes nothing
	before, _ := os.ReadFile(vs)
	var errs string
	bad := strings.Replace(string(before), "lb_algo wrr", "lb_algo wrr\n    delay_loop notanumber", 1)
	run(t, ctx, "bad edit", chromedp.Navigate(u+"/ui/config/edit?file="+url.QueryEscape(vs)), chromedp.WaitVisible(`#text`),
		chromedp.SetValue(`#text`, bad), chromedp.Click(`#check`), chromedp.WaitVisible(`#errors`), chromedp.Text(`#errors`, &errs), shot(t, "edit-error"))
	if !strings.Contains(errs, vs+":4:") {
		t.Fatalf("errors shown: %q", errs)
	}
	if after, _ := os.ReadFile(vs); string(after) != string(before) {
		t.Fatal("the refused edit changed the file")
	}

	// a valid edit shows the plan and applies
	var planText, result string
	run(t, ctx, "good edit", chromedp.Navigate(u+"/ui/config/edit?file="+url.QueryEscape(e.conf)), chromedp.WaitVisible(`#text`),
		chromedp.Evaluate(`document.getElementById("text").value = document.getElementById("text").value.replace("192.0.2.100/24\n", "192.0.2.100/24\n        192.0.2.101/24\n")`, nil),
		chromedp.Click(`#check`), chromedp.WaitVisible(`#plan`), chromedp.Text(`#plan`, &planText), shot(t, "plan"),
		chromedp.Click(`#apply`), chromedp.WaitVisible(`#result`), chromedp.Text(`#result`, &result))
	if !strings.Contains(planText, "add vip 192.0.2.101/24") || !strings.Contains(result, "unchanged") {
		t.Fatalf("plan %q, result %q", planText, result)
	}
	if b, _ := os.ReadFile(e.conf); !strings.Contains(string(b), "192.0.2.101/24") || !strings.Contains(string(b), "auth_pass s3cr3tpw") {
		t.Fatalf("applied file:\n%s", b)
	}

	// conflict: another editor saved while this form was open
	run(t, ctx, "conflict form", chromedp.Navigate(u+"/ui/config/edit?file="+url.QueryEscape(vs)), chromedp.WaitVisible(`#text`))
	other := strings.Replace(string(before), "weight 3", "weight 4", 1)
	if err := os.WriteFile(vs, []byte(other), 0o640); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, "conflict", chromedp.Click(`#check`), chromedp.WaitVisible(`#conflict`), shot(t, "conflict"))
	if b, _ := os.ReadFile(vs); string(b) != other {
		t.Fatal("the stale form overwrote the other editor's save")
	}

	run(t, ctx, "import", chromedp.Navigate(u+"/ui/import"), chromedp.WaitVisible(`#lvscf`), chromedp.SetValue(`#lvscf`, sampleLVS),
		chromedp.Click(`#convert`), chromedp.WaitVisible(`#output`), shot(t, "import"))

	want := strings.TrimPrefix(u, "http://")
	for _, h := range hosts() {
		if h != want {
			t.Errorf("the page asked host %q (only %s allowed)", h, want)
		}
	}
}

// TestBrowserAt4000Instances: a page of a 4,000-instance daemon holds one
// page of rows, and while one instance flaps every tick the script
// touches only that instance's cell, never the other rows.
func TestBrowserAt4000Instances(t *testing.T) {
	e := newEnv(t, false)
	e.b.D.Instances = manyInstances(4000)
	var n int
	e.b.setEdit(func(d *status.Daemon) {
		n++
		d.Instances[1].State = map[bool]string{true: "MASTER", false: "BACKUP"}[n%2 == 0]
	})
	ctx, _ := browser(t)
	// Every cell the script changes is recorded by its row and field.
	const observe = `window.touched = {}; new MutationObserver(function (ms) { ms.forEach(function (m) {
		var el = m.target.nodeType === 1 ? m.target : m.target.parentElement;
		var c = el.closest("[data-id]"); if (c) window.touched[c.getAttribute("data-id") + "/" + c.getAttribute("data-f")] = true; }); })
		.observe(document.getElementById("instances"), {subtree: true, childList: true, characterData: true, attributes: true}); true`
	var rows int
	var touched []string
	run(t, ctx, "4,000 instances", chromedp.Navigate(e.srv.URL+"/ui/"), chromedp.WaitVisible(`#instances`),
		chromedp.Evaluate(`document.querySelectorAll('#instances td[data-f="state"]').length`, &rows),
		chromedp.Poll(`document.getElementById("live").className === "up"`, nil),
		chromedp.Evaluate(observe, nil),
		chromedp.Poll(`Object.keys(window.touched).length > 0`, nil, chromedp.WithPollingTimeout(5*time.Second)),
		chromedp.Sleep(time.Second), // twenty more ticks
		chromedp.Evaluate(`Object.keys(window.touched)`, &touched))
	if rows != pageSize {
		t.Fatalf("%d instance rows on the page, want %d", rows, pageSize)
	}
	if !slices.Equal(touched, []string{"i-VI_0001/state"}) {
		t.Fatalf("cells the script changed: %v, want only VI_0001's state", touched)
	}
}
