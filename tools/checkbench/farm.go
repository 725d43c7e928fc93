package main

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
)

// farm is the real servers: one loopback listener per target that records
// when each connection arrived. Counting on the listener side measures any
// checker the same way, whatever its own statistics say.
type farm struct {
	start time.Time
	ls    []net.Listener
	hits  [][]time.Duration // per target, arrival times since start; one writer each
	nSeen atomic.Int64      // targets with at least one check, for progress polls
	total atomic.Int64      // every arrival, likewise
	wg    sync.WaitGroup
}

func startFarm(targets []netip.AddrPort, start time.Time) (*farm, error) {
	f := &farm{start: start, hits: make([][]time.Duration, len(targets))}
	for i, t := range targets {
		l, err := net.Listen("tcp", t.String())
		if err != nil {
			f.close()
			return nil, fmt.Errorf("listener %d of %d: %w", i+1, len(targets), err)
		}
		f.ls = append(f.ls, l)
		f.wg.Add(1)
		go f.serve(i, l)
	}
	return f, nil
}

func (f *farm) serve(i int, l net.Listener) {
	defer f.wg.Done()
	for {
		c, err := l.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue // e.g. EMFILE: the checker sees a timeout, which is the point
		}
		if len(f.hits[i]) == 0 {
			f.nSeen.Add(1)
		}
		f.hits[i] = append(f.hits[i], time.Since(f.start))
		f.total.Add(1)
		c.Close()
	}
}

// seen reports how many targets have had at least one check.
func (f *farm) seen() int { return int(f.nSeen.Load()) }

// close stops every listener and waits for the accept loops, after which
// hits may be read.
func (f *farm) close() {
	for _, l := range f.ls {
		l.Close()
	}
	f.wg.Wait()
}
