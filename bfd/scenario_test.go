package bfd

import (
	"flag"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden scenario files from the sessions' output")

const outputMark = "# output (go test ./bfd -run TestScenarios -update)"

// simSession is one session of a scenario and what the harness keeps for it.
type simSession struct {
	name   string
	s      *Session
	peer   string
	delay  time.Duration
	timers [numTimers]time.Time
	dead   bool
}

type delivery struct {
	at  time.Time
	to  string
	pkt Packet
}

type step struct {
	line string
	at   time.Duration
	name string
	word string
	args []string
}

// scenario is a parsed scenario file: sessions, links and scripted events.
type scenario struct {
	header   []string
	sessions []*simSession
	steps    []step
	end      time.Duration
	t0       time.Time
	out      []string
	inflight []delivery
}

func (sc *scenario) find(name string) *simSession {
	for _, s := range sc.sessions {
		if s.name == name {
			return s
		}
	}
	return nil
}

func parseScenario(text string) (*scenario, error) {
	sc := &scenario{t0: time.Unix(1_000_000, 0)}
	for n, line := range strings.Split(text, "\n") {
		if line == outputMark {
			break
		}
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(line, "#") {
			sc.header = append(sc.header, line)
			continue
		}
		sc.header = append(sc.header, line)
		if err := sc.parseLine(f); err != nil {
			return nil, fmt.Errorf("line %d: %q: %w", n+1, line, err)
		}
	}
	for len(sc.header) > 0 && sc.header[len(sc.header)-1] == "" {
		sc.header = sc.header[:len(sc.header)-1]
	}
	return sc, nil
}

func (sc *scenario) parseLine(f []string) error {
	switch {
	case f[0] == "session":
		return sc.parseSession(f[1:])
	case f[0] == "link":
		if len(f) < 3 || sc.find(f[1]) == nil || sc.find(f[2]) == nil {
			return fmt.Errorf("want link A B [delay=D] between known sessions")
		}
		d := time.Millisecond
		if kv := keyvals(f[3:]); kv["delay"] != "" {
			var err error
			if d, err = time.ParseDuration(kv["delay"]); err != nil {
				return err
			}
		}
		a, b := sc.find(f[1]), sc.find(f[2])
		a.peer, b.peer, a.delay, b.delay = b.name, a.name, d, d
		return nil
	case strings.HasPrefix(f[0], "t="):
		at, err := time.ParseDuration(strings.TrimPrefix(f[0], "t="))
		if err != nil {
			return err
		}
		if len(sc.steps) > 0 && at < sc.steps[len(sc.steps)-1].at {
			return fmt.Errorf("time goes back to %s", at)
		}
		if len(f) == 2 && f[1] == "end" {
			sc.end = at
			return nil
		}
		if len(f) < 3 || sc.find(f[1]) == nil {
			return fmt.Errorf("want t=TIME SESSION EVENT ...")
		}
		sc.steps = append(sc.steps, step{line: strings.Join(f, " "), at: at, name: f[1], word: f[2], args: f[3:]})
		return nil
	}
	return fmt.Errorf("unknown line")
}

func keyvals(words []string) map[string]string {
	kv := map[string]string{}
	for _, w := range words {
		k, v, ok := strings.Cut(w, "=")
		if !ok {
			v = "true"
		}
		kv[k] = v
	}
	return kv
}

func (sc *scenario) parseSession(f []string) error {
	if len(f) < 1 {
		return fmt.Errorf("want session NAME key=value...")
	}
	cfg := Defaults(f[0])
	kv := keyvals(f[1:])
	discr, err := strconv.ParseUint(kv["discr"], 10, 32)
	if err != nil || discr == 0 {
		return fmt.Errorf("session %s: discr=N (nonzero) is required", f[0])
	}
	if cfg, err = applySettings(cfg, kv); err != nil {
		return err
	}
	sc.sessions = append(sc.sessions, &simSession{name: f[0], s: NewSession(cfg, uint32(discr), 1)})
	return nil
}

// applySettings reads the scenario's key=value spelling of a bfd_instance.
func applySettings(cfg Settings, kv map[string]string) (Settings, error) {
	var err error
	dur := func(k string, p *time.Duration) {
		if v, ok := kv[k]; ok && err == nil {
			*p, err = time.ParseDuration(v)
		}
	}
	num := func(k string, p *int) {
		if v, ok := kv[k]; ok && err == nil {
			*p, err = strconv.Atoi(v)
		}
	}
	dur("min_rx", &cfg.MinRx)
	dur("min_tx", &cfg.MinTx)
	dur("idle_tx", &cfg.IdleTx)
	mult, ttl := int(cfg.Multiplier), int(cfg.TTL)
	num("mult", &mult)
	num("ttl", &ttl)
	num("max_hops", &cfg.MaxHops)
	cfg.Multiplier, cfg.TTL = uint8(mult), uint8(ttl)
	cfg.Passive = cfg.Passive || kv["passive"] == "true"
	cfg.Neighbor = netip.MustParseAddr("192.0.2.1")
	if v, ok := kv["neighbor"]; ok && err == nil {
		cfg.Neighbor, err = netip.ParseAddr(v)
	}
	if err == nil {
		err = cfg.Validate()
	}
	return cfg, err
}

// parsePacket reads "state=Down my=N your=N mult=N tx=D rx=D [P] [F] [D]".
func parsePacket(args []string) (Packet, uint8, error) {
	kv := keyvals(args)
	p := Packet{DetectMult: 3}
	st := map[string]State{"AdminDown": AdminDown, "Down": Down, "Init": Init, "Up": Up}
	var ok bool
	if p.State, ok = st[kv["state"]]; !ok {
		return p, 0, fmt.Errorf("state=%q", kv["state"])
	}
	u := func(k string, def uint64) uint64 {
		if v, err := strconv.ParseUint(kv[k], 10, 32); err == nil {
			return v
		}
		return def
	}
	d := func(k string, def time.Duration) uint32 {
		if v, err := time.ParseDuration(kv[k]); err == nil {
			return us(v)
		}
		return us(def)
	}
	p.MyDisc, p.YourDisc, p.DetectMult = uint32(u("my", 99)), uint32(u("your", 0)), uint8(u("mult", 3))
	p.MinTx, p.MinRx = d("tx", time.Second), d("rx", 50*time.Millisecond)
	p.Poll, p.Final, p.Demand = kv["P"] == "true", kv["F"] == "true", kv["D"] == "true"
	p.Diag = Diag(u("diag", 0))
	return p, uint8(u("ttl", 255)), nil
}

// run replays the scenario: scripted events, then at each instant the
// deliveries and expired timers in a fixed order, until the end time.
func (sc *scenario) run() error {
	end := sc.t0.Add(sc.end)
	next := 0
	for {
		at, kind := end, "end"
		if next < len(sc.steps) && !sc.t0.Add(sc.steps[next].at).After(at) {
			at, kind = sc.t0.Add(sc.steps[next].at), "step"
		}
		di := -1
		for i, d := range sc.inflight {
			if d.at.Before(at) || (kind == "end" && d.at.Equal(at)) {
				at, kind, di = d.at, "rx", i
			}
		}
		var ts *simSession
		var tid TimerID
		for _, s := range sc.sessions {
			for t, when := range s.timers {
				if !when.IsZero() && !s.dead && (when.Before(at) || (kind == "end" && when.Equal(at))) {
					at, kind, ts, tid = when, "timer", s, TimerID(t)
				}
			}
		}
		switch kind {
		case "end":
			sc.summary()
			return nil
		case "step":
			if err := sc.doStep(at, sc.steps[next]); err != nil {
				return fmt.Errorf("%s: %w", sc.steps[next].line, err)
			}
			next++
		case "rx":
			d := sc.inflight[di]
			sc.inflight = slices.Delete(sc.inflight, di, di+1)
			s := sc.find(d.to)
			sc.logf(at, "%s rx %s", s.name, d.pkt)
			acts, err := s.s.Receive(at, d.pkt, s.s.Settings().SendTTL())
			sc.apply(at, s, acts, err)
		case "timer":
			ts.timers[tid] = time.Time{}
			sc.logf(at, "%s timer %s", ts.name, tid)
			sc.apply(at, ts, ts.s.Fire(at, tid), nil)
		}
	}
}

func (sc *scenario) doStep(at time.Time, st step) error {
	s := sc.find(st.name)
	sc.logf(at, "%s %s", st.name, strings.Join(append([]string{st.word}, st.args...), " "))
	switch st.word {
	case "start":
		sc.apply(at, s, s.s.Start(at), nil)
	case "stop":
		sc.apply(at, s, s.s.Stop(at), nil)
	case "kill":
		s.dead, s.timers = true, [numTimers]time.Time{}
	case "rx":
		p, ttl, err := parsePacket(st.args)
		if err != nil {
			return err
		}
		acts, err := s.s.Receive(at, p, ttl)
		sc.apply(at, s, acts, err)
	case "reconfigure":
		cfg, err := applySettings(s.s.Settings(), keyvals(st.args))
		if err != nil {
			return err
		}
		sc.apply(at, s, s.s.Reconfigure(at, cfg), nil)
	default:
		return fmt.Errorf("unknown event %q", st.word)
	}
	return nil
}

func (sc *scenario) apply(at time.Time, s *simSession, acts []Action, err error) {
	if err != nil {
		sc.out = append(sc.out, "   discarded: "+err.Error())
	}
	for _, a := range acts {
		line := "-> " + a.String()
		switch a.Kind {
		case ActArm:
			s.timers[a.Timer] = a.At
			line += " +" + a.At.Sub(at).String()
		case ActStop:
			s.timers[a.Timer] = time.Time{}
		case ActSend:
			if p := sc.find(s.peer); p != nil && !p.dead {
				sc.inflight = append(sc.inflight, delivery{at: at.Add(s.delay), to: p.name, pkt: a.Packet})
			}
		}
		sc.out = append(sc.out, "   "+line)
	}
}

func (sc *scenario) logf(at time.Time, format string, args ...any) {
	sc.out = append(sc.out, fmt.Sprintf("@%s ", at.Sub(sc.t0))+fmt.Sprintf(format, args...))
}

func (sc *scenario) summary() {
	var b strings.Builder
	b.WriteString("=")
	for _, s := range sc.sessions {
		fmt.Fprintf(&b, " %s=%s/%s tx=%s detect=%s", s.name, s.s.State(), s.s.Diag(), s.s.TxInterval(), s.s.DetectTime())
	}
	sc.out = append(sc.out, b.String())
}

func TestScenarios(t *testing.T) {
	files, _ := filepath.Glob("testdata/scenarios/*.txt")
	if len(files) == 0 {
		t.Fatal("no scenarios")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txt"), func(t *testing.T) {
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			sc, err := parseScenario(string(raw))
			if err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			if err := sc.run(); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			got := strings.Join(sc.header, "\n") + "\n\n" + outputMark + "\n" + strings.Join(sc.out, "\n") + "\n"
			if *update {
				if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if got != string(raw) {
				t.Errorf("%s differs from the sessions' output; run with -update and read the diff:\n%s", file, got)
			}
		})
	}
}
