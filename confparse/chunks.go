package confparse

// chunked gathers values while a file is read and joins them once at the
// end of Load. Growing one slice by appending re-copies it on every growth
// and, past a few hundred elements, Go grows slices by a quarter at a time:
// the Config's checker list alone allocated five times its final size on a
// 100,000-checker file, and its 400-byte virtual servers moved many times.
// A chunk never moves, so the address add returns stays valid until join.
type chunked[T any] struct {
	parts [][]T
	size  int // values per chunk
	n     int // values added since the last join
}

func (c *chunked[T]) add(v T) *T {
	c.n++
	n := len(c.parts)
	if n == 0 || len(c.parts[n-1]) == cap(c.parts[n-1]) {
		c.parts = append(c.parts, make([]T, 0, c.size))
		n++
	}
	c.parts[n-1] = append(c.parts[n-1], v)
	return &c.parts[n-1][len(c.parts[n-1])-1]
}

// join returns head followed by every value added, in order, in one slice
// of exactly that length, and empties c.
func (c *chunked[T]) join(head []T) []T {
	total := len(head)
	for _, p := range c.parts {
		total += len(p)
	}
	if total == len(head) {
		return head
	}
	out := make([]T, 0, total)
	out = append(out, head...)
	for i, p := range c.parts {
		out = append(out, p...)
		c.parts[i] = nil
	}
	c.parts, c.n = nil, 0
	return out
}
