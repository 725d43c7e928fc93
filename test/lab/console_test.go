package lab_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/netip"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/govrrpd/govrrpd/tools/lab"
)

const (
	labChromium  = "/usr/bin/chromium"
	consoleToken = "lab-console-token-7f3a"
	devtoolsPort = "9222" // inside the client namespace, which is ours alone
)

// labBrowser runs headless Chromium inside the client namespace, so the
// page reaches the routers' listeners over the lab segment as an
// operator's browser would. The test process drives it through a
// loopback forwarder whose connections are dialled inside that
// namespace. It returns the chromedp context and the log of the hosts
// its tabs asked.
func labBrowser(t *testing.T, client *lab.Host) (context.Context, *hostLog) {
	t.Helper()
	u, err := url.Parse(startLabChromium(t, client))
	if err != nil {
		t.Fatalf("DevTools address: %v", err)
	}
	u.Host = forwardInto(t, client, "127.0.0.1:"+devtoolsPort)
	actx, cancelA := chromedp.NewRemoteAllocator(context.Background(), u.String(), chromedp.NoModifyURL)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	hl := &hostLog{}
	hl.watch(t, ctx)
	return ctx, hl
}

// hostLog records every host a tab sends a request to.
type hostLog struct {
	mu    sync.Mutex
	hosts []string
}

// watch records ctx's tab from now on.
func (l *hostLog) watch(t *testing.T, ctx context.Context) {
	t.Helper()
	chromedp.ListenTarget(ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			if pu, err := url.Parse(e.Request.URL); err == nil && pu.Scheme != "data" {
				l.mu.Lock()
				l.hosts = append(l.hosts, pu.Host)
				l.mu.Unlock()
			}
		}
	})
	if err := chromedp.Run(ctx, network.Enable()); err != nil {
		t.Fatalf("chromium: %v", err)
	}
}

func (l *hostLog) list() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.hosts)
}

// startLabChromium starts Chromium in client's namespace (killed with its
// process group at cleanup) and returns its DevTools address there.
func startLabChromium(t *testing.T, client *lab.Host) string {
	t.Helper()
	cmd := exec.Command("ip", "netns", "exec", client.NS, labChromium, "--headless", "--no-sandbox", "--disable-gpu",
		"--no-first-run", "--no-default-browser-check", "--user-data-dir="+t.TempDir(), "--window-size=1280,900",
		"--disable-quic", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-crash-reporter", "--disable-breakpad", "--remote-debugging-port="+devtoolsPort, "about:blank")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("chromium in %s: %v", client.NS, err)
	}
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
	})
	wsc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if _, u, ok := strings.Cut(sc.Text(), "DevTools listening on "); ok {
				wsc <- u
				break
			}
		}
		io.Copy(io.Discard, stderr)
	}()
	select {
	case ws := <-wsc:
		return ws
	case <-time.After(30 * time.Second):
		t.Fatal("chromium printed no DevTools address within 30 s")
		return ""
	}
}

// forwardInto listens on the host's loopback and carries each connection
// to target as dialled inside h's namespace; it returns the listen address.
func forwardInto(t *testing.T, h *lab.Host, target string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				var in net.Conn
				if err := h.InNS(func() (err error) { in, err = net.Dial("tcp", target); return err }); err != nil {
					return
				}
				defer in.Close()
				go func() { io.Copy(in, c); in.Close() }()
				io.Copy(c, in)
			}()
		}
	}()
	return ln.Addr().String()
}

func labRun(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action) {
	t.Helper()
	if err := chromedp.Run(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

const consoleVS = `
virtual_server 192.0.2.210 80 {
    lb_algo wrr
    lb_kind DR
    protocol TCP
    real_server 192.0.2.50 80 {
        weight 3
    }
}
`

// TestConsoleLab drives the web console of real routers in headless
// Chromium on the lab segment: r1 (150) and r2 (100), IPVS in memory,
// each with --http-listen on its lab address and a token file.
func TestConsoleLab(t *testing.T) {
	if _, err := os.Stat(labChromium); err != nil {
		t.Skip("no " + labChromium + " (Debian's chromium package)")
	}
	r := newRig(t, 2)
	t.Logf("lab %s", r.lab.ID)
	tok := filepath.Join(r.dir, "token")
	if err := os.WriteFile(tok, []byte(consoleToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// VRRPv3 at 100 ms: r2 takes over about 0.35 s after r1 dies, so the
	// page has the rest of the 2 s from the kill to show it.
	cs := confs([]int{150, 100}, func(_ int, c *instanceConf) { c.AdvertInt = "0.1"; c.Version = 3 })
	listen := func(i int) string { return net.JoinHostPort(r.lab.Routers[i].Addr4.String(), "8080") }
	for i := range cs {
		r.startFull(i, "govrrpd", cs[i]+consoleVS, []string{"GOVRRPD_IPVS_BACKEND=memory"},
			"--http-listen", listen(i), "--http-token-file", tok, "--http-allow-edit")
		if i == 0 {
			r.waitMaster(vip4, 0, 5*time.Second)
		}
	}
	r.stable(vip4, 0, 300*time.Millisecond)
	ctx, hosts := labBrowser(t, r.lab.Client)
	u1, u2 := "http://"+listen(0), "http://"+listen(1)
	state := `document.querySelector('td[data-id="i-VI_1"][data-f="state"]').textContent`

	// r1's page shows it as master; r2's shows BACKUP, then MASTER live.
	var s1, s2 string
	labRun(t, ctx, "r1 overview", chromedp.Navigate(u1+"/ui/"), chromedp.WaitVisible(`#instances`),
		chromedp.Text(`td[data-id="i-VI_1"][data-f="state"]`, &s1))
	labRun(t, ctx, "r2 overview", chromedp.Navigate(u2+"/ui/"), chromedp.WaitVisible(`#instances`),
		chromedp.Text(`td[data-id="i-VI_1"][data-f="state"]`, &s2),
		chromedp.Poll(`document.getElementById("live").className === "up"`, nil),
		chromedp.Evaluate(`window.sameDocument = true`, nil)) // a reload would lose it
	if s1 != "MASTER" || s2 != "BACKUP" {
		t.Fatalf("r1 shown %q, r2 shown %q", s1, s2)
	}
	killed := time.Now()
	r.procs["r1"].Crash()
	r.lab.Routers[0].FlushAddr(netip.MustParsePrefix("192.0.2.200/24")) // the dead host's address goes with it
	labRun(t, ctx, "r2 MASTER via SSE within 2 s of the kill",
		chromedp.Poll(`window.sameDocument === true && `+state+` === "MASTER"`, nil, chromedp.WithPollingTimeout(2*time.Second-time.Since(killed))))
	t.Logf("r2's page showed MASTER %v after r1 was killed", time.Since(killed).Round(time.Millisecond))
	r.waitMaster(vip4, 1, 2*time.Second)

	consoleWrites(t, r, ctx, u2)
	consoleEdits(t, r, ctx, u2, hosts)

	allowed := []string{listen(0), listen(1)}
	for _, h := range hosts.list() {
		if !slices.Contains(allowed, h) {
			t.Errorf("the page asked host %q (only %v allowed)", h, allowed)
		}
	}
}

// consoleWrites: on r2, writes without login are refused and change
// nothing; after login a drain click sets the weight in r2's IPVS (read
// back over its control socket).
func consoleWrites(t *testing.T, r *rig, ctx context.Context, u2 string) {
	t.Helper()
	// a write without login is refused, and the weight is untouched
	conf2, _ := os.ReadFile(r.confs["r2"])
	var code, applyCode int
	post := func(path, form string, code *int) chromedp.Action {
		return chromedp.Evaluate(`fetch("`+path+`", {method: "POST", body: new URLSearchParams(`+form+`)}).then(r => r.status)`,
			code, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) })
	}
	labRun(t, ctx, "anonymous writes", chromedp.Navigate(u2+"/ui/lvs"), chromedp.WaitVisible(`main`),
		post("/ui/drain", `{vs: "TCP 192.0.2.210:80", rs: "192.0.2.50:80", on: "true"}`, &code),
		post("/ui/config/apply", `{file: "`+r.confs["r2"]+`", text: "garbage"}`, &applyCode))
	if now, _ := os.ReadFile(r.confs["r2"]); applyCode != 403 || string(now) != string(conf2) {
		t.Fatalf("anonymous apply: HTTP %d, file changed %v", applyCode, string(now) != string(conf2))
	}
	weight := func() (float64, float64) {
		m := r.scrape(1)
		l := `{real_server="192.0.2.50:80",virtual_server="TCP 192.0.2.210:80"}`
		return m["govrrpd_ipvs_destination_weight"+l], m["govrrpd_ipvs_destination_drained"+l]
	}
	if w, d := weight(); code != 403 || w != 3 || d != 0 {
		t.Fatalf("anonymous drain: HTTP %d, weight %v drained %v", code, w, d)
	}

	// login, then a drain click reaches r2's IPVS
	labRun(t, ctx, "login", chromedp.Navigate(u2+"/ui/login"), chromedp.WaitVisible(`#token`),
		chromedp.SendKeys(`#token`, consoleToken), chromedp.Click(`#login-btn`), chromedp.WaitVisible(`#logout`))
	labRun(t, ctx, "drain", chromedp.Navigate(u2+"/ui/lvs"), chromedp.Click(`button.drain[data-rs="192.0.2.50:80"]`), chromedp.WaitVisible(`#done`))
	if w, d := weight(); w != 0 || d != 1 {
		t.Fatalf("after the drain click: weight %v drained %v", w, d)
	}
}

// consoleEdits: on r2 (master now), a bad edit names file:line and leaves
// the file alone; a good one plans, applies, and the VIP appears on eth0.
func consoleEdits(t *testing.T, r *rig, ctx context.Context, u2 string, hosts *hostLog) {
	t.Helper()
	conf := r.confs["r2"]
	edit := chromedp.Navigate(u2 + "/ui/config/edit?file=" + url.QueryEscape(conf))
	before, err := os.ReadFile(conf)
	if err != nil {
		t.Fatal(err)
	}
	line := slices.Index(strings.Split(string(before), "\n"), "    lb_algo wrr") + 2
	bad := strings.Replace(string(before), "lb_algo wrr", "lb_algo wrr\n    delay_loop notanumber", 1)
	var errs string
	labRun(t, ctx, "bad edit", edit, chromedp.WaitVisible(`#text`), chromedp.SetValue(`#text`, bad),
		chromedp.Click(`#check`), chromedp.WaitVisible(`#errors`), chromedp.Text(`#errors`, &errs))
	if want := conf + ":" + strconv.Itoa(line) + ":"; !strings.Contains(errs, want) {
		t.Fatalf("errors shown %q, want %q", errs, want)
	}
	if after, _ := os.ReadFile(conf); string(after) != string(before) {
		t.Fatal("the refused edit changed the file")
	}

	newVIP := netip.MustParseAddr("192.0.2.201")
	var planText, result string
	labRun(t, ctx, "good edit", edit, chromedp.WaitVisible(`#text`),
		chromedp.Evaluate(`document.getElementById("text").value = document.getElementById("text").value.replace("192.0.2.200/24\n", "192.0.2.200/24\n        192.0.2.201/24\n")`, nil),
		chromedp.Click(`#check`), chromedp.WaitVisible(`#plan`), chromedp.Text(`#plan`, &planText),
		chromedp.Click(`#apply`), chromedp.WaitVisible(`#result`), chromedp.Text(`#result`, &result))
	if !strings.Contains(planText, "add vip 192.0.2.201/24") {
		t.Fatalf("plan shown %q", planText)
	}
	t.Logf("apply result: %s", strings.TrimSpace(result))
	if b, _ := os.ReadFile(conf); !strings.Contains(string(b), "192.0.2.201/24") {
		t.Fatalf("applied file:\n%s", b)
	}
	r2 := r.lab.Routers[1]
	for end := time.Now().Add(3 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if ok, err := r2.HasAddr(newVIP); err == nil && ok {
			break
		}
		if time.Now().After(end) {
			t.Fatalf("after apply (%s), %s is not on r2's %s", result, newVIP, r2.If)
		}
	}
	consoleConflict(t, ctx, hosts, edit, conf)
}

// consoleConflict: this tab opens the editor, a second tab saves first;
// this tab's check is then a conflict and the second save stays on disk.
func consoleConflict(t *testing.T, ctx context.Context, hosts *hostLog, edit chromedp.Action, conf string) {
	t.Helper()
	addVIP := func(vip string) chromedp.Action {
		return chromedp.Evaluate(`document.getElementById("text").value = document.getElementById("text").value.replace("192.0.2.201/24\n", "192.0.2.201/24\n        `+vip+`/24\n")`, nil)
	}
	labRun(t, ctx, "first editor", edit, chromedp.WaitVisible(`#text`))
	tab2, cancel := chromedp.NewContext(ctx)
	defer cancel()
	hosts.watch(t, tab2)
	labRun(t, tab2, "second editor saves", edit, chromedp.WaitVisible(`#text`), addVIP("192.0.2.202"),
		chromedp.Click(`#check`), chromedp.WaitVisible(`#plan`), chromedp.Click(`#apply`), chromedp.WaitVisible(`#result`))
	saved, err := os.ReadFile(conf)
	if err != nil || !strings.Contains(string(saved), "192.0.2.202/24") {
		t.Fatalf("the second editor's save is not on disk (%v):\n%s", err, saved)
	}
	var msg string
	labRun(t, ctx, "first editor's stale check", addVIP("192.0.2.203"), chromedp.Click(`#check`),
		chromedp.WaitVisible(`#conflict`), chromedp.Text(`#conflict`, &msg))
	if now, _ := os.ReadFile(conf); string(now) != string(saved) {
		t.Fatalf("the stale editor overwrote the second editor's save:\n%s", now)
	}
	t.Logf("stale editor shown: %s", msg)
}
