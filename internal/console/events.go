package console

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// state is every row the stream has sent, as last sent (row id →
// cells): a new listener gets it whole, then the diffs.
type state map[string]row

// hub samples the daemon once per tick while anyone listens, and sends
// each listener the same pre-encoded diff, so 50 browsers cost one read
// and one encoding per second, and nothing when idle.
type hub struct {
	// sample returns the rows that changed since its last call (a
	// removed row maps to nil) and the transitions it saw.
	sample func(context.Context) (map[string]row, []Transition, error)
	tick   time.Duration

	mu      sync.Mutex
	subs    map[chan []byte]bool
	cur     state
	hist    []Transition
	running bool
}

const histMax = 200

func newHub(sample func(context.Context) (map[string]row, []Transition, error), tick time.Duration) *hub {
	return &hub{sample: sample, tick: tick, subs: map[chan []byte]bool{}, cur: state{}}
}

// subscribe returns a channel of diffs and the full current state,
// encoded (nil before the first sample).
func (h *hub) subscribe() (chan []byte, []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	ch := make(chan []byte, 4)
	h.subs[ch] = true
	if !h.running {
		h.running = true
		go h.run()
	}
	if len(h.cur) == 0 {
		return ch, nil
	}
	b, _ := json.Marshal(h.cur)
	return ch, b
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
	d, trans, err := h.sample(ctx)
	if err != nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for id, r := range d {
		if r == nil {
			delete(h.cur, id)
		} else {
			h.cur[id] = r
		}
	}
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

// events is the server-sent event stream: the full current state when
// the hub has one (the page may predate it), then one "diff" per tick
// that changed something, and a comment every 15 s so proxies keep it open.
func (c *Console) events(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		c.fail(w, r, http.StatusInternalServerError, "streaming unsupported")
		return
	}
	ch, full := c.hub.subscribe()
	defer c.hub.unsubscribe(ch)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	fmt.Fprint(w, "retry: 2000\n\n")
	if full != nil { // the page may be older than the hub's last sample
		fmt.Fprintf(w, "event: diff\ndata: %s\n\n", full)
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
