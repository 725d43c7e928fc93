package snmpmib

import "time"

// TrackConf is one tracked object of an instance or sync group, with the
// weight keepalived resolves for it (the track_* entry's, else the
// tracker's own definition's).
type TrackConf struct {
	Name    string
	Weight  int
	Reverse bool
}

// Tracks are the tracked objects by kind, in the tables' order.
type Tracks struct {
	Interfaces, Scripts, Files, BFDs, Processes []TrackConf
}

// trackTables are where KEEPALIVED-MIB keeps each kind, for instances
// and for sync groups, and the name column: the interface tables start
// at column 1, the others at 2.
var trackTables = []struct{ inst, group, name uint32 }{
	{4, 14, 1}, {5, 15, 2}, {12, 16, 2}, {17, 19, 2}, {20, 22, 2},
}

func (t Tracks) byKind() [][]TrackConf {
	return [][]TrackConf{t.Interfaces, t.Scripts, t.Files, t.BFDs, t.Processes}
}

// tracks serves row's tracked objects, indexed by the row's position and
// the object's within its list.
func (b *builder) tracks(row uint32, t Tracks, group bool) {
	for k, list := range t.byKind() {
		tt := trackTables[k]
		table := tt.inst
		if group {
			table = tt.group
		}
		for j, c := range list {
			col := func(c uint32) []uint32 { return KeepalivedVR.Append(table, 1, c, row, uint32(j+1)) }
			b.str(col(tt.name), c.Name)
			b.int(col(tt.name+1), c.Weight)
			b.int(col(tt.name+2), truth(c.Reverse))
		}
	}
}

// ScriptConf is one vrrp_script: vrrpScriptTable's row. The command and
// the result are not served: keepalived prints the command after
// resolving its path, and the snapshot has no script state of its own.
type ScriptConf struct {
	Name       string
	Interval   time.Duration
	Weight     int
	Reverse    bool
	Rise, Fall int
}

// scripts is vrrpScriptTable, by the scripts' order in the file.
func (b *builder) scripts(list []ScriptConf) {
	for i, s := range list {
		col := func(c uint32) []uint32 { return KeepalivedVR.Append(9, 1, c, uint32(i+1)) }
		b.str(col(2), s.Name)
		b.int(col(4), int(s.Interval/time.Second))
		b.int(col(5), s.Weight)
		b.gauge(col(7), uint64(s.Rise))
		b.gauge(col(8), uint64(s.Fall))
		b.int(col(9), truth(s.Reverse))
	}
}
