package daemon

import "unsafe"

// Thousands of instances are built while the configuration's parse
// garbage is still on the heap. Allocated one by one, each instance and
// machine lands in a small-object span next to that garbage, and once the
// garbage is collected the spans stay in use for the one or two objects
// left in each: the heap in use exceeded the live heap by 3.4–5.5 MB at
// 4,080 instances (docs/scale.md, session 4). A slab hands them out from
// chunks of their own, each a large object with a span to itself, so the
// long-lived objects sit together and start-up garbage pins nothing.

// slabBytes is how large a chunk is: large enough that a chunk is a
// large object (over 32 KiB), small enough that a reload keeping a few
// instances out of a chunk pins little, and a multiple of the heap's
// 8 KiB page, which a large object is rounded up to: with a fixed count of
// objects instead, 128 instances of 392 bytes took 56 KiB, 448 bytes each,
// and a smaller instance saved nothing.
const slabBytes = 64 << 10

// slab hands out zeroed T from chunks, for the objects reserved; others
// are made one by one. An object is never given back to it: it is freed
// with the last live object of its chunk, by the collector, so a slab
// suits objects that live as long as their neighbours (the instances of
// one configuration).
type slab[T any] struct {
	free []T
	left int // reserved objects not yet in a chunk
}

// reserve has the next n objects come from chunks: a configuration's
// instances, counted before they are built.
func (s *slab[T]) reserve(n int) { s.free, s.left = nil, n }

// new returns a zeroed T.
func (s *slab[T]) new() *T {
	if len(s.free) == 0 {
		if s.left == 0 {
			return new(T)
		}
		n := min(s.left, s.chunk())
		s.free, s.left = make([]T, n), s.left-n
	}
	p := &s.free[0]
	s.free = s.free[1:]
	return p
}

// chunk is how many objects a full chunk holds.
func (s *slab[T]) chunk() int {
	var z T
	return max(1, slabBytes/int(unsafe.Sizeof(z)))
}
