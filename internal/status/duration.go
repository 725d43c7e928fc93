package status

import (
	"encoding/json"
	"fmt"
	"math"
	"time"
)

// MarshalJSON writes the duration in milliseconds.
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(float64(time.Duration(d)) / float64(time.Millisecond))
}

// UnmarshalJSON reads milliseconds, as MarshalJSON writes them.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var ms float64
	if err := json.Unmarshal(b, &ms); err != nil {
		return fmt.Errorf("duration in milliseconds: %w", err)
	}
	if math.IsNaN(ms) || math.Abs(ms) > float64(math.MaxInt64)/float64(time.Millisecond) {
		return fmt.Errorf("duration %v ms out of range", ms)
	}
	*d = Duration(ms * float64(time.Millisecond))
	return nil
}
