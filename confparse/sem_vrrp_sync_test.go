package confparse

import (
	"slices"
	"strings"
	"testing"

	"github.com/govrrpd/govrrpd/vrrp"
)

// vrrp_sync_group: members, group-level trackers and notifies, and what
// membership does to the members' weighted trackers (each verdict
// measured with keepalived 2.2.7 -t).

// syncG is a sync group G of the given member line and body lines: the
// member line is line 3, the first body line is line 5.
func syncG(members string, lines ...string) string {
	return "vrrp_sync_group G {\n group {\n  " + members + "\n }\n " + strings.Join(lines, "\n ") + "\n}\n"
}

func group0(f func(vrrp.SyncGroup) bool) func(*Config) bool {
	return func(c *Config) bool { return len(c.SyncGroups) > 0 && f(c.SyncGroups[0]) }
}

// twoInsts are VI_1 and VI_2, after whatever precedes them.
var twoInsts = instN(1, "") + instN(2, "")

func TestSyncGroupMembers(t *testing.T) {
	runSemRows(t, []semRow{
		{"two members", syncG("VI_1 VI_2") + twoInsts, group0(func(g vrrp.SyncGroup) bool {
			return g.Name == "G" && slices.Equal(g.Members, []string{"VI_1", "VI_2"}) && strings.HasSuffix(g.Source.String(), "keepalived.conf:1") &&
				!g.TrackingWeight && !g.SMTPAlert
		}), nil},
		{"unknown member", syncG("VI_1 VI_2 VI_9") + twoInsts, group0(func(g vrrp.SyncGroup) bool { return len(g.Members) == 2 }),
			[]want{warnAt(1, "Virtual router VI_9 specified in sync group G doesn't exist - ignoring")}},
		{"member of two groups", syncG("VI_1 VI_2") + strings.Replace(syncG("VI_1"), " G ", " H ", 1) + twoInsts,
			func(c *Config) bool { return len(c.SyncGroups) == 1 && c.SyncGroups[0].Name == "G" },
			[]want{warnAt(7, "Virtual router VI_1 cannot exist in more than one sync_group; it is already in G - ignoring"),
				warnAt(7, "Sync group H has no virtual router(s). removing")}},
		{"second group list", syncG("VI_1 VI_2", "group {", " VI_3", "}") + twoInsts + instN(3, ""),
			group0(func(g vrrp.SyncGroup) bool { return slices.Equal(g.Members, []string{"VI_1", "VI_2"}) }),
			[]want{warnAt(5, "Group list already specified for sync group G")}},
		{"defined twice", syncG("VI_1 VI_2") + syncG("VI_1") + twoInsts, func(c *Config) bool { return len(c.SyncGroups) == 1 },
			[]want{warnAt(7, "vrrp sync group G already defined")}},
		{"no name", "vrrp_sync_group {\n group {\n  VI_1\n }\n}\n" + twoInsts, func(c *Config) bool { return len(c.SyncGroups) == 0 },
			[]want{warnAt(1, "vrrp_sync_group must have a name - skipping")}},
		{"unknown keyword", syncG("VI_1 VI_2", "bogus 1") + twoInsts, nil,
			[]want{warnAt(5, "unknown keyword 'bogus' in vrrp_sync_group G")}},
		{"track_bfd without its bfd_instance", syncG("VI_1 VI_2", "track_bfd {", "b", "}") + twoInsts, nil,
			[]want{warnAt(6, "(G) track bfd b not found, ignoring...")}},
	})
}

func TestSyncGroupSettings(t *testing.T) {
	spec := func(s string) []string { return strings.Fields(s) }
	runSemRows(t, []semRow{
		{"notifies", syncG("VI_1 VI_2", "notify_master /bin/m", "notify_backup /bin/b", "notify_fault /bin/f",
			"notify_stop /bin/s", `notify "/bin/n x"`) + twoInsts, group0(func(g vrrp.SyncGroup) bool {
			n := g.Notify
			return slices.Equal(n.Master.Argv, spec("/bin/m")) && slices.Equal(n.Backup.Argv, spec("/bin/b")) &&
				slices.Equal(n.Fault.Argv, spec("/bin/f")) && slices.Equal(n.Stop.Argv, spec("/bin/s")) &&
				slices.Equal(n.Generic.Argv, spec("/bin/n x"))
		}), nil},
		{"notify given twice", syncG("VI_1 VI_2", "notify_fault /bin/a", "notify_fault /bin/b") + twoInsts,
			group0(func(g vrrp.SyncGroup) bool { return slices.Equal(g.Notify.Fault.Argv, spec("/bin/a")) }),
			[]want{warnAt(6, "vrrp group G: notify_fault script already specified - ignoring /bin/b")}},
		{"bare notify stops keepalived", syncG("VI_1 VI_2", "notify_backup") + twoInsts, nil,
			[]want{stopAt(5, "`notify_backup` is missing a parameter")}},
		{"smtp_alert", syncG("VI_1 VI_2", "smtp_alert", "notify_priority_changes") + twoInsts,
			group0(func(g vrrp.SyncGroup) bool { return g.SMTPAlert && g.NotifyPriorityChanges }), nil},
		{"smtp_alert off", syncG("VI_1 VI_2", "smtp_alert off") + twoInsts, group0(func(g vrrp.SyncGroup) bool { return !g.SMTPAlert }), nil},
		{"smtp_alert invalid", syncG("VI_1 VI_2", "smtp_alert maybe") + twoInsts, group0(func(g vrrp.SyncGroup) bool { return !g.SMTPAlert }),
			[]want{warnAt(5, "smtp_alert: invalid boolean 'maybe'")}},
		{"notify_priority_changes off", syncG("VI_1 VI_2", "notify_priority_changes off") + twoInsts,
			group0(func(g vrrp.SyncGroup) bool { return !g.NotifyPriorityChanges }), nil},
		{"sync_group_tracking_weight", syncG("VI_1 VI_2", "sync_group_tracking_weight") + twoInsts,
			group0(func(g vrrp.SyncGroup) bool { return g.TrackingWeight }), nil},
		{"global_tracking is the old name", syncG("VI_1 VI_2", "global_tracking") + twoInsts,
			group0(func(g vrrp.SyncGroup) bool { return g.TrackingWeight }),
			[]want{warnAt(5, "(G) global_tracking is deprecated. Use track_interface/script/file on the sync group")}},
	})
}

// Trackers of the group itself follow the instance rules, named by the
// group in their messages.
func TestSyncGroupTrackers(t *testing.T) {
	defs := trackDefs // lines 1-12; the group's first body line is 17
	runSemRows(t, []semRow{
		{"every kind", defs + syncG("VI_1 VI_2", "track_script {", "s weight 2", "}", "track_file {", "f", "}",
			"track_process {", "p weight -1 reverse", "}", "track_interface {", "eth1 weight 9", "}") + twoInsts,
			group0(func(g vrrp.SyncGroup) bool {
				return slices.Equal(g.TrackScripts, []vrrp.TrackRef{{Name: "s", Weight: 2, WeightSet: true}}) &&
					slices.Equal(g.TrackFiles, []vrrp.TrackRef{{Name: "f"}}) &&
					slices.Equal(g.TrackProcesses, []vrrp.TrackRef{{Name: "p", Weight: -1, WeightSet: true, Reverse: true}}) &&
					slices.Equal(g.TrackInterfaces, []vrrp.TrackInterface{{Name: "eth1", Weight: 9}})
			}), nil},
		{"unknown tracker", defs + syncG("VI_1 VI_2", "track_script {", "nosuch", "}") + twoInsts,
			group0(func(g vrrp.SyncGroup) bool { return len(g.TrackScripts) == 0 }),
			[]want{warnAt(18, "(G) track script nosuch not found, ignoring...")}},
		{"duplicate interface", defs + syncG("VI_1 VI_2", "track_interface {", "eth1", "eth1 weight 2", "}") + twoInsts,
			group0(func(g vrrp.SyncGroup) bool {
				return slices.Equal(g.TrackInterfaces, []vrrp.TrackInterface{{Name: "eth1"}})
			}),
			[]want{warnAt(19, "(G) duplicate track_interface eth1 - ignoring")}},
		{"weight ±254", defs + syncG("VI_1 VI_2", "track_script {", "s weight 254", "}") + twoInsts,
			group0(func(g vrrp.SyncGroup) bool { return g.TrackScripts[0].Weight == 253 }),
			[]want{warnAt(18, "(G) weight for s cannot be +/-254. Setting to +/-253")}},
	})
}

// A member's priority follows the group: its weighted trackers are
// dropped unless the group has sync_group_tracking_weight (or the old
// global_tracking); weight-0 trackers stay.
func TestSyncGroupDropsMembersWeights(t *testing.T) {
	member := trackDefs + "%s" + instN(1, "") + instN(2, "track_script {\ns\n}\ntrack_file {\nf weight 0\n}\n"+
		"track_process {\np\n}\ntrack_interface {\neth1 weight 2\neth2\n}")
	vi2 := 12 + 6 + 8 + 1 // VI_2's line after trackDefs, a 6-line group and VI_1
	withGroup := func(lines ...string) string {
		return strings.Replace(member, "%s", syncG("VI_1 VI_2", append(lines, "smtp_alert")...), 1)
	}
	second := func(f func(vrrp.Instance) bool) func(*Config) bool {
		return func(c *Config) bool { return len(c.Instances) == 2 && f(c.Instances[1]) }
	}
	runSemRows(t, []semRow{
		{"dropped", withGroup(), second(func(i vrrp.Instance) bool {
			return len(i.TrackScripts) == 0 && len(i.Options().TrackFiles) == 1 && len(i.Options().TrackProcesses) == 0 &&
				slices.Equal(i.TrackInterfaces, []vrrp.TrackInterface{{Name: "eth2"}})
		}), []want{warnAt(vi2, "(VI_2) ignoring tracked script s with weights due to SYNC group"),
			warnAt(vi2, "(VI_2) ignoring tracked process p with weights due to SYNC group"),
			warnAt(vi2, "(VI_2) ignoring tracked interface eth1 with weights due to SYNC group")}},
		{"kept with sync_group_tracking_weight", withGroup("sync_group_tracking_weight"), second(func(i vrrp.Instance) bool {
			return len(i.TrackScripts) == 1 && len(i.Options().TrackProcesses) == 1 && len(i.TrackInterfaces) == 2
		}), nil},
		{"not in a group: kept", strings.Replace(member, "%s", "", 1), func(c *Config) bool {
			return len(c.Instances[1].TrackScripts) == 1 && len(c.Instances[1].TrackInterfaces) == 2
		}, nil},
	})
}
