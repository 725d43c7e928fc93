package daemon

// Quorums is what --bgp-config's virtual_server conditions read: each
// virtual server's quorum by its status key, without the kernel counters
// Snapshot fetches (the BGP speaker asks four times a second). Safe from
// any goroutine once the daemon is ready; empty with -P.
func (d *Daemon) Quorums() map[string]bool {
	if d.opts.VRRPOnly || d.lvs == nil {
		return map[string]bool{}
	}
	return d.lvs.Quorums()
}
