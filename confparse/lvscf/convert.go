package lvscf

import (
	"fmt"
	"net/netip"

	"github.com/govrrpd/govrrpd/confparse"
)

// ConvertOptions choose the node and the VRRP parameters lvs.cf does not
// have.
type ConvertOptions struct {
	// Node is "primary" or "backup": one lvs.cf serves both routers and
	// pulse chose the role at run time, so each node gets its own output.
	Node string
	// VRID is the virtual_router_id (default 51).
	VRID int
	// VRRPInterface overrides the interface of the instance (default: the
	// base device of the first active block's address).
	VRRPInterface string
}

// Result is a converted configuration: the typed config plus the layout
// details (comments, skipped blocks) that keepalived.conf carries but the
// typed config does not.
type Result struct {
	Config *confparse.Config
	Header []string // comment lines at the top, without "# "
	// Mode is "lvs" or "fos".
	Mode string
	// Virtuals is the file-order layout of lvs mode.
	Virtuals []VirtualLayout
}

// VirtualLayout is one `virtual` block of lvs.cf in the output.
type VirtualLayout struct {
	Comment string // the comment line, without "# "
	VS      int    // index into Config.VirtualServers; -1 when skipped
	Slots   []Slot
}

// Slot is one `server` block: either skipped (a comment) or a real server
// with its checker.
type Slot struct {
	Skipped string // comment without "# "; empty for a real server
	Real    int    // index into the virtual server's Reals
	Checker int    // index into Config.Checkers
}

// converter holds the state of one Convert call.
type converter struct {
	cfg   *Config
	opts  ConvertOptions
	out   *Result
	diags confparse.Diagnostics
	// labels maps an alias label to the address first given to it.
	labels map[string]netip.Addr
	// scripts says whether the output runs any script.
	scripts bool
}

// Convert turns a parsed lvs.cf into the keepalived configuration of one
// node. A fatal problem is returned as a Fatal diagnostic and a nil Result.
func Convert(cfg *Config, opts ConvertOptions) (*Result, confparse.Diagnostics) {
	if opts.VRID == 0 {
		opts.VRID = 51
	}
	c := &converter{cfg: cfg, opts: opts, labels: map[string]netip.Addr{},
		out: &Result{Config: &confparse.Config{}, Mode: cfg.Service}}
	if err := c.run(); err != nil {
		c.diag(confparse.Fatal, "fatal", 0, err.Error())
		return nil, c.diags
	}
	return c.out, c.diags
}

func (c *converter) diag(s confparse.Severity, key string, line int, msg string) {
	c.diags = append(c.diags, confparse.Diagnostic{Severity: s, Key: key, Pos: confparse.Pos{Line: line}, Msg: msg})
}

func (c *converter) warn(key string, line int, format string, args ...any) {
	c.diag(confparse.Warning, key, line, fmt.Sprintf(format, args...))
}

func (c *converter) info(key string, line int, format string, args ...any) {
	c.diag(confparse.Info, key, line, fmt.Sprintf(format, args...))
}

func (c *converter) run() error {
	cfg := c.cfg
	if !cfg.Primary.IsSet() {
		return fmt.Errorf("primary is missing or 0.0.0.0: pulse cannot tell which node is the primary")
	}
	if c.opts.VRID < 1 || c.opts.VRID > 255 {
		return fmt.Errorf("virtual_router_id %d outside 1..255", c.opts.VRID)
	}
	twoNode := cfg.BackupActive && cfg.Backup.IsSet()
	own, peer := cfg.Primary.Addr, cfg.Backup.Addr
	switch c.opts.Node {
	case "primary":
	case "backup":
		if !twoNode {
			return fmt.Errorf("backup node requested but backup_active = 0 or no backup defined: pulse does not run on the backup")
		}
		own, peer = peer, own
	default:
		return fmt.Errorf("node %q: want primary or backup", c.opts.Node)
	}
	c.header(twoNode, own)
	c.globalNotes()
	blocks, err := c.activeBlocks()
	if err != nil {
		return err
	}
	inst, err := c.instance(blocks, twoNode, own, peer)
	if err != nil {
		return err
	}
	if cfg.Service == "fos" {
		if err := c.failovers(blocks, inst); err != nil {
			return err
		}
	} else {
		c.lvsNotify(inst)
		if err := c.virtuals(); err != nil {
			return err
		}
	}
	c.out.Config.Instances = append(c.out.Config.Instances, *inst)
	c.globalDefs(inst.Name)
	return nil
}

func (c *converter) header(twoNode bool, own netip.Addr) {
	serial := "unset"
	if _, ok := c.cfg.Seen["serial_no"]; ok {
		serial = fmt.Sprint(c.cfg.SerialNo)
	}
	role := c.opts.Node
	if !twoNode {
		role += " (standalone)"
	}
	c.out.Header = []string{
		"keepalived.conf converted from Piranha lvs.cf (serial_no " + serial + ")",
		"node: " + role + " " + own.String(),
	}
}

// activeBlocks returns the active blocks of the running service type.
func (c *converter) activeBlocks() ([]*Virtual, error) {
	run, other, otherKind := c.cfg.Virtuals, c.cfg.Failovers, "failover"
	kind := "virtual server"
	if c.cfg.Service == "fos" {
		run, other, otherKind = c.cfg.Failovers, c.cfg.Virtuals, "virtual"
		kind = "failover service"
	}
	for _, b := range other {
		c.info("blocks_ignored", b.Line, "%s %s ignored because service = %s", otherKind, b.Name, c.cfg.Service)
	}
	var active []*Virtual
	for _, b := range run {
		if b.Active {
			active = append(active, b)
		}
	}
	if len(active) == 0 {
		return nil, fmt.Errorf("no active %s (service = %s): pulse refuses to start", kind, c.cfg.Service)
	}
	return active, nil
}

// globalDefs fills global_defs: script security whenever a script runs
// (keepalived refuses root scripts otherwise), the sync daemon and the
// IPVS timeouts.
func (c *converter) globalDefs(instance string) {
	out := c.out.Config
	if c.scripts {
		out.Global.EnableScriptSecurity = true
		out.Global.ScriptUser = "root"
		out.VRRP.EnableScriptSecurity = true
		out.VRRP.ScriptUser = "root"
	}
	if c.cfg.SyncDaemon {
		out.IPVS.SyncDaemon = syncDaemon(c.cfg.SyncdIface, instance, c.cfg.SyncdID)
	}
	out.IPVS.Timeouts = timeouts(c.cfg.TCPTimeout, c.cfg.TCPFinTimeout, c.cfg.UDPTimeout)
}

// globalNotes reports the global keys that have no keepalived output.
func (c *converter) globalNotes() {
	cfg := c.cfg
	_, privSet := cfg.Seen["primary_private"]
	if privSet && cfg.PrimaryPrivate.Addr != cfg.Primary.Addr {
		c.warn("private_heartbeat_dropped", cfg.Seen["primary_private"], "primary_private %s: %s",
			cfg.PrimaryPrivate.Addr, privateMsg)
	}
	// Without primary_private the parser overwrote backup_private.
	if _, ok := cfg.Seen["backup_private"]; ok && privSet && cfg.BackupPrivate.Addr != cfg.Backup.Addr {
		c.warn("private_heartbeat_dropped", cfg.Seen["backup_private"], "backup_private %s: %s",
			cfg.BackupPrivate.Addr, privateMsg)
	}
	if l, ok := cfg.Seen["heartbeat_port"]; ok {
		c.info("heartbeat_port_ignored", l, "heartbeat_port %d ignored (VRRP is IP protocol 112): let protocol 112 through the firewall between the routers", cfg.HeartbeatPort)
	}
	if l, ok := cfg.Seen["heartbeat"]; ok {
		c.info("heartbeat_flag_ignored", l, "heartbeat = %d ignored (pulse heartbeats whenever backup_active = 1)", b2i(cfg.Heartbeat))
	}
	if l, ok := cfg.Seen["monitor_links"]; ok {
		c.info("monitor_links_default", l, "monitor_links = %d: keepalived always tracks the link state of the VRRP interface and VIP devices", cfg.MonitorLinks)
	}
	if l, ok := cfg.Seen["debug_level"]; ok && cfg.DebugLevel != "NONE" {
		c.info("debug_level_ignored", l, "debug_level %s ignored (use govrrpd's log options)", cfg.DebugLevel)
	}
	for _, key := range []string{"rsh_command", "hard_shutdown"} {
		if l, ok := cfg.Seen[key]; ok {
			c.info(key+"_ignored", l, "%s has no keepalived equivalent; ignored", key)
		}
	}
	for _, key := range []string{"ipvsadm", "sync"} {
		if l, ok := cfg.Seen[key]; ok {
			c.info("obsolete_key", l, "%s has no keepalived equivalent; ignored", key)
		}
	}
	for _, key := range []string{"primary_shared", "backup_shared", "reservation_conflict_action"} {
		if l, ok := cfg.Seen[key]; ok {
			c.warn("shared_scsi_unsupported", l, "%s: shared SCSI reservations are not supported; fence the shared disk some other way", key)
		}
	}
	if cfg.Deadtime != 3*cfg.Keepalive {
		c.warn("deadtime_mismatch", cfg.Seen["deadtime"], "deadtime %d != 3 x keepalive %d: VRRP declares the master dead after 3 x advert_int + skew (about %d s)",
			cfg.Deadtime, cfg.Keepalive, 3*cfg.Keepalive)
	}
}

const privateMsg = "second heartbeat path not representable in one VRRP instance; VRRP runs over the public addresses only"

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
