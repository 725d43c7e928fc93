package confparse

import (
	"time"

	"github.com/govrrpd/govrrpd/vrrp"
)

// vrrp_track_process and track_file definitions.

func trackProcess(a *analyzer, n *Node, c *Config) {
	vrrpOf(a)
	name, ok := a.arg(n, 0)
	if !ok {
		return
	}
	p := vrrp.ProcessTracker{Name: name, Source: n.Pos.String(), Quorum: 1}
	for _, ch := range n.Children {
		if a.stopsBare(ch, "vrrp_track_process") {
			continue
		}
		switch ch.Key {
		case "process":
			if s, ok := a.arg(ch, 0); ok {
				p.Process = s
				p.Params = nil
				for _, w := range ch.Args[1:] {
					p.Params = append(p.Params, w.Text)
				}
			}
		case "param_match":
			if s, ok := a.arg(ch, 0); ok {
				if s != "initial" && s != "partial" {
					a.warnf(ch.Pos, "Invalid param_match '%s' for track_process %s - ignoring", s, name)
					continue
				}
				p.ParamMatch = s
			}
		case "full_command":
			p.FullCommand = true
		case "weight":
			v, ok := a.argInt(ch, 0, -254, 254)
			if ok {
				p.Weight, p.Reverse = v, weightReverse(a, ch, "vrrp_track_process", name)
			}
		case "quorum":
			if v, ok := a.argInt(ch, 0, 1, 65535); ok {
				p.Quorum = v
			}
		case "quorum_max":
			if v, ok := a.argInt(ch, 0, 0, 65535); ok {
				p.QuorumMax, p.QuorumMaxSet = v, true
			}
		case "fork_delay", "terminate_delay", "delay":
			d, ok := a.argTimer(ch, 0, time.Microsecond, 3600*time.Second)
			if !ok {
				a.warnf(ch.Pos, "%s (%s) for vrrp_track_process %s must be between [0.000001..3600] inclusive. Ignoring...",
					ch.Key, argOr(ch), name)
				continue
			}
			if ch.Key != "terminate_delay" {
				p.ForkDelay = d
			}
			if ch.Key != "fork_delay" {
				p.TerminateDelay = d
			}
		default:
			dispatch(a, ch, table[*Config]{}, c, "vrrp_track_process "+name)
		}
	}
	if p.Process == "" {
		a.warnf(n.Pos, "Process not specified for track_process %s - removing", name)
		return
	}
	if p.QuorumMaxSet && p.QuorumMax != 0 && p.QuorumMax < p.Quorum {
		a.warnf(n.Pos, "(%s): quorum_max %d < quorum %d - setting quorum_max = quorum", name, p.QuorumMax, p.Quorum)
		p.QuorumMax = p.Quorum
	}
	c.Processes = append(c.Processes, p)
}

func trackFile(a *analyzer, n *Node, c *Config) {
	vrrpOf(a)
	name, ok := a.arg(n, 0)
	if !ok {
		return
	}
	f := vrrp.FileTracker{Name: name, Source: n.Pos.String(), Weight: 1}
	for _, ch := range n.Children {
		switch ch.Key {
		case "file":
			if s, ok := a.arg(ch, 0); ok {
				f.Path = s
			}
		case "weight":
			if v, ok := a.argInt(ch, 0, -254, 254); ok {
				f.Weight, f.Reverse = v, weightReverse(a, ch, "track_file", name)
			}
		case "init_file":
			f.InitFile = true
			for i, w := range ch.Args {
				if w.Text == "overwrite" {
					f.Overwrite = true
				} else if v, ok := a.argInt(ch, i, -2147483648, 2147483647); ok {
					f.InitValue = v
				}
			}
		default:
			dispatch(a, ch, table[*Config]{}, c, "track_file "+name)
		}
	}
	if f.Path == "" {
		a.warnf(n.Pos, "No file set for track_file %s - removing", name)
		return
	}
	c.Files = append(c.Files, f)
}

// weightReverse reads the word after a tracker definition's weight: only
// "reverse" means anything, as in keepalived.
func weightReverse(a *analyzer, n *Node, block, name string) bool {
	if len(n.Args) < 2 {
		return false
	}
	if n.Args[1].Text != "reverse" {
		a.warnf(n.Pos, "%s %s unknown weight option %s", block, name, n.Args[1].Text)
		return false
	}
	return true
}
