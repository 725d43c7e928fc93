package bgp

// State is what the conditions are judged on: the LVS subsystem's quorum
// per virtual server (by its status key) and each VRRP instance's state.
type State struct {
	// Quorum maps a virtual server's status key ("TCP 192.0.2.200:80",
	// "FWM 7", "TCP group G") to whether it has quorum. A key missing
	// from the map is a virtual server that is not running.
	Quorum map[string]bool
	// Master maps an instance name to whether it is MASTER.
	Master map[string]bool
}

// Holds says whether c is true in s; an object s does not know is false,
// so an announcement whose virtual server is absent is withdrawn.
func (s State) Holds(c Condition) bool {
	if c.Kind == InstanceMaster {
		return s.Master[c.Instance]
	}
	return s.Quorum[c.Key()]
}

// Wanted says whether a is to be announced in s: all its conditions hold.
// An announcement without conditions is always wanted.
func (s State) Wanted(a Announce) bool {
	for _, c := range a.Conditions {
		if !s.Holds(c) {
			return false
		}
	}
	return true
}

// NeedsInstances says whether some condition watches a VRRP instance, so
// that the instances' states have to be read at all.
func (c *Config) NeedsInstances() bool {
	for _, a := range c.Announces {
		for _, k := range a.Conditions {
			if k.Kind == InstanceMaster {
				return true
			}
		}
	}
	return false
}
