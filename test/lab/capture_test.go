package lab_test

import (
	"bufio"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/govrrpd/govrrpd/tools/lab"
)

// capture records every VRRP, ARP and ICMPv6 frame on the lab's bridge
// with tshark, so a test can have Wireshark's dissectors judge what
// govrrpd put on the wire.
type capture struct {
	path string
	proc *exec.Cmd
	// v3AsV2 has tshark check VRRPv3/IPv4 checksums without the
	// pseudo-header (RFC 9568, v3_checksum_as_v2).
	v3AsV2 bool
}

func (r *rig) startCapture() *capture {
	r.t.Helper()
	if _, err := exec.LookPath("tshark"); err != nil {
		r.t.Skip("tshark not installed")
	}
	c := &capture{path: filepath.Join(r.dir, "wire.pcap")}
	c.proc = exec.Command("ip", "netns", "exec", r.lab.Switch, "tshark", "-q", "-i", r.lab.Bridge, "-w", c.path,
		"-f", "ip proto 112 or ip6 proto 112 or arp or icmp6")
	c.proc.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := c.proc.Start(); err != nil {
		r.t.Fatal(err)
	}
	// tshark needs a moment before it captures.
	deadline := time.Now().Add(5 * time.Second)
	for {
		if fi, err := statSize(c.path); err == nil && fi > 0 {
			break
		}
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	r.t.Cleanup(func() { c.stop() })
	return c
}

func statSize(p string) (int64, error) {
	out, err := exec.Command("stat", "-c", "%s", p).Output()
	if err != nil {
		return 0, err
	}
	var n int64
	_, err = fmt.Sscan(string(out), &n)
	return n, err
}

func (c *capture) stop() {
	if c.proc.Process != nil && c.proc.ProcessState == nil {
		syscall.Kill(c.proc.Process.Pid, syscall.SIGINT)
		done := make(chan struct{})
		go func() { c.proc.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			syscall.Kill(c.proc.Process.Pid, syscall.SIGKILL)
		}
	}
}

// wireReport is what tshark decoded from frames sent by the given MACs.
type wireReport struct {
	Adverts, GARPs, NAs int
	Problems            []string
}

// judge stops the capture and has tshark decode every frame sent from
// macs: VRRP adverts, gratuitous ARPs and unsolicited NAs, each without a
// malformed or bad-checksum mark.
func (c *capture) judge(macs []string) (wireReport, error) {
	c.stop()
	var rep wireReport
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "tshark", "-r", c.path, "-o", "vrrp.v3_checksum_as_in_v2:"+strings.ToUpper(strconv.FormatBool(c.v3AsV2)),
		"-T", "fields", "-E", "separator=|", "-e", "frame.number", "-e", "eth.src", "-e", "frame.protocols",
		"-e", "vrrp.checksum.status", "-e", "icmpv6.checksum.status", "-e", "_ws.malformed", "-e", "_ws.expert.severity",
		"-e", "arp.isgratuitous")
	out, err := cmd.Output()
	if err != nil {
		return rep, fmt.Errorf("tshark: %w", err)
	}
	want := map[string]bool{}
	for _, m := range macs {
		want[strings.ToLower(m)] = true
	}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		f := strings.Split(sc.Text(), "|")
		if len(f) < 8 || !want[strings.ToLower(f[1])] {
			continue
		}
		protos := f[2]
		switch {
		case strings.Contains(protos, "vrrp"):
			rep.Adverts++
			if f[3] != "1" { // Wireshark: 0 bad, 1 good, 2 unverified
				rep.Problems = append(rep.Problems, fmt.Sprintf("frame %s: VRRP checksum status %q", f[0], f[3]))
			}
		case strings.Contains(protos, "arp"):
			// The kernel's own ARP requests share the MAC; count the
			// gratuitous ones, which only govrrpd sends.
			if f[7] == "1" || f[7] == "True" {
				rep.GARPs++
			}
		case strings.Contains(protos, "icmpv6"):
			rep.NAs++
			if f[4] != "" && f[4] != "1" {
				rep.Problems = append(rep.Problems, fmt.Sprintf("frame %s: ICMPv6 checksum status %q", f[0], f[4]))
			}
		}
		if f[5] != "" {
			rep.Problems = append(rep.Problems, fmt.Sprintf("frame %s: malformed", f[0]))
		}
	}
	return rep, nil
}

func macsOf(hs ...*lab.Host) []string {
	var out []string
	for _, h := range hs {
		m, _ := h.MAC()
		out = append(out, m)
	}
	return out
}
