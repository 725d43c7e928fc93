package vrrp

import (
	"testing"

	"github.com/govrrpd/govrrpd/script"
)

// An instance without notify commands carries no Notify (issue #12: half
// a kilobyte each at thousands of instances); reading one is the zero
// Notify, and setting one makes it.
func TestNotifyMadeOnFirstSet(t *testing.T) {
	var in Instance
	if n := in.Notifies(); !n.IsZero() || in.Notify != nil {
		t.Fatalf("unset: Notifies %+v, Notify %p", n, in.Notify)
	}
	in.NotifyRef().Master = script.Spec{Raw: "/bin/m", Argv: []string{"/bin/m"}}
	if in.Notify == nil || in.Notifies().Master.Raw != "/bin/m" || in.Notify.IsZero() {
		t.Fatalf("after NotifyRef: %+v", in.Notify)
	}
	cp := in
	if cp.NotifyRef() != in.Notify {
		t.Error("a copy of the instance does not share its Notify")
	}
	for name, n := range map[string]Notify{
		"deleted alone": {DeletedSet: true},
		"generic":       {Generic: script.Spec{Raw: "x"}},
		"lower prio":    {MasterRxLowerPri: script.Spec{Argv: []string{"x"}}},
	} {
		if n.IsZero() {
			t.Errorf("%s: IsZero", name)
		}
	}
}

// NewMachine refuses settings confparse would never produce, naming the
// instance and the setting.
func TestNewMachineRefuses(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(*Instance)
		want string
	}{
		{"priority 0", func(in *Instance) { in.Priority = 0 }, "vrrp VI_1: priority 0 is reserved for resigning masters"},
		{"version 4", func(in *Instance) { in.Version = 4 }, "vrrp VI_1: version 4 is not 2 or 3"},
		{"no advert_int", func(in *Instance) { in.AdvertInt = 0 }, "vrrp VI_1: advert_int is not set"},
		{"no down_timer_adverts", func(in *Instance) { in.DownTimerAdverts = 0 }, "vrrp VI_1: down_timer_adverts is not set"},
		{"101 down_timer_adverts", func(in *Instance) { in.DownTimerAdverts = 101 }, "vrrp VI_1: down_timer_adverts 101 is over 100"},
	} {
		in := testInstance("VI_1", 100)
		c.edit(&in)
		if _, err := NewMachine(&in, MachineOptions{}); err == nil || err.Error() != c.want {
			t.Errorf("%s: err %v, want %q", c.name, err, c.want)
		}
	}
	in := testInstance("VI_1", 100)
	in.DownTimerAdverts = 100
	if _, err := NewMachine(&in, MachineOptions{}); err != nil {
		t.Errorf("100 down_timer_adverts: %v", err)
	}
}
