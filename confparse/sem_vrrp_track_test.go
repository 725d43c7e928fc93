package confparse

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/vrrp"
)

// Tracker definitions (vrrp_script, track_file, vrrp_track_process) and
// the references to them and to interfaces inside an instance, with
// keepalived 2.2.7's ranges, defaults and messages (each verdict measured
// with keepalived -t).

// only checks the one tracker definition a configuration holds.
func only[T any](list func(*Config) []T, f func(T) bool) func(*Config) bool {
	return func(c *Config) bool { l := list(c); return len(l) == 1 && f(l[0]) }
}

func script0(f func(vrrp.ScriptTracker) bool) func(*Config) bool {
	return only(func(c *Config) []vrrp.ScriptTracker { return c.Scripts }, f)
}

func file0(f func(vrrp.FileTracker) bool) func(*Config) bool {
	return only(func(c *Config) []vrrp.FileTracker { return c.Files }, f)
}

func proc0(f func(vrrp.ProcessTracker) bool) func(*Config) bool {
	return only(func(c *Config) []vrrp.ProcessTracker { return c.Processes }, f)
}

// trackerDef is a tracker block of the given kind with its first line and
// more body lines (from line 3).
func trackerDef(head, first string, lines ...string) string {
	return head + " {\n " + first + "\n " + strings.Join(lines, "\n ") + "\n}\n"
}

func TestVRRPScriptDefinition(t *testing.T) {
	runSemRows(t, []semRow{
		{"defaults", scriptDef("s"), script0(func(s vrrp.ScriptTracker) bool {
			return s.Interval == time.Second && s.Timeout == time.Second && s.Rise == 1 && s.Fall == 1 &&
				s.Weight == 0 && !s.Reverse && !s.InitFail && strings.HasSuffix(s.Source, "keepalived.conf:1") &&
				slices.Equal(s.Script.Argv, []string{"/nonexistent/s"})
		}), nil},
		{"timeout follows interval", scriptDef("s", "interval 2"), script0(func(s vrrp.ScriptTracker) bool {
			return s.Interval == 2*time.Second && s.Timeout == 2*time.Second
		}), nil},
		{"timeout of its own", scriptDef("s", "timeout 5", "interval 0.5"), script0(func(s vrrp.ScriptTracker) bool {
			return s.Interval == 500*time.Millisecond && s.Timeout == 5*time.Second
		}), nil},
		{"interval top", scriptDef("s", "interval 4294"), script0(func(s vrrp.ScriptTracker) bool { return s.Interval == 4294*time.Second }), nil},
		{"interval above", scriptDef("s", "interval 4295"), script0(func(s vrrp.ScriptTracker) bool { return s.Interval == time.Second }),
			[]want{warnAt(3, "interval: number '4295' outside range [0, 4294]")}},
		{"timeout 0", scriptDef("s", "timeout 0"), script0(func(s vrrp.ScriptTracker) bool { return s.Timeout == time.Second }),
			[]want{warnAt(3, "(s): vrrp script timeout must be greater than 0, setting to 1")}},
		{"weight bounds", scriptDef("s", "weight -253"), script0(func(s vrrp.ScriptTracker) bool { return s.Weight == -253 }), nil},
		{"weight reverse", scriptDef("s", "weight 253 reverse"), script0(func(s vrrp.ScriptTracker) bool { return s.Weight == 253 && s.Reverse }), nil},
		{"weight 254", scriptDef("s", "weight 254"), script0(func(s vrrp.ScriptTracker) bool { return s.Weight == 0 }),
			[]want{warnAt(3, "weight: number '254' outside range [-253, 253]"), warnAt(3, "vrrp_script s weight 254 must be in [-253, 253]")}},
		{"weight unknown option", scriptDef("s", "weight 10 sideways"), script0(func(s vrrp.ScriptTracker) bool { return s.Weight == 10 && !s.Reverse }),
			[]want{warnAt(3, "vrrp_script s unknown weight option sideways")}},
		{"rise and fall", scriptDef("s", "rise 2147483647", "fall 3"), script0(func(s vrrp.ScriptTracker) bool {
			return s.Rise == 2147483647 && s.Fall == 3
		}), nil},
		{"rise 0", scriptDef("s", "rise 0"), script0(func(s vrrp.ScriptTracker) bool { return s.Rise == 1 }),
			[]want{warnAt(3, "rise: number '0' outside range [1, 2147483647]")}},
		{"fall x", scriptDef("s", "fall x"), script0(func(s vrrp.ScriptTracker) bool { return s.Fall == 1 }),
			[]want{warnAt(3, "fall: invalid number 'x'")}},
		{"user", scriptDef("s", "user nobody"), script0(func(s vrrp.ScriptTracker) bool { return s.Script.User == "nobody" && s.Script.Group == "" }), nil},
		{"user and group", scriptDef("s", "user nobody nogroup"), script0(func(s vrrp.ScriptTracker) bool {
			return s.Script.User == "nobody" && s.Script.Group == "nogroup"
		}), nil},
		{"init_fail", scriptDef("s", "init_fail"), script0(func(s vrrp.ScriptTracker) bool { return s.InitFail }), nil},
		{"quoted command", "vrrp_script s {\n script \"/usr/bin/chk --port 80\"\n}\n", script0(func(s vrrp.ScriptTracker) bool {
			return slices.Equal(s.Script.Argv, []string{"/usr/bin/chk", "--port", "80"})
		}), nil},
		{"unknown keyword", scriptDef("s", "bogus 1"), script0(func(s vrrp.ScriptTracker) bool { return true }),
			[]want{warnAt(3, "unknown keyword 'bogus' in vrrp_script s")}},
		{"no name", "vrrp_script {\n script /x\n}\n", func(c *Config) bool { return len(c.Scripts) == 0 },
			[]want{stopAt(1, "missing a parameter after keyword `vrrp_script`")}},
		{"bare interval stops keepalived", scriptDef("s", "interval"), nil,
			[]want{stopAt(3, "`interval` is missing a parameter")}},
		{"bare user stops keepalived", scriptDef("s", "user"), nil, []want{stopAt(3, "`user` is missing a parameter")}},
	})
}

func fileDef(lines ...string) string { return trackerDef("track_file f", "file /run/f", lines...) }

func TestTrackFileDefinition(t *testing.T) {
	runSemRows(t, []semRow{
		{"defaults", fileDef(), file0(func(f vrrp.FileTracker) bool {
			return f.Path == "/run/f" && f.Weight == 1 && !f.Reverse && !f.InitFile && !f.Overwrite
		}), nil},
		{"weight reverse", fileDef("weight -254 reverse"), file0(func(f vrrp.FileTracker) bool { return f.Weight == -254 && f.Reverse }), nil},
		{"weight 255", fileDef("weight 255"), file0(func(f vrrp.FileTracker) bool { return f.Weight == 1 }),
			[]want{warnAt(3, "weight: number '255' outside range [-254, 254]")}},
		{"weight unknown option", fileDef("weight 4 sideways"), file0(func(f vrrp.FileTracker) bool { return f.Weight == 4 && !f.Reverse }),
			[]want{warnAt(3, "track_file f unknown weight option sideways")}},
		{"init_file", fileDef("init_file"), file0(func(f vrrp.FileTracker) bool { return f.InitFile && f.InitValue == 0 }), nil},
		{"init_file value overwrite", fileDef("init_file -5 overwrite"), file0(func(f vrrp.FileTracker) bool {
			return f.InitFile && f.InitValue == -5 && f.Overwrite
		}), nil},
		{"init_file not a number", fileDef("init_file x"), file0(func(f vrrp.FileTracker) bool { return f.InitFile && f.InitValue == 0 }),
			[]want{warnAt(3, "init_file: invalid number 'x'")}},
		{"no file", "track_file f {\n weight 3\n}\n", func(c *Config) bool { return len(c.Files) == 0 },
			[]want{warnAt(1, "No file set for track_file f - removing")}},
		{"old name is Info", "vrrp_track_file f {\n file /run/f\n}\n", file0(func(f vrrp.FileTracker) bool { return f.Path == "/run/f" }),
			[]want{infoAt(1, `"vrrp_track_file" is deprecated, please use "track_file"`)}},
		{"unknown keyword", fileDef("bogus"), file0(func(f vrrp.FileTracker) bool { return true }),
			[]want{warnAt(3, "unknown keyword 'bogus' in track_file f")}},
		{"bare track_file stops keepalived", "track_file\n", nil, []want{stopAt(1, "`track_file` is missing a parameter")}},
	})
}

func procDef(lines ...string) string {
	return trackerDef("vrrp_track_process p", "process nginx", lines...)
}

func TestTrackProcessDefinition(t *testing.T) {
	runSemRows(t, []semRow{
		{"defaults", procDef(), proc0(func(p vrrp.ProcessTracker) bool {
			return p.Process == "nginx" && p.Params == nil && p.Quorum == 1 && p.QuorumMax == 0 && !p.QuorumMaxSet &&
				p.Weight == 0 && p.ParamMatch == "" && !p.FullCommand && p.ForkDelay == 0 && p.TerminateDelay == 0
		}), nil},
		{"parameters", "vrrp_track_process p {\n process nginx -g daemon\n param_match initial\n full_command\n}\n",
			proc0(func(p vrrp.ProcessTracker) bool {
				return slices.Equal(p.Params, []string{"-g", "daemon"}) && p.ParamMatch == "initial" && p.FullCommand
			}), nil},
		{"param_match partial", procDef("param_match partial"), proc0(func(p vrrp.ProcessTracker) bool { return p.ParamMatch == "partial" }), nil},
		{"param_match unknown", procDef("param_match whole"), proc0(func(p vrrp.ProcessTracker) bool { return p.ParamMatch == "" }),
			[]want{warnAt(3, "Invalid param_match 'whole' for track_process p - ignoring")}},
		{"weight 254 reverse", procDef("weight 254 reverse"), proc0(func(p vrrp.ProcessTracker) bool { return p.Weight == 254 && p.Reverse }), nil},
		{"weight 255", procDef("weight 255"), proc0(func(p vrrp.ProcessTracker) bool { return p.Weight == 0 }),
			[]want{warnAt(3, "weight: number '255' outside range [-254, 254]")}},
		{"weight unknown option", procDef("weight -3 backwards"), proc0(func(p vrrp.ProcessTracker) bool { return p.Weight == -3 && !p.Reverse }),
			[]want{warnAt(3, "vrrp_track_process p unknown weight option backwards")}},
		{"quorum range", procDef("quorum 65535", "quorum_max 0"), proc0(func(p vrrp.ProcessTracker) bool {
			return p.Quorum == 65535 && p.QuorumMax == 0 && p.QuorumMaxSet
		}), nil},
		{"quorum 0", procDef("quorum 0"), proc0(func(p vrrp.ProcessTracker) bool { return p.Quorum == 1 }),
			[]want{warnAt(3, "quorum: number '0' outside range [1, 65535]")}},
		{"quorum_max above", procDef("quorum_max 65536"), proc0(func(p vrrp.ProcessTracker) bool { return !p.QuorumMaxSet }),
			[]want{warnAt(3, "quorum_max: number '65536' outside range [0, 65535]")}},
		{"quorum_max raised to quorum", procDef("quorum 3", "quorum_max 2"), proc0(func(p vrrp.ProcessTracker) bool { return p.QuorumMax == 3 }),
			[]want{warnAt(1, "(p): quorum_max 2 < quorum 3 - setting quorum_max = quorum")}},
		{"fork_delay alone", procDef("fork_delay 2"), proc0(func(p vrrp.ProcessTracker) bool {
			return p.ForkDelay == 2*time.Second && p.TerminateDelay == 0
		}), nil},
		{"terminate_delay alone", procDef("terminate_delay 3600"), proc0(func(p vrrp.ProcessTracker) bool {
			return p.ForkDelay == 0 && p.TerminateDelay == time.Hour
		}), nil},
		{"delay sets both", procDef("delay 0.000001"), proc0(func(p vrrp.ProcessTracker) bool {
			return p.ForkDelay == time.Microsecond && p.TerminateDelay == time.Microsecond
		}), nil},
		{"delay 0", procDef("fork_delay 0"), proc0(func(p vrrp.ProcessTracker) bool { return p.ForkDelay == 0 }),
			[]want{warnAt(3, "fork_delay: number '0' outside range"),
				warnAt(3, "fork_delay (0) for vrrp_track_process p must be between [0.000001..3600] inclusive. Ignoring...")}},
		{"delay above", procDef("delay 3600.5"), proc0(func(p vrrp.ProcessTracker) bool { return p.TerminateDelay == 0 }),
			[]want{warnAt(3, "delay: number '3600.5' outside range"), warnAt(3, "delay (3600.5) for vrrp_track_process p must be between")}},
		{"no process", "vrrp_track_process p {\n quorum 2\n}\n", func(c *Config) bool { return len(c.Processes) == 0 },
			[]want{warnAt(1, "Process not specified for track_process p - removing")}},
		{"bare quorum stops keepalived", procDef("quorum"), nil, []want{stopAt(3, "`quorum` is missing a parameter")}},
	})
}

// trackDefs defines script s (weight 7), file f (weight 3) and process p
// (weight 4) on lines 1-12; refsIn puts a track block after them in an
// instance whose block keyword is on line refLine-1.
var trackDefs = scriptDef("s", "weight 7") + "track_file f {\n file /run/f\n weight 3\n}\n" +
	"vrrp_track_process p {\n process nginx\n weight 4\n}\n"

const refLine = 12 + instBody + 1

func refsIn(block string, entries ...string) string {
	return trackDefs + inst(block+" {\n"+strings.Join(entries, "\n")+"\n}")
}

func refsAre(get func(vrrp.Instance) []vrrp.TrackRef, want ...vrrp.TrackRef) func(*Config) bool {
	return in0(func(i vrrp.Instance) bool { return slices.Equal(get(i), want) })
}

func TestTrackScriptReferences(t *testing.T) {
	sc := func(i vrrp.Instance) []vrrp.TrackRef { return i.TrackScripts }
	runSemRows(t, []semRow{
		{"the script's own weight", refsIn("track_script", "s"), refsAre(sc, vrrp.TrackRef{Name: "s"}), nil},
		{"weight override", refsIn("track_script", "s weight -10"), refsAre(sc, vrrp.TrackRef{Name: "s", Weight: -10, WeightSet: true}), nil},
		{"reverse", refsIn("track_script", "s weight 253 reverse"),
			refsAre(sc, vrrp.TrackRef{Name: "s", Weight: 253, WeightSet: true, Reverse: true}), nil},
		{"noreverse", refsIn("track_script", "s weight 2 noreverse"), refsAre(sc, vrrp.TrackRef{Name: "s", Weight: 2, WeightSet: true}), nil},
		{"254 becomes 253", refsIn("track_script", "s weight -254"), refsAre(sc, vrrp.TrackRef{Name: "s", Weight: -253, WeightSet: true}),
			[]want{warnAt(refLine, "(VI_1) weight for s cannot be +/-254. Setting to +/-253")}},
		{"out of range keeps the script's", refsIn("track_script", "s weight 300"), refsAre(sc, vrrp.TrackRef{Name: "s"}),
			[]want{warnAt(refLine, "s: number '300' outside range [-254, 254]"),
				warnAt(refLine, "(VI_1) track script s: weight must be between [-253..253] inclusive, ignoring...")}},
		{"out of range, reversed", refsIn("track_script", "s weight 300 reverse"),
			refsAre(sc, vrrp.TrackRef{Name: "s", Weight: 7, WeightSet: true, Reverse: true}),
			[]want{warnAt(refLine, "outside range"), warnAt(refLine, "weight must be between")}},
		{"unknown option drops", refsIn("track_script", "s bar"), refsAre(sc),
			[]want{warnAt(refLine, "(VI_1) unknown track script option bar - ignoring")}},
		{"weight without value drops", refsIn("track_script", "s weight"), refsAre(sc),
			[]want{warnAt(refLine, "(VI_1) weight without value specified for track script s - ignoring")}},
		{"unknown weight word keeps", refsIn("track_script", "s weight 0 sideways"), refsAre(sc, vrrp.TrackRef{Name: "s", WeightSet: true}),
			[]want{warnAt(refLine, "(VI_1) unknown track_script s weight option sideways - ignoring")}},
		{"duplicate", refsIn("track_script", "s weight 1", "s"), refsAre(sc, vrrp.TrackRef{Name: "s", Weight: 1, WeightSet: true}),
			[]want{warnAt(refLine+1, "(VI_1) duplicate track_script s - ignoring")}},
		{"not defined", refsIn("track_script", "nosuch", "s"), refsAre(sc, vrrp.TrackRef{Name: "s"}),
			[]want{warnAt(refLine, "(VI_1) track script nosuch not found, ignoring...")}},
	})
}

func TestTrackFileAndProcessReferences(t *testing.T) {
	fl := func(i vrrp.Instance) []vrrp.TrackRef { return i.Options().TrackFiles }
	pr := func(i vrrp.Instance) []vrrp.TrackRef { return i.Options().TrackProcesses }
	runSemRows(t, []semRow{
		{"file", refsIn("track_file", "f"), refsAre(fl, vrrp.TrackRef{Name: "f"}), nil},
		{"file weight 254 stays", refsIn("track_file", "f weight 254 noreverse"), refsAre(fl, vrrp.TrackRef{Name: "f", Weight: 254, WeightSet: true}), nil},
		{"file weight 255", refsIn("track_file", "f weight 255"), refsAre(fl, vrrp.TrackRef{Name: "f"}),
			[]want{warnAt(refLine, "outside range [-254, 254]"), warnAt(refLine, "(VI_1) weight for track file f must be in [-254..254] inclusive. Ignoring...")}},
		{"file unknown weight word drops", refsIn("track_file", "f weight 1 sideways"), refsAre(fl),
			[]want{warnAt(refLine, "(VI_1) unknown track_file f weight option sideways - ignoring")}},
		{"file unknown option", refsIn("track_file", "f x"), refsAre(fl), []want{warnAt(refLine, "(VI_1) unknown track file option x - ignoring")}},
		{"file duplicate", refsIn("track_file", "f", "f"), refsAre(fl, vrrp.TrackRef{Name: "f"}),
			[]want{warnAt(refLine+1, "(VI_1) duplicate track_file f - ignoring")}},
		{"file not defined", refsIn("track_file", "g"), refsAre(fl), []want{warnAt(refLine, "(VI_1) track file g not found, ignoring...")}},
		{"process", refsIn("track_process", "p weight -254 reverse"),
			refsAre(pr, vrrp.TrackRef{Name: "p", Weight: -254, WeightSet: true, Reverse: true}), nil},
		{"process weight out of range", refsIn("track_process", "p weight -255"), refsAre(pr, vrrp.TrackRef{Name: "p"}),
			[]want{warnAt(refLine, "outside range"), warnAt(refLine, "(VI_1) weight for track process p must be in [-254..254] inclusive")}},
		{"process unknown weight word keeps", refsIn("track_process", "p weight 2 up"), refsAre(pr, vrrp.TrackRef{Name: "p", Weight: 2, WeightSet: true}),
			[]want{warnAt(refLine, "(VI_1) unknown track_process p weight option up - ignoring")}},
		{"process duplicate", refsIn("track_process", "p", "p weight 1"), refsAre(pr, vrrp.TrackRef{Name: "p"}),
			[]want{warnAt(refLine+1, "(VI_1) duplicate track_process p - ignoring")}},
		{"process not defined", refsIn("track_process", "q"), refsAre(pr), []want{warnAt(refLine, "(VI_1) track process q not found, ignoring...")}},
	})
}

func TestTrackInterfaceReferences(t *testing.T) {
	ifs := func(want ...vrrp.TrackInterface) func(*Config) bool {
		return in0(func(i vrrp.Instance) bool { return slices.Equal(i.TrackInterfaces, want) })
	}
	l := instBody + 1
	ti := func(entries ...string) string {
		return inst("track_interface {\n" + strings.Join(entries, "\n") + "\n}")
	}
	runSemRows(t, []semRow{
		{"plain", ti("eth1"), ifs(vrrp.TrackInterface{Name: "eth1"}), nil},
		{"weight reverse", ti("eth1 weight -253 reverse"), ifs(vrrp.TrackInterface{Name: "eth1", Weight: -253, Reverse: true}), nil},
		{"254 becomes 253", ti("eth1 weight 254"), ifs(vrrp.TrackInterface{Name: "eth1", Weight: 253}),
			[]want{warnAt(l, "(VI_1) weight for eth1 cannot be +/-254. Setting to +/-253")}},
		{"out of range tracks with 0", ti("eth1 weight 300 reverse"), ifs(vrrp.TrackInterface{Name: "eth1", Reverse: true}),
			[]want{warnAt(l, "outside range [-254, 254]"), warnAt(l, "(VI_1) weight 300 for eth1 must be between [-253..253] inclusive. Ignoring...")}},
		{"noreverse is unknown here", ti("eth1 weight 5 noreverse"), ifs(vrrp.TrackInterface{Name: "eth1", Weight: 5}),
			[]want{warnAt(l, "(VI_1) unknown track_interface eth1 weight option noreverse - ignoring")}},
		{"unknown option drops", ti("eth1 foo", "eth1 weight 5"), ifs(vrrp.TrackInterface{Name: "eth1", Weight: 5}),
			[]want{warnAt(l, "(VI_1) unknown track_interface eth1 option foo - ignoring")}},
		{"weight without value drops", ti("eth1 weight"), ifs(),
			[]want{warnAt(l, "(VI_1) weight without value specified for track_interface eth1 - ignoring")}},
		{"duplicate", ti("eth1 weight 300", "eth1 weight 5"), ifs(vrrp.TrackInterface{Name: "eth1"}),
			[]want{warnAt(l, "outside range"), warnAt(l, "must be between [-253..253]"), warnAt(l+1, "(VI_1) duplicate track_interface eth1 - ignoring")}},
		{"missing interface", ti("missing9", "eth1"), ifs(vrrp.TrackInterface{Name: "eth1"}),
			[]want{warnAt(l, "(VI_1) tracked interface missing9 doesn't exist"), {Fatal, l, "Non-existent interface specified in configuration"}}},
		{"own interface", ti("eth0 weight 5"), ifs(), []want{warnAt(1, "(VI_1) Ignoring track_interface eth0 since own interface")}},
	})
}

// An address owner's priority cannot move: weighted trackers go, weight-0
// ones stay, whatever the weight comes from.
func TestAddressOwnerDropsWeightedTrackers(t *testing.T) {
	src := trackDefs + inst("priority 255\ntrack_script {\ns weight 0\n}\ntrack_file {\nf\n}\ntrack_process {\np weight 0\n}\n"+
		"track_interface {\neth1 weight 1\neth2\n}")
	runSemRows(t, []semRow{
		{"owner", src, in0(func(i vrrp.Instance) bool {
			return len(i.TrackScripts) == 1 && len(i.Options().TrackFiles) == 0 && len(i.Options().TrackProcesses) == 1 &&
				slices.Equal(i.TrackInterfaces, []vrrp.TrackInterface{{Name: "eth2"}})
		}), []want{warnAt(13, "(VI_1) ignoring tracked file f with weights due to address_owner"),
			warnAt(13, "(VI_1) ignoring tracked interface eth1 with weights due to address_owner")}},
	})
}
