package lvscf

import (
	"fmt"
	"strconv"
	"time"

	"github.com/govrrpd/govrrpd/script"
	"github.com/govrrpd/govrrpd/vrrp"
)

// failovers turns the active `failover` blocks into tracked scripts of the
// single VI_FOS instance: fos moved all services together, so one instance
// with one check per service and the start/stop commands as notify scripts
// reproduces that.
func (c *converter) failovers(blocks []*Virtual, inst *vrrp.Instance) error {
	for _, f := range c.cfg.Failovers {
		if !f.Active {
			c.info("inactive_failover_skipped", f.Line, "failover %s skipped (active = 0)", f.Name)
		}
	}
	for _, key := range []string{"active_cmd", "inactive_cmd"} {
		if l, ok := c.cfg.Seen[key]; ok {
			c.info("obsolete_key", l, "%s is not run by fos (service = fos); ignored", key)
		}
	}
	var starts, stops []string
	for _, f := range blocks {
		tr, err := c.fosScript(f)
		if err != nil {
			return fmt.Errorf("failover %s: %w", f.Name, err)
		}
		c.out.Config.Scripts = append(c.out.Config.Scripts, tr)
		inst.TrackScripts = append(inst.TrackScripts, vrrp.TrackRef{Name: tr.Name})
		if len(splitSpaces(f.StartCmd)) > 0 {
			starts = append(starts, f.StartCmd)
		}
		if len(splitSpaces(f.StopCmd)) > 0 {
			stops = append(stops, f.StopCmd)
		}
	}
	c.scripts = true
	if len(starts) > 0 {
		inst.NotifyRef().Master = commandsSpec(starts)
	}
	if len(stops) > 0 {
		s := commandsSpec(stops)
		n := inst.NotifyRef()
		n.Backup, n.Fault, n.Stop = s, s, s
	}
	return nil
}

// fosScript is the check of one service. Only the node holding the VIP can
// probe it, so the script passes wherever the VIP is absent; fall 2 stands
// in for nanny's grace for a service that has not come up yet.
func (c *converter) fosScript(f *Virtual) (vrrp.ScriptTracker, error) {
	if f.Timeout < 1 {
		return vrrp.ScriptTracker{}, fmt.Errorf("timeout %d: must be at least 1 s", f.Timeout)
	}
	if f.Port < 0 || f.Port > 65535 {
		return vrrp.ScriptTracker{}, fmt.Errorf("port %d outside 0..65535", f.Port)
	}
	t := time.Duration(f.Timeout) * time.Second
	tr := vrrp.ScriptTracker{
		Name: "chk_fos_" + sanitizeName(f.Name), Source: fmt.Sprintf("lvs.cf:%d", f.Line),
		Interval: t, Timeout: t, Fall: 2, Rise: 1,
	}
	vip, port := f.Address.Addr.String(), strconv.Itoa(f.Port)
	pr := c.probe(f, "failover "+f.Name)
	if pr.program != "" {
		tr.Script = fosProgram(pr, vip, port)
		if pr.expect == "" {
			c.warn("send_program_without_expect", f.Seen["send_program"],
				"failover %s: send_program without expect always failed in nanny; the converted check uses the program's exit status", f.Name)
		}
	} else {
		if f.Protocol == "udp" && pr.send == "" && pr.expect == "" {
			c.warn("udp_without_send_expect", f.Line, "failover %s: UDP without send/expect waited for a reply that rarely comes; the converted check does the same", f.Name)
		}
		tr.Script = spec(bare("/bin/bash"), bare("-c"), prog(fosProbeProg), bare("lvscheck"),
			bare(f.Protocol), bare(vip), bare(port), quoted(pr.send), quoted(pr.expect), bare("0"))
	}
	c.lineLength("failover "+f.Name, 4+len(`script ""`)+len(tr.Script.Raw))
	return tr, nil
}

func fosProgram(pr probe, vip, port string) script.Spec {
	args := []arg{bare("/bin/sh"), bare("-c")}
	if pr.expect != "" {
		args = append(args, prog(fosProgramProg), quoted(pr.expect))
	} else {
		args = append(args, prog(fosProgramNoExpect), quoted(""))
	}
	args = append(args, quoted(vip))
	for _, w := range programWords(pr.program, vip, port) {
		args = append(args, quoted(w))
	}
	return spec(args...)
}

// lineLength warns when a script line would exceed keepalived's 1024-byte
// line buffer, which truncates it.
func (c *converter) lineLength(what string, n int) {
	if n >= 1024 {
		c.warn("script_line_too_long", 0, "%s: the check script line is %d bytes; keepalived truncates lines at 1024 bytes", what, n)
	}
}
