package console

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"sync"
	"time"

	"github.com/govrrpd/govrrpd/internal/status"
)

// row is what the page shows of an instance or real server and the
// stream keeps current.
type row map[string]string

// state is the compact view the stream diffs: row id → cells.
type state map[string]row

// hub samples the snapshot once per tick while anyone listens, and sends
// each listener the same pre-encoded diff, so 50 browsers cost one
// snapshot and one encoding per second, and nothing when idle.
type hub struct {
	sample func(context.Context) (state, []Transition, error)
	tick   time.Duration

	mu      sync.Mutex
	subs    map[chan []byte]bool
	cur     state
	hist    []Transition
	running bool
}

const histMax = 200

func newHub(sample func(context.Context) (state, []Transition, error), tick time.Duration) *hub {
	return &hub{sample: sample, tick: tick, subs: map[chan []byte]bool{}}
}

// subscribe returns a channel of diffs and the full current state.
func (h *hub) subscribe() (chan []byte, state) {
	h.mu.Lock()
	defer h.mu.Unlock()
	ch := make(chan []byte, 4)
	h.subs[ch] = true
	if !h.running {
		h.running = true
		go h.run()
	}
	return ch, h.cur
}

func (h *hub) unsubscribe(ch chan []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.subs, ch)
}

func (h *hub) history() []Transition {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]Transition(nil), h.hist...)
}

// run samples until the last listener leaves.
func (h *hub) run() {
	t := time.NewTicker(h.tick)
	defer t.Stop()
	for {
		h.step()
		<-t.C
		h.mu.Lock()
		if len(h.subs) == 0 {
			h.running = false
			h.mu.Unlock()
			return
		}
		h.mu.Unlock()
	}
}

func (h *hub) step() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	next, trans, err := h.sample(ctx)
	if err != nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	d := diff(h.cur, next)
	h.cur = next
	h.hist = append(h.hist, trans...)
	if len(h.hist) > histMax {
		h.hist = h.hist[len(h.hist)-histMax:]
	}
	if len(d) == 0 {
		return
	}
	b, _ := json.Marshal(d)
	for ch := range h.subs {
		select {
		case ch <- b:
		default: // a slow reader misses a diff; it resyncs on reconnect
		}
	}
}

// diff is the rows of next that differ from cur (a removed row maps to
// nil); the first sample is all rows, for the listeners that came first.
func diff(cur, next state) map[string]row {
	out := map[string]row{}
	for id, r := range next {
		if !maps.Equal(cur[id], r) {
			out[id] = r
		}
	}
	for id := range cur {
		if _, ok := next[id]; !ok {
			out[id] = nil
		}
	}
	return out
}

// sample turns a snapshot into the stream's state and the transitions
// since the last sample.
func (c *Console) sample(ctx context.Context) (state, []Transition, error) {
	d, err := c.b.Snapshot(ctx)
	if err != nil {
		return nil, nil, err
	}
	prev := c.hub.cur
	s := state{"daemon": row{"hash": d.ConfigHash, "reloads": fmt.Sprint(d.ReloadStats.Total)}}
	var trans []Transition
	for _, in := range d.Instances {
		id := "i-" + in.Name
		s[id] = row{"state": in.State, "eprio": fmt.Sprint(in.EffectivePriority), "master": in.MasterAddr,
			"maint": fmt.Sprint(in.Maintenance)}
		if p, ok := prev[id]; ok && p["state"] != in.State {
			trans = append(trans, Transition{At: in.LastTransition, Instance: in.Name, From: p["state"], To: in.State, Reason: in.LastReason})
		}
	}
	for _, vs := range d.VirtualServers {
		for _, rs := range vs.Reals {
			s["r-"+vs.Key+"|"+rs.Key] = realRow(rs)
		}
	}
	return s, trans, nil
}

func realRow(rs status.RealServer) row {
	h := "down"
	if rs.Healthy {
		h = "up"
	}
	if rs.Drained {
		h += ", drained"
	}
	return row{"health": h, "weight": fmt.Sprint(rs.WeightCurrent), "conns": fmt.Sprint(rs.Stats.Conns)}
}

// events is the server-sent event stream: the full current state when
// the hub has one (the page may predate it), then one "diff" per tick
// that changed something, and a comment every 15 s so proxies keep it open.
func (c *Console) events(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		c.fail(w, r, http.StatusInternalServerError, "streaming unsupported")
		return
	}
	ch, cur := c.hub.subscribe()
	defer c.hub.unsubscribe(ch)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	fmt.Fprint(w, "retry: 2000\n\n")
	if cur != nil { // the page may be older than the hub's last sample
		b, _ := json.Marshal(cur)
		fmt.Fprintf(w, "event: diff\ndata: %s\n\n", b)
	}
	fl.Flush()
	keep := time.NewTicker(15 * time.Second)
	defer keep.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case b := <-ch:
			fmt.Fprintf(w, "event: diff\ndata: %s\n\n", b)
		case <-keep.C:
			fmt.Fprint(w, ": keepalive\n\n")
		}
		fl.Flush()
	}
}
