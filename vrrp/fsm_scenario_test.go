package vrrp

import (
	"errors"
	"flag"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden scenario files from the machine's output")

func (sc *scenario) parseEvent(line string, f []string) error {
	at, err := time.ParseDuration(strings.TrimPrefix(f[0], "t="))
	if err != nil {
		return err
	}
	if n := len(sc.events); n > 0 && at < sc.lastAt() {
		return fmt.Errorf("time goes back to %s", at)
	}
	if len(f) < 3 {
		return errors.New("t=TIME INSTANCE EVENT ...")
	}
	i := sc.instIndex(f[1])
	if i < 0 {
		return fmt.Errorf("unknown instance %q", f[1])
	}
	ev, err := parseEventWords(f[2], f[3:], &sc.insts[i].inst)
	if err != nil {
		return fmt.Errorf("%s: %w", f[2], err)
	}
	sc.events = append(sc.events, scenarioEvent{line: line, at: at, inst: f[1], ev: ev})
	return nil
}

func (sc *scenario) lastAt() time.Duration {
	for i := len(sc.events) - 1; i >= 0; i-- {
		if sc.events[i].at >= 0 {
			return sc.events[i].at
		}
	}
	return 0
}

func parseEventWords(word string, args []string, in *Instance) (Event, error) {
	arg := func(i int) string {
		if i < len(args) {
			return args[i]
		}
		return ""
	}
	switch word {
	case "startup":
		return Startup(), nil
	case "shutdown":
		switch arg(0) {
		case "":
			return Shutdown(), nil
		case "handover":
			return ShutdownHandover(), nil
		}
		return Event{}, fmt.Errorf("want shutdown [handover], got %q", arg(0))
	case "advert":
		return parseAdvert(args, in)
	case "timer":
		for t := range numTimers {
			if t.String() == arg(0) {
				return TimerFired(t), nil
			}
		}
		return Event{}, fmt.Errorf("unknown timer %q", arg(0))
	case "priority":
		p, err := strconv.ParseUint(arg(0), 10, 8)
		return PriorityChanged(uint8(p)), err
	case "maintenance":
		return Maintenance(arg(0) == "on"), onOff(arg(0))
	case "iface":
		return InterfaceState(arg(0) == "up"), upDown(arg(0))
	case "track":
		kind, ok := ParseTrackKind(arg(0))
		if !ok {
			return Event{}, fmt.Errorf("unknown tracker kind %q", arg(0))
		}
		if v, ok := strings.CutPrefix(arg(2), "value="); ok {
			n, err := strconv.Atoi(v)
			return TrackerValue(arg(1), n), err
		}
		return TrackerUp(kind, arg(1), arg(2) == "up"), upDown(arg(2))
	case "group":
		for c := GroupFaultOn; c <= GroupBackup; c++ {
			if c.String() == arg(0) {
				return SyncGroupCommand(c), nil
			}
		}
		return Event{}, fmt.Errorf("unknown group command %q", arg(0))
	}
	return Event{}, errors.New("unknown event")
}

func upDown(s string) error {
	if s != "up" && s != "down" {
		return fmt.Errorf("want up or down, got %q", s)
	}
	return nil
}

func parseAdvert(args []string, in *Instance) (Event, error) {
	ev := AdvertReceived(netip.Addr{}, 0, in.AdvertInt, int(in.Version))
	prioSet := false
	for _, a := range args {
		k, v, _ := splitKV(a)
		var err error
		switch k {
		case "src":
			ev.Src, err = netip.ParseAddr(v)
		case "prio":
			var p uint64
			p, err = strconv.ParseUint(v, 10, 8)
			ev.Priority, prioSet = uint8(p), true
		case "int":
			ev.Interval, err = time.ParseDuration(v)
		case "ver":
			ev.Version, err = strconv.Atoi(v)
		default:
			err = errors.New("unknown key")
		}
		if err != nil {
			return ev, fmt.Errorf("%s: %w", k, err)
		}
	}
	if !ev.Src.IsValid() || !prioSet {
		return ev, errors.New("advert needs src= and prio=")
	}
	return ev, nil
}

// scenarioRun holds the machines of a replay.
type scenarioRun struct {
	sc       *scenario
	machines []*Machine
	groupOf  []int // per instance: index into groups, or -1
	memberIx []int // per instance: index within its group
	groups   []*SyncGroupMachine
}

func buildScenario(sc *scenario) (*scenarioRun, error) {
	r := &scenarioRun{sc: sc}
	for i := range sc.insts {
		r.groupOf = append(r.groupOf, -1)
		r.memberIx = append(r.memberIx, 0)
		for g, gr := range sc.groups {
			for k, name := range gr.members {
				if name == sc.insts[i].inst.Name {
					r.groupOf[i], r.memberIx[i] = g, k
				}
			}
		}
	}
	for i, si := range sc.insts {
		var sg *SyncGroup
		if g := r.groupOf[i]; g >= 0 {
			sg = &sc.groups[g].sg
		}
		tr, err := NewTracking(&si.inst, sg, sc.defs)
		if err != nil {
			return nil, err
		}
		m, err := NewMachine(&si.inst, MachineOptions{Addr: si.addr, Tracking: tr})
		if err != nil {
			return nil, err
		}
		r.machines = append(r.machines, m)
	}
	for _, gr := range sc.groups {
		var ms []*Machine
		for _, name := range gr.members {
			ms = append(ms, r.machines[sc.instIndex(name)])
		}
		g, err := NewSyncGroupMachine(&gr.sg, ms)
		if err != nil {
			return nil, err
		}
		r.groups = append(r.groups, g)
	}
	return r, nil
}

// replay runs every event and renders the scenario with its output.
func (r *scenarioRun) replay() string {
	var b strings.Builder
	for _, h := range r.sc.header {
		b.WriteString(h + "\n")
	}
	for _, e := range r.sc.events {
		b.WriteString(e.line + "\n")
		if e.at < 0 {
			continue
		}
		now := t0.Add(e.at)
		i := r.sc.instIndex(e.inst)
		if g := r.groupOf[i]; g >= 0 {
			for _, ma := range r.groups[g].Handle(now, r.memberIx[i], e.ev) {
				who := "group " + r.groups[g].Name()
				if ma.Member != GroupMember {
					who = r.groups[g].Members()[ma.Member].Name()
				}
				fmt.Fprintf(&b, "-> %s %s\n", who, ma.Action)
			}
		} else {
			for _, a := range r.machines[i].Handle(now, e.ev) {
				fmt.Fprintf(&b, "-> %s %s\n", e.inst, a)
			}
		}
		b.WriteString("=")
		for _, m := range r.machines {
			fmt.Fprintf(&b, " %s=%s/%d", m.Name(), m.State(), m.Priority())
		}
		b.WriteString("\n")
	}
	return b.String()
}

func runScenarioText(text string) (string, error) {
	sc, err := parseScenario(text)
	if err != nil {
		return "", err
	}
	r, err := buildScenario(sc)
	if err != nil {
		return "", err
	}
	return r.replay(), nil
}

func TestScenarios(t *testing.T) {
	files, err := filepath.Glob("testdata/scenarios/*.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 40 {
		t.Errorf("only %d scenarios, want at least 40", len(files))
	}
	for _, path := range files {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txt"), func(t *testing.T) {
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(string(raw), "#") {
				t.Errorf("%s: the header must cite the rule under test", path)
			}
			got, err := runScenarioText(string(raw))
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if got != string(raw) {
				t.Errorf("%s differs (rerun with -update to accept):\n%s", path, lineDiff(string(raw), got))
			}
		})
	}
}

// lineDiff shows the first differing lines, enough to see what changed.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\n  want %q\n  got  %q", i+1, wl, gl)
		}
	}
	return "(no difference)"
}

func FuzzScenario(f *testing.F) {
	files, _ := filepath.Glob("testdata/scenarios/*.txt")
	for _, p := range files {
		if raw, err := os.ReadFile(p); err == nil {
			f.Add(string(raw))
		}
	}
	f.Add("instance A prio=100 addr=192.0.2.1\nt=0s A startup\nt=1s A advert src=192.0.2.2 prio=0\n")
	f.Fuzz(func(t *testing.T, text string) {
		out, err := runScenarioText(text)
		if err != nil {
			return
		}
		// the output is itself a valid scenario that replays to itself
		again, err := runScenarioText(out)
		if err != nil {
			t.Fatalf("output does not parse: %v\n%s", err, out)
		}
		if again != out {
			t.Fatalf("replay not stable:\n%s", lineDiff(out, again))
		}
	})
}

func onOff(w string) error {
	if w != "on" && w != "off" {
		return fmt.Errorf("want on or off, got %q", w)
	}
	return nil
}
