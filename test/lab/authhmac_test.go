package lab_test

import (
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gopacket/gopacket/pcapgo"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// keepalived 2.4's auth_hmac against the real keepalived 2.4.3, built from
// ../shared/peers by test/peers/keepalived24.sh: both roles, v2 and v3,
// IPv4 and IPv6, multicast and unicast, the three rollout modes and key
// rotation by reload without a VIP move, and a replayed advert rejected
// and counted.

// needKeepalived24 finds the 2.4.3 build: $GOVRRPD_KEEPALIVED24, else the
// stable link the build script keeps in the cache. Absent, the test skips
// on a developer's machine and fails in CI, which builds it.
func needKeepalived24(t testing.TB) string {
	t.Helper()
	p := os.Getenv("GOVRRPD_KEEPALIVED24")
	if p == "" {
		cache := os.Getenv("XDG_CACHE_HOME")
		if cache == "" {
			home, _ := os.UserHomeDir()
			cache = filepath.Join(home, ".cache")
		}
		p = filepath.Join(cache, "govrrpd", "peers", "keepalived24", "sbin", "keepalived")
	}
	if fi, err := os.Stat(p); err != nil || fi.Mode()&0o111 == 0 {
		msg := "keepalived 2.4.3 not built: run test/peers/keepalived24.sh (or set GOVRRPD_KEEPALIVED24)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return p
}

const (
	hmacKey1 = "hex:000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	hmacKey2 = `"an ASCII key of at least thirty-two bytes"`
)

// hmacBlock is an auth_hmac block as instanceConf.Extra lines.
func hmacBlock(mode string, active int, keys ...int) []string {
	out := []string{"auth_hmac {"}
	for _, k := range keys {
		v := hmacKey1
		if k == 2 {
			v = hmacKey2
		}
		out = append(out, fmt.Sprintf("    key %d %s", k, v))
	}
	return append(out, fmt.Sprintf("    active_key %d", active), "    mode "+mode, "}")
}

type hmacCell struct {
	interopCell
	govMaster bool
}

func (c hmacCell) String() string {
	if c.govMaster {
		return c.interopCell.String() + "/govrrpd-master"
	}
	return c.interopCell.String() + "/govrrpd-backup"
}

// TestAuthHMACKeepalived24 runs an election, a steady state and a SIGTERM
// handover with both daemons enforcing auth_hmac: any advert one of them
// failed to verify would make both master.
func TestAuthHMACKeepalived24(t *testing.T) {
	needKeepalived24(t)
	for _, c := range []hmacCell{
		{interopCell{2, 4, false}, true}, {interopCell{2, 4, false}, false},
		{interopCell{3, 4, true}, true}, {interopCell{3, 4, false}, false},
		{interopCell{3, 6, false}, true}, {interopCell{3, 6, true}, false},
	} {
		t.Run(c.String(), func(t *testing.T) { runHMACCell(t, c) })
	}
}

func runHMACCell(t *testing.T, c hmacCell) {
	r := newRig(t, 2)
	cs, vip := cellConfs(c.interopCell, r.lab.Routers)
	for i := range cs {
		cs[i] = withExtra(cs[i], hmacBlock("enforce", 1, 1, 2))
	}
	impl := [2]string{"keepalived24", "govrrpd"}
	gov := 1
	if c.govMaster {
		impl, gov = [2]string{"govrrpd", "keepalived24"}, 0
	}
	adv := time.Second
	if c.version == 3 {
		adv = 500 * time.Millisecond
	}
	r.startImpl(0, impl[0], cs[0])
	r.waitMaster(vip, 0, 4*adv+2*time.Second)
	r.startImpl(1, impl[1], cs[1])
	r.stable(vip, 0, 4*adv)
	if st := r.hmacStats(gov); st.total() != 0 || (gov == 1 && st.received == 0) {
		t.Errorf("govrrpd on r%d: %d adverts received, auth_hmac drops %+v", gov+1, st.received, st)
	}
	r.procs["r1"].Signal(syscall.SIGTERM)
	r.waitMaster(vip, 1, adv+2*time.Second)
	r.stable(vip, 1, 2*adv)
	if bad := hmacComplaints(r.procs[r.lab.Routers[1-gov].Name].LogText()); bad != "" {
		t.Errorf("keepalived 2.4.3 rejected govrrpd's adverts:\n%s", bad)
	}
}

// withExtra inserts instance lines before the instance's VIP block.
func withExtra(conf string, extra []string) string {
	var b strings.Builder
	for _, l := range extra {
		b.WriteString("    " + l + "\n")
	}
	return strings.Replace(conf, "    virtual_ipaddress {", b.String()+"    virtual_ipaddress {", 1)
}

var kaHMACErr = regexp.MustCompile(`(?m)^.*(authentication trailer|authentication HMAC|authentication key id|replayed authentication).*$`)

// hmacComplaints is every auth_hmac rejection keepalived logged.
func hmacComplaints(log string) string {
	return strings.Join(kaHMACErr.FindAllString(log, -1), "\n")
}

// hmacStatsT is the SIGUSR2 auth_hmac block of a govrrpd router.
type hmacStatsT struct {
	received                                           int
	missing, malformed, unknownKey, bad, stale, replay int
}

func (s hmacStatsT) total() int {
	return s.missing + s.malformed + s.unknownKey + s.bad + s.stale + s.replay
}

// hmacStats has govrrpd on router i write its SIGUSR2 stats into its
// TMPDIR and reads them.
func (r *rig) hmacStats(i int) hmacStatsT {
	r.t.Helper()
	h := r.lab.Routers[i]
	path := filepath.Join(r.dir, h.Name+"-tmp", "keepalived.stats")
	os.Remove(path)
	r.procs[h.Name].Signal(syscall.SIGUSR2)
	var text string
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if b, err := os.ReadFile(path); err == nil && strings.Contains(string(b), "Priority Zero") {
			text = string(b)
			break
		}
	}
	if !strings.Contains(text, "Authentication Extension Errors:") {
		r.t.Fatalf("%s: no auth_hmac block in the stats dump:\n%s", h.Name, text)
	}
	num := func(block, key string) int {
		i := strings.Index(text, block)
		m := regexp.MustCompile(`(?m)^\s+` + key + `: (\d+)$`).FindStringSubmatch(text[i:])
		if m == nil {
			r.t.Fatalf("%s: %s %s missing:\n%s", h.Name, block, key, text)
		}
		n, _ := strconv.Atoi(m[1])
		return n
	}
	ext := "Authentication Extension Errors:"
	return hmacStatsT{received: num("Advertisements:", "Received"), missing: num(ext, "Missing"),
		malformed: num(ext, "Malformed"), unknownKey: num(ext, "Unknown Key"), bad: num(ext, "Invalid HMAC"),
		stale: num(ext, "Stale"), replay: num(ext, "Replay")}
}

// startImpl starts either daemon; govrrpd gets a TMPDIR of its own for
// its dumps.
func (r *rig) startImpl(i int, impl, conf string) {
	r.t.Helper()
	if impl != "govrrpd" {
		r.start(i, impl, conf)
		return
	}
	tmp := filepath.Join(r.dir, r.lab.Routers[i].Name+"-tmp")
	os.MkdirAll(tmp, 0o700)
	r.startEnv(i, "govrrpd", conf, []string{"TMPDIR=" + tmp})
}

// reloadWith rewrites router i's configuration and sends SIGHUP.
func (r *rig) reloadWith(i int, conf string) {
	r.t.Helper()
	h := r.lab.Routers[i]
	if err := os.WriteFile(r.confs[h.Name], []byte(conf), 0o644); err != nil {
		r.t.Fatal(err)
	}
	r.procs[h.Name].Signal(syscall.SIGHUP)
}

// TestAuthHMACRolloutKeepalived24 walks a running pair through
// keepalived's rollout (receive-only, permissive, enforce, one router at
// a time) and a key rotation (add key 2, move active_key, retire key 1),
// each step a SIGHUP: the master holds the VIP throughout, in either role.
// Then enforce meets a master that does not sign: its adverts are counted
// as missing and dropped.
func TestAuthHMACRolloutKeepalived24(t *testing.T) {
	needKeepalived24(t)
	for _, govMaster := range []bool{true, false} {
		t.Run(roleName(govMaster), func(t *testing.T) { runHMACRollout(t, govMaster) })
	}
}

func runHMACRollout(t *testing.T, govMaster bool) {
	r := newRig(t, 2)
	impl, gov := [2]string{"keepalived24", "govrrpd"}, 1
	if govMaster {
		impl, gov = [2]string{"govrrpd", "keepalived24"}, 0
	}
	conf := func(i int, hmac []string) string {
		return withExtra(confs([]int{150, 100}, func(_ int, c *instanceConf) { c.AdvertInt, c.Version = "0.5", 3 })[i], hmac)
	}
	steps := [][2][]string{} // per step, the auth_hmac of r1 and r2
	set := func(m0, m1 string, a0, a1 int, keys ...int) {
		steps = append(steps, [2][]string{hmacBlock(m0, a0, keys...), hmacBlock(m1, a1, keys...)})
	}
	set("receive-only", "receive-only", 1, 1, 1)
	set("permissive", "receive-only", 1, 1, 1)
	set("permissive", "permissive", 1, 1, 1)
	set("enforce", "permissive", 1, 1, 1)
	set("enforce", "enforce", 1, 1, 1)
	set("enforce", "enforce", 1, 1, 1, 2)
	set("enforce", "enforce", 2, 1, 1, 2)
	set("enforce", "enforce", 2, 2, 1, 2)
	set("enforce", "enforce", 2, 2, 2)
	r.startImpl(0, impl[0], conf(0, steps[0][0]))
	r.waitMaster(vip4, 0, 4*time.Second)
	r.startImpl(1, impl[1], conf(1, steps[0][1]))
	r.stable(vip4, 0, 2*time.Second)
	for n, st := range steps[1:] {
		for i := range 2 {
			r.reloadWith(i, conf(i, st[i]))
		}
		t.Logf("step %d: r1 %q, r2 %q", n+1, strings.Join(st[0][1:len(st[0])-1], ";"), strings.Join(st[1][1:len(st[1])-1], ";"))
		r.stable(vip4, 0, 1500*time.Millisecond)
	}
	if st := r.hmacStats(gov); st.total() != 0 {
		t.Errorf("govrrpd dropped adverts during the rollout: %+v", st)
	}
	if bad := hmacComplaints(r.procs[r.lab.Routers[1-gov].Name].LogText()); bad != "" {
		t.Errorf("keepalived 2.4.3 rejected govrrpd's adverts:\n%s", bad)
	}
	if govMaster {
		return
	}
	// keepalived, the master, stops signing; govrrpd enforces.
	r.reloadWith(0, conf(0, hmacBlock("receive-only", 2, 2)))
	deadline := time.Now().Add(4 * time.Second)
	for len(r.holders(vip4)) < 2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if st := r.hmacStats(gov); st.missing == 0 || len(r.holders(vip4)) != 2 {
		t.Errorf("unsigned master under enforce: holders %v, drops %+v", r.holders(vip4), st)
	}
}

// TestAuthHMACReplayKeepalived24 captures a signed advert of keepalived
// 2.4.3 (master) and plays it back onto the segment: govrrpd (backup)
// rejects every copy, counts it as a replay, and stays backup.
func TestAuthHMACReplayKeepalived24(t *testing.T) {
	needKeepalived24(t)
	r := newRig(t, 2)
	cs := confs([]int{150, 100}, func(_ int, c *instanceConf) { c.Extra = hmacBlock("enforce", 1, 1) })
	pcap := filepath.Join(r.dir, "replay.pcap")
	dump := exec.Command("ip", "netns", "exec", r.lab.Switch, "dumpcap", "-q", "-P", "-i", r.lab.Bridge,
		"-f", "ip proto 112", "-w", pcap)
	if err := dump.Start(); err != nil {
		t.Skip("dumpcap: ", err)
	}
	r.startImpl(0, "keepalived24", cs[0])
	r.waitMaster(vip4, 0, 6*time.Second)
	r.startImpl(1, "govrrpd", cs[1])
	r.stable(vip4, 0, 2500*time.Millisecond)
	dump.Process.Signal(syscall.SIGINT)
	dump.Wait()
	frame := lastSignedAdvert(t, pcap, r.lab.Routers[0].Addr4)
	before := r.hmacStats(1)
	const copies = 5
	injectFrames(t, r.lab.Switch, r.lab.Bridge, frame, copies)
	r.stable(vip4, 0, 1500*time.Millisecond)
	after := r.hmacStats(1)
	if got := after.replay - before.replay; got != copies {
		t.Errorf("replays counted: %d, want %d (before %+v, after %+v)", got, copies, before, after)
	}
	if after.total()-after.replay != before.total()-before.replay {
		t.Errorf("other auth_hmac drops moved: before %+v, after %+v", before, after)
	}
}

// lastSignedAdvert returns the last VRRP frame from src that carries a
// trailer (IPv4: 20-byte header, 20-byte v2 message, 28-byte trailer): the
// freshest, well inside the freshness window when played back.
func lastSignedAdvert(t *testing.T, path string, src netip.Addr) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rd, err := pcapgo.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	s4 := src.As4()
	var last []byte
	for {
		data, _, err := rd.ReadPacketData()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(data) == 14+20+20+28 && string(data[14+12:14+16]) == string(s4[:]) {
			last = data
		}
	}
	if last == nil {
		t.Fatal("no signed advert from keepalived in the capture")
	}
	return last
}

// injectFrames sends frame n times from the switch namespace onto the
// bridge, which floods it to every router.
func injectFrames(t *testing.T, nsName, ifname string, frame []byte, n int) {
	t.Helper()
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // this thread never returns to the pool
		ns, err := netns.GetFromName(nsName)
		if err != nil {
			errc <- err
			return
		}
		defer ns.Close()
		if err := netns.Set(ns); err != nil {
			errc <- err
			return
		}
		ifi, err := net.InterfaceByName(ifname)
		if err != nil {
			errc <- err
			return
		}
		fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW, 0)
		if err != nil {
			errc <- err
			return
		}
		defer unix.Close(fd)
		sa := &unix.SockaddrLinklayer{Ifindex: ifi.Index, Halen: 6}
		copy(sa.Addr[:], frame[:6])
		for range n {
			if err := unix.Sendto(fd, frame, 0, sa); err != nil {
				errc <- err
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		errc <- nil
	}()
	if err := <-errc; err != nil {
		t.Fatalf("inject: %v", err)
	}
}

// TestV3ChecksumAsV2Keepalived24: both daemons set v3_checksum_as_v2 (the
// RFC 9568 checksum, no pseudo-header, on VRRPv3/IPv4), each as master
// and as backup through a SIGTERM handover, and tshark, told to expect
// that form, finds every govrrpd advert's checksum good.
func TestV3ChecksumAsV2Keepalived24(t *testing.T) {
	needKeepalived24(t)
	for _, govMaster := range []bool{true, false} {
		t.Run(roleName(govMaster), func(t *testing.T) {
			r := newRig(t, 2)
			capt := r.startCapture()
			capt.v3AsV2 = true
			cs := confs([]int{150, 100}, func(_ int, c *instanceConf) {
				c.AdvertInt, c.Version, c.Extra = "0.5", 3, []string{"v3_checksum_as_v2"}
			})
			impl, gov := [2]string{"keepalived24", "govrrpd"}, r.lab.Routers[1]
			if govMaster {
				impl, gov = [2]string{"govrrpd", "keepalived24"}, r.lab.Routers[0]
			}
			r.startImpl(0, impl[0], cs[0])
			r.waitMaster(vip4, 0, 4*time.Second)
			r.startImpl(1, impl[1], cs[1])
			r.stable(vip4, 0, 2*time.Second)
			r.procs["r1"].Signal(syscall.SIGTERM)
			r.waitMaster(vip4, 1, 3*time.Second)
			r.stable(vip4, 1, 1500*time.Millisecond)
			rep, err := capt.judge(macsOf(gov))
			if err != nil {
				t.Fatal(err)
			}
			if rep.Adverts == 0 || len(rep.Problems) > 0 {
				t.Errorf("govrrpd adverts %d, problems %v", rep.Adverts, rep.Problems)
			}
		})
	}
}

// roleName names a subtest by govrrpd's role.
func roleName(govMaster bool) string {
	if govMaster {
		return "govrrpd-master"
	}
	return "govrrpd-backup"
}
