//go:build !linux

package track

import "runtime"

// linkWatcher follows interfaces over rtnetlink, which is Linux's.
type linkWatcher struct{}

// startLinks says loudly that track_interface does nothing here; like a
// failed subscription on Linux, the instances keep their last state.
func (p *Probes) startLinks(names []string) {
	p.links = nil
	if len(names) > 0 {
		p.log().Error("track_interface: link monitoring is not supported on "+runtime.GOOS, "interfaces", names)
	}
}

func (*linkWatcher) stop() {}
