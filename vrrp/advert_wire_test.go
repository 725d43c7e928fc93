package vrrp

import (
	"errors"
	"testing"
	"time"
)

func TestGroups(t *testing.T) {
	if Group(IPv4).String() != "224.0.0.18" || Group(IPv6).String() != "ff02::12" {
		t.Errorf("groups %v %v", Group(IPv4), Group(IPv6))
	}
}

func TestVirtualMAC(t *testing.T) {
	tests := []struct {
		f    Family
		vrid uint8
		want string
		err  error
	}{
		{IPv4, 51, "00:00:5e:00:01:33", nil},
		{IPv6, 52, "00:00:5e:00:02:34", nil},
		{IPv4, 255, "00:00:5e:00:01:ff", nil},
		{IPv4, 0, "", ErrVRID},
		{Family(5), 1, "", ErrFamily},
	}
	for _, tc := range tests {
		mac, err := VirtualMAC(tc.f, tc.vrid)
		if !errors.Is(err, tc.err) || (err == nil && mac.String() != tc.want) {
			t.Errorf("VirtualMAC(%d, %d) = %v, %v; want %s, %v", tc.f, tc.vrid, mac, err, tc.want, tc.err)
		}
	}
}

func TestIntervalToWire(t *testing.T) {
	tests := []struct {
		version int
		d       time.Duration
		want    uint16
		err     error
	}{
		{2, time.Second, 1, nil},
		{2, 255 * time.Second, 255, nil},
		{2, 256 * time.Second, 0, ErrInterval},
		{2, 0, 0, ErrInterval},
		{2, 1500 * time.Millisecond, 0, ErrInterval},
		{2, -time.Second, 0, ErrInterval},
		{3, 10 * time.Millisecond, 1, nil},
		{3, 100 * time.Millisecond, 10, nil},
		{3, time.Second, 100, nil},
		{3, 40950 * time.Millisecond, 4095, nil},
		{3, 40960 * time.Millisecond, 0, ErrInterval},
		{3, 15 * time.Millisecond, 0, ErrInterval},
		{3, 0, 0, ErrInterval},
		{1, time.Second, 0, ErrVersion},
	}
	for _, tc := range tests {
		got, err := IntervalToWire(tc.version, tc.d)
		if got != tc.want || !errors.Is(err, tc.err) {
			t.Errorf("IntervalToWire(%d, %v) = %d, %v; want %d, %v", tc.version, tc.d, got, err, tc.want, tc.err)
		}
		if err == nil {
			if back := IntervalFromWire(tc.version, got); back != tc.d {
				t.Errorf("IntervalFromWire(%d, %d) = %v, want %v", tc.version, got, back, tc.d)
			}
		}
	}
	if d := IntervalFromWire(4, 1); d != 0 {
		t.Errorf("unknown version → %v", d)
	}
	a := Advert{Version: 3, Interval: 10}
	if a.IntervalDuration() != 100*time.Millisecond {
		t.Errorf("v3 10 cs = %v", a.IntervalDuration())
	}
}

func TestPassAuthData(t *testing.T) {
	tests := map[string][8]byte{
		"secret12":   {'s', 'e', 'c', 'r', 'e', 't', '1', '2'},
		"secret1234": {'s', 'e', 'c', 'r', 'e', 't', '1', '2'},
		"abc":        {'a', 'b', 'c'},
		"":           {},
	}
	for in, want := range tests {
		if got := PassAuthData(in); got != want {
			t.Errorf("PassAuthData(%q) = %q", in, got)
		}
	}
}
